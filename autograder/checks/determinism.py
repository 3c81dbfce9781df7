"""Determinism: the same call with the same seed returns bit-identical results."""

from __future__ import annotations

from autograder.checks.compare import compare
from autograder.checks.failure import CheckFailure
from autograder.judge.describe import describe_call


def deterministic(student_fn, *args, seed: int = 0, **kwargs):
    """Call twice with the same seed; fail unless the results are identical. Returns the result."""
    first = student_fn.call(args, kwargs, seed=seed)
    second = student_fn.call(args, kwargs, seed=seed)
    problem = compare(second, first, path="second result", rtol=0.0, atol=0.0)
    if problem:
        label = getattr(student_fn, "label", "your function")
        raise CheckFailure(f"{describe_call(label, args, kwargs)} is not deterministic for a fixed seed: "
                           f"{problem} (compared with the first call). Draw random numbers only from torch's "
                           "seeded generator (or the generator/seed you are given).")
    return first


def differs_across_seeds(student_fn, *args, seeds=(0, 1), **kwargs):
    """Fail when two different seeds give identical results (randomness ignored)."""
    results = [student_fn.call(args, kwargs, seed=s) for s in seeds]
    if compare(results[1], results[0], rtol=0.0, atol=0.0) is None:
        label = getattr(student_fn, "label", "your function")
        raise CheckFailure(f"{describe_call(label, args, kwargs)} returns the same result for seeds {list(seeds)}; "
                           "it should be random")
    return results
