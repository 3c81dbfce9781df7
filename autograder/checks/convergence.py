"""The convergence harness: student code trains, the grader scores held-out predictions.

The student's training function receives training data (inputs and labels) and held-out
*inputs* only; the held-out labels never leave the grader. Training runs seeded and under a
wall-clock budget; the loss curve is kept in the test's record for the report.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.checks.failure import CheckFailure
from autograder.judge.describe import describe
from autograder.sandbox.session import StudentCodeError


def train(train_fn, *args, budget_s: float, record: dict | None = None, seed: int = 0, **kwargs) -> Any:
    """Run the student's training function within ``budget_s`` seconds; return what it returns.

    It must return ``(model, losses)``; ``losses`` (a list or 1-D tensor of numbers) is stored in
    ``record["loss_curve"]``, thinned to :data:`MAX_RECORDED_POINTS` for the report.
    """
    try:
        result = train_fn.call(args, kwargs, seed=seed, timeout=budget_s)
    except StudentCodeError as exc:
        if exc.kind == "timeout":
            raise CheckFailure(f"training did not finish within its budget of {budget_s:g} s on this machine; "
                               "train for fewer steps or with a smaller model") from None
        raise
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise CheckFailure(f"{train_fn.label} should return (model, losses); it returned "
                           f"{describe(result)}")
    losses = loss_curve(result[1])
    if losses is None:
        raise CheckFailure(f"{train_fn.label} should return (model, losses) with losses a list of numbers; "
                           f"losses is {describe(result[1])}")
    if record is not None:
        record["loss_curve"] = recorded_curve(losses)
    return tuple(result)


# A report draws a few hundred points; a million losses would only bloat the results document.
MAX_RECORDED_POINTS = 500


def recorded_curve(losses: list[float], max_points: int = MAX_RECORDED_POINTS) -> list[float]:
    """``losses`` thinned to at most ``max_points`` evenly spaced steps (first and last kept)."""
    if len(losses) <= max_points:
        return losses
    last = len(losses) - 1
    return [losses[round(i * last / (max_points - 1))] for i in range(max_points)]


def loss_curve(losses: Any) -> list[float] | None:
    """A list of floats from what a student returned as losses, or None if it is not one."""
    if isinstance(losses, torch.Tensor) and losses.dim() == 1:
        return [float(v) for v in losses.tolist()]
    if isinstance(losses, (list, tuple)) and all(isinstance(v, (int, float)) for v in losses):
        return [float(v) for v in losses]
    if isinstance(losses, (list, tuple)) and all(isinstance(v, torch.Tensor) and v.numel() == 1 for v in losses):
        return [float(v) for v in losses]
    return None


def at_least(value: float, threshold: float, *, what: str, record: dict | None = None) -> None:
    """Fail unless ``value >= threshold``; the value goes into the record either way."""
    if record is not None:
        record[what] = value
        record[f"{what} threshold"] = threshold
    if not (value >= threshold):
        raise CheckFailure(f"{what} is {value:.4g}; at least {threshold:.4g} is needed")


def at_most(value: float, threshold: float, *, what: str, record: dict | None = None) -> None:
    """Fail unless ``value <= threshold`` (NaN fails)."""
    if record is not None:
        record[what] = value
        record[f"{what} threshold"] = threshold
    if math.isnan(value) or not (value <= threshold):
        raise CheckFailure(f"{what} is {value:.4g}; at most {threshold:.4g} is allowed")


def accuracy(logits: Any, labels: torch.Tensor, *, what: str = "predictions") -> float:
    """Fraction of rows whose arg-max equals the label (logits (N, C), or predicted labels (N,))."""
    if not isinstance(logits, torch.Tensor):
        raise CheckFailure(f"{what} should be a tensor, got {type(logits).__name__}")
    predicted = logits.argmax(dim=-1) if logits.dim() == 2 else logits
    if predicted.shape != labels.shape:
        raise CheckFailure(f"{what} have shape {list(logits.shape)}; expected ({labels.shape[0]}, num_classes) "
                           f"logits or ({labels.shape[0]},) labels")
    return float((predicted.long() == labels).float().mean())
