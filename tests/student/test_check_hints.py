"""Hints for failed public tests."""

from __future__ import annotations

from autograder.student.hints import authored_message, hint_for


def test_the_test_authors_message_is_the_hint():
    """Is an assert's own message the hint, and not a message of torch.testing.assert_close?"""
    authored = "AssertionError: subtract each row's maximum before exp\nassert False\n +  where False = f()"
    assert authored_message("AssertionError", authored) == "subtract each row's maximum before exp"
    assert hint_for("AssertionError", authored).en == "subtract each row's maximum before exp"
    close = "AssertionError: Tensor-likes are not close!\n\nMismatched elements: 3 / 6 (50.0%)"
    assert authored_message("AssertionError", close) == ""
    assert "formula" in hint_for("AssertionError", close).en


def test_hints_by_kind_of_failure():
    """Do a TODO, a missing name, a device mix-up, NaN, a shape and a crash each get their own hint?"""
    cases = {
        ("NotImplementedError", "NotImplementedError: masked_softmax"): "Not written yet",
        ("AttributeError", "module 'attention' has no attribute 'causal_mask'"): "name is missing",
        ("RuntimeError", "Expected all tensors to be on the same device, but found cuda:0 and cpu"): "devices",
        ("AssertionError", "assert not tensor(True)\n +  where tensor(True) = isnan(...).any()"): "NaN",
        ("AssertionError", "assert (torch.Size([2, 4, 6]) == (2, 4, 3)"): "shape",
        ("Crash", "public test t: the process running your code crashed with signal SIGSEGV"): "crashed",
        ("ValueError", "ValueError: d_model must be divisible"): "raised an exception",
    }
    for (error_type, message), expected in cases.items():
        hint = hint_for(error_type, message)
        assert hint is not None and expected in hint.en, (message, hint)
    assert "你" in hint_for("NotImplementedError", "x").zh
