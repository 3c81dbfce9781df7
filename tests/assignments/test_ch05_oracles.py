"""ch05_detection's reference against independent implementations (CATALOG.md's oracles).

torchvision.ops (box_area, box_iou, nms, batched_nms, roi_pool, roi_align), torchvision's detection
internals (BoxCoder, AnchorGenerator, Matcher, DefaultBoxGenerator), and, for AP, a line-by-line
port of the PASCAL VOC devkit's ``voc_ap`` and its greedy matching loop. Random inputs include
degenerate (zero-area) boxes, boxes outside the image and empty inputs.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
import torch
from torchvision import ops
from torchvision.models.detection._utils import BoxCoder, Matcher
from torchvision.models.detection.anchor_utils import AnchorGenerator, DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList

from autograder.assignment import load_assignment


@pytest.fixture(scope="module")
def ref():
    path = load_assignment("ch05_detection").reference_path
    spec = importlib.util.spec_from_file_location("ch05_reference_for_oracles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_boxes(n, seed, size=64.0, degenerate=0.0, dtype=torch.float64):
    """``n`` boxes inside ``[0, size]``; a fraction ``degenerate`` has zero width or height."""
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g, dtype=dtype) * size * 0.8
    wh = torch.rand(n, 2, generator=g, dtype=dtype) * size * 0.4 + 0.5
    flat = torch.rand(n, generator=g) < degenerate
    wh[flat, torch.randint(0, 2, (int(flat.sum()),), generator=g)] = 0.0
    return torch.cat([xy, xy + wh], dim=1)


# --- IoU -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_box_area_and_iou_match_torchvision(ref, seed):
    """Do box_area and box_iou equal torchvision.ops on random boxes, degenerate ones included?"""
    a, b = random_boxes(20, seed, degenerate=0.2), random_boxes(15, seed + 10, degenerate=0.2)
    torch.testing.assert_close(ref.box_area(a), ops.box_area(a))
    expected = ops.box_iou(a, b)
    both_flat = (ops.box_area(a)[:, None] == 0) & (ops.box_area(b)[None, :] == 0)
    torch.testing.assert_close(ref.box_iou(a, b)[~both_flat], expected[~both_flat])


def test_iou_of_two_zero_area_boxes_is_zero_where_torchvision_gives_nan(ref):
    """Is the IoU of two zero-area boxes 0 (a documented difference from torchvision's NaN)?"""
    flat = torch.tensor([[1.0, 1.0, 1.0, 5.0], [3.0, 3.0, 3.0, 3.0]])
    assert torch.isnan(ops.box_iou(flat, flat)).any()
    assert torch.equal(ref.box_iou(flat, flat), torch.zeros(2, 2))


def test_iou_gradient_matches_torchvision(ref):
    """Does autograd through box_iou give torchvision's gradient (non-degenerate boxes)?"""
    a, b = random_boxes(6, 1).requires_grad_(), random_boxes(5, 2).requires_grad_()
    grad = torch.randn(6, 5, dtype=torch.float64)
    ours = torch.autograd.grad(ref.box_iou(a, b), (a, b), grad)
    theirs = torch.autograd.grad(ops.box_iou(a, b), (a, b), grad)
    for o, t in zip(ours, theirs):
        torch.testing.assert_close(o, t)


# --- NMS -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.8])
def test_nms_matches_torchvision(ref, seed, threshold):
    """Does nms keep exactly torchvision.ops.nms's boxes, in the same order?"""
    boxes = random_boxes(60, seed, size=32.0, degenerate=0.1, dtype=torch.float32)
    scores = torch.rand(60, generator=torch.Generator().manual_seed(seed + 100))
    assert torch.equal(ref.nms(boxes, scores, threshold), ops.nms(boxes, scores, threshold))


def test_nms_keeps_a_pair_whose_iou_equals_the_threshold(ref):
    """Is an IoU exactly at the threshold kept (suppression needs IoU > threshold), as in torchvision?"""
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 5.0]])
    scores = torch.tensor([0.9, 0.8])
    assert torch.equal(ref.nms(boxes, scores, 0.5), ops.nms(boxes, scores, 0.5))
    assert ref.nms(boxes, scores, 0.5).tolist() == [0, 1]


