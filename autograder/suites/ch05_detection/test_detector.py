"""Hidden tests of the tiny one-stage detector: its forward pass, detection, and training on shapes world."""

import pytest
import torch
from coursedata import shapes_world

from autograder import checks
from autograder.judge.describe import describe

TRAIN_BUDGET_S = 60.0
# mAP@0.5 on 300 held-out canvases. The reference reaches 0.947 to 0.981 over 5 data and training
# seeds (0.947 on the seeds below) in 6 to 10 s of training on one CPU thread of a shared 2-core
# machine; 0.75 leaves room for other correct choices of training (a 350-step AdamW run at lr 2e-3
# with batch 24, for instance, reaches 0.88).
MAP_THRESHOLD = 0.75
NUM_TRAIN, NUM_TEST = 512, 300
TRAIN_SEED, TEST_SEED = 11, 12


def _images(n: int, seed: int):
    batch = shapes_world.generate(n, seed=seed, with_text=False)
    return batch.images, [{"boxes": t["boxes"], "labels": t["labels"]} for t in batch.targets()]


def _pair(student, reference, seed=0):
    """The reference's TinyDetector and the student's, holding the same weights, in eval mode."""
    torch.manual_seed(seed)
    ours, theirs = reference.TinyDetector(), student.TinyDetector()
    with torch.no_grad():  # non-trivial normalisation statistics, so that eval mode matters
        for name, buffer in ours.obj.named_buffers():
            if name.endswith("running_mean"):
                buffer.normal_(0.0, 0.1)
            elif name.endswith("running_var"):
                buffer.uniform_(0.5, 2.0)
    checks.copy_weights(theirs, ours)
    ours.obj.eval()
    theirs.eval()
    return ours, theirs


def _check_detections(detections, num_images: int) -> None:
    """Fail with a readable message unless ``detections`` is a list of well-formed dicts."""
    if not isinstance(detections, list) or len(detections) != num_images:
        raise checks.CheckFailure(f"detect should return a list of {num_images} dicts, one per image; got "
                                  f"{describe(detections)}")
    for i, d in enumerate(detections):
        if not isinstance(d, dict) or not {"boxes", "scores", "labels"} <= set(d):
            raise checks.CheckFailure(f"detect(...)[{i}] should be a dict with boxes, scores and labels; got {describe(d)}")
        boxes, scores, labels = d["boxes"], d["scores"], d["labels"]
        if not all(isinstance(t, torch.Tensor) for t in (boxes, scores, labels)):
            raise checks.CheckFailure(f"detect(...)[{i}] should hold tensors; got {describe(d)}")
        n = scores.shape[0] if scores.dim() == 1 else -1
        if n < 0 or tuple(boxes.shape) != (n, 4) or tuple(labels.shape) != (n,):
            raise checks.CheckFailure(f"detect(...)[{i}] should hold boxes (D, 4), scores (D,) and labels (D,); got "
                                      f"{describe(d)}")


@pytest.mark.covers("TinyDetector")
class TestTinyDetector:
    @pytest.mark.grade(1, "shape")
    def test_output_layout(self, student, reference):
        """Is the output (N, H/8, W/8, A, 5 + C)?"""
        _, theirs = _pair(student, reference)
        checks.shape_is(theirs(checks.randn(2, 3, 64, 64, seed=1)), (2, 8, 8, 2, 8), what="TinyDetector()(images)")

    @pytest.mark.grade(3, "numerics")
    def test_forward_matches_reference(self, student, reference):
        """With the same weights, is channel a * (5 + C) + k of the head number k of anchor a, in each cell?"""
        ours, theirs = _pair(student, reference, seed=1)
        checks.same(theirs, ours, _images(3, seed=2)[0])

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the model run on the images' device?"""
        ours, theirs = _pair(student, reference)
        checks.device_agnostic(theirs, ours, checks.randn(1, 3, 32, 32, seed=3))


@pytest.mark.covers("detect")
class TestDetect:
    @pytest.mark.grade(3, "numerics")
    def test_matches_reference(self, student, reference):
        """With the same weights, are the boxes, scores and labels kept after thresholding and per-class NMS right?"""
        ours, theirs = _pair(student, reference, seed=4)
        # Noisy canvases: on a clean black background many cells of an untrained model give equal scores,
        # and the order of equal scores is left open.
        images = shapes_world.generate(4, seed=5, noise=0.05, with_text=False).images
        expected = reference.detect(ours.obj, images, 0.1, 0.5)
        got = student.detect(theirs, images, 0.1, 0.5)
        _check_detections(got, 4)
        checks.close(got, expected, what="detect(model, images, 0.1, 0.5)")


def _reference_losses(reference, images, targets) -> list[float]:
    torch.manual_seed(0)
    _, losses = reference.train_detector(images, targets)
    return losses


@pytest.mark.covers("train_detector")
class TestTrainDetector:
    @pytest.mark.grade(10, "convergence")
    def test_reaches_held_out_map(self, student, reference, record):
        """Trained on 512 canvases, does detect reach an mAP@0.5 of at least 0.75 on 300 unseen ones?"""
        x_train, y_train = _images(NUM_TRAIN, TRAIN_SEED)
        x_test, y_test = _images(NUM_TEST, TEST_SEED)
        record["reference_loss_curve"] = checks.cached_reference_run(
            "detector_losses", lambda: _reference_losses(reference, x_train, y_train))
        result = checks.train(student.train_detector, x_train, y_train, budget_s=TRAIN_BUDGET_S, record=record)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise checks.CheckFailure(f"train_detector should return (model, losses); got {describe(result)}")
        detections = student.detect.call((result[0], x_test), no_grad=True)
        _check_detections(detections, NUM_TEST)
        mean_ap, _ = reference.mean_average_precision(detections, y_test, 3)
        checks.at_least(mean_ap, MAP_THRESHOLD, what="held-out mAP@0.5", record=record)

    @pytest.mark.grade(1, "determinism")
    def test_same_seed_same_losses(self, student):
        """With the same seed, does a short training run give the same losses twice?"""
        images, targets = _images(64, seed=13)
        first = student.train_detector.call((images, targets), {"num_steps": 3}, seed=3)
        second = student.train_detector.call((images, targets), {"num_steps": 3}, seed=3)
        checks.close(checks.loss_curve(second[1]), checks.loss_curve(first[1]), what="losses of the second run",
                     rtol=0.0, atol=0.0)
