"""Comparing a student's value with the expected one, and saying exactly how they differ.

``compare`` walks tuples, lists and dicts in step and returns the first difference as a sentence
(or None when they agree): a wrong type or length, a shape, a dtype, a device, or values, with
how many elements differ, the worst absolute and relative error and where.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from autograder.checks.failure import current
from autograder.checks.tolerances import default_tolerances
from autograder.judge.describe import describe


def compare(got: Any, expected: Any, *, path: str = "output", rtol: float | None = None,
            atol: float | None = None, check_dtype: bool = True) -> str | None:
    """The first difference between ``got`` and ``expected``, as a sentence, or None."""
    if isinstance(expected, torch.Tensor):
        return _compare_tensor(got, expected, path, rtol, atol, check_dtype)
    if isinstance(expected, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"{path} should be a numpy array, got {describe(got)}"
        return _compare_tensor(torch.from_numpy(got), torch.from_numpy(expected), path, rtol, atol, check_dtype)
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return f"{path} should be a {type(expected).__name__} of {len(expected)} items, got {describe(got)}"
        if len(got) != len(expected):
            return f"{path} should have {len(expected)} items, got {len(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, path=f"{path}[{i}]", rtol=rtol, atol=atol, check_dtype=check_dtype)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{path} should be a dict, got {describe(got)}"
        if set(got) != set(expected):
            missing, extra = sorted(map(str, set(expected) - set(got))), sorted(map(str, set(got) - set(expected)))
            return f"{path} has the wrong keys (missing {missing}, unexpected {extra})"
        for key in expected:
            problem = compare(got[key], expected[key], path=f"{path}[{key!r}]", rtol=rtol, atol=atol,
                              check_dtype=check_dtype)
            if problem:
                return problem
        return None
    if isinstance(expected, float) or (isinstance(expected, int) and isinstance(got, float)):
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return f"{path} should be a number, got {describe(got)}"
        r, a = (rtol if rtol is not None else 1e-7), (atol if atol is not None else 1e-7)
        if math.isnan(expected) and math.isnan(got):
            return None
        if not abs(got - expected) <= a + r * abs(expected):
            return f"{path} is {got!r}" + (f", expected {expected!r}" if current.get().reveal_expected else "")
        return None
    if got != expected or type(got) is not type(expected):
        shown = f", expected {expected!r}" if current.get().reveal_expected else ""
        return f"{path} is {describe(got)}{shown}"
    return None


def _compare_tensor(got: Any, expected: torch.Tensor, path: str, rtol, atol, check_dtype: bool) -> str | None:
    if not isinstance(got, torch.Tensor):
        return f"{path} should be a tensor {describe(expected)}, got {describe(got)}"
    if tuple(got.shape) != tuple(expected.shape):
        return f"{path} has shape {list(got.shape)}, expected {list(expected.shape)}"
    if check_dtype and got.dtype != expected.dtype:
        return f"{path} has dtype {str(got.dtype).replace('torch.', '')}, expected {str(expected.dtype).replace('torch.', '')}"
    if got.device.type == "meta" or expected.device.type == "meta":
        return None
    default_rtol, default_atol = default_tolerances(expected.dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    g = got.detach().to("cpu", torch.float64 if not expected.is_complex() else torch.complex128)
    e = expected.detach().to("cpu", g.dtype)
    if g.numel() == 0:
        return None
    both_nan = torch.isnan(g) & torch.isnan(e)
    both_same_inf = torch.isinf(g) & torch.isinf(e) & (g == e)
    error = (g - e).abs()
    bad = ~(error <= atol + rtol * e.abs()) & ~both_nan & ~both_same_inf
    count = int(bad.sum())
    if count == 0:
        return None
    error = torch.where(bad, error.nan_to_num(nan=math.inf), torch.zeros_like(error))
    flat = int(error.reshape(-1).argmax())
    index = tuple(int(i) for i in np.unravel_index(flat, tuple(e.shape))) if e.dim() else ()
    worst_got, worst_expected = g[index].item(), e[index].item()
    relative = abs(worst_got - worst_expected) / abs(worst_expected) if worst_expected else math.inf
    message = (f"{path}: {count} of {e.numel()} elements differ (rtol {rtol:g}, atol {atol:g}); worst at index "
               f"{list(index)}: absolute error {abs(worst_got - worst_expected):.3g}, relative {relative:.3g}")
    if math.isnan(worst_got):
        message += "; your value there is NaN"
    elif current.get().reveal_expected:
        message += f"; expected {worst_expected:.6g}, got {worst_got:.6g}"
    return message
