"""Hidden tests of the stable softmax and cross-entropy."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("softmax")
class TestSoftmax:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is softmax(X) defined, and does it run?"""
        checks.has_signature(student, "softmax", ["X"], example=(checks.randn(2, 3),))

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """On a (4, 5) batch of scores, is each row's softmax right, normalised over the classes?"""
        checks.same(student.softmax, reference.softmax, checks.randn(4, 5, seed=seed))

    @pytest.mark.grade(1, "numerics")
    def test_last_axis_of_any_rank(self, student, reference):
        """For a (2, 3, 5) input, is it normalised over the last axis?"""
        checks.same(student.softmax, reference.softmax, checks.randn(2, 3, 5, seed=2))

    @pytest.mark.grade(2, "numerics")
    def test_large_scores_stay_finite(self, student, reference):
        """Do scores around 1e4 give finite, correct probabilities (each row's max subtracted before exp)?"""
        checks.same(student.softmax, reference.softmax, checks.randn(4, 5, seed=3, scale=1e4))

    @pytest.mark.grade(1, "gradient")
    def test_gradient(self, student, reference):
        """Does autograd through softmax give the reference's gradient?"""
        checks.gradients_match(student.softmax, reference.softmax, (checks.randn(3, 4, seed=4, dtype=torch.float64),),
                               wrt=(0,), arg_names=("X",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.softmax, reference.softmax, checks.randn(3, 4, seed=5))


@pytest.mark.covers("cross_entropy")
class TestCrossEntropy:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is cross_entropy(logits, y) defined, and does it run?"""
        checks.has_signature(student, "cross_entropy", ["logits", "y"],
                             example=(checks.randn(2, 3), torch.tensor([0, 2])))

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Is it the mean over the batch of -log softmax(logits)[y], a scalar (as F.cross_entropy)?"""
        logits, y = checks.randn(6, 4, seed=seed), checks.randint(0, 4, 6, seed=seed + 10)
        checks.same(student.cross_entropy, reference.cross_entropy, logits, y)

    @pytest.mark.grade(2, "numerics")
    def test_large_logits_stay_finite(self, student, reference):
        """With logits around 1e4, is the loss finite and right (log-sum-exp, not log of softmax)?"""
        logits, y = checks.randn(6, 5, seed=7, scale=1e4), checks.randint(0, 5, 6, seed=8)
        checks.same(student.cross_entropy, reference.cross_entropy, logits, y)

    @pytest.mark.grade(1, "gradient")
    def test_gradient(self, student, reference):
        """Is the gradient with respect to the logits the reference's?"""
        logits, y = checks.randn(5, 4, seed=9, dtype=torch.float64), checks.randint(0, 4, 5, seed=10)
        checks.gradients_match(student.cross_entropy, reference.cross_entropy, (logits, y), wrt=(0,),
                               arg_names=("logits",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.cross_entropy, reference.cross_entropy, checks.randn(4, 3, seed=11),
                               checks.randint(0, 3, 4, seed=12))