def test_nms_of_nothing_is_empty(ref):
    """Does an empty input give an empty int64 tensor, as torchvision's?"""
    kept = ref.nms(torch.zeros(0, 4), torch.zeros(0), 0.5)
    assert kept.dtype == torch.int64 and kept.shape == ops.nms(torch.zeros(0, 4), torch.zeros(0), 0.5).shape


@pytest.mark.parametrize("seed", range(4))
def test_batched_nms_matches_torchvision(ref, seed):
    """Does batched_nms equal torchvision.ops.batched_nms with 4 categories?"""
    g = torch.Generator().manual_seed(seed)
    boxes = random_boxes(80, seed, size=32.0, degenerate=0.05, dtype=torch.float32)
    scores, idxs = torch.rand(80, generator=g), torch.randint(0, 4, (80,), generator=g)
    assert torch.equal(ref.batched_nms(boxes, scores, idxs, 0.4), ops.batched_nms(boxes, scores, idxs, 0.4))


# --- Anchors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("scales", "ratios"), [((32, 64, 128), (0.5, 1.0, 2.0)), ((16,), (1.0,)),
                                                ((10, 25), (0.3, 1.7, 3.0))])
def test_generate_anchors_matches_anchor_generator(ref, scales, ratios):
    """Are the base anchors those of AnchorGenerator.generate_anchors (order and rounding included)?"""
    expected = AnchorGenerator((scales,), (ratios,)).generate_anchors(list(scales), list(ratios))
    torch.testing.assert_close(ref.generate_anchors(scales, ratios), expected)


@pytest.mark.parametrize(("image", "grid"), [((64, 64), (8, 8)), ((96, 64), (6, 4)), ((50, 70), (5, 7))])
def test_grid_anchors_match_anchor_generator(ref, image, grid):
    """Over a whole feature map, are the anchors exactly AnchorGenerator's?"""
    generator = AnchorGenerator(((16, 32),), ((0.5, 1.0, 2.0),))
    images = ImageList(torch.zeros(1, 3, *image), [image])
    expected = generator(images, [torch.zeros(1, 8, *grid)])[0]
    stride = (image[0] // grid[0], image[1] // grid[1])
    got = ref.grid_anchors(ref.generate_anchors((16, 32), (0.5, 1.0, 2.0)), grid, stride)
    torch.testing.assert_close(got, expected)


# --- Box coding ----------------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [(1.0, 1.0, 1.0, 1.0), (10.0, 10.0, 5.0, 5.0), (2.0, 3.0, 4.0, 0.5)])
def test_encode_and_decode_match_box_coder(ref, weights):
    """Do encode_boxes and decode_boxes equal BoxCoder.encode_single/decode_single?"""
    anchors, gt = random_boxes(30, 1), random_boxes(30, 2)
    coder = BoxCoder(weights)
    torch.testing.assert_close(ref.encode_boxes(gt, anchors, weights), coder.encode_single(gt, anchors))
    deltas = torch.randn(30, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(3)) * 3
    torch.testing.assert_close(ref.decode_boxes(deltas, anchors, weights), coder.decode_single(deltas, anchors))


def test_decode_clamps_huge_log_scales_like_box_coder(ref):
    """Are tw, th above log(1000/16) clamped, giving BoxCoder's finite boxes?"""
    anchors = torch.tensor([[0.0, 0.0, 10.0, 10.0], [5.0, 5.0, 9.0, 20.0]])
    deltas = torch.tensor([[0.0, 0.0, 50.0, 100.0], [0.1, -0.2, 4.2, -30.0]])
    expected = BoxCoder((1.0, 1.0, 1.0, 1.0)).decode_single(deltas, anchors)
    torch.testing.assert_close(ref.decode_boxes(deltas, anchors), expected)
    assert torch.isfinite(ref.decode_boxes(deltas, anchors)).all()


def test_decode_inverts_encode(ref):
    """Does decoding the encoded targets give the ground-truth boxes back?"""
    anchors, gt = random_boxes(40, 5), random_boxes(40, 6)
    weights = (10.0, 10.0, 5.0, 5.0)
    torch.testing.assert_close(ref.decode_boxes(ref.encode_boxes(gt, anchors, weights), anchors, weights), gt)


# --- RoI pooling and RoI align -------------------------------------------------------------------

def random_rois(k, seed, size, batch):
    """RoIs ``(batch_index, x1, y1, x2, y2)`` over an image of side ``size``, some partly outside."""
    g = torch.Generator().manual_seed(seed)
    boxes = random_boxes(k, seed, size=size * 1.2, degenerate=0.1) - size * 0.1
    index = torch.randint(0, batch, (k, 1), generator=g).to(boxes)
    return torch.cat([index, boxes], dim=1)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("output_size", "scale"), [(7, 0.25), ((3, 5), 0.5), (2, 1.0)])
