"""ch03_vision_transformers' reference against independent implementations (CATALOG.md's oracles).

torchvision.ops (box_convert, generalized_box_iou), scipy.optimize.linear_sum_assignment (and a
brute-force search over permutations), torchvision's Swin internals (the relative position index
of ShiftedWindowAttention, the shifted-window mask and the whole of shifted_window_attention,
PatchMerging), and torch's own Conv2d and TransformerEncoderLayer for the ViT.
"""

from __future__ import annotations

import importlib.util
import itertools

import pytest
import torch
import torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from torchvision.models import swin_transformer as tv_swin
from torchvision.ops import box_convert
from torchvision.ops import generalized_box_iou as tv_generalized_box_iou

from autograder.assignment import load_assignment


@pytest.fixture(scope="module")
def ref():
    path = load_assignment("ch03_vision_transformers").reference_path
    spec = importlib.util.spec_from_file_location("ch03_reference_for_oracles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _random_boxes(n: int, generator: torch.Generator, *, degenerate: bool = True) -> torch.Tensor:
    """(n, 4) xyxy boxes in [0, 1]; with ``degenerate``, some have zero width or zero height."""
    corners = torch.rand(n, 2, 2, generator=generator, dtype=torch.float64)
    low, high = corners.min(dim=1).values, corners.max(dim=1).values
    boxes = torch.cat([low, high], dim=1)
    if degenerate and n >= 3:
        boxes[0, 2] = boxes[0, 0]       # zero width
        boxes[1, 3] = boxes[1, 1]       # zero height
        boxes[2] = boxes[min(3, n - 1)]  # a duplicate
    return boxes


# -- ViT ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("channels", "size", "patch"), [(1, 8, 2), (3, 12, 4), (2, 6, 3)])
def test_patchify_times_conv_weight_is_conv2d(ref, channels, size, patch):
    """Is patchify(x) @ W.flatten(1).T + b exactly F.conv2d(x, W, b, stride=p), flattened row by row?"""
    g = torch.Generator().manual_seed(size)
    x = torch.randn(2, channels, size, size, generator=g, dtype=torch.float64)
    weight = torch.randn(5, channels, patch, patch, generator=g, dtype=torch.float64)
    bias = torch.randn(5, generator=g, dtype=torch.float64)
    expected = F.conv2d(x, weight, bias, stride=patch).flatten(2).transpose(1, 2)
    torch.testing.assert_close(ref.patchify(x, patch) @ weight.flatten(1).T + bias, expected)


def test_patchify_matches_unfold(ref):
    """Is patchify F.unfold with kernel = stride = p, transposed to (B, N, C*p*p)?"""
    x = torch.randn(3, 3, 8, 12, dtype=torch.float64)
    torch.testing.assert_close(ref.patchify(x, 4), F.unfold(x, kernel_size=4, stride=4).transpose(1, 2))


def test_vit_equals_a_hand_built_pipeline_of_torch_modules(ref):
    """Is ViT.forward conv patches, [cls; patches] + pos, nn.TransformerEncoderLayer blocks, LayerNorm, head(token 0)?"""
    torch.manual_seed(0)
    model = ref.ViT(image_size=8, patch_size=2, in_channels=1, num_classes=10, embed_dim=16, depth=2,
                    num_heads=4).double()
    x = torch.rand(3, 1, 8, 8, dtype=torch.float64)
    tokens = F.conv2d(x, model.patch_embed.proj.weight, model.patch_embed.proj.bias, stride=2)
    tokens = tokens.flatten(2).transpose(1, 2)
    tokens = torch.cat([model.cls_token.expand(3, -1, -1), tokens], dim=1) + model.pos_embed
    for block in model.blocks:
        assert isinstance(block, torch.nn.TransformerEncoderLayer) and block.norm_first
        tokens = block(tokens)
    expected = F.linear(F.layer_norm(tokens[:, 0], (16,), model.norm.weight, model.norm.bias),
                        model.head.weight, model.head.bias)
    torch.testing.assert_close(model(x), expected)


# -- Swin -----------------------------------------------------------------------------------

@pytest.mark.parametrize("window_size", [1, 2, 3, 4, 7])
def test_relative_position_index_matches_torchvision(ref, window_size):
    """Is our (N, N) index torchvision's ShiftedWindowAttention.relative_position_index, reshaped?"""
    module = tv_swin.ShiftedWindowAttention(8, [window_size, window_size], [0, 0], num_heads=2)
    N = window_size * window_size
    expected = module.relative_position_index.view(N, N)
    got = ref.relative_position_index(window_size)
    assert got.dtype == torch.int64
    assert torch.equal(got, expected)


def _torchvision_mask(H: int, W: int, window_size: int, shift_size: int) -> torch.Tensor:
    """The mask torchvision's shifted_window_attention applies, read off its attention weights.

    With q = k = 0 and no position bias, every score is torchvision's additive mask (0 or -100), so
    the softmax is uniform over the tokens a token may attend to and about e^-100 elsewhere. With
    v = the one-hot index of each token inside its (rolled) window and identity projections, the
    output at a token *is* its row of attention weights.
    """
    M, s, N = window_size, shift_size, window_size * window_size
    rows, cols = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    rolled = F.one_hot((rows % M) * M + cols % M, N).double()[None]      # (1, H, W, N) after the roll
    x = torch.roll(rolled, shifts=(s, s), dims=(1, 2))                    # what torchvision rolls back
    qkv_weight = torch.cat([torch.zeros(2 * N, N), torch.eye(N)]).double()
    out = tv_swin.shifted_window_attention(
        x, qkv_weight, torch.eye(N, dtype=torch.float64), torch.zeros(1, 1, N, N, dtype=torch.float64),
        [M, M], 1, [s, s], training=False)
    out = torch.roll(out, shifts=(-s, -s), dims=(1, 2))                   # (1, H, W, N) in rolled layout
    weights = out.view(H // M, M, W // M, M, N).permute(0, 2, 1, 3, 4).reshape(-1, N, N)  # (nW, N, N)
    return weights > 1e-20


@pytest.mark.parametrize(("H", "W", "window_size", "shift_size"),
                         [(8, 8, 4, 2), (8, 12, 4, 1), (6, 9, 3, 1), (14, 14, 7, 3), (4, 8, 2, 1), (8, 8, 4, 3)])
def test_shifted_window_mask_matches_torchvision(ref, H, W, window_size, shift_size):
    """Is our boolean mask exactly where torchvision's shifted_window_attention lets tokens attend?"""
    expected = _torchvision_mask(H, W, window_size, shift_size)
    got = ref.shifted_window_mask(H, W, window_size, shift_size)
    assert got.dtype == torch.bool
    assert torch.equal(got, expected)


def test_shifted_window_mask_without_shift_is_all_true(ref):
    """Is the mask all True when nothing is shifted, as torchvision's (which then applies none)?"""
    assert ref.shifted_window_mask(8, 12, 4, 0).all()
    assert _torchvision_mask(8, 12, 4, 0).all()


@pytest.mark.parametrize(("H", "W", "window_size", "shift_size", "heads"),
                         [(8, 8, 4, 0, 2), (8, 8, 4, 2, 2), (8, 12, 4, 1, 1), (6, 9, 3, 2, 3), (14, 14, 7, 3, 2)])
def test_shifted_window_attention_matches_torchvision(ref, H, W, window_size, shift_size, heads):
    """With copied weights, is our ShiftedWindowAttention torchvision's (dropout 0, H and W multiples of M)?"""
    torch.manual_seed(H * W + shift_size)
    dim = 4 * heads
    theirs = tv_swin.ShiftedWindowAttention(dim, [window_size, window_size], [shift_size, shift_size], heads).double()
    ours = ref.ShiftedWindowAttention(dim, window_size, shift_size, heads).double()
    with torch.no_grad():
        theirs.relative_position_bias_table.normal_()  # large enough for a wrong index to show
        for name in ("qkv.weight", "qkv.bias", "proj.weight", "proj.bias", "relative_position_bias_table"):
            ours.get_parameter(f"attn.{name}").copy_(theirs.get_parameter(name))
    x = torch.randn(2, H, W, dim, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x))


@pytest.mark.parametrize(("H", "W"), [(4, 4), (6, 10), (2, 8)])
def test_patch_merging_matches_torchvision(ref, H, W):
    """With copied weights, is our PatchMerging torchvision's (even H and W)?"""
    torch.manual_seed(H + W)
    theirs = tv_swin.PatchMerging(6).double()
    ours = ref.PatchMerging(6).double()
    with torch.no_grad():
        theirs.norm.weight.normal_()
        theirs.norm.bias.normal_()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(3, H, W, 6, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x))


