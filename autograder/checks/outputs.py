"""Checks that compare what student code returns with what the reference returns."""

from __future__ import annotations

import random
from typing import Any, Callable

import numpy as np
import torch

from autograder.checks.compare import compare
from autograder.checks.failure import CheckFailure
from autograder.judge.describe import describe, describe_call


def same(student_fn, reference_fn, *args, method: str | None = None, view: Callable | None = None,
         rtol: float | None = None, atol: float | None = None, check_dtype: bool = True, seed: int | None = 0,
         student_args: tuple | None = None, **kwargs) -> Any:
    """Call both with the same inputs; fail unless the outputs agree. Returns the student's output.

    The reference runs first, on copies of the inputs (so an in-place reference cannot change what
    the student receives), right after seeding torch, numpy and random with ``seed``, as the
    sandbox seeds the student's process. ``method`` calls that method of a module instead of
    ``forward``; ``view`` compares a view of both outputs (e.g. :func:`layout` to compare shapes
    only) and the student's view is returned. ``student_args`` replaces ``args`` in the student's
    call only, where the two sides need their own objects (the student's model handle where the
    reference gets its twin with the same weights). On a mismatch, every catalogued mistake for
    this function is run on the same inputs from the same seed, and the hint of one that
    reproduces the student's output is added.
    """
    reference_call = getattr(reference_fn.obj, method) if method else reference_fn
    student_call = getattr(student_fn, method) if method else student_fn
    seed_everything(seed)
    expected = reference_call(*_clone(args), **_clone(kwargs))
    sent = args if student_args is None else student_args
    got = student_call.call(sent, kwargs, seed=seed)
    if view is not None:
        expected, got = view(expected), view(got)
    problem = compare(got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if problem:
        fail(student_call, reference_fn, args, kwargs, problem, got, method=method, view=view, seed=seed,
             rtol=rtol, atol=atol, shown_args=sent)
    return got


def close(got: Any, expected: Any, *, what: str, rtol: float | None = None, atol: float | None = None,
          check_dtype: bool = True) -> None:
    """Fail unless ``got`` agrees with ``expected``; ``what`` names the value in the message."""
    problem = compare(got, expected, path=what, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if problem:
        raise CheckFailure(problem)


def fail(student_fn, reference_fn, args: tuple, kwargs: dict, problem: str, got: Any, **how) -> None:
    """Raise the failure for ``problem``: the call, the difference, and a hint when a catalogued
    mistake gives ``got``. ``how`` takes ``method``, ``view``, ``seed``, ``rtol`` and ``atol`` as
    :func:`matching_hint` does, and ``shown_args``: the arguments the message shows, when the
    student's call got other objects than the reference's."""
    raise CheckFailure(explain(student_fn, args, kwargs, problem, got, reference_fn, **how))


def explain(student_fn, args: tuple, kwargs: dict, problem: str, got: Any = None, reference_fn=None, *,
            shown_args: tuple | None = None, **how) -> str:
    """The failure message for ``problem`` (see :func:`fail`)."""
    label = getattr(student_fn, "label", getattr(student_fn, "__name__", "your function"))
    message = f"{describe_call(label, args if shown_args is None else shown_args, kwargs)}: {problem}"
    hint = matching_hint(reference_fn, args, kwargs, got, **how) if reference_fn is not None else None
    return f"{message}\n{hint}" if hint else message


def matching_hint(reference_fn, args: tuple, kwargs: dict, got: Any, *, method: str | None = None,
                  view: Callable | None = None, seed: int | None = 0, rtol: float | None = None,
                  atol: float | None = None) -> str | None:
    """The hint of the first catalogued mistake that, run from ``seed`` on these inputs, gives ``got``.

    A student whose code draws random numbers in another order than the reference gets no hint,
    only the check's own message: the hint is the only thing that depends on the draw order.
    """
    variant_calls = getattr(reference_fn, "variant_calls", None)
    if variant_calls is None or got is None:
        return None
    for mistake, run in variant_calls(method):
        try:
            seed_everything(seed)
            output = run(*_clone(args), **_clone(kwargs))
            if view is not None:
                output = view(output)
        except Exception:
            continue
        if compare(got, output, rtol=rtol, atol=atol) is None:
            return mistake.message()
    return None


def layout(value: Any) -> Any:
    """Tensors replaced by ``"dtype[shape]"`` strings, through lists, tuples and dicts (a view for
    :func:`same` that compares shapes and dtypes only)."""
    if isinstance(value, torch.Tensor):
        return describe(value).split(" on ")[0]
    if isinstance(value, (list, tuple)):
        return [layout(v) for v in value]
    if isinstance(value, dict):
        return {k: layout(v) for k, v in value.items()}
    return describe(value)


def seed_everything(seed: int | None) -> None:
    """Seed torch, numpy and random as the sandbox does in the student's process before a call."""
    if seed is None:
        return
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
