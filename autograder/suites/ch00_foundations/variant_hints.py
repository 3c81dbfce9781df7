"""Catalogue hints for outputs that ``checks.same`` cannot match to a mistake by itself.

``checks.same`` finds the catalogued mistake behind a wrong output by running every variant on
the same inputs, but it runs them from whatever state the grader's random generator is in, and
through a module's ``forward`` only. Three kinds of test in this suite need more:

- functions that draw random numbers (``synthetic_data``, ``data_iter``, ``dropout``, an ``MLP``
  in training mode): a variant reproduces a student's output only if it draws from the seed the
  student's call was given, so each variant runs right after seeding with that seed;
- a method other than ``forward`` (``LeNet.activations``);
- a property of the output rather than its values (the shapes of the activations, which do not
  depend on weights that a variant with other layer sizes cannot load): the variant's output goes
  through the same ``view`` as the student's before the comparison.

A student whose code draws random numbers in another order than the reference gets no hint from
here, only the property's own message: the hint is the only thing that depends on the draw order.
"""

from __future__ import annotations

import random
from typing import Any, Callable

import numpy as np
import torch

from autograder.checks import CheckFailure, compare
from autograder.judge.describe import describe, describe_call
from autograder.judge.reference import ReferenceInstance


def layout(value: Any) -> Any:
    """Tensors replaced by ``"dtype[shape]"`` strings, through lists, tuples and dicts."""
    if isinstance(value, torch.Tensor):
        return describe(value).split(" on ")[0]
    if isinstance(value, (list, tuple)):
        return [layout(v) for v in value]
    if isinstance(value, dict):
        return {k: layout(v) for k, v in value.items()}
    return describe(value)


def same(student_fn, reference_fn, *args, method: str | None = None, view: Callable | None = None, seed: int = 0,
         rtol: float | None = None, atol: float | None = None, **kwargs) -> Any:
    """Like ``checks.same``, through ``method`` of a module (when given) and comparing ``view``s
    of the outputs (when given); returns the student's output (its view, with ``view``)."""
    reference_call = getattr(reference_fn.obj, method) if method else reference_fn
    student_call = getattr(student_fn, method) if method else student_fn
    _seed(seed)
    expected = reference_call(*_clone(args), **_clone(kwargs))
    got = student_call.call(args, kwargs, seed=seed)
    if view is not None:
        expected, got = view(expected), view(got)
    problem = compare(got, expected, rtol=rtol, atol=atol)
    if problem:
        fail(student_call, reference_fn, args, kwargs, problem, got, method=method, view=view, seed=seed,
             rtol=rtol, atol=atol)
    return got


def fail(student_fn, reference_fn, args: tuple, kwargs: dict, problem: str, got: Any, **how) -> None:
    """Raise the failure for ``problem``, with the hint of a catalogued mistake that gives ``got``.

    ``how`` takes ``method``, ``view``, ``seed``, ``rtol`` and ``atol`` as :func:`matching_hint` does.
    """
    label = getattr(student_fn, "label", getattr(student_fn, "__name__", "your function"))
    message = f"{describe_call(label, args, kwargs)}: {problem}"
    hint = matching_hint(reference_fn, args, kwargs, got, **how)
    raise CheckFailure(f"{message}\n{hint}" if hint else message)


def matching_hint(reference_fn, args: tuple, kwargs: dict, got: Any, *, method: str | None = None,
                  view: Callable | None = None, seed: int = 0, rtol: float | None = None,
                  atol: float | None = None) -> str | None:
    """The hint of the first catalogued mistake that, run from ``seed``, gives ``got``."""
    for mistake, run in _variant_calls(reference_fn, method):
        try:
            _seed(seed)
            output = run(*_clone(args), **_clone(kwargs))
            if view is not None:
                output = view(output)
        except Exception:
            continue
        if compare(got, output, rtol=rtol, atol=atol) is None:
            return mistake.message()
    return None


def _variant_calls(reference_fn, method: str | None):
    """``(mistake, callable)`` for every variant of the reference function or instance."""
    if not isinstance(reference_fn, ReferenceInstance):
        yield from reference_fn.reference.variants(reference_fn.__name__)
        return
    owner, original = reference_fn.owner, reference_fn.obj
    init_args, init_kwargs = reference_fn.init_args
    for mistake, cls in owner.reference.variants(owner.__name__):
        try:
            twin = cls(*_clone(init_args), **_clone(init_kwargs))
        except Exception:
            continue
        if isinstance(original, torch.nn.Module):
            dtype = next((p.dtype for p in original.parameters()), None)
            if dtype is not None:
                twin.to(dtype)
            try:
                twin.load_state_dict(original.state_dict())
            except Exception:
                pass  # a variant with other layer sizes keeps its own weights: only a view of shapes can match
            twin.train(original.training)
        yield mistake, getattr(twin, method) if method else twin


def _seed(seed: int) -> None:
    """Seed as the sandbox seeds the student's process before a call."""
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_clone(v) for v in value)
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    return value
