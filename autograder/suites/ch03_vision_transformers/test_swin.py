"""Hidden tests of the Swin pieces: windows, relative positions, the shifted-window mask,
window attention, (shifted) window multi-head self-attention and patch merging."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("window_partition")
class TestWindowPartition:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is window_partition(x, window_size) defined, and does it run?"""
        checks.has_signature(student, "window_partition", ["x", "window_size"], example=(checks.randn(1, 4, 4, 2), 2))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("shape", "window_size"), [((2, 4, 6, 3), 2), ((1, 9, 6, 2), 3), ((2, 4, 4, 1), 4)])
    def test_matches_reference(self, student, reference, shape, window_size):
        """Are windows row by row over the grid, image by image, each (M, M, C), for tall, wide and one-window maps?"""
        checks.same(student.window_partition, reference.window_partition, checks.randn(*shape, seed=sum(shape)),
                    window_size)

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_size(self, student):
        """Does a 5x4 map with window_size=2 raise ValueError?"""
        checks.fails_with(student.window_partition, checks.randn(1, 5, 4, 2), 2, error="ValueError")

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.window_partition, reference.window_partition, checks.randn(2, 4, 6, 3, seed=1), 2)


@pytest.mark.covers("window_reverse")
class TestWindowReverse:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("B", "H", "W", "M"), [(2, 4, 6, 2), (1, 9, 6, 3)])
    def test_matches_reference(self, student, reference, B, H, W, M):
        """Is each window put back at its place, for maps that are not square?"""
        windows = checks.randn(B * (H // M) * (W // M), M, M, 3, seed=H * W)
        checks.same(student.window_reverse, reference.window_reverse, windows, M, H, W)

    @pytest.mark.grade(1, "numerics")
    def test_inverts_partition(self, student, reference):
        """Given the reference's window_partition(x), does it give back x exactly?"""
        x = checks.randn(2, 6, 9, 4, seed=5)
        got = student.window_reverse(reference.window_partition(x, 3), 3, 6, 9)
        checks.close(got, x, what="window_reverse(window_partition(x, 3), 3, 6, 9)", rtol=0.0, atol=0.0)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.window_reverse, reference.window_reverse, checks.randn(12, 2, 2, 3, seed=2),
                               2, 4, 6)


@pytest.mark.covers("relative_position_index")
class TestRelativePositionIndex:
    @pytest.mark.grade(1, "dtype")
    def test_is_long_square(self, student):
        """Is relative_position_index(3) an int64 (9, 9) tensor?"""
        index = student.relative_position_index(3)
        checks.shape_is(index, (9, 9), what="relative_position_index(3)")
        checks.close(index.dtype, torch.int64, what="relative_position_index(3).dtype")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("window_size", [1, 2, 4, 7])
    def test_matches_reference(self, student, reference, window_size):
        """Is entry (i, j) (y_i - y_j + M - 1)(2M - 1) + (x_i - x_j + M - 1)?"""
        checks.same(student.relative_position_index, reference.relative_position_index, window_size)


@pytest.mark.covers("shifted_window_mask")
class TestShiftedWindowMask:
    @pytest.mark.grade(1, "dtype")
    def test_is_bool_per_window(self, student):
        """Is shifted_window_mask(8, 8, 4, 2) a bool (4, 16, 16) tensor?"""
        mask = student.shifted_window_mask(8, 8, 4, 2)
        checks.shape_is(mask, (4, 16, 16), what="shifted_window_mask(8, 8, 4, 2)")
        checks.close(mask.dtype, torch.bool, what="shifted_window_mask(8, 8, 4, 2).dtype")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("H", "W", "window_size", "shift_size"),
                             [(8, 8, 4, 2), (4, 8, 2, 1), (6, 9, 3, 1), (8, 8, 4, 3)])
    def test_matches_reference(self, student, reference, H, W, window_size, shift_size):
        """May two tokens attend exactly when they wrapped around on the same side, along y and along x?"""
        checks.same(student.shifted_window_mask, reference.shifted_window_mask, H, W, window_size, shift_size)

    @pytest.mark.grade(1, "numerics")
    def test_no_shift_masks_nothing(self, student, reference):
        """With shift_size = 0, is every entry True?"""
        checks.same(student.shifted_window_mask, reference.shifted_window_mask, 8, 12, 4, 0)

    @pytest.mark.grade(1, "api")
    def test_rejects_shift_of_a_whole_window(self, student):
        """Does shift_size = window_size raise ValueError?"""
        checks.fails_with(student.shifted_window_mask, 8, 8, 4, 4, error="ValueError")


