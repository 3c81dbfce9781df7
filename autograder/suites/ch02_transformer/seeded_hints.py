"""Catalogue hints where ``checks.same`` cannot find them by itself.

``checks.same`` explains a wrong output by running each catalogued variant of the function on the
same inputs. Three kinds of test in this suite need a little more:

- functions that draw random numbers (``mask_tokens``, ``nsp_pairs``, ``sample_next_token``,
  ``generate`` when it samples): a variant reproduces a student's output only when it draws from
  the seed the student's call was given, so each variant runs right after the same seeding as the
  sandbox does (torch, ``random`` and NumPy);
- property tests (fractions of masked tokens, causality) whose failure is a sentence rather than a
  difference from the reference: the hint comes from the variant whose output, on the same call,
  equals the student's;
- calls whose student arguments differ from the reference's (``generate`` receives the student's own
  model handle, the reference its twin holding the same weights).

A student whose code draws random numbers in another order than the reference gets no hint from
here, only the property's own message: the hint is the only thing that depends on the draw order.
(ch00_foundations carries a sibling of this module; the pair belongs in ``autograder.checks``.)
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch

from autograder.checks import CheckFailure, compare
from autograder.judge.describe import describe_call
from autograder.judge.reference import ReferenceInstance


def same(student_fn, reference_fn, *args, seed: int = 0, student_args: tuple | None = None,
         rtol: float | None = None, atol: float | None = None, **kwargs) -> Any:
    """Like ``checks.same``, with seeded hints; ``student_args`` replaces ``args`` for the student's
    call only (a student's model handle where the reference gets its own twin). Returns the
    student's output."""
    seed_everything(seed)
    expected = reference_fn(*_clone(args), **_clone(kwargs))
    sent = args if student_args is None else student_args
    got = student_fn.call(sent, kwargs, seed=seed)
    problem = compare(got, expected, rtol=rtol, atol=atol)
    if problem:
        fail(student_fn, reference_fn, args, kwargs, problem, got, seed=seed, shown_args=sent, rtol=rtol, atol=atol)
    return got


def fail(student_fn, reference_fn, args: tuple, kwargs: dict, problem: str, got: Any, *, seed: int = 0,
         shown_args: tuple | None = None, rtol: float | None = None, atol: float | None = None) -> None:
    """Raise the failure for ``problem``, with the hint of a catalogued mistake that, called on
    ``args`` from ``seed``, returns ``got``."""
    label = getattr(student_fn, "label", getattr(student_fn, "__name__", "your function"))
    message = f"{describe_call(label, shown_args if shown_args is not None else args, kwargs)}: {problem}"
    hint = matching_hint(reference_fn, args, kwargs, got, seed=seed, rtol=rtol, atol=atol)
    raise CheckFailure(f"{message}\n{hint}" if hint else message)


def matching_hint(reference_fn, args: tuple, kwargs: dict, got: Any, *, seed: int = 0, rtol: float | None = None,
                  atol: float | None = None) -> str | None:
    """The hint of the first catalogued mistake that, run from ``seed``, gives ``got``."""
    for mistake, run in _variant_calls(reference_fn):
        try:
            seed_everything(seed)
            output = run(*_clone(args), **_clone(kwargs))
        except Exception:
            continue
        if compare(got, output, rtol=rtol, atol=atol) is None:
            return mistake.message()
    return None


def seed_everything(seed: int) -> None:
    """Seed as the sandbox seeds the student's process before a call."""
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _variant_calls(reference_fn):
    """``(mistake, callable)`` for every variant of the reference function or module instance."""
    if not isinstance(reference_fn, ReferenceInstance):
        yield from reference_fn.reference.variants(reference_fn.__name__)
        return
    owner, original = reference_fn.owner, reference_fn.obj
    init_args, init_kwargs = reference_fn.init_args
    for mistake, cls in owner.reference.variants(owner.__name__):
        try:
            twin = cls(*_clone(init_args), **_clone(init_kwargs))
            if isinstance(original, torch.nn.Module):
                dtype = next((p.dtype for p in original.parameters()), None)
                if dtype is not None:
                    twin.to(dtype)
                twin.load_state_dict(original.state_dict())
                twin.train(original.training)
        except Exception:
            continue
        yield mistake, twin


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, list):
        return [_clone(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_clone(v) for v in value)
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    return value
