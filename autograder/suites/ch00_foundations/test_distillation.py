"""Hidden tests of the distillation loss with a temperature."""

import pytest
import torch

from autograder import checks


def _batch(seed, n=6, classes=5, teacher_scale=3.0, dtype=torch.float32):
    student_logits = checks.randn(n, classes, seed=seed, dtype=dtype)
    teacher_logits = checks.randn(n, classes, seed=seed + 1, scale=teacher_scale, dtype=dtype)
    return student_logits, teacher_logits, checks.randint(0, classes, n, seed=seed + 2)


@pytest.mark.covers("distillation_loss")
class TestDistillationLoss:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5) defined, and does it run?"""
        checks.has_signature(student, "distillation_loss", ["student_logits", "teacher_logits", "labels", "T", "alpha"],
                             example=_batch(0, n=2, classes=3))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("T", "alpha"), [(2.0, 0.5), (4.0, 0.7), (1.0, 0.3)])
    def test_matches_reference(self, student, reference, T, alpha):
        """Is it alpha * T^2 * KL(teacher || student), batch-averaged, plus (1 - alpha) * cross-entropy?"""
        checks.same(student.distillation_loss, reference.distillation_loss, *_batch(int(T * 10)), T=T, alpha=alpha)

    @pytest.mark.grade(1, "numerics")
    def test_soft_term_alone(self, student, reference):
        """With alpha=1, is it T^2 times the KL divergence from the teacher's softened distribution to the student's?"""
        checks.same(student.distillation_loss, reference.distillation_loss, *_batch(3), T=3.0, alpha=1.0)

    @pytest.mark.grade(1, "numerics")
    def test_hard_term_alone(self, student, reference):
        """With alpha=0, is it the cross-entropy of the student's logits (not divided by T) with the labels?"""
        checks.same(student.distillation_loss, reference.distillation_loss, *_batch(4), T=3.0, alpha=0.0)

    @pytest.mark.grade(2, "numerics")
    def test_confident_teacher_stays_finite(self, student, reference):
        """When the teacher's probabilities underflow to 0 (logits around 1e3), is the loss finite and right?"""
        checks.same(student.distillation_loss, reference.distillation_loss, *_batch(5, teacher_scale=1e3), T=2.0,
                    alpha=0.5)

    @pytest.mark.grade(2, "gradient")
    def test_gradient(self, student, reference):
        """Is the gradient with respect to the student's logits the reference's?"""
        checks.gradients_match(student.distillation_loss, reference.distillation_loss, _batch(6, dtype=torch.float64),
                               {"T": 2.5, "alpha": 0.6}, wrt=(0,), arg_names=("student_logits",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.distillation_loss, reference.distillation_loss, *_batch(7))
