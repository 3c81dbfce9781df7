"""Hidden tests of RoI pooling and RoI align."""

import pytest
import torch

from autograder import checks
from autograder.suites.ch05_detection import box_inputs as inputs


@pytest.mark.covers("roi_pool")
class TestRoiPool:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is roi_pool(features, rois, output_size, spatial_scale=1.0) defined, and does it run?"""
        checks.has_signature(student, "roi_pool", ["features", "rois", "output_size", "spatial_scale"],
                             example=(checks.randn(1, 2, 8, 8, seed=0), torch.tensor([[0.0, 1.0, 1.0, 6.0, 5.0]]), 2))

    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Is the result (K, C, PH, PW), with output_size given as an int or a pair?"""
        features, rois = checks.randn(2, 3, 10, 10, seed=1), inputs.rois(4, 1, size=40.0, batch=2)
        checks.shape_is(student.roi_pool(features, rois, 3, 0.25), (4, 3, 3, 3), what="roi_pool(..., 3)")
        checks.shape_is(student.roi_pool(features, rois, (2, 5), 0.25), (4, 3, 2, 5), what="roi_pool(..., (2, 5))")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize(("output_size", "scale"), [(7, 0.25), ((3, 5), 0.5)])
    def test_matches_reference(self, student, reference, output_size, scale):
        """On random RoIs (some past the border, some degenerate), is each bin's maximum right?"""
        features, rois = checks.randn(2, 3, 16, 12, seed=2), inputs.rois(10, 3, size=48.0, batch=2)
        checks.same(student.roi_pool, reference.roi_pool, features, rois, output_size, scale)

    @pytest.mark.grade(2, "numerics")
    def test_quantises_and_includes_the_end_cell(self, student, reference):
        """Are coordinates rounded to cells and the end cell included (x2 - x1 + 1 cells wide)?"""
        features = torch.arange(36.0).reshape(1, 1, 6, 6)
        rois = torch.tensor([[0.0, 0.0, 0.0, 2.0, 2.0], [0.0, 1.4, 0.6, 3.6, 3.4], [0.0, 2.0, 1.0, 5.0, 4.0]])
        checks.same(student.roi_pool, reference.roi_pool, features, rois, 2)

    @pytest.mark.grade(1, "numerics")
    def test_bins_outside_the_map_are_zero(self, student, reference):
        """Does an RoI beyond the feature map give zeros (empty bins), not -inf?"""
        features = checks.randn(1, 2, 6, 6, seed=4)
        rois = torch.tensor([[0.0, 8.0, 8.0, 12.0, 12.0], [0.0, -6.0, 2.0, 1.0, 4.0]])
        checks.same(student.roi_pool, reference.roi_pool, features, rois, 3)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Does the gradient reach each bin's maximum, as the reference's does?"""
        features, rois = checks.randn(2, 2, 10, 10, seed=5, dtype=torch.float64), inputs.rois(6, 5, 40.0, 2, torch.float64)
        checks.gradients_match(student.roi_pool, reference.roi_pool, (features, rois, 3, 0.25), wrt=(0,),
                               arg_names=("features",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the features' device?"""
        checks.device_agnostic(student.roi_pool, reference.roi_pool, checks.randn(1, 2, 8, 8, seed=6),
                               inputs.rois(3, 6, size=8.0, batch=1), 2)


@pytest.mark.covers("roi_align")
class TestRoiAlign:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is roi_align(features, rois, output_size, spatial_scale=1.0, sampling_ratio=2, aligned=True) defined?"""
        checks.has_signature(student, "roi_align",
                             ["features", "rois", "output_size", "spatial_scale", "sampling_ratio", "aligned"],
                             example=(checks.randn(1, 2, 8, 8, seed=0), torch.tensor([[0.0, 1.0, 1.0, 6.0, 5.0]]), 2))

    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Is the result (K, C, PH, PW)?"""
        features, rois = checks.randn(2, 3, 10, 10, seed=1), inputs.rois(4, 1, size=40.0, batch=2)
        checks.shape_is(student.roi_align(features, rois, (2, 5), 0.25), (4, 3, 2, 5), what="roi_align(..., (2, 5))")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize(("output_size", "scale", "sampling_ratio"), [(7, 0.25, 2), ((3, 4), 0.5, 1)])
    def test_matches_reference(self, student, reference, output_size, scale, sampling_ratio):
        """With aligned=True, are the averaged bilinear samples right (RoIs past the border included)?"""
        features, rois = checks.randn(2, 3, 16, 12, seed=2), inputs.rois(10, 3, size=48.0, batch=2)
        checks.same(student.roi_align, reference.roi_align, features, rois, output_size, scale, sampling_ratio, True)

    @pytest.mark.grade(2, "numerics")
    def test_not_aligned(self, student, reference):
        """With aligned=False, no half-cell shift and RoIs at least 1 cell: is it right?"""
        features, rois = checks.randn(2, 3, 12, 12, seed=3), inputs.rois(8, 4, size=12.0, batch=2)
        checks.same(student.roi_align, reference.roi_align, features, rois, 3, 1.0, 3, False)

    @pytest.mark.grade(1, "numerics")
    def test_hand_computed_bilinear_samples(self, student, reference):
        """On a linear ramp, does each bin average its samples at the sub-cell centres?"""
        features = torch.arange(8.0).reshape(1, 1, 1, 8).expand(1, 1, 4, 8).contiguous()
        rois = torch.tensor([[0.0, 1.0, 0.0, 5.0, 4.0], [0.0, 0.0, 0.0, 8.0, 4.0]])
        checks.same(student.roi_align, reference.roi_align, features, rois, (1, 2), 1.0, 2, True)

    @pytest.mark.grade(1, "api")
    def test_rejects_non_positive_sampling_ratio(self, student):
        """Does sampling_ratio=0 raise ValueError?"""
        checks.fails_with(student.roi_align, checks.randn(1, 1, 4, 4, seed=0), torch.tensor([[0.0, 0.0, 0.0, 2.0, 2.0]]),
                          2, 1.0, 0, error="ValueError")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Does the gradient with respect to the features match?"""
        features, rois = checks.randn(2, 2, 10, 10, seed=5, dtype=torch.float64), inputs.rois(5, 5, 40.0, 2, torch.float64)
        checks.gradients_match(student.roi_align, reference.roi_align, (features, rois, 4, 0.25, 2, True), wrt=(0,),
                               arg_names=("features",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the features' device?"""
        checks.device_agnostic(student.roi_align, reference.roi_align, checks.randn(1, 2, 8, 8, seed=6),
                               inputs.rois(3, 6, size=8.0, batch=1), 2)
