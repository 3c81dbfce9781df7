"""Hidden tests of the DETR pieces: box conversions, generalized IoU, the matching cost, Hungarian
matching and the set loss. Targets are shapes-world scenes (3 classes, 1 to 3 objects each)."""

import coursedata
import pytest
import torch

from autograder import checks

NUM_CLASSES = 3   # circle, square, triangle; index 3 of the logits is "no object"
CANVAS = 64


def _targets(num_images: int, seed: int, dtype=torch.float32) -> list[dict]:
    """Shapes-world targets with boxes in normalised (cx, cy, w, h), as DETR wants them."""
    batch = coursedata.shapes_world.generate(num_images, seed=seed, canvas=CANVAS, with_text=False)
    targets = []
    for target in batch.targets():
        x1, y1, x2, y2 = (target["boxes"].double() / CANVAS).unbind(-1)
        boxes = torch.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim=-1).to(dtype)
        targets.append({"labels": target["labels"].clone(), "boxes": boxes})
    return targets


def _no_target(dtype=torch.float32) -> dict:
    return {"labels": torch.zeros(0, dtype=torch.int64), "boxes": torch.zeros(0, 4, dtype=dtype)}


def _predictions(num_images: int, queries: int, seed: int, dtype=torch.float32):
    """Random logits (B, Q, K + 1) and boxes (B, Q, 4) in (cx, cy, w, h), all in (0, 1)."""
    logits = checks.randn(num_images, queries, NUM_CLASSES + 1, seed=seed, dtype=dtype, scale=2.0)
    boxes = torch.sigmoid(checks.randn(num_images, queries, 4, seed=seed + 100, dtype=dtype))
    return logits, boxes


def _boxes_xyxy(n: int, seed: int, dtype=torch.float32, scale: float = 1.0) -> torch.Tensor:
    """n valid (x1, y1, x2, y2) boxes in [0, scale]."""
    corners = torch.sigmoid(checks.randn(n, 2, 2, seed=seed, dtype=torch.float64)) * scale  # (n, corner, xy)
    return torch.cat([corners.min(dim=1).values, corners.max(dim=1).values], dim=-1).to(dtype)


@pytest.mark.covers("box_cxcywh_to_xyxy")
class TestBoxCxcywhToXyxy:
    @pytest.mark.grade(1, "numerics")
    def test_matches_reference(self, student, reference):
        """Is (cx, cy, w, h) turned into (cx - w/2, cy - h/2, cx + w/2, cy + h/2)?"""
        boxes = _targets(4, seed=1)[0]["boxes"]
        checks.same(student.box_cxcywh_to_xyxy, reference.box_cxcywh_to_xyxy, boxes)

    @pytest.mark.grade(1, "shape")
    @pytest.mark.parametrize("shape", [(2, 3, 4), (0, 4)])
    def test_any_leading_shape(self, student, reference, shape):
        """Does it convert the last axis for any leading shape, zero boxes included?"""
        checks.same(student.box_cxcywh_to_xyxy, reference.box_cxcywh_to_xyxy, torch.rand(shape).add(0.1))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.box_cxcywh_to_xyxy, reference.box_cxcywh_to_xyxy, torch.rand(2, 5, 4))


@pytest.mark.covers("box_xyxy_to_cxcywh")
class TestBoxXyxyToCxcywh:
    @pytest.mark.grade(1, "numerics")
    def test_matches_reference(self, student, reference):
        """Is (x1, y1, x2, y2) turned into ((x1 + x2)/2, (y1 + y2)/2, x2 - x1, y2 - y1)?"""
        checks.same(student.box_xyxy_to_cxcywh, reference.box_xyxy_to_cxcywh, _boxes_xyxy(6, seed=2, scale=64.0))

    @pytest.mark.grade(1, "shape")
    @pytest.mark.parametrize("shape", [(2, 3, 4), (0, 4)])
    def test_any_leading_shape(self, student, reference, shape):
        """Does it convert the last axis for any leading shape, zero boxes included?"""
        checks.same(student.box_xyxy_to_cxcywh, reference.box_xyxy_to_cxcywh, torch.rand(shape))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.box_xyxy_to_cxcywh, reference.box_xyxy_to_cxcywh, _boxes_xyxy(5, seed=3))


