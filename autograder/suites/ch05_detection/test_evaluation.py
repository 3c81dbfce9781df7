"""Hidden tests of VOC AP, greedy matching and mAP."""

import math

import pytest
import torch

from autograder import checks
from autograder.suites.ch05_detection import box_inputs as inputs

# AP is a ratio of counts; a student may compute precision and recall in float32, which is exact to
# about 1e-7, so AP values are compared with float32's tolerances rather than float64's.
AP_RTOL, AP_ATOL = 1.3e-6, 1e-6


def _curve(seed: int, length: int = 25):
    """A precision-recall curve from a random sequence of hits and misses."""
    hits = checks.random_mask(length, seed=seed, p=0.6).double()
    tp, fp = hits.cumsum(0), (1 - hits).cumsum(0)
    return tp / (hits.sum() + 2), tp / (tp + fp)


def _detections(seed: int, ground_truths: list[dict], num_classes: int) -> list[dict]:
    """Per image: jittered copies of the ground truth, a duplicate, a right box with the wrong class and
    three false boxes, with random scores."""
    out = []
    for i, gt in enumerate(ground_truths):
        jittered = inputs.jittered(gt["boxes"], seed * 1000 + i, scale=1.5)
        boxes = torch.cat([jittered, gt["boxes"][:1] + 0.5, gt["boxes"][-1:] - 0.5,
                           inputs.boxes(3, seed * 1000 + i, size=56.0)])
        labels = torch.cat([gt["labels"], gt["labels"][:1], (gt["labels"][-1:] + 1) % num_classes,
                            inputs.labels(3, seed * 1000 + i, 0, num_classes)])
        out.append({"boxes": boxes, "scores": inputs.scores(len(boxes), seed * 1000 + i + 500), "labels": labels})
    return out


def _with_distinct_scores(detections: list[dict]) -> list[dict]:
    """The same detections with scores made distinct across images (ties would make AP ambiguous)."""
    total = sum(len(d["scores"]) for d in detections)
    ranks = inputs.scores(total, 99)
    out, start = [], 0
    for d in detections:
        n = len(d["scores"])
        out.append({**d, "scores": ranks[start:start + n]})
        start += n
    return out


@pytest.mark.covers("average_precision")
class TestAveragePrecision:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """On a random precision-recall curve, is AP the area under the precision envelope?"""
        checks.same(student.average_precision, reference.average_precision, *_curve(seed))

    @pytest.mark.grade(2, "numerics")
    def test_uses_the_precision_envelope(self, student, reference):
        """On a curve whose precision rises again, is each recall given the best precision at or beyond it?"""
        recall = torch.tensor([0.25, 0.25, 0.5, 0.5, 0.75, 1.0], dtype=torch.float64)
        precision = torch.tensor([1.0, 0.5, 0.67, 0.5, 0.6, 0.67], dtype=torch.float64)
        checks.same(student.average_precision, reference.average_precision, recall, precision)

    @pytest.mark.grade(1, "numerics")
    def test_empty_curve_is_zero(self, student, reference):
        """With no detection at all, is AP 0?"""
        empty = torch.zeros(0, dtype=torch.float64)
        checks.same(student.average_precision, reference.average_precision, empty, empty)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the curve's device?"""
        checks.device_agnostic(student.average_precision, reference.average_precision, *_curve(3))


@pytest.mark.covers("match_detections")
class TestMatchDetections:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Are the true positives right for jittered, duplicated and false detections?"""
        gt = inputs.boxes(4, seed + 40, size=56.0)
        detections = torch.cat([inputs.jittered(gt, seed, scale=2.0), gt[:2] + 1.0, inputs.boxes(3, seed + 41)])
        checks.same(student.match_detections, reference.match_detections, detections, inputs.scores(9, seed + 42), gt)

    @pytest.mark.grade(2, "numerics")
    def test_taken_box_makes_a_false_positive(self, student, reference):
        """When a detection's best box is already matched, is it a false positive (VOC does not fall back)?"""
        gt = torch.tensor([[0.0, 0.0, 10.0, 10.0], [6.0, 0.0, 16.0, 10.0]])
        detections = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 0.0, 11.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
        checks.same(student.match_detections, reference.match_detections, detections, torch.tensor([0.9, 0.8, 0.7]), gt)

    @pytest.mark.grade(1, "numerics")
    def test_higher_score_matches_first_and_iou_at_threshold_counts(self, student, reference):
        """Is the better-scored duplicate (given second) the TP, and IoU == threshold a hit?"""
        gt = torch.tensor([[0.0, 0.0, 10.0, 10.0], [20.0, 0.0, 30.0, 10.0]])
        detections = torch.tensor([[0.0, 0.0, 10.0, 9.0], [0.0, 0.0, 10.0, 10.0], [20.0, 0.0, 30.0, 5.0]])
        checks.same(student.match_detections, reference.match_detections, detections, torch.tensor([0.5, 0.9, 0.7]), gt)

    @pytest.mark.grade(1, "numerics")
    def test_without_ground_truth_all_are_false(self, student, reference):
        """With no ground-truth box, is every detection a false positive (and no detection an empty result)?"""
        checks.same(student.match_detections, reference.match_detections, inputs.boxes(3, 1), inputs.scores(3, 1),
                    torch.zeros(0, 4))
        checks.same(student.match_detections, reference.match_detections, torch.zeros(0, 4), torch.zeros(0),
                    inputs.boxes(2, 2))


@pytest.mark.covers("mean_average_precision")
class TestMeanAveragePrecision:
    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """Over 10 shapes-world images with noisy detections, are mAP and every class's AP right?"""
        ground_truths = inputs.shapes_targets(10, seed=50 + seed)
        detections = _with_distinct_scores(_detections(seed, ground_truths, 3))
        checks.same(student.mean_average_precision, reference.mean_average_precision, detections, ground_truths, 3,
                    rtol=AP_RTOL, atol=AP_ATOL)

    @pytest.mark.grade(1, "numerics")
    def test_class_without_ground_truth_is_left_out(self, student, reference):
        """Is a class with detections but no ground truth NaN, and left out of the mean?"""
        ground_truths = inputs.shapes_targets(6, seed=60)
        for gt in ground_truths:
            gt["labels"] = gt["labels"].clamp(max=1)  # classes 0 and 1 only; class 2 has no ground truth
        detections = _with_distinct_scores(_detections(3, ground_truths, 3))
        checks.same(student.mean_average_precision, reference.mean_average_precision, detections, ground_truths, 3,
                    rtol=AP_RTOL, atol=AP_ATOL)

    @pytest.mark.grade(1, "numerics")
    def test_perfect_detections_score_one(self, student):
        """Are the ground-truth boxes themselves, as detections, worth an mAP of exactly 1?"""
        ground_truths = inputs.shapes_targets(5, seed=61)
        detections = _with_distinct_scores([{**gt, "scores": torch.zeros(len(gt["labels"]))} for gt in ground_truths])
        result = student.mean_average_precision(detections, ground_truths, 3)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise checks.CheckFailure(f"mean_average_precision should return (map, ap); got {result!r:.80}")
        if not (isinstance(result[0], float) and math.isclose(result[0], 1.0, rel_tol=AP_RTOL)):
            raise checks.CheckFailure(f"perfect detections should give an mAP of 1.0 (a Python float), got {result[0]!r}")
