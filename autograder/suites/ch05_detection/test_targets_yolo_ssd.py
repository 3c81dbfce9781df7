"""Hidden tests of proposal targets, YOLO targets, loss and decoding, and SSD's pieces."""

import pytest
import torch

from autograder import checks
from autograder.suites.ch05_detection import box_inputs as inputs

ANCHORS = torch.tensor([[12.0, 12.0], [20.0, 20.0], [24.0, 10.0]])


@pytest.mark.covers("assign_targets")
class TestAssignTargets:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is assign_targets(proposals, gt_boxes, gt_labels, fg_iou_thresh=0.5, bg_iou_thresh=0.5) defined?"""
        checks.has_signature(student, "assign_targets",
                             ["proposals", "gt_boxes", "gt_labels", "fg_iou_thresh", "bg_iou_thresh"],
                             example=(inputs.boxes(4, 0), inputs.boxes(2, 1), torch.tensor([1, 2])))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("fg", "bg"), [(0.5, 0.5), (0.7, 0.3)])
    def test_matches_reference(self, student, reference, fg, bg):
        """Are labels (class, 0 background, -1 ignored) and matched boxes right for 60 proposals?"""
        gt = inputs.boxes(4, 11)
        proposals = torch.cat([inputs.boxes(40, 12), inputs.clustered_boxes(20, 13)])
        checks.same(student.assign_targets, reference.assign_targets, proposals, gt, inputs.labels(4, 14, 1, 4), fg, bg)

    @pytest.mark.grade(1, "numerics")
    def test_iou_at_the_thresholds(self, student, reference):
        """Is IoU == fg_iou_thresh foreground and IoU == bg_iou_thresh ignored, not background?"""
        gt = torch.tensor([[0.0, 0.0, 10.0, 10.0]])
        proposals = torch.tensor([[0.0, 0.0, 10.0, 5.0], [0.0, 0.0, 10.0, 2.5], [0.0, 0.0, 10.0, 1.0]])
        checks.same(student.assign_targets, reference.assign_targets, proposals, gt, torch.tensor([2]), 0.5, 0.25)

    @pytest.mark.grade(1, "numerics")
    def test_no_ground_truth(self, student, reference):
        """With no ground-truth box, is every proposal background with a zero box?"""
        checks.same(student.assign_targets, reference.assign_targets, inputs.boxes(5, 3), torch.zeros(0, 4),
                    torch.zeros(0, dtype=torch.int64))

    @pytest.mark.grade(1, "api")
    def test_rejects_crossed_thresholds(self, student):
        """Does bg_iou_thresh > fg_iou_thresh raise ValueError?"""
        checks.fails_with(student.assign_targets, inputs.boxes(3, 0), inputs.boxes(2, 1), torch.tensor([1, 1]), 0.3, 0.7,
                          error="ValueError")

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the boxes' device?"""
        checks.device_agnostic(student.assign_targets, reference.assign_targets, inputs.boxes(6, 4), inputs.boxes(2, 5),
                               torch.tensor([1, 3]), 0.6, 0.4)