@pytest.mark.covers("generalized_box_iou")
class TestGeneralizedBoxIou:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is generalized_box_iou(boxes1, boxes2) defined, and does it run?"""
        checks.has_signature(student, "generalized_box_iou", ["boxes1", "boxes2"],
                             example=(_boxes_xyxy(2, seed=0), _boxes_xyxy(3, seed=1)))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """On shapes-world boxes against random boxes (pixels), is every pair's GIoU the reference's?"""
        batch = coursedata.shapes_world.generate(3, seed=seed, canvas=CANVAS, with_text=False)
        objects = torch.cat([t["boxes"] for t in batch.targets()])
        checks.same(student.generalized_box_iou, reference.generalized_box_iou, objects,
                    _boxes_xyxy(5, seed=seed, scale=float(CANVAS)))

    @pytest.mark.grade(2, "numerics")
    def test_degenerate_boxes(self, student, reference):
        """With identical, nested, disjoint, zero-width and zero-height boxes, is GIoU still right (1 for identical, < 0 when disjoint)?"""
        boxes1 = torch.tensor([[0.0, 0.0, 10.0, 10.0], [2.0, 2.0, 2.0, 8.0], [3.0, 5.0, 9.0, 5.0],
                               [20.0, 20.0, 30.0, 30.0], [2.0, 3.0, 4.0, 5.0]])
        boxes2 = torch.tensor([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 15.0, 15.0], [100.0, 100.0, 120.0, 130.0]])
        checks.same(student.generalized_box_iou, reference.generalized_box_iou, boxes1, boxes2)

    @pytest.mark.grade(1, "shape")
    def test_empty_sets(self, student, reference):
        """Are zero boxes on either side an empty (0, M) or (N, 0) result, not an error?"""
        boxes = _boxes_xyxy(3, seed=4)
        checks.same(student.generalized_box_iou, reference.generalized_box_iou, torch.zeros(0, 4), boxes)
        checks.same(student.generalized_box_iou, reference.generalized_box_iou, boxes, torch.zeros(0, 4))

    @pytest.mark.grade(1, "api")
    def test_rejects_inverted_boxes(self, student):
        """Does a box with x2 < x1 raise ValueError?"""
        checks.fails_with(student.generalized_box_iou, _boxes_xyxy(2, seed=5),
                          torch.tensor([[0.6, 0.1, 0.2, 0.9]]), error="ValueError")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients with respect to both sets of boxes match, overlapping or not?"""
        args = (_boxes_xyxy(4, seed=6, dtype=torch.float64), _boxes_xyxy(3, seed=7, dtype=torch.float64))
        checks.gradients_match(student.generalized_box_iou, reference.generalized_box_iou, args, wrt=(0, 1),
                               arg_names=("boxes1", "boxes2"))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.generalized_box_iou, reference.generalized_box_iou,
                               _boxes_xyxy(4, seed=8), _boxes_xyxy(3, seed=9))


@pytest.mark.covers("match_cost")
class TestMatchCost:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Is C = 5 * L1 - 1 * prob[:, labels] - 2 * GIoU for six predictions and a shapes-world scene?"""
        logits, boxes = _predictions(1, 6, seed=seed)
        target = _targets(1, seed=seed + 10)[0]
        checks.same(student.match_cost, reference.match_cost, logits[0], boxes[0], target["labels"], target["boxes"])

    @pytest.mark.grade(1, "numerics")
    def test_weights(self, student, reference):
        """Are cost_class, cost_bbox and cost_giou the weights of the three terms?"""
        logits, boxes = _predictions(1, 5, seed=3)
        target = _targets(1, seed=13)[0]
        checks.same(student.match_cost, reference.match_cost, logits[0], boxes[0], target["labels"], target["boxes"],
                    cost_class=2.0, cost_bbox=0.5, cost_giou=3.0)

    @pytest.mark.grade(1, "shape")
    def test_no_target(self, student, reference):
        """Is the cost of an image without targets an empty (Q, 0) matrix?"""
        logits, boxes = _predictions(1, 4, seed=4)
        target = _no_target()
        checks.same(student.match_cost, reference.match_cost, logits[0], boxes[0], target["labels"], target["boxes"])

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        logits, boxes = _predictions(1, 6, seed=5)
        target = _targets(1, seed=15)[0]
        checks.device_agnostic(student.match_cost, reference.match_cost, logits[0], boxes[0], target["labels"],
                               target["boxes"])


@pytest.mark.covers("hungarian_match")
class TestHungarianMatch:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is hungarian_match(pred_logits, pred_boxes, targets, cost_class, cost_bbox, cost_giou) defined, and does it run?"""
        logits, boxes = _predictions(1, 4, seed=0)
        checks.has_signature(student, "hungarian_match",
                             ["pred_logits", "pred_boxes", "targets", "cost_class", "cost_bbox", "cost_giou"],
                             example=(logits, boxes, _targets(1, seed=0)))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(3))
    def test_least_total_cost(self, student, reference, seed):
        """For three scenes and six queries, is each image's matching the one of least total cost, sorted by prediction?"""
        logits, boxes = _predictions(3, 6, seed=seed)
        checks.same(student.hungarian_match, reference.hungarian_match, logits, boxes, _targets(3, seed=seed + 20))

    @pytest.mark.grade(2, "numerics")
    def test_empty_and_full_images(self, student, reference):
        """With an image without targets (empty indices) and one with as many targets as queries, is it still right?"""
        targets = [_no_target()] + _targets(4, seed=31)
        full = max(targets[1:], key=lambda t: len(t["labels"]))
        queries = len(full["labels"])
        logits, boxes = _predictions(2, queries, seed=7)
        checks.same(student.hungarian_match, reference.hungarian_match, logits, boxes, [targets[0], full])

    @pytest.mark.grade(1, "numerics")
    def test_passes_the_weights_on(self, student, reference):
        """With cost_bbox = cost_giou = 0, does the matching follow the class probabilities alone?"""
        logits, boxes = _predictions(2, 5, seed=8)
        checks.same(student.hungarian_match, reference.hungarian_match, logits, boxes, _targets(2, seed=41),
                    cost_class=1.0, cost_bbox=0.0, cost_giou=0.0)


