"""Checks that compare what student code returns with what the reference returns."""

from __future__ import annotations

from typing import Any

import torch

from autograder.checks.compare import compare
from autograder.checks.failure import CheckFailure
from autograder.judge.describe import describe_call


def same(student_fn, reference_fn, *args, rtol: float | None = None, atol: float | None = None,
         check_dtype: bool = True, seed: int | None = 0, **kwargs) -> Any:
    """Call both with the same inputs; fail unless the outputs agree. Returns the student's output.

    The reference runs first, on copies of the inputs (so an in-place reference cannot change what
    the student receives). On a mismatch, every catalogued mistake for this function is run on the
    same inputs, and the hint of one that reproduces the student's output is added.
    """
    if seed is not None:
        torch.manual_seed(seed)
    expected = reference_fn(*_clone(args), **_clone(kwargs))
    got = student_fn.call(args, kwargs, seed=seed)
    problem = compare(got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if problem:
        raise CheckFailure(explain(student_fn, args, kwargs, problem, got, reference_fn, rtol, atol))
    return got


def close(got: Any, expected: Any, *, what: str, rtol: float | None = None, atol: float | None = None,
          check_dtype: bool = True) -> None:
    """Fail unless ``got`` agrees with ``expected``; ``what`` names the value in the message."""
    problem = compare(got, expected, path=what, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if problem:
        raise CheckFailure(problem)


def explain(student_fn, args: tuple, kwargs: dict, problem: str, got: Any = None, reference_fn=None,
            rtol: float | None = None, atol: float | None = None) -> str:
    """The failure message: the call, the difference, and a hint when a known mistake matches."""
    label = getattr(student_fn, "label", getattr(student_fn, "__name__", "your function"))
    message = f"{describe_call(label, args, kwargs)}: {problem}"
    hint = matching_hint(reference_fn, args, kwargs, got, rtol, atol)
    return f"{message}\n{hint}" if hint else message


def matching_hint(reference_fn, args: tuple, kwargs: dict, got: Any, rtol=None, atol=None) -> str | None:
    """The hint of the first catalogued mistake whose output equals ``got`` on these inputs."""
    mistake_outputs = getattr(reference_fn, "mistake_outputs", None)
    if mistake_outputs is None or got is None:
        return None
    for mistake, output in mistake_outputs(args, kwargs):
        if compare(got, output, rtol=rtol, atol=atol) is None:
            return mistake.message()
    return None


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_clone(v) for v in value)
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    return value