def test_window_partition_matches_torchvision_layout(ref):
    """Do windows come in the order torchvision's shifted_window_attention partitions them?"""
    B, H, W, C, M = 2, 6, 9, 3, 3
    x = torch.randn(B, H, W, C)
    expected = x.view(B, H // M, M, W // M, M, C).permute(0, 1, 3, 2, 4, 5).reshape(-1, M * M, C)
    windows = ref.window_partition(x, M)
    assert torch.equal(windows.reshape(-1, M * M, C), expected)
    assert torch.equal(ref.window_reverse(windows, M, H, W), x)


# -- DETR -----------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_box_conversions_match_box_convert(ref, seed):
    """Are both conversions torchvision.ops.box_convert, on batched and degenerate boxes?"""
    g = torch.Generator().manual_seed(seed)
    xyxy = _random_boxes(12, g)
    cxcywh = box_convert(xyxy, "xyxy", "cxcywh")
    torch.testing.assert_close(ref.box_xyxy_to_cxcywh(xyxy), cxcywh)
    torch.testing.assert_close(ref.box_cxcywh_to_xyxy(cxcywh), box_convert(cxcywh, "cxcywh", "xyxy"))
    batched = xyxy.reshape(3, 4, 4)
    torch.testing.assert_close(ref.box_xyxy_to_cxcywh(batched), cxcywh.reshape(3, 4, 4))
    assert ref.box_cxcywh_to_xyxy(torch.zeros(0, 4)).shape == (0, 4)


@pytest.mark.parametrize("seed", range(5))
def test_generalized_box_iou_matches_torchvision(ref, seed):
    """Is our GIoU torchvision.ops.generalized_box_iou, zero-width, zero-height and duplicate boxes included?"""
    g = torch.Generator().manual_seed(seed)
    boxes1, boxes2 = _random_boxes(7, g), _random_boxes(5, g, degenerate=False)
    boxes2[0] = boxes1[3]  # one identical pair: GIoU 1
    torch.testing.assert_close(ref.generalized_box_iou(boxes1, boxes2), tv_generalized_box_iou(boxes1, boxes2))


def test_generalized_box_iou_nan_where_torchvision_gives_nan(ref):
    """Two zero-area boxes have an empty union: do we give NaN exactly where torchvision does?"""
    boxes = torch.tensor([[0.0, 0.0, 0.0, 1.0], [0.5, 0.0, 0.5, 1.0], [0.0, 0.0, 1.0, 1.0]], dtype=torch.float64)
    ours, theirs = ref.generalized_box_iou(boxes, boxes), tv_generalized_box_iou(boxes, boxes)
    assert torch.equal(torch.isnan(ours), torch.isnan(theirs))
    torch.testing.assert_close(ours, theirs, equal_nan=True)


def test_generalized_box_iou_of_empty_sets(ref):
    """Are N = 0 or M = 0 handled as torchvision handles them?"""
    boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
    for a, b in ((torch.zeros(0, 4), boxes), (boxes, torch.zeros(0, 4))):
        assert ref.generalized_box_iou(a, b).shape == tv_generalized_box_iou(a, b).shape


def test_generalized_box_iou_rejects_inverted_boxes(ref):
    """Does a box with x2 < x1 raise ValueError showing it (DETR asserts the same)?"""
    good = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"x2 < x1"):
        ref.generalized_box_iou(good, torch.tensor([[0.5, 0.0, 0.2, 1.0]]))