def test_roi_pool_matches_torchvision(ref, seed, output_size, scale):
    """Does roi_pool equal torchvision.ops.roi_pool, RoIs partly outside and degenerate included?"""
    features = torch.randn(2, 3, 16, 12, generator=torch.Generator().manual_seed(seed))
    rois = random_rois(12, seed, size=48.0, batch=2).float()
    expected = ops.roi_pool(features, rois, output_size, scale)
    torch.testing.assert_close(ref.roi_pool(features, rois, output_size, scale), expected)


@pytest.mark.parametrize("size", range(1, 30))
@pytest.mark.parametrize("bins", [2, 3, 5, 6, 7])
def test_roi_pool_bin_edges_match_torchvision_for_every_small_roi(ref, size, bins):
    """For every RoI size up to 29 cells, are the bins (exact floor/ceil) those of torchvision?"""
    features = torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(size))
    rois = torch.tensor([[0.0, 1.0, 2.0, 1.0 + size - 1, 2.0 + size - 1]])
    torch.testing.assert_close(ref.roi_pool(features, rois, bins), ops.roi_pool(features, rois, bins))


def test_roi_pool_gradient_matches_torchvision(ref):
    """Does the gradient reach each bin's arg-max, as torchvision's backward sends it?"""
    features = torch.randn(2, 2, 10, 10, dtype=torch.float64, requires_grad=True)
    rois = random_rois(6, 3, size=40.0, batch=2)
    grad = torch.randn(6, 2, 3, 3, dtype=torch.float64)
    ours = torch.autograd.grad(ref.roi_pool(features, rois, 3, 0.25), features, grad)[0]
    theirs = torch.autograd.grad(ops.roi_pool(features, rois, 3, 0.25), features, grad)[0]
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("aligned", [True, False])
@pytest.mark.parametrize(("output_size", "scale", "sampling_ratio"), [(7, 0.25, 2), ((3, 4), 0.5, 1), (2, 1.0, 3)])
def test_roi_align_matches_torchvision(ref, seed, aligned, output_size, scale, sampling_ratio):
    """Does roi_align equal torchvision.ops.roi_align (both `aligned` settings, samples outside the map)?"""
    features = torch.randn(2, 3, 16, 12, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    rois = random_rois(10, seed, size=48.0, batch=2)
    expected = ops.roi_align(features, rois, output_size, scale, sampling_ratio, aligned)
    torch.testing.assert_close(ref.roi_align(features, rois, output_size, scale, sampling_ratio, aligned), expected)


def test_roi_align_gradient_matches_torchvision(ref):
    """Does autograd through roi_align give torchvision's gradient with respect to the features?"""
    features = torch.randn(2, 2, 10, 10, dtype=torch.float64, requires_grad=True)
    rois = random_rois(5, 4, size=40.0, batch=2)
    grad = torch.randn(5, 2, 4, 4, dtype=torch.float64)
    ours = torch.autograd.grad(ref.roi_align(features, rois, 4, 0.25, 2, True), features, grad)[0]
    theirs = torch.autograd.grad(ops.roi_align(features, rois, 4, 0.25, 2, True), features, grad)[0]
    torch.testing.assert_close(ours, theirs)


def test_roi_ops_of_no_roi_are_empty(ref):
    """Do zero RoIs give (0, C, PH, PW) outputs, as torchvision's?"""
    features, rois = torch.randn(1, 3, 8, 8), torch.zeros(0, 5)
    assert ref.roi_pool(features, rois, 2).shape == ops.roi_pool(features, rois, 2).shape == (0, 3, 2, 2)
    assert ref.roi_align(features, rois, 2).shape == ops.roi_align(features, rois, 2, 1.0, 2, True).shape


# --- Proposal targets ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(("fg", "bg"), [(0.5, 0.5), (0.7, 0.3)])
def test_assign_targets_agrees_with_matcher(ref, seed, fg, bg):
    """Are foreground, background and ignored proposals, and foreground boxes and labels, Matcher's?"""
    proposals, gt = random_boxes(100, seed, degenerate=0.05), random_boxes(5, seed + 50)
    gt_labels = torch.randint(1, 4, (5,), generator=torch.Generator().manual_seed(seed))
    labels, matched = ref.assign_targets(proposals, gt, gt_labels, fg, bg)
    matches = Matcher(fg, bg, allow_low_quality_matches=False)(ops.box_iou(gt, proposals))
    assert torch.equal(labels == 0, matches == Matcher.BELOW_LOW_THRESHOLD)
    assert torch.equal(labels == -1, matches == Matcher.BETWEEN_THRESHOLDS)
    foreground = matches >= 0
    assert torch.equal(labels[foreground], gt_labels[matches[foreground]])
    torch.testing.assert_close(matched[foreground], gt[matches[foreground]])


# --- SSD -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("f", "scale", "next_scale", "ratios", "clip"),
                         [(4, 0.2, 0.37, (2.0,), True), (3, 0.9, 1.05, (2.0, 3.0), True),
                          (5, 0.1, 0.2, (), True), (2, 0.8, 1.0, (3.0,), False)])
