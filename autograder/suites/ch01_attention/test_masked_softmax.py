"""Hidden tests of ``masked_softmax``."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("masked_softmax")
class TestMaskedSoftmax:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is masked_softmax(X, valid_lens=None) defined, and does it run?"""
        checks.has_signature(student, "masked_softmax", ["X", "valid_lens"], example=(checks.randn(1, 2, 3),))

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_without_lengths_is_plain_softmax(self, student, reference, seed):
        """With valid_lens=None, is it the softmax over keys?"""
        checks.same(student.masked_softmax, reference.masked_softmax, checks.randn(2, 3, 5, seed=seed))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_lengths_per_batch_element(self, student, reference, seed):
        """Do keys at or past valid_lens[b] get weight exactly 0, and the rest sum to 1?"""
        X = checks.randn(3, 4, 6, seed=seed)
        checks.same(student.masked_softmax, reference.masked_softmax, X, torch.tensor([2, 6, 3]))

    @pytest.mark.grade(2, "numerics")
    def test_lengths_per_query_row(self, student, reference):
        """Are (B, Lq) valid lengths applied row by row?"""
        X = checks.randn(2, 3, 5, seed=7)
        checks.same(student.masked_softmax, reference.masked_softmax, X, torch.tensor([[1, 2, 5], [4, 3, 2]]))

    @pytest.mark.grade(2, "numerics")
    def test_zero_length_row_is_all_zero(self, student, reference):
        """Is a row with valid length 0 all zeros, not NaN?"""
        X = checks.randn(2, 2, 4, seed=3)
        checks.same(student.masked_softmax, reference.masked_softmax, X, torch.tensor([[0, 2], [4, 0]]))

    @pytest.mark.grade(1, "numerics")
    def test_large_scores_stay_finite(self, student, reference):
        """Do scores around 1e4 give finite weights (the max is subtracted before exp)?"""
        X = checks.randn(2, 3, 5, seed=4, scale=1e4)
        checks.same(student.masked_softmax, reference.masked_softmax, X, torch.tensor([3, 5]))

    @pytest.mark.grade(2, "gradient")
    def test_gradient(self, student, reference):
        """Does autograd through masked_softmax give the reference's gradient?"""
        X = checks.randn(2, 3, 5, seed=5, dtype=torch.float64)
        checks.gradients_match(student.masked_softmax, reference.masked_softmax, (X, torch.tensor([2, 4])),
                               wrt=(0,), arg_names=("X",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device (CUDA, or meta where there is no GPU)?"""
        checks.device_agnostic(student.masked_softmax, reference.masked_softmax, checks.randn(2, 3, 5, seed=6),
                               torch.tensor([2, 4]))