def _detr_inputs(seed: int, queries: int, sizes: list[int], num_classes: int = 4):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(len(sizes), queries, num_classes + 1, generator=g, dtype=torch.float64)
    pred = box_convert(torch.stack([_random_boxes(queries, g, degenerate=False) for _ in sizes]), "xyxy", "cxcywh")
    targets = [{"labels": torch.randint(0, num_classes, (n,), generator=g),
                "boxes": box_convert(_random_boxes(n, g), "xyxy", "cxcywh")} for n in sizes]
    return logits, pred, targets


@pytest.mark.parametrize("seed", range(4))
def test_match_cost_is_detrs_formula_with_torchvision_giou(ref, seed):
    """Is the cost DETR's matcher: 5 * cdist_1 - 1 * prob[:, labels] - 2 * torchvision GIoU?"""
    logits, pred, targets = _detr_inputs(seed, 6, [4])
    labels, boxes = targets[0]["labels"], targets[0]["boxes"]
    expected = (5 * torch.cdist(pred[0], boxes, p=1) - logits[0].softmax(-1)[:, labels]
                - 2 * tv_generalized_box_iou(box_convert(pred[0], "cxcywh", "xyxy"), box_convert(boxes, "cxcywh", "xyxy")))
    torch.testing.assert_close(ref.match_cost(logits[0], pred[0], labels, boxes), expected)


