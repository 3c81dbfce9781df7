"""Hidden tests of the sparse attention masks."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("causal_mask")
class TestCausalMask:
    @pytest.mark.grade(1, "dtype")
    def test_is_bool_square(self, student):
        """Is causal_mask(L) a bool (L, L) tensor?"""
        mask = student.causal_mask(4)
        checks.shape_is(mask, (4, 4), what="causal_mask(4)")
        checks.close(mask.dtype, torch.bool, what="causal_mask(4).dtype")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("L", [1, 6])
    def test_sees_past_and_itself_only(self, student, reference, L):
        """Does position i see j <= i and never j > i?"""
        checks.same(student.causal_mask, reference.causal_mask, L)


@pytest.mark.covers("local_window_mask")
class TestLocalWindowMask:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("L", "window"), [(6, 1), (7, 2), (3, 0)])
    def test_band(self, student, reference, L, window):
        """Is it True exactly where |i - j| <= window?"""
        checks.same(student.local_window_mask, reference.local_window_mask, L, window)


@pytest.mark.covers("strided_mask")
class TestStridedMask:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("L", "stride"), [(8, 3), (9, 2), (5, 1)])
    def test_pattern(self, student, reference, L, stride):
        """Is it True exactly where j <= i and (i - j < stride or (i - j) % stride == 0)?"""
        checks.same(student.strided_mask, reference.strided_mask, L, stride)
