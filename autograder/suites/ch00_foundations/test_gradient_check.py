"""Hidden tests of the numerical gradient (central differences).

The function to differentiate cannot cross into the student's process, so the student's code gets
a named probe (``autograder.sandbox.probes``) and the reference the same function itself.
"""

import pytest
import torch

from autograder import checks
from autograder.judge.describe import describe
from autograder.sandbox import probes
from autograder.sandbox.wire import Probe

# Central differences taken at the same points agree to rounding (about 1e-9 here); a one-sided
# difference is off by O(eps) = 1e-6 to 1e-4 on these functions, a missing factor 2 by 100%.
RTOL, ATOL = 1e-6, 1e-7


def _same_gradient(student, reference, name, x, **kwargs):
    expected = reference.numerical_gradient(probes.get(name), x.clone(), **kwargs)
    got = student.numerical_gradient.call((Probe(name), x), kwargs)
    problem = checks.compare(got, expected, rtol=RTOL, atol=ATOL)
    if problem:
        hint = checks.matching_hint(reference.numerical_gradient, (probes.get(name), x), kwargs, got, rtol=RTOL,
                                   atol=ATOL)
        extra = "".join(f", {k}={v!r}" for k, v in kwargs.items())
        raise checks.CheckFailure(f"numerical_gradient({name}, {describe(x)}{extra}): {problem}" +
                                  (f"\n{hint}" if hint else ""))


@pytest.mark.covers("numerical_gradient")
class TestNumericalGradient:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is numerical_gradient(f, x, eps=1e-5) defined, and does it run?"""
        checks.has_signature(student, "numerical_gradient", ["f", "x", "eps"],
                             example=(Probe("cubic_sum"), checks.randn(3, dtype=torch.float64)))

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("name", ["cubic_sum", "sine_sum", "logsumexp", "quadratic_form"])
    def test_matches_reference(self, student, reference, name):
        """For a (3, 4) float64 point, is every entry the central difference (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)?"""
        _same_gradient(student, reference, name, checks.randn(3, 4, seed=1, dtype=torch.float64))

    @pytest.mark.grade(1, "numerics")
    def test_uses_the_given_eps(self, student, reference):
        """With eps=1e-3, is that step used (the cubic's central difference then differs from 3x^2 by eps^2)?"""
        _same_gradient(student, reference, "cubic_sum", checks.randn(2, 3, seed=2, dtype=torch.float64), eps=1e-3)

    @pytest.mark.grade(1, "numerics")
    def test_close_to_the_true_gradient(self, student):
        """For sum(sin(x)), is the result within 1e-8 of cos(x)?"""
        x = checks.randn(5, seed=3, dtype=torch.float64)
        got = student.numerical_gradient.call((Probe("sine_sum"), x))
        # Central differences are off by about eps^2 / 6 = 2e-11 here, one-sided ones by 5e-6.
        checks.close(got, torch.cos(x), what="numerical_gradient(sine_sum, x) against cos(x)", rtol=0.0, atol=1e-8)
