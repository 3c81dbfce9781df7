"""Hidden tests of the label-smoothed cross-entropy."""

import pytest
import torch

from autograder import checks

IGNORE = -100


def _targets_with_ignored(*shape, classes, seed):
    targets = checks.randint(0, classes, *shape, seed=seed)
    ignored = checks.random_mask(*shape, seed=seed + 1, p=0.3)
    return targets.masked_fill(ignored, IGNORE)


@pytest.mark.covers("label_smoothed_cross_entropy")
class TestLabelSmoothedCrossEntropy:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is label_smoothed_cross_entropy(logits, targets, smoothing=0.1, ignore_index=-100) defined, and does it run?"""
        checks.has_signature(student, "label_smoothed_cross_entropy", ["logits", "targets", "smoothing", "ignore_index"],
                             example=(checks.randn(3, 4), torch.tensor([0, 3, 1])))

    @pytest.mark.grade(1, "shape")
    def test_returns_a_scalar(self, student):
        """Is the loss a 0-dimensional tensor (the mean), not one loss per position?"""
        loss = student.label_smoothed_cross_entropy(checks.randn(2, 3, 5, seed=1), checks.randint(0, 5, 2, 3, seed=2))
        checks.shape_is(loss, (), what="the loss")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("smoothing", [0.1, 0.3])
    def test_matches_reference(self, student, reference, smoothing):
        """Is it (1-e)(-log p_y) + e * mean over all C classes of (-log p_c), averaged over the rows?"""
        logits, targets = checks.randn(6, 7, seed=3, scale=2.0), checks.randint(0, 7, 6, seed=4)
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets,
                    smoothing=smoothing)

    @pytest.mark.grade(1, "numerics")
    def test_no_smoothing_is_cross_entropy(self, student, reference):
        """With smoothing=0, is it the plain cross-entropy?"""
        logits, targets = checks.randn(5, 4, seed=5), checks.randint(0, 4, 5, seed=6)
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets,
                    smoothing=0.0)

    @pytest.mark.grade(2, "numerics")
    def test_ignored_positions_leave_the_mean(self, student, reference):
        """With (B, L, C) logits and ignore_index targets (padding), is the mean taken over the kept positions only?"""
        logits, targets = checks.randn(3, 6, 9, seed=7), _targets_with_ignored(3, 6, classes=9, seed=8)
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets,
                    smoothing=0.2)

    @pytest.mark.grade(1, "numerics")
    def test_other_ignore_index(self, student, reference):
        """Is ignore_index respected when it is not -100 (here 0, as a padding id)?"""
        logits, targets = checks.randn(2, 5, 6, seed=9), torch.tensor([[3, 5, 0, 0, 0], [1, 2, 4, 0, 0]])
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets,
                    smoothing=0.1, ignore_index=0)

    @pytest.mark.grade(1, "numerics")
    def test_every_position_ignored_gives_zero(self, student, reference):
        """When every target is ignored, is the loss 0 rather than NaN?"""
        logits, targets = checks.randn(2, 3, 4, seed=10), torch.full((2, 3), IGNORE)
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets)

    @pytest.mark.grade(1, "numerics")
    def test_large_logits_stay_finite(self, student, reference):
        """Do logits around 1e4 give the right finite loss (log-softmax, not log of softmax)?"""
        logits, targets = checks.randn(4, 6, seed=11, scale=1e4), checks.randint(0, 6, 4, seed=12)
        checks.same(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy, logits, targets)

    @pytest.mark.grade(1, "api")
    def test_rejects_smoothing_outside_0_1(self, student):
        """Does smoothing=1.5 raise ValueError?"""
        checks.fails_with(student.label_smoothed_cross_entropy, checks.randn(2, 3), torch.tensor([0, 1]),
                          smoothing=1.5, error="ValueError")

    @pytest.mark.grade(2, "gradient")
    def test_gradient(self, student, reference):
        """Does the gradient with respect to the logits match, ignored positions included?"""
        logits = checks.randn(3, 4, 5, seed=13, dtype=torch.float64)
        targets = _targets_with_ignored(3, 4, classes=5, seed=14)
        checks.gradients_match(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy,
                               (logits, targets), {"smoothing": 0.2}, wrt=(0,), arg_names=("logits",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.label_smoothed_cross_entropy, reference.label_smoothed_cross_entropy,
                               checks.randn(2, 3, 4, seed=15), _targets_with_ignored(2, 3, classes=4, seed=16))
