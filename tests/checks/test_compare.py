import math

import pytest
import torch

from autograder.checks.compare import compare
from autograder.checks.failure import GradingContext, current


def test_equal_values_agree():
    """Do identical nested outputs compare equal?"""
    value = (torch.ones(2, 3), {"a": [1, 2.0]})
    assert compare(value, value) is None


def test_shape_difference_is_named():
    """Is a wrong shape reported with both shapes and the path into the output?"""
    problem = compare((torch.zeros(2, 3), torch.zeros(3, 2)), (torch.zeros(2, 3), torch.zeros(2, 3)))
    assert problem == "output[1] has shape [3, 2], expected [2, 3]"


def test_dtype_difference_is_named():
    """Is a wrong dtype reported before values are compared?"""
    assert "dtype float64, expected float32" in compare(torch.zeros(2, dtype=torch.float64), torch.zeros(2))


def test_value_difference_reports_count_worst_error_and_index():
    """Does a value mismatch say how many elements differ, the worst error and where?"""
    expected = torch.zeros(2, 3)
    got = expected.clone()
    got[1, 2] = 0.5
    got[0, 0] = 0.1
    problem = compare(got, expected)
    assert "2 of 6 elements differ" in problem and "index [1, 2]" in problem and "expected 0, got 0.5" in problem


def test_hidden_tests_do_not_print_expected_values():
    """In a hidden test, does the message omit the expected value?"""
    token = current.set(GradingContext(reveal_expected=False))
    try:
        problem = compare(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))
    finally:
        current.reset(token)
    assert "index [1]" in problem and "expected 3" not in problem


def test_nan_where_a_number_is_expected_is_called_out():
    """Is a NaN in the student's output reported as NaN?"""
    assert "NaN" in compare(torch.tensor([math.nan]), torch.tensor([0.0]))


def test_float32_tolerances_follow_assert_close():
    """Are differences within torch.testing.assert_close's float32 tolerances accepted, and larger ones not?"""
    expected = torch.tensor([1.0, 100.0])
    assert compare(expected + torch.tensor([5e-6, 1e-4]), expected) is None
    assert compare(expected + torch.tensor([0.0, 1e-3]), expected) is not None


@pytest.mark.parametrize(("got", "expected"), [([1, 2], [1, 2, 3]), ({"a": 1}, {"b": 1}), (1.0, 2.0), ("x", 1)])
def test_structural_differences(got, expected):
    """Are wrong lengths, keys, numbers and types all reported?"""
    assert compare(got, expected) is not None
