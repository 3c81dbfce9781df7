"""The checks library hidden suites are written with.

A suite supplies inputs and expectations; these functions compare and explain. Every failure
is a :class:`CheckFailure` whose message names the call, the inputs' shapes, expected versus got,
and a hint when the output matches a catalogued mistake.
"""

from autograder.checks.compare import compare
from autograder.checks.convergence import accuracy, at_least, at_most, loss_curve, train
from autograder.checks.determinism import deterministic, differs_across_seeds
from autograder.checks.failure import CheckFailure
from autograder.checks.gradients import gradients_match
from autograder.checks.inputs import copy_weights, randint, randn, random_mask, twin_modules
from autograder.checks.outputs import close, explain, fail, layout, matching_hint, same, seed_everything
from autograder.checks.parity import device_agnostic, parity_mode
from autograder.checks.reference_runs import cached_reference_run
from autograder.checks.structure import fails_with, has_parameters, has_signature, shape_is

__all__ = [
    "CheckFailure", "accuracy", "cached_reference_run", "at_least", "at_most", "close", "compare", "copy_weights", "deterministic",
    "device_agnostic", "randint", "randn", "random_mask",
    "differs_across_seeds", "explain", "fails_with", "gradients_match", "has_parameters", "has_signature",
    "fail", "layout", "loss_curve", "matching_hint", "parity_mode", "same", "seed_everything", "shape_is", "train",
    "twin_modules",
]