@pytest.mark.covers("encode_yolo_targets")
class TestEncodeYoloTargets:
    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Is the target (S, S, A, 5 + C)?"""
        target = student.encode_yolo_targets(inputs.boxes(2, 0), torch.tensor([0, 1]), ANCHORS, 4, 64, 3)
        checks.shape_is(target, (4, 4, 3, 8), what="encode_yolo_targets(..., grid_size=4, num_classes=3)")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("image", range(3))
    def test_matches_reference_on_shapes_world(self, student, reference, image):
        """On a shapes-world image, is each object in its centre's cell, best anchor, with the right values?"""
        target = inputs.shapes_targets(3, seed=21)[image]
        checks.same(student.encode_yolo_targets, reference.encode_yolo_targets, target["boxes"], target["labels"],
                    ANCHORS, 8, 64, 3)

    @pytest.mark.grade(2, "numerics")
    def test_rows_are_y_and_columns_are_x(self, student, reference):
        """Does a wide box on the right, near the top, land in row i = floor(cy / cell), column j = floor(cx / cell)?"""
        boxes = torch.tensor([[40.0, 2.0, 62.0, 12.0], [3.0, 30.0, 13.0, 60.0]])
        checks.same(student.encode_yolo_targets, reference.encode_yolo_targets, boxes, torch.tensor([2, 1]),
                    ANCHORS, 4, 64, 3)

    @pytest.mark.grade(1, "numerics")
    def test_first_object_keeps_a_shared_slot(self, student, reference):
        """When two objects fall in the same cell and anchor, is the first kept and the second dropped?"""
        boxes = torch.tensor([[10.0, 10.0, 22.0, 22.0], [11.0, 11.0, 23.0, 21.0], [12.0, 8.0, 30.0, 24.0]])
        checks.same(student.encode_yolo_targets, reference.encode_yolo_targets, boxes, torch.tensor([0, 1, 2]),
                    ANCHORS, 2, 64, 3)

    @pytest.mark.grade(1, "numerics")
    def test_no_object(self, student, reference):
        """With no object, is the target all zeros?"""
        checks.same(student.encode_yolo_targets, reference.encode_yolo_targets, torch.zeros(0, 4),
                    torch.zeros(0, dtype=torch.int64), ANCHORS, 4, 64, 3)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Is the target made on the boxes' device?"""
        boxes = torch.tensor([[40.0, 2.0, 62.0, 12.0], [3.0, 30.0, 13.0, 60.0]])
        checks.device_agnostic(student.encode_yolo_targets, reference.encode_yolo_targets, boxes, torch.tensor([2, 1]),
                        ANCHORS, 4, 64, 3)


def _yolo_batch(reference, seed):
    """Random predictions and shapes-world targets (N = 4, S = 8, A = 3, C = 3)."""
    targets = inputs.shapes_targets(4, seed=seed)
    target = torch.stack([reference.encode_yolo_targets(t["boxes"], t["labels"], ANCHORS, 8, 64, 3) for t in targets])
    return checks.randn(4, 8, 8, 3, 8, seed=seed), target


