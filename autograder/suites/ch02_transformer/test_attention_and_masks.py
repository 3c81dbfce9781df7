"""Hidden tests of attention (carried over from chapter 1) and of the padding and causal masks."""

import pytest
import torch

from autograder import checks

PAD = 0


def _tokens_with_padding():
    """Three rows of lengths 5, 2 and 4 (padding at the end)."""
    tokens = checks.randint(4, 20, 3, 5, seed=1)
    tokens[1, 2:] = PAD
    tokens[2, 4:] = PAD
    return tokens


@pytest.mark.covers("scaled_dot_product_attention")
class TestScaledDotProductAttention:
    @pytest.mark.grade(1, "numerics")
    def test_matches_reference(self, student, reference):
        """Are out and weights those of softmax(q k^T / sqrt(d)) v?"""
        q, k, v = checks.randn(2, 4, 8, seed=1), checks.randn(2, 6, 8, seed=2), checks.randn(2, 6, 3, seed=3)
        checks.same(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, q, k, v)

    @pytest.mark.grade(1, "numerics")
    def test_mask_with_fully_masked_query(self, student, reference):
        """Is True 'may attend', and does a query that may attend to nothing get zeros, not NaN?"""
        q, k, v = checks.randn(2, 2, 3, 4, seed=4), checks.randn(2, 2, 4, 4, seed=5), checks.randn(2, 2, 4, 2, seed=6)
        mask = torch.tensor([[True, False, True, False], [False, False, False, False], [True, True, True, True]])
        checks.same(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, q, k, v, mask)


def _mha_pair(student, reference, *args, seed=0):
    return checks.twin_modules(student, reference, "MultiHeadAttention", *args, seed=seed)


@pytest.mark.covers("MultiHeadAttention")
class TestMultiHeadAttention:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are W_q, W_k, W_v, W_o Linear(d_model, d_model) with biases?"""
        expected = {f"{name}.{p}": (8, 8) if p == "weight" else (8,)
                    for name in ("W_q", "W_k", "W_v", "W_o") for p in ("weight", "bias")}
        checks.has_parameters(student.MultiHeadAttention(8, 2), expected)

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_heads(self, student):
        """Does d_model=10 with 3 heads raise ValueError?"""
        checks.fails_with(student.MultiHeadAttention, 10, 3, error="ValueError")

    @pytest.mark.grade(2, "numerics")
    def test_matches_reference_with_padding(self, student, reference):
        """With the same weights and a (B, 1, 1, Lk) key mask, do out and the per-head weights match?"""
        ours, theirs = _mha_pair(student, reference, 12, 3, seed=1)
        q, kv = checks.randn(3, 4, 12, seed=1), checks.randn(3, 5, 12, seed=2)
        mask = (_tokens_with_padding() != PAD)[:, None, None, :]
        checks.same(theirs, ours, q, kv, kv, mask)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the module run on the inputs' device?"""
        ours, theirs = _mha_pair(student, reference, 8, 2, seed=2)
        x = checks.randn(1, 4, 8, seed=9)
        checks.device_agnostic(theirs, ours, x, x, x, torch.ones(4, 4, dtype=torch.bool).tril())


@pytest.mark.covers("padding_mask")
class TestPaddingMask:
    @pytest.mark.grade(1, "dtype")
    def test_is_bool_b_1_1_l(self, student):
        """Is padding_mask(tokens) a bool (B, 1, 1, L) tensor, broadcastable over heads and queries?"""
        mask = student.padding_mask(_tokens_with_padding())
        checks.shape_is(mask, (3, 1, 1, 5), what="padding_mask(tokens)")
        checks.close(mask.dtype, torch.bool, what="its dtype")

    @pytest.mark.grade(2, "numerics")
    def test_hides_padded_keys(self, student, reference):
        """Is it True exactly where the token (the key) is not padding?"""
        checks.same(student.padding_mask, reference.padding_mask, _tokens_with_padding())

    @pytest.mark.grade(1, "numerics")
    def test_other_pad_id(self, student, reference):
        """Is pad_id respected (here 9, with 0 a real token)?"""
        tokens = torch.tensor([[5, 0, 9, 9], [9, 9, 9, 9]])
        checks.same(student.padding_mask, reference.padding_mask, tokens, pad_id=9)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it stay on the tokens' device?"""
        checks.device_agnostic(student.padding_mask, reference.padding_mask, _tokens_with_padding())


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
        """Does position i see every j <= i and never j > i?"""
        checks.same(student.causal_mask, reference.causal_mask, L)

    @pytest.mark.grade(1, "parity")
    def test_device_argument(self, student, reference):
        """Is the mask built on the device it is asked for?"""
        mode = checks.parity_mode()
        device = "cuda" if mode == "cuda" else "meta"
        got = student.causal_mask.call((5,), {"device": device})
        checks.shape_is(got, (5, 5), what=f"causal_mask(5, device={device!r})")
        where = got.device.type if got.device.type == "meta" else getattr(got, "wire_device", "cpu")
        if where != device:
            raise checks.CheckFailure(f"causal_mask(5, device={device!r}) returned a tensor on {where}; create it "
                                      f"with torch.arange(L, device=device)")
        if device == "cuda":
            checks.close(got, reference.causal_mask(5), what=f"causal_mask(5, device={device!r})")


@pytest.mark.covers("target_mask")
class TestTargetMask:
    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Is target_mask(tokens) a bool (B, 1, L, L) tensor?"""
        mask = student.target_mask(_tokens_with_padding())
        checks.shape_is(mask, (3, 1, 5, 5), what="target_mask(tokens)")
        checks.close(mask.dtype, torch.bool, what="its dtype")

    @pytest.mark.grade(2, "numerics")
    def test_causal_and_not_padding(self, student, reference):
        """Is it True exactly where j <= i and key j is not padding?"""
        checks.same(student.target_mask, reference.target_mask, _tokens_with_padding())

    @pytest.mark.grade(1, "numerics")
    def test_padding_inside_the_sequence(self, student, reference):
        """Is a pad in the middle hidden too, and pad_id respected?"""
        tokens = torch.tensor([[7, 1, 7, 5, 6], [4, 5, 1, 1, 1]])
        checks.same(student.target_mask, reference.target_mask, tokens, pad_id=1)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Is the causal part built on the tokens' device?"""
        checks.device_agnostic(student.target_mask, reference.target_mask, _tokens_with_padding())