@pytest.mark.covers("set_loss")
class TestSetLoss:
    @staticmethod
    def _inputs(reference, seed, sizes=None, dtype=torch.float32):
        """Predictions, targets and the reference's matching for one batch."""
        targets = _targets(3, seed=seed + 50, dtype=dtype) if sizes is None else \
            [_targets(1, seed=seed + 50 + i, dtype=dtype)[0] if n else _no_target(dtype) for i, n in enumerate(sizes)]
        logits, boxes = _predictions(len(targets), 5, seed=seed, dtype=dtype)
        return logits, boxes, targets, reference.hungarian_match(logits, boxes, targets)

    @pytest.mark.grade(1, "api")
    def test_returns_the_three_losses(self, student, reference):
        """Does set_loss return a dict with exactly loss_ce, loss_bbox and loss_giou, each a scalar tensor?"""
        got = student.set_loss(*self._inputs(reference, seed=0))
        if not isinstance(got, dict) or set(got) != {"loss_ce", "loss_bbox", "loss_giou"}:
            raise checks.CheckFailure(f"set_loss should return a dict with the keys loss_ce, loss_bbox and loss_giou; "
                                      f"got {sorted(got) if isinstance(got, dict) else type(got).__name__}")
        for key, value in got.items():
            checks.shape_is(value, (), what=f"set_loss(...)[{key!r}]")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Are the weighted cross-entropy, the L1 loss and the GIoU loss (both / num_boxes) the reference's?"""
        checks.same(student.set_loss, reference.set_loss, *self._inputs(reference, seed=seed))

    @pytest.mark.grade(1, "numerics")
    def test_eos_coef(self, student, reference):
        """Is eos_coef the weight of the no-object class (the mean divided by the sum of the weights)?"""
        checks.same(student.set_loss, reference.set_loss, *self._inputs(reference, seed=2), eos_coef=0.5)

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("sizes", [(1, 0, 1), (0, 0)])
    def test_images_without_targets(self, student, reference, sizes):
        """With images without targets (none at all in the second case), are all their queries no-object and the box losses still finite?"""
        checks.same(student.set_loss, reference.set_loss, *self._inputs(reference, seed=3, sizes=sizes))

    @pytest.mark.grade(1, "gradient")
    @pytest.mark.parametrize(("loss", "wrt"), [("loss_ce", 0), ("loss_bbox", 1), ("loss_giou", 1)])
    def test_gradients(self, student, reference, loss, wrt):
        """Does the gradient of this loss reach the predictions it depends on, as the reference's does?"""
        args = self._inputs(reference, seed=4, dtype=torch.float64)
        checks.gradients_match(student.set_loss, reference.set_loss, args, wrt=(wrt,), output=loss,
                               arg_names=(("pred_logits", "pred_boxes")[wrt],))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device (the target classes and the class weights created there)?"""
        checks.device_agnostic(student.set_loss, reference.set_loss, *self._inputs(reference, seed=5))