@pytest.mark.covers("yolo_loss")
class TestYoloLoss:
    @pytest.mark.grade(1, "shape")
    def test_is_a_scalar(self, student, reference):
        """Is the loss a 0-d tensor?"""
        pred, target = _yolo_batch(reference, 30)
        checks.shape_is(student.yolo_loss(pred, target), (), what="yolo_loss(pred, target)")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Are the four terms weighted, summed over slots and divided by the batch size as the formula says?"""
        pred, target = _yolo_batch(reference, 31 + seed)
        checks.same(student.yolo_loss, reference.yolo_loss, pred, target)

    @pytest.mark.grade(1, "numerics")
    def test_weights(self, student, reference):
        """With lambda_coord=1 and lambda_noobj=2, is the loss right?"""
        pred, target = _yolo_batch(reference, 33)
        checks.same(student.yolo_loss, reference.yolo_loss, pred, target, 1.0, 2.0)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Does the gradient with respect to the predictions match?"""
        pred, target = _yolo_batch(reference, 34)
        checks.gradients_match(student.yolo_loss, reference.yolo_loss, (pred.double(), target.double()), wrt=(0,),
                               arg_names=("pred",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the predictions' device?"""
        pred, target = _yolo_batch(reference, 35)
        checks.device_agnostic(student.yolo_loss, reference.yolo_loss, pred, target)


@pytest.mark.covers("decode_yolo")
class TestDecodeYolo:
    @pytest.mark.grade(1, "shape")
    def test_shapes(self, student):
        """Are boxes (N, S*S*A, 4), scores (N, S*S*A) and labels (N, S*S*A) int64?"""
        boxes, scores, labels = student.decode_yolo(checks.randn(2, 4, 4, 3, 8, seed=1), ANCHORS, 64)
        checks.shape_is(boxes, (2, 48, 4), what="boxes")
        checks.shape_is(scores, (2, 48), what="scores")
        checks.shape_is(labels, (2, 48), what="labels")
        checks.close(labels.dtype, torch.int64, what="the labels' dtype")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """On random predictions, are the boxes, scores and classes right, slots in (i, j, a) order?"""
        checks.same(student.decode_yolo, reference.decode_yolo, checks.randn(2, 4, 4, 3, 8, seed=seed), ANCHORS, 64)

    @pytest.mark.grade(1, "numerics")
    def test_decodes_confident_encoded_boxes(self, student, reference):
        """From predictions built out of encoded targets, are the objects' boxes recovered where they were?"""
        target = reference.encode_yolo_targets(torch.tensor([[40.0, 2.0, 62.0, 12.0], [3.0, 30.0, 13.0, 60.0]]),
                                               torch.tensor([2, 1]), ANCHORS, 4, 64, 3)
        offsets = target[..., 1:3].clamp(0.01, 0.99)
        pred = torch.cat([target[..., :1] * 20 - 10, torch.log(offsets / (1 - offsets)), target[..., 3:5],
                          target[..., 5:] * 10], dim=-1)[None]
        checks.same(student.decode_yolo, reference.decode_yolo, pred, ANCHORS, 64)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the predictions' device?"""
        checks.device_agnostic(student.decode_yolo, reference.decode_yolo, checks.randn(1, 2, 2, 3, 8, seed=3), ANCHORS, 32)


@pytest.mark.covers("ssd_default_boxes")
class TestSsdDefaultBoxes:
    @pytest.mark.grade(1, "shape")
    def test_shape(self, student):
        """Are there f * f * (2 + 2 * len(aspect_ratios)) boxes of 4 numbers?"""
        checks.shape_is(student.ssd_default_boxes(3, 0.2, 0.35, (2.0, 3.0)), (54, 4), what="ssd_default_boxes(3, ...)")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("f", "scale", "next_scale", "ratios"), [(4, 0.2, 0.37, (2.0,)), (3, 0.9, 1.05, (2.0, 3.0))])
    def test_matches_reference(self, student, reference, f, scale, next_scale, ratios):
        """Are the centres, the two squares and the ratio pairs right, in order (clipped to [0, 1])?"""
        checks.same(student.ssd_default_boxes, reference.ssd_default_boxes, f, scale, next_scale, ratios)

    @pytest.mark.grade(1, "numerics")
    def test_without_clipping(self, student, reference):
        """With clip=False, are sizes above 1 kept?"""
        checks.same(student.ssd_default_boxes, reference.ssd_default_boxes, 2, 0.8, 1.0, (3.0,), False)


@pytest.mark.covers("hard_negative_mining")
class TestHardNegativeMining:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Per image, are the 3 x positives highest-loss negatives chosen?"""
        loss = torch.rand(4, 40, generator=torch.Generator().manual_seed(seed))
        positive = checks.random_mask(4, 40, seed=seed + 5, p=0.1)
        checks.same(student.hard_negative_mining, reference.hard_negative_mining, loss, positive)

    @pytest.mark.grade(1, "numerics")
    def test_ratio_and_few_negatives(self, student, reference):
        """With neg_pos_ratio=2, does an image without positives keep none, and one with few negatives keep all?"""
        loss = torch.rand(3, 20, generator=torch.Generator().manual_seed(3))
        positive = torch.zeros(3, 20, dtype=torch.bool)
        positive[1, :3] = True
        positive[2, :15] = True
        checks.same(student.hard_negative_mining, reference.hard_negative_mining, loss, positive, 2)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the losses' device?"""
        loss = torch.rand(2, 10, generator=torch.Generator().manual_seed(4))
        checks.device_agnostic(student.hard_negative_mining, reference.hard_negative_mining, loss,
                               checks.random_mask(2, 10, seed=4, p=0.2))