@pytest.mark.parametrize("seed", range(4))
def test_hungarian_match_is_optimal_by_brute_force_and_scipy(ref, seed):
    """Is the matching scipy's linear_sum_assignment, and no permutation costs less?"""
    logits, pred, targets = _detr_inputs(seed, 5, [3, 0, 5])
    indices = ref.hungarian_match(logits, pred, targets)
    for b, (src, tgt) in enumerate(indices):
        cost = ref.match_cost(logits[b], pred[b], targets[b]["labels"], targets[b]["boxes"])
        rows, cols = linear_sum_assignment(cost.numpy())
        assert src.dtype == tgt.dtype == torch.int64
        assert src.tolist() == rows.tolist() and tgt.tolist() == cols.tolist()
        T = cost.shape[1]
        best = min((sum(float(cost[q, t]) for t, q in enumerate(perm)) for perm in
                    itertools.permutations(range(cost.shape[0]), T)), default=0.0)
        assert float(cost[src, tgt].sum()) == pytest.approx(best)


@pytest.mark.parametrize("seed", range(3))
def test_set_loss_matches_detrs_criterion_written_with_torch_ops(ref, seed):
    """Is the set loss F.cross_entropy(weight) + F.l1_loss(sum)/n + (1 - torchvision GIoU).sum()/n?"""
    logits, pred, targets = _detr_inputs(seed, 6, [2, 0, 4])
    indices = ref.hungarian_match(logits, pred, targets)
    losses = ref.set_loss(logits, pred, targets, indices, eos_coef=0.1)
    classes = torch.full((3, 6), 4)
    for b, (src, tgt) in enumerate(indices):
        classes[b, src] = targets[b]["labels"][tgt]
    weight = torch.tensor([1.0, 1.0, 1.0, 1.0, 0.1], dtype=torch.float64)
    per_query = F.cross_entropy(logits.reshape(-1, 5), classes.reshape(-1), reduction="none")
    expected_ce = (per_query * weight[classes.reshape(-1)]).sum() / weight[classes.reshape(-1)].sum()
    src_boxes = torch.cat([pred[b, src] for b, (src, _) in enumerate(indices)])
    tgt_boxes = torch.cat([targets[b]["boxes"][tgt] for b, (_, tgt) in enumerate(indices)])
    giou = torch.diag(tv_generalized_box_iou(box_convert(src_boxes, "cxcywh", "xyxy"),
                                             box_convert(tgt_boxes, "cxcywh", "xyxy")))
    torch.testing.assert_close(losses["loss_ce"], F.cross_entropy(logits.transpose(1, 2), classes, weight=weight))
    torch.testing.assert_close(losses["loss_ce"], expected_ce)
    torch.testing.assert_close(losses["loss_bbox"], F.l1_loss(src_boxes, tgt_boxes, reduction="sum") / 6)
    torch.testing.assert_close(losses["loss_giou"], (1 - giou).sum() / 6)


def test_set_loss_without_any_target(ref):
    """With no target in the batch, are the box losses 0 and every query's class 'no object'?"""
    logits, pred, targets = _detr_inputs(9, 4, [0, 0])
    indices = ref.hungarian_match(logits, pred, targets)
    losses = ref.set_loss(logits, pred, targets, indices)
    torch.testing.assert_close(losses["loss_ce"], F.cross_entropy(logits.reshape(-1, 5), torch.full((8,), 4)))
    assert float(losses["loss_bbox"]) == 0.0 and float(losses["loss_giou"]) == 0.0
