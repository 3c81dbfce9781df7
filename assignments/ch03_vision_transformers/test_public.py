"""Public checks for ch03_vision_transformers: run `python -m pytest -q test_public.py` next to
vision_transformers.py.

They check shapes, conventions and a few hand-computed cases. Passing them does not mean full
marks: the hidden tests also check numerics on random inputs, gradients, training and
device-agnosticism.
"""

import importlib

import pytest
import torch

vt = importlib.import_module("vision_transformers")


def test_patchify_small_image_by_hand():
    image = torch.arange(16.0).reshape(1, 1, 4, 4)   # pixel values 0..15, row by row
    patches = vt.patchify(image, 2)
    assert patches.shape == (1, 4, 4)
    torch.testing.assert_close(patches[0, 0], torch.tensor([0.0, 1.0, 4.0, 5.0]))    # top-left patch
    torch.testing.assert_close(patches[0, 1], torch.tensor([2.0, 3.0, 6.0, 7.0]))    # top-right patch


def test_patch_embedding_and_vit_shapes():
    embed = vt.PatchEmbedding(8, 2, 1, 16)
    assert embed.num_patches == 16
    assert embed(torch.rand(3, 1, 8, 8)).shape == (3, 16, 16)
    model = vt.ViT(8, 4, 1, 10, embed_dim=16, depth=1, num_heads=2)
    assert model.pos_embed.shape == (1, 5, 16) and model.cls_token.shape == (1, 1, 16)
    assert model(torch.rand(3, 1, 8, 8)).shape == (3, 10)


def test_window_partition_and_reverse_round_trip():
    x = torch.randn(2, 4, 6, 3)
    windows = vt.window_partition(x, 2)
    assert windows.shape == (12, 2, 2, 3)
    torch.testing.assert_close(windows[1], x[0, 0:2, 2:4])      # second window of the first image
    torch.testing.assert_close(vt.window_reverse(windows, 2, 4, 6), x)


def test_relative_position_index_small():
    index = vt.relative_position_index(2)
    assert index.shape == (4, 4) and index.dtype == torch.int64
    assert (index.diagonal() == 4).all()                       # offset (0, 0) is the centre of a 3x3 table
    assert index[0, 3] == 0                                     # token 0 at (0, 0), token 3 at (1, 1): offset (-1, -1)


def test_shifted_window_mask_basic_properties():
    assert vt.shifted_window_mask(8, 8, 4, 0).all()
    mask = vt.shifted_window_mask(8, 8, 4, 2)
    assert mask.shape == (4, 16, 16) and mask.dtype == torch.bool
    assert mask[0].all()                                        # the top-left window holds no wrapped token
    assert torch.equal(mask, mask.transpose(1, 2)) and mask.diagonal(dim1=1, dim2=2).all()
    assert not mask[3].all()                                    # the bottom-right window mixes wrapped tokens


def test_swin_modules_shapes():
    attention = vt.ShiftedWindowAttention(8, 2, 1, 2)
    assert attention(torch.randn(2, 4, 6, 8)).shape == (2, 4, 6, 8)
    assert "attn.relative_position_bias_table" in attention.state_dict()
    assert vt.PatchMerging(8)(torch.randn(2, 4, 6, 8)).shape == (2, 2, 3, 16)


def test_box_conversions_by_hand():
    xyxy = torch.tensor([[0.0, 0.0, 4.0, 2.0]])
    torch.testing.assert_close(vt.box_xyxy_to_cxcywh(xyxy), torch.tensor([[2.0, 1.0, 4.0, 2.0]]))
    torch.testing.assert_close(vt.box_cxcywh_to_xyxy(torch.tensor([[2.0, 1.0, 4.0, 2.0]])), xyxy)


def test_generalized_box_iou_by_hand():
    a = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    b = torch.tensor([[0.0, 0.0, 2.0, 2.0], [1.0, 0.0, 3.0, 2.0], [3.0, 0.0, 4.0, 2.0]])
    # identical: 1; half overlapping: IoU 2/6, the enclosing box is the union: 1/3; disjoint: 0 - 2/8
    torch.testing.assert_close(vt.generalized_box_iou(a, b), torch.tensor([[1.0, 1 / 3, -0.25]]))
    with pytest.raises(ValueError):
        vt.generalized_box_iou(a, torch.tensor([[2.0, 0.0, 1.0, 1.0]]))


def test_hungarian_match_obvious_case():
    # Query 1 predicts target 0 exactly and confidently, query 0 predicts target 1: the match is obvious.
    targets = [{"labels": torch.tensor([0, 1]),
                "boxes": torch.tensor([[0.25, 0.25, 0.2, 0.2], [0.75, 0.75, 0.2, 0.2]])}]
    logits = torch.tensor([[[0.0, 9.0, 0.0], [9.0, 0.0, 0.0], [0.0, 0.0, 9.0]]])
    boxes = torch.tensor([[[0.75, 0.75, 0.2, 0.2], [0.25, 0.25, 0.2, 0.2], [0.5, 0.5, 0.1, 0.1]]])
    (pred_idx, tgt_idx), = vt.hungarian_match(logits, boxes, targets)
    assert pred_idx.tolist() == [0, 1] and tgt_idx.tolist() == [1, 0]
    assert vt.match_cost(logits[0], boxes[0], targets[0]["labels"], targets[0]["boxes"]).shape == (3, 2)


def test_set_loss_perfect_boxes():
    targets = [{"labels": torch.tensor([1]), "boxes": torch.tensor([[0.5, 0.5, 0.2, 0.4]])}]
    logits = torch.zeros(1, 3, 3)
    boxes = torch.tensor([[[0.5, 0.5, 0.2, 0.4], [0.1, 0.1, 0.1, 0.1], [0.9, 0.9, 0.1, 0.1]]])
    losses = vt.set_loss(logits, boxes, targets, [(torch.tensor([0]), torch.tensor([0]))])
    assert set(losses) == {"loss_ce", "loss_bbox", "loss_giou"}
    torch.testing.assert_close(losses["loss_bbox"], torch.tensor(0.0))   # the matched box is exact
    torch.testing.assert_close(losses["loss_giou"], torch.tensor(0.0))
