"""Hidden tests of anchor generation and of Faster R-CNN's box encoding and decoding."""

import math

import pytest
import torch

from autograder import checks
from autograder.suites.ch05_detection import box_inputs as inputs

WEIGHTS = [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0)]


@pytest.mark.covers("generate_anchors")
class TestGenerateAnchors:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("scales", "ratios"), [((32, 64, 128), (0.5, 1.0, 2.0)), ((10, 25), (0.3, 1.7, 3.0))])
    def test_matches_reference(self, student, reference, scales, ratios):
        """Are the anchors right, ratio-major and rounded to whole pixels?"""
        checks.same(student.generate_anchors, reference.generate_anchors, scales, ratios)

    @pytest.mark.grade(1, "numerics")
    def test_ratio_is_height_over_width(self, student, reference):
        """With scale 16 and ratio 4, is the anchor 8 wide and 32 tall?"""
        checks.same(student.generate_anchors, reference.generate_anchors, (16,), (4.0,))

    @pytest.mark.grade(1, "dtype")
    def test_float32(self, student):
        """Is the result a float32 (A, 4) tensor?"""
        anchors = student.generate_anchors((8, 16), (1.0,))
        checks.shape_is(anchors, (2, 4), what="generate_anchors((8, 16), (1.0,))")
        checks.close(anchors.dtype, torch.float32, what="its dtype")

    @pytest.mark.grade(1, "api")
    def test_rejects_non_positive_ratio(self, student):
        """Does an aspect ratio of 0 raise ValueError?"""
        checks.fails_with(student.generate_anchors, (16,), (0.0, 1.0), error="ValueError")


@pytest.mark.covers("grid_anchors")
class TestGridAnchors:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("grid", "stride"), [((4, 4), (16, 16)), ((3, 5), (8, 12))])
    def test_matches_reference(self, student, reference, grid, stride):
        """Is every base anchor placed at every (x * stride_x, y * stride_y), positions row-major?"""
        base = torch.tensor([[-8.0, -4.0, 8.0, 4.0], [-6.0, -6.0, 6.0, 6.0], [-3.0, -9.0, 3.0, 9.0]])
        checks.same(student.grid_anchors, reference.grid_anchors, base, grid, stride)

    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Is the result (height * width * A, 4)?"""
        base = torch.tensor([[-8.0, -4.0, 8.0, 4.0], [-6.0, -6.0, 6.0, 6.0]])
        checks.shape_is(student.grid_anchors(base, (3, 5), (4, 4)), (30, 4), what="grid_anchors(2 anchors, (3, 5), ...)")

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Are the anchors made on base_anchors' device?"""
        base = torch.tensor([[-8.0, -4.0, 8.0, 4.0], [-6.0, -6.0, 6.0, 6.0]])
        checks.device_agnostic(student.grid_anchors, reference.grid_anchors, base, (2, 3), (8, 8))


@pytest.mark.covers("encode_boxes")
class TestEncodeBoxes:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("weights", WEIGHTS)
    def test_matches_reference(self, student, reference, weights):
        """Are (tx, ty, tw, th) right for random boxes and anchors, with these weights?"""
        gt, anchors = inputs.boxes(10, 1), inputs.boxes(10, 2)
        checks.same(student.encode_boxes, reference.encode_boxes, gt, anchors, weights)

    @pytest.mark.grade(1, "numerics")
    def test_wide_and_tall_boxes(self, student, reference):
        """With boxes much wider than tall (and the reverse), are x and y, w and h kept apart?"""
        gt = torch.tensor([[0.0, 0.0, 40.0, 5.0], [10.0, 0.0, 14.0, 30.0]])
        anchors = torch.tensor([[2.0, 1.0, 22.0, 11.0], [8.0, 4.0, 16.0, 20.0]])
        checks.same(student.encode_boxes, reference.encode_boxes, gt, anchors)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device?"""
        checks.device_agnostic(student.encode_boxes, reference.encode_boxes, inputs.boxes(4, 3), inputs.boxes(4, 4),
                               (10.0, 10.0, 5.0, 5.0))


@pytest.mark.covers("decode_boxes")
class TestDecodeBoxes:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("weights", WEIGHTS)
    def test_matches_reference(self, student, reference, weights):
        """Are the decoded boxes right for random deltas and anchors, with these weights?"""
        deltas, anchors = checks.randn(10, 4, seed=3), inputs.boxes(10, 4)
        checks.same(student.decode_boxes, reference.decode_boxes, deltas, anchors, weights)

    @pytest.mark.grade(1, "numerics")
    def test_inverts_encode(self, student, reference):
        """Does decoding encoded targets give the ground-truth boxes back?"""
        gt, anchors = inputs.boxes(8, 5, dtype=torch.float64), inputs.boxes(8, 6, dtype=torch.float64)
        deltas = reference.encode_boxes(gt, anchors, (10.0, 10.0, 5.0, 5.0))
        checks.close(student.decode_boxes(deltas, anchors, (10.0, 10.0, 5.0, 5.0)), gt,
                     what="decode_boxes(encode_boxes(gt, anchors), anchors)")

    @pytest.mark.grade(1, "numerics")
    def test_clamps_huge_scales(self, student, reference):
        """Are tw / ww and th / wh above `clip` clamped before exp, so that boxes stay finite?"""
        deltas = torch.tensor([[0.0, 0.0, 50.0, 100.0], [0.5, -0.5, 3.0, -20.0]])
        anchors = torch.tensor([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 9.0, 20.0]])
        checks.same(student.decode_boxes, reference.decode_boxes, deltas, anchors, clip=math.log(1000.0 / 16))

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Does the gradient with respect to the deltas match?"""
        deltas, anchors = checks.randn(6, 4, seed=7, dtype=torch.float64), inputs.boxes(6, 8, dtype=torch.float64)
        checks.gradients_match(student.decode_boxes, reference.decode_boxes, (deltas, anchors, (10.0, 10.0, 5.0, 5.0)),
                               wrt=(0,), arg_names=("deltas",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the deltas' device?"""
        checks.device_agnostic(student.decode_boxes, reference.decode_boxes, checks.randn(4, 4, seed=9),
                               inputs.boxes(4, 10))
