"""Public checks for ch05_detection: run `python -m pytest -q test_public.py` next to detection.py.

They check shapes and a few hand-computed cases. Passing them does not mean full marks: the
hidden tests also check numerics on random inputs, edge cases, gradients, training and
device-agnosticism.
"""

import importlib
import math

import torch

detection = importlib.import_module("detection")


def test_box_iou_hand_computed():
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    b = torch.tensor([[1.0, 1.0, 3.0, 3.0], [2.0, 0.0, 4.0, 2.0], [0.0, 0.0, 2.0, 2.0]])
    # overlap 1 x 1 over a union of 4 + 4 - 1; a shared edge only; the same box
    torch.testing.assert_close(detection.box_iou(a, b), torch.tensor([[1 / 7, 0.0, 1.0]]))


def test_box_area_has_no_plus_one():
    torch.testing.assert_close(detection.box_area(torch.tensor([[1.0, 1.0, 3.0, 4.0]])), torch.tensor([6.0]))


def test_nms_small():
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [20.0, 20.0, 30.0, 30.0]])
    kept = detection.nms(boxes, torch.tensor([0.8, 0.9, 0.1]), 0.5)
    assert kept.dtype == torch.int64
    assert kept.tolist() == [1, 2], "box 0 overlaps the better box 1 with IoU 81/119 > 0.5"


def test_batched_nms_keeps_other_categories():
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0]])
    kept = detection.batched_nms(boxes, torch.tensor([0.8, 0.9]), torch.tensor([0, 1]), 0.5)
    assert sorted(kept.tolist()) == [0, 1]


def test_generate_anchors_shape_and_square_anchor():
    anchors = detection.generate_anchors((32, 64, 128), (0.5, 1.0, 2.0))
    assert anchors.shape == (9, 4) and anchors.dtype == torch.float32
    # ratio 1.0 (the second ratio), scale 64 (the second scale): a 64 x 64 square around (0, 0)
    torch.testing.assert_close(anchors[4], torch.tensor([-32.0, -32.0, 32.0, 32.0]))


def test_grid_anchors_shape():
    base = torch.tensor([[-4.0, -4.0, 4.0, 4.0], [-8.0, -2.0, 8.0, 2.0]])
    anchors = detection.grid_anchors(base, (3, 5), (16, 16))
    assert anchors.shape == (3 * 5 * 2, 4)
    torch.testing.assert_close(anchors[:2], base)  # position (0, 0) is not shifted


def test_decode_inverts_encode():
    anchors = torch.tensor([[0.0, 0.0, 10.0, 20.0], [5.0, 5.0, 25.0, 15.0]])
    gt = torch.tensor([[2.0, 3.0, 14.0, 19.0], [0.0, 8.0, 30.0, 12.0]])
    deltas = detection.encode_boxes(gt, anchors, (10.0, 10.0, 5.0, 5.0))
    assert deltas.shape == (2, 4)
    torch.testing.assert_close(detection.decode_boxes(deltas, anchors, (10.0, 10.0, 5.0, 5.0)), gt)


def test_identical_boxes_encode_to_zero():
    boxes = torch.tensor([[1.0, 2.0, 5.0, 9.0]])
    torch.testing.assert_close(detection.encode_boxes(boxes, boxes), torch.zeros(1, 4))


def test_roi_pool_and_align_shapes_and_constant_map():
    features = torch.full((2, 3, 8, 8), 2.5)
    rois = torch.tensor([[0.0, 1.0, 1.0, 6.0, 5.0], [1.0, 0.0, 2.0, 7.0, 7.0]])
    pooled = detection.roi_pool(features, rois, (2, 3))
    aligned = detection.roi_align(features, rois, (2, 3))
    assert pooled.shape == aligned.shape == (2, 3, 2, 3)
    torch.testing.assert_close(pooled, torch.full((2, 3, 2, 3), 2.5))
    torch.testing.assert_close(aligned, torch.full((2, 3, 2, 3), 2.5))  # RoIs well inside the map


def test_assign_targets_foreground_and_background():
    gt = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
    proposals = torch.tensor([[0.0, 0.0, 10.0, 9.0], [50.0, 50.0, 60.0, 60.0]])
    labels, matched = detection.assign_targets(proposals, gt, torch.tensor([3]))
    assert labels.tolist() == [3, 0]
    assert matched.shape == (2, 4)


def test_yolo_target_of_one_box():
    anchors = torch.tensor([[12.0, 12.0], [20.0, 20.0]])
    target = detection.encode_yolo_targets(torch.tensor([[4.0, 20.0, 16.0, 32.0]]), torch.tensor([1]), anchors, 4, 64, 3)
    assert target.shape == (4, 4, 2, 8)
    assert target[..., 0].sum() == 1 and target[1, 0, 0, 0] == 1  # centre (10, 26): row 1, column 0, anchor 0
    torch.testing.assert_close(target[1, 0, 0, 1:5], torch.tensor([10 / 16, 26 / 16 - 1, 0.0, 0.0]))


def test_yolo_loss_and_decode_shapes():
    anchors = torch.tensor([[12.0, 12.0], [20.0, 20.0]])
    pred, target = torch.randn(2, 4, 4, 2, 8), torch.zeros(2, 4, 4, 2, 8)
    assert detection.yolo_loss(pred, target).shape == ()
    boxes, scores, labels = detection.decode_yolo(pred, anchors, 64)
    assert boxes.shape == (2, 32, 4) and scores.shape == (2, 32) and labels.shape == (2, 32)


def test_ssd_default_boxes_count_and_first_box():
    boxes = detection.ssd_default_boxes(2, 0.2, 0.4, (2.0,))
    assert boxes.shape == (2 * 2 * 4, 4)
    torch.testing.assert_close(boxes[0], torch.tensor([0.25, 0.25, 0.2, 0.2]))


def test_hard_negative_mining_counts():
    loss = torch.tensor([[0.1, 0.9, 0.5, 0.7, 0.3, 0.2]])
    positive = torch.tensor([[True, False, False, False, False, False]])
    chosen = detection.hard_negative_mining(loss, positive, 2)
    assert chosen.dtype == torch.bool and chosen.sum() == 2 and not chosen[0, 0]


def test_average_precision_of_a_perfect_curve_is_one():
    recall, precision = torch.tensor([0.5, 1.0]), torch.tensor([1.0, 1.0])
    assert math.isclose(float(detection.average_precision(recall, precision)), 1.0)


def test_mean_average_precision_of_the_ground_truth_is_one():
    gt = [{"boxes": torch.tensor([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 40.0]]), "labels": torch.tensor([0, 1])}]
    detections = [{**gt[0], "scores": torch.tensor([0.9, 0.8])}]
    mean, ap = detection.mean_average_precision(detections, gt, 3)
    assert math.isclose(mean, 1.0) and math.isnan(ap[2]), "class 2 has no ground truth: NaN, left out of the mean"


def test_tiny_detector_output_layout():
    model = detection.TinyDetector()
    assert model(torch.rand(2, 3, 64, 64)).shape == (2, 8, 8, 2, 8)