@pytest.mark.covers("WindowAttention")
class TestWindowAttention:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Are qkv, proj and relative_position_bias_table the only entries of the state_dict, of the asked shapes?"""
        expected = {"qkv.weight": (24, 8), "qkv.bias": (24,), "proj.weight": (8, 8), "proj.bias": (8,),
                    "relative_position_bias_table": (25, 2)}
        checks.has_parameters(student.WindowAttention(8, 3, 2), expected)

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_heads(self, student):
        """Does dim=10 with 3 heads raise ValueError?"""
        checks.fails_with(student.WindowAttention, 10, 2, 3, error="ValueError")

    @pytest.mark.grade(2, "numerics")
    def test_without_mask(self, student, reference):
        """With the same weights, is it softmax(q k^T / sqrt(d) + B[index]) v, then proj, for every window?"""
        ours, theirs = checks.twin_modules(student, reference, "WindowAttention", 8, 3, 2, seed=1,
                             randomise=("relative_position_bias_table",))
        checks.same(theirs, ours, checks.randn(6, 9, 8, seed=1))

    @pytest.mark.grade(3, "numerics")
    def test_with_shifted_window_mask(self, student, reference):
        """With two images of four windows each, does window b * nW + w use mask w?"""
        ours, theirs = checks.twin_modules(student, reference, "WindowAttention", 8, 4, 2, seed=2,
                             randomise=("relative_position_bias_table",))
        mask = reference.shifted_window_mask(8, 8, 4, 2)
        checks.same(theirs, ours, checks.randn(8, 16, 8, seed=2), mask)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the windows and of every parameter (the bias table included) match?"""
        ours, theirs = checks.twin_modules(student, reference, "WindowAttention", 8, 2, 2, seed=3, double=True,
                             randomise=("relative_position_bias_table",))
        mask = reference.shifted_window_mask(4, 4, 2, 1)
        windows = checks.randn(8, 4, 8, seed=3, dtype=torch.float64)
        checks.gradients_match(theirs, ours, (windows, mask), wrt=(0,), arg_names=("windows",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device (the relative position index moved there too)?"""
        ours, theirs = checks.twin_modules(student, reference, "WindowAttention", 8, 2, 2, seed=4)
        checks.device_agnostic(theirs, ours, checks.randn(8, 4, 8, seed=4), reference.shifted_window_mask(4, 4, 2, 1))


@pytest.mark.covers("ShiftedWindowAttention")
class TestShiftedWindowAttention:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Is attn a WindowAttention(dim, window_size, num_heads)?"""
        expected = {"attn.qkv.weight": (24, 8), "attn.qkv.bias": (24,), "attn.proj.weight": (8, 8),
                    "attn.proj.bias": (8,), "attn.relative_position_bias_table": (9, 2)}
        checks.has_parameters(student.ShiftedWindowAttention(8, 2, 1, 2), expected)

    @pytest.mark.grade(1, "api")
    def test_rejects_shift_of_a_whole_window(self, student):
        """Does shift_size = window_size raise ValueError?"""
        checks.fails_with(student.ShiftedWindowAttention, 8, 2, 2, 2, error="ValueError")

    @pytest.mark.grade(2, "numerics")
    def test_without_shift(self, student, reference):
        """With shift_size = 0 (W-MSA), is every window attended on its own, unmasked?"""
        ours, theirs = checks.twin_modules(student, reference, "ShiftedWindowAttention", 8, 4, 0, 2, seed=5,
                             randomise=("attn.relative_position_bias_table",))
        checks.same(theirs, ours, checks.randn(2, 8, 8, 8, seed=5))

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize(("H", "W", "window_size", "shift_size"), [(8, 8, 4, 2), (6, 9, 3, 1)])
    def test_with_shift(self, student, reference, H, W, window_size, shift_size):
        """With a shift (SW-MSA): roll by -s, masked window attention, reverse, roll back by +s?"""
        ours, theirs = checks.twin_modules(student, reference, "ShiftedWindowAttention", 8, window_size, shift_size, 2,
                             seed=H + W, randomise=("attn.relative_position_bias_table",))
        checks.same(theirs, ours, checks.randn(2, H, W, 8, seed=H * W))

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the map and of every parameter match, with a shift?"""
        ours, theirs = checks.twin_modules(student, reference, "ShiftedWindowAttention", 8, 2, 1, 2, seed=6, double=True,
                             randomise=("attn.relative_position_bias_table",))
        checks.gradients_match(theirs, ours, (checks.randn(2, 4, 6, 8, seed=6, dtype=torch.float64),), wrt=(0,),
                               arg_names=("x",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device (the mask built or moved there)?"""
        ours, theirs = checks.twin_modules(student, reference, "ShiftedWindowAttention", 8, 2, 1, 2, seed=7)
        checks.device_agnostic(theirs, ours, checks.randn(1, 4, 6, 8, seed=7))


@pytest.mark.covers("PatchMerging")
class TestPatchMerging:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Are norm a LayerNorm(4 * dim) and reduction a Linear(4 * dim, 2 * dim) without bias?"""
        expected = {"norm.weight": (24,), "norm.bias": (24,), "reduction.weight": (12, 24)}
        checks.has_parameters(student.PatchMerging(6), expected)

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("H", "W"), [(4, 4), (6, 10)])
    def test_matches_reference(self, student, reference, H, W):
        """Are the 2x2 neighbours concatenated in Swin's order, normalised, then reduced to 2C?"""
        ours, theirs = checks.twin_modules(student, reference, "PatchMerging", 6, seed=H + W, randomise=("norm.weight", "norm.bias"))
        checks.same(theirs, ours, checks.randn(2, H, W, 6, seed=H * W))

    @pytest.mark.grade(1, "api")
    def test_rejects_odd_size(self, student):
        """Does a 5x4 map raise ValueError?"""
        checks.fails_with(student.PatchMerging(6), checks.randn(1, 5, 4, 6), error="ValueError")

    @pytest.mark.grade(1, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the map and of every parameter match?"""
        ours, theirs = checks.twin_modules(student, reference, "PatchMerging", 6, seed=8, double=True,
                             randomise=("norm.weight", "norm.bias"))
        checks.gradients_match(theirs, ours, (checks.randn(2, 4, 6, 6, seed=8, dtype=torch.float64),), wrt=(0,),
                               arg_names=("x",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        ours, theirs = checks.twin_modules(student, reference, "PatchMerging", 6, seed=9)
        checks.device_agnostic(theirs, ours, checks.randn(1, 4, 4, 6, seed=9))
