"""Shape mismatches, read out of test messages."""

from __future__ import annotations

import torch

from autograder.checks.compare import compare
from autograder.reports.shapes import MAX_DIAGRAMS, ShapeMismatch, find_shape_mismatches


def test_reads_the_sentence_compare_writes():
    """Does it read back the shape sentence of autograder.checks.compare, with its path?"""
    message = compare((torch.zeros(2, 5, 3),), (torch.zeros(2, 3, 5),))
    assert find_shape_mismatches(f"f(float32[2, 3]): {message}") == [ShapeMismatch("output[0]", (2, 5, 3), (2, 3, 5))]


def test_marks_the_dimensions_that_differ():
    """Are the differing dimensions, and those only one shape has, the ones marked?"""
    mismatch = ShapeMismatch("out", (2, 5, 3), (2, 3))
    assert [mismatch.differs_at(i) for i in range(3)] == [False, True, True]


def test_scalars_duplicates_and_floods():
    """Are 0-d shapes read, repeats dropped, and at most a few diagrams made per message?"""
    assert find_shape_mismatches("loss has shape [], expected [1]") == [ShapeMismatch("loss", (), (1,))]
    many = "\n".join(f"p{i} has shape [{i}], expected [9]" for i in range(10)) + "\np0 has shape [0], expected [9]"
    assert len(find_shape_mismatches(many)) == MAX_DIAGRAMS
    assert find_shape_mismatches("no shapes here") == []