def test_ssd_default_boxes_match_default_box_generator(ref, f, scale, next_scale, ratios, clip):
    """Are the default boxes those of torchvision's DefaultBoxGenerator (cx, cy, w, h, relative)?"""
    generator = DefaultBoxGenerator([list(ratios)], scales=[scale, next_scale], clip=clip)
    expected = generator._grid_default_boxes([[f, f]], [f * 8, f * 8])
    torch.testing.assert_close(ref.ssd_default_boxes(f, scale, next_scale, ratios, clip), expected)


@pytest.mark.parametrize("seed", range(5))
def test_hard_negative_mining_matches_a_per_image_sort(ref, seed):
    """Are the chosen negatives, image by image, the top 3 x positives by loss (torchvision SSD's rule)?"""
    g = torch.Generator().manual_seed(seed)
    loss = torch.rand(4, 50, generator=g)
    positive = torch.rand(4, 50, generator=g) < torch.tensor([[0.0], [0.05], [0.3], [0.9]])
    chosen = ref.hard_negative_mining(loss, positive, 3)
    for n in range(4):
        negatives = (~positive[n]).nonzero().flatten()
        k = min(3 * int(positive[n].sum()), len(negatives))
        expected = set(negatives[loss[n, negatives].argsort(descending=True)[:k]].tolist())
        assert set(chosen[n].nonzero().flatten().tolist()) == expected


# --- VOC AP and mAP ------------------------------------------------------------------------------

def voc_ap(rec, prec):
    """The PASCAL VOC devkit's all-point AP (VOCevaldet.m / py-faster-rcnn voc_eval.py), verbatim."""
    mrec = np.concatenate(([0.0], rec, [1.0]))
    mpre = np.concatenate(([0.0], prec, [0.0]))
    for i in range(mpre.size - 1, 0, -1):
        mpre[i - 1] = np.maximum(mpre[i - 1], mpre[i])
    i = np.where(mrec[1:] != mrec[:-1])[0]
    return np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1])


