"""Hidden tests of box_area, box_iou, nms and batched_nms."""

import pytest
import torch

from autograder import checks
from autograder.suites.ch05_detection import box_inputs as inputs


@pytest.mark.covers("box_area")
class TestBoxArea:
    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Is each area (x2 - x1) * (y2 - y1), degenerate boxes included?"""
        boxes = inputs.boxes(12, seed, degenerate=0.2)
        checks.same(student.box_area, reference.box_area, boxes)

    @pytest.mark.grade(1, "numerics")
    def test_no_plus_one(self, student, reference):
        """In continuous coordinates, is a 2 x 3 box's area 6 and a flat box's area 0 (no '+1')?"""
        boxes = torch.tensor([[1.0, 1.0, 3.0, 4.0], [5.0, 5.0, 5.0, 9.0]])
        checks.same(student.box_area, reference.box_area, boxes)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device?"""
        checks.device_agnostic(student.box_area, reference.box_area, inputs.boxes(5, 3))


@pytest.mark.covers("box_iou")
class TestBoxIou:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is box_iou(boxes1, boxes2) defined, and does it run?"""
        checks.has_signature(student, "box_iou", ["boxes1", "boxes2"], example=(inputs.boxes(2, 0), inputs.boxes(3, 1)))

    @pytest.mark.grade(1, "shape")
    def test_pairwise_shape(self, student):
        """Is the result (N, M) for N boxes against M boxes, and (0, M) for no box?"""
        checks.shape_is(student.box_iou(inputs.boxes(5, 1), inputs.boxes(3, 2)), (5, 3), what="box_iou(5 boxes, 3 boxes)")
        checks.shape_is(student.box_iou(torch.zeros(0, 4), inputs.boxes(3, 2)), (0, 3), what="box_iou(0 boxes, 3 boxes)")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """On random boxes, some of them degenerate, is every pairwise IoU right?"""
        a, b = inputs.boxes(10, seed, degenerate=0.2), inputs.boxes(8, seed + 20, degenerate=0.2)
        checks.same(student.box_iou, reference.box_iou, a, b)

    @pytest.mark.grade(2, "numerics")
    def test_touching_and_nested_boxes(self, student, reference):
        """Is the IoU of boxes that only share an edge 0, and of a box inside another their area ratio?"""
        a = torch.tensor([[0.0, 0.0, 4.0, 4.0], [10.0, 10.0, 20.0, 20.0]])
        b = torch.tensor([[4.0, 0.0, 8.0, 4.0], [0.0, 4.0, 4.0, 8.0], [12.0, 12.0, 14.0, 16.0]])
        checks.same(student.box_iou, reference.box_iou, a, b)

    @pytest.mark.grade(1, "numerics")
    def test_zero_union_is_zero_not_nan(self, student, reference):
        """Is the IoU of two zero-area boxes 0, not NaN?"""
        flat = torch.tensor([[1.0, 1.0, 1.0, 5.0], [3.0, 3.0, 3.0, 3.0]])
        checks.same(student.box_iou, reference.box_iou, flat, flat)

    @pytest.mark.grade(1, "api")
    def test_rejects_wrong_shape(self, student):
        """Does a (3, 5) input raise ValueError?"""
        checks.fails_with(student.box_iou, torch.zeros(3, 5), inputs.boxes(2, 0), error="ValueError")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients with respect to both sets of boxes match (IoU losses need them)?"""
        a, b = inputs.boxes(4, 5, dtype=torch.float64), inputs.boxes(3, 6, dtype=torch.float64)
        b[0] = a[0] + 1.0  # make sure some pairs overlap
        checks.gradients_match(student.box_iou, reference.box_iou, (a, b), wrt=(0, 1), arg_names=("boxes1", "boxes2"))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device?"""
        checks.device_agnostic(student.box_iou, reference.box_iou, inputs.boxes(4, 1), inputs.boxes(3, 2))


@pytest.mark.covers("nms")
class TestNms:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is nms(boxes, scores, iou_threshold) defined, and does it run?"""
        checks.has_signature(student, "nms", ["boxes", "scores", "iou_threshold"],
                             example=(inputs.boxes(3, 0), inputs.scores(3, 0), 0.5))

    @pytest.mark.grade(1, "dtype")
    def test_returns_int64_indices(self, student):
        """Does it return a 1-D int64 tensor of indices?"""
        kept = student.nms(inputs.clustered_boxes(10, 1), inputs.scores(10, 1), 0.5)
        checks.close(getattr(kept, "dtype", None), torch.int64, what="the dtype of nms(...)")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
    def test_matches_reference(self, student, reference, threshold):
        """On 40 overlapping boxes, are exactly the right boxes kept, by decreasing score?"""
        boxes, scores = inputs.clustered_boxes(40, 2), inputs.scores(40, 3)
        checks.same(student.nms, reference.nms, boxes, scores, threshold)

    @pytest.mark.grade(1, "numerics")
    def test_iou_equal_to_threshold_is_kept(self, student, reference):
        """Is a box whose IoU with a better one equals the threshold kept (suppress only IoU > threshold)?"""
        boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 5.0], [20.0, 20.0, 30.0, 30.0]])
        checks.same(student.nms, reference.nms, boxes, torch.tensor([0.9, 0.8, 0.3]), 0.5)

    @pytest.mark.grade(1, "shape")
    def test_no_box(self, student, reference):
        """Does an empty input give an empty int64 tensor?"""
        checks.same(student.nms, reference.nms, torch.zeros(0, 4), torch.zeros(0), 0.5)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device (indices returned there)?"""
        checks.device_agnostic(student.nms, reference.nms, inputs.clustered_boxes(12, 4), inputs.scores(12, 4), 0.5)


@pytest.mark.covers("batched_nms")
class TestBatchedNms:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """With 3 categories, are the right boxes kept, by decreasing score over all categories?"""
        boxes, scores = inputs.clustered_boxes(40, seed + 10), inputs.scores(40, seed + 11)
        checks.same(student.batched_nms, reference.batched_nms, boxes, scores, inputs.labels(40, seed, 0, 3), 0.5)

    @pytest.mark.grade(2, "numerics")
    def test_categories_do_not_suppress_each_other(self, student, reference):
        """Are two identical boxes of different categories both kept?"""
        boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 10.0, 10.0]])
        checks.same(student.batched_nms, reference.batched_nms, boxes, torch.tensor([0.9, 0.8, 0.7]),
                    torch.tensor([0, 1, 0]), 0.5)

    @pytest.mark.grade(1, "shape")
    def test_no_box(self, student, reference):
        """Does an empty input give an empty int64 tensor?"""
        checks.same(student.batched_nms, reference.batched_nms, torch.zeros(0, 4), torch.zeros(0),
                    torch.zeros(0, dtype=torch.int64), 0.5)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device?"""
        checks.device_agnostic(student.batched_nms, reference.batched_nms, inputs.clustered_boxes(12, 5),
                               inputs.scores(12, 5), inputs.labels(12, 5, 0, 2), 0.5)
