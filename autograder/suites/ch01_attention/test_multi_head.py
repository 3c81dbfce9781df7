"""Hidden tests of ``MultiHeadAttention`` and ``CrossModalAttention``."""

import pytest
import torch

from autograder import checks


def _pair(student, reference, *args, seed=0):
    """A reference module and the student's, holding the same weights."""
    return checks.twin_modules(student, reference, "MultiHeadAttention", *args, seed=seed)


@pytest.mark.covers("MultiHeadAttention")
class TestMultiHeadAttention:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are W_q, W_k, W_v, W_o Linear(d_model, d_model), with bias only when asked?"""
        expected = {f"{name}.weight": (8, 8) for name in ("W_q", "W_k", "W_v", "W_o")}
        checks.has_parameters(student.MultiHeadAttention(8, 2, bias=False), expected)
        expected.update({f"{name}.bias": (8,) for name in ("W_q", "W_k", "W_v", "W_o")})
        checks.has_parameters(student.MultiHeadAttention(8, 2), expected)

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_heads(self, student):
        """Does d_model=10 with 3 heads raise ValueError?"""
        checks.fails_with(student.MultiHeadAttention, 10, 3, error="ValueError")

    @pytest.mark.grade(1, "shape")
    def test_shapes(self, student, reference):
        """Is out (B, Lq, d_model) and weights (B, num_heads, Lq, Lk)?"""
        _, theirs = _pair(student, reference, 8, 4)
        out, weights = theirs(checks.randn(2, 3, 8, seed=1), checks.randn(2, 5, 8, seed=2), checks.randn(2, 5, 8, seed=3))
        checks.shape_is(out, (2, 3, 8), what="out")
        checks.shape_is(weights, (2, 4, 3, 5), what="weights")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """With the same weights, do out and the per-head weights match (head h = features h*d_head:(h+1)*d_head)?"""
        ours, theirs = _pair(student, reference, 12, 3, seed=seed)
        q, kv = checks.randn(2, 4, 12, seed=seed), checks.randn(2, 6, 12, seed=seed + 1)
        checks.same(theirs, ours, q, kv, kv)

    @pytest.mark.grade(2, "numerics")
    def test_causal_mask(self, student, reference):
        """Is a (Lq, Lk) causal mask applied in every head?"""
        ours, theirs = _pair(student, reference, 8, 2, seed=4)
        x = checks.randn(2, 5, 8, seed=4)
        checks.same(theirs, ours, x, x, x, torch.ones(5, 5, dtype=torch.bool).tril())

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of query, key, value and all parameters match?"""
        torch.manual_seed(2)
        ours, theirs = reference.MultiHeadAttention(8, 2).double(), student.MultiHeadAttention(8, 2)
        theirs.double()
        checks.copy_weights(theirs, ours)
        args = tuple(checks.randn(2, 3, 8, seed=s, dtype=torch.float64) for s in (1, 2, 3))
        checks.gradients_match(theirs, ours, args, wrt=(0, 1, 2), output=0, arg_names=("query", "key", "value"),
                               params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the module run on the inputs' device?"""
        ours, theirs = _pair(student, reference, 8, 2)
        x = checks.randn(1, 4, 8, seed=9)
        checks.device_agnostic(theirs, ours, x, x, x, torch.ones(4, 4, dtype=torch.bool).tril())


@pytest.mark.covers("CrossModalAttention")
class TestCrossModalAttention:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there text_proj, image_proj and attn (a MultiHeadAttention) of the asked sizes?"""
        expected = {"text_proj.weight": (8, 5), "text_proj.bias": (8,), "image_proj.weight": (8, 7),
                    "image_proj.bias": (8,)}
        expected.update({f"attn.{n}.{p}": (8, 8) if p == "weight" else (8,)
                         for n in ("W_q", "W_k", "W_v", "W_o") for p in ("weight", "bias")})
        checks.has_parameters(student.CrossModalAttention(5, 7, 8, 2), expected)

    @pytest.mark.grade(3, "numerics")
    def test_text_attends_to_image(self, student, reference):
        """Are text tokens the queries and image patches the keys and values?"""
        torch.manual_seed(3)
        ours, theirs = reference.CrossModalAttention(5, 7, 8, 2), student.CrossModalAttention(5, 7, 8, 2)
        checks.copy_weights(theirs, ours)
        checks.same(theirs, ours, checks.randn(2, 3, 5, seed=1), checks.randn(2, 6, 7, seed=2))