def voc_eval(detections, ground_truths, c, threshold):
    """The devkit's per-class evaluation loop: greedy matching by decreasing score, then voc_ap."""
    entries = [(float(s), i, d["boxes"][j].numpy()) for i, d in enumerate(detections)
               for j, s in enumerate(d["scores"]) if int(d["labels"][j]) == c]
    entries.sort(key=lambda e: -e[0])
    gts = {i: g["boxes"][g["labels"] == c].numpy() for i, g in enumerate(ground_truths)}
    used = {i: np.zeros(len(b), bool) for i, b in gts.items()}
    npos = sum(len(b) for b in gts.values())
    tp, fp = np.zeros(len(entries)), np.zeros(len(entries))
    for k, (_, i, bb) in enumerate(entries):
        boxes, ovmax, jmax = gts[i], -np.inf, -1
        if len(boxes):
            iw = np.maximum(np.minimum(boxes[:, 2], bb[2]) - np.maximum(boxes[:, 0], bb[0]), 0)
            ih = np.maximum(np.minimum(boxes[:, 3], bb[3]) - np.maximum(boxes[:, 1], bb[1]), 0)
            inters = iw * ih
            uni = (bb[2] - bb[0]) * (bb[3] - bb[1]) + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inters
            overlaps = inters / uni
            ovmax, jmax = overlaps.max(), overlaps.argmax()
        if ovmax >= threshold and not used[i][jmax]:
            tp[k], used[i][jmax] = 1, True
        else:
            fp[k] = 1
    if npos == 0:
        return math.nan
    tp, fp = np.cumsum(tp), np.cumsum(fp)
    return voc_ap(tp / npos, tp / np.maximum(tp + fp, np.finfo(np.float64).eps))


@pytest.mark.parametrize("seed", range(5))
def test_average_precision_matches_voc_devkit(ref, seed):
    """Is average_precision the devkit's voc_ap on a random precision-recall curve?"""
    g = torch.Generator().manual_seed(seed)
    hits = (torch.rand(30, generator=g) < 0.6).double()
    tp, fp = hits.cumsum(0), (1 - hits).cumsum(0)
    recall, precision = tp / (hits.sum() + 3), tp / (tp + fp)
    got = ref.average_precision(recall, precision)
    assert math.isclose(float(got), voc_ap(recall.numpy(), precision.numpy()), rel_tol=1e-12, abs_tol=1e-12)


def _noisy_detections(seed, ground_truths, num_classes):
    g = torch.Generator().manual_seed(seed)
    detections = []
    for gt in ground_truths:
        jitter = torch.randn(gt["boxes"].shape, generator=g, dtype=torch.float64) * 2.5
        false_boxes = random_boxes(3, int(torch.randint(0, 10**6, (1,), generator=g)), size=48.0)
        boxes = torch.cat([gt["boxes"] + jitter, gt["boxes"][:1] + 0.5, false_boxes])
        labels = torch.cat([gt["labels"], gt["labels"][:1], torch.randint(0, num_classes, (3,), generator=g)])
        detections.append({"boxes": boxes, "scores": torch.rand(len(boxes), generator=g, dtype=torch.float64),
                           "labels": labels})
    return detections


@pytest.mark.parametrize("seed", range(4))
def test_mean_average_precision_matches_voc_devkit(ref, seed):
    """Over 12 images with jittered, duplicated and false detections, is each class's AP the devkit's?"""
    g = torch.Generator().manual_seed(seed)
    ground_truths = []
    for i in range(12):
        n = int(torch.randint(1, 4, (1,), generator=g))
        ground_truths.append({"boxes": random_boxes(n, seed * 100 + i, size=48.0),
                              "labels": torch.randint(0, 3, (n,), generator=g)})
    ground_truths[0]["labels"][:] = 0
    detections = _noisy_detections(seed, ground_truths, 4)
    mean, ap = ref.mean_average_precision(detections, ground_truths, 4, 0.5)
    expected = [voc_eval(detections, ground_truths, c, 0.5) for c in range(4)]
    assert math.isnan(ap[3]) and math.isnan(expected[3])
    np.testing.assert_allclose(ap[:3], expected[:3], rtol=1e-12)
    assert math.isclose(mean, float(np.mean(expected[:3])), rel_tol=1e-12)
