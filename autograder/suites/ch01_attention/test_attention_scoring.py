"""Hidden tests of additive, scaled dot-product and hard attention."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("AdditiveAttention")
class TestAdditiveAttention:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Does it have W_q, W_k and w_v, bias-free, of the asked shapes?"""
        checks.has_parameters(student.AdditiveAttention(6, 4, 8),
                              {"W_q.weight": (8, 6), "W_k.weight": (8, 4), "w_v.weight": (1, 8)})

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """With the reference's weights, are the output and weights the reference's?"""
        torch.manual_seed(seed)
        ours, theirs = reference.AdditiveAttention(6, 4, 8), student.AdditiveAttention(6, 4, 8)
        checks.copy_weights(theirs, ours)
        q, k, v = checks.randn(2, 3, 6, seed=seed), checks.randn(2, 5, 4, seed=seed + 10), checks.randn(2, 5, 3, seed=seed + 20)
        checks.same(theirs, ours, q, k, v, torch.tensor([2, 5]))

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the queries and of every parameter match?"""
        torch.manual_seed(1)
        ours, theirs = reference.AdditiveAttention(6, 4, 8).double(), student.AdditiveAttention(6, 4, 8)
        theirs.double()
        checks.copy_weights(theirs, ours)
        q, k, v = (checks.randn(2, 3, 6, seed=1, dtype=torch.float64), checks.randn(2, 5, 4, seed=2, dtype=torch.float64),
                   checks.randn(2, 5, 3, seed=3, dtype=torch.float64))
        checks.gradients_match(theirs, ours, (q, k, v, torch.tensor([3, 5])), wrt=(0, 1), output=0,
                               arg_names=("queries", "keys"), params=True)


@pytest.mark.covers("scaled_dot_product_attention")
class TestScaledDotProductAttention:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is scaled_dot_product_attention(q, k, v, mask=None) defined, and does it run?"""
        checks.has_signature(student, "scaled_dot_product_attention", ["q", "k", "v", "mask"],
                             example=(checks.randn(1, 2, 4), checks.randn(1, 3, 4), checks.randn(1, 3, 2)))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Are out and weights those of softmax(q k^T / sqrt(d)) v?"""
        q, k, v = checks.randn(2, 4, 8, seed=seed), checks.randn(2, 6, 8, seed=seed + 1), checks.randn(2, 6, 3, seed=seed + 2)
        checks.same(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, q, k, v)

    @pytest.mark.grade(2, "numerics")
    def test_mask_broadcasts_over_batch_and_heads(self, student, reference):
        """Is a (Lq, Lk) mask applied to every batch element and head, True meaning 'may attend'?"""
        q, k, v = checks.randn(2, 3, 4, 8, seed=3), checks.randn(2, 3, 5, 8, seed=4), checks.randn(2, 3, 5, 2, seed=5)
        mask = checks.random_mask(4, 5, seed=6)
        mask[:, 0] = True
        checks.same(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, q, k, v, mask)

    @pytest.mark.grade(2, "numerics")
    def test_fully_masked_query_gets_zero(self, student, reference):
        """Does a query that may attend to nothing get zero weights and a zero output, not NaN?"""
        q, k, v = checks.randn(1, 3, 4, seed=7), checks.randn(1, 4, 4, seed=8), checks.randn(1, 4, 2, seed=9)
        mask = torch.tensor([[True, False, True, False], [False, False, False, False], [True, True, True, True]])
        checks.same(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, q, k, v, mask)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients with respect to q, k and v match?"""
        args = (checks.randn(2, 3, 4, seed=1, dtype=torch.float64), checks.randn(2, 5, 4, seed=2, dtype=torch.float64),
                checks.randn(2, 5, 3, seed=3, dtype=torch.float64))
        checks.gradients_match(student.scaled_dot_product_attention, reference.scaled_dot_product_attention, args,
                               wrt=(0, 1, 2), output=0, arg_names=("q", "k", "v"))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device, mask included?"""
        q, k, v = checks.randn(2, 3, 4, seed=1), checks.randn(2, 5, 4, seed=2), checks.randn(2, 5, 3, seed=3)
        checks.device_agnostic(student.scaled_dot_product_attention, reference.scaled_dot_product_attention,
                               q, k, v, checks.random_mask(3, 5, seed=4))


@pytest.mark.covers("hard_attention")
class TestHardAttention:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("top_k", [1, 3])
    def test_matches_reference(self, student, reference, top_k):
        """Are only each query's top_k keys kept, with softmax renormalised over them?"""
        q, k, v = checks.randn(2, 4, 8, seed=top_k), checks.randn(2, 6, 8, seed=top_k + 1), checks.randn(2, 6, 3, seed=9)
        checks.same(student.hard_attention, reference.hard_attention, q, k, v, top_k=top_k)

    @pytest.mark.grade(1, "numerics")
    def test_all_keys_kept_is_soft_attention(self, student, reference):
        """With top_k equal to the number of keys, is it ordinary scaled dot-product attention?"""
        q, k, v = checks.randn(1, 3, 4, seed=1), checks.randn(1, 5, 4, seed=2), checks.randn(1, 5, 2, seed=3)
        expected = reference.scaled_dot_product_attention(q, k, v)
        checks.close(student.hard_attention(q, k, v, top_k=5), expected, what="hard_attention(top_k=5)")
