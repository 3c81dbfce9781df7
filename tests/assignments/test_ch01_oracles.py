"""ch01_attention's reference against independent implementations (CATALOG.md's oracles)."""

from __future__ import annotations

import importlib.util

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.assignment import load_assignment


@pytest.fixture(scope="module")
def ref():
    path = load_assignment("ch01_attention").reference_path
    spec = importlib.util.spec_from_file_location("ch01_reference_for_oracles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", range(3))
def test_scaled_dot_product_attention_matches_torch(ref, seed):
    """Does our SDPA equal F.scaled_dot_product_attention, with and without a boolean mask?"""
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(2, 3, 5, 8, generator=g, dtype=torch.float64) for _ in range(3))
    mask = torch.rand(5, 5, generator=g) < 0.7
    mask[:, 0] = True  # torch gives NaN for fully masked rows; ours gives zeros (tested elsewhere)
    for m in (None, mask):
        out, _ = ref.scaled_dot_product_attention(q, k, v, m)
        torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=m))


def test_fully_masked_rows_are_zero_where_torch_gives_nan(ref):
    """Is a query with no allowed key all zeros (a documented difference from torch's NaN)?"""
    q, k, v = torch.randn(1, 2, 4), torch.randn(1, 3, 4), torch.randn(1, 3, 2)
    mask = torch.tensor([[False, False, False], [True, True, True]])
    out, weights = ref.scaled_dot_product_attention(q, k, v, mask)
    assert torch.equal(out[0, 0], torch.zeros(2)) and torch.equal(weights[0, 0], torch.zeros(3))


@pytest.mark.parametrize(("d_model", "heads", "bias"), [(8, 2, True), (12, 3, False), (16, 1, True)])
def test_multi_head_attention_matches_nn_multihead_attention(ref, d_model, heads, bias):
    """With copied weights, does our MultiHeadAttention equal nn.MultiheadAttention (per-head weights too)?"""
    torch.manual_seed(0)
    ours = ref.MultiHeadAttention(d_model, heads, bias=bias).double()
    theirs = nn.MultiheadAttention(d_model, heads, bias=bias, batch_first=True).double()
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([ours.W_q.weight, ours.W_k.weight, ours.W_v.weight]))
        theirs.out_proj.weight.copy_(ours.W_o.weight)
        if bias:
            theirs.in_proj_bias.copy_(torch.cat([ours.W_q.bias, ours.W_k.bias, ours.W_v.bias]))
            theirs.out_proj.bias.copy_(ours.W_o.bias)
    q, kv = torch.randn(2, 4, d_model, dtype=torch.float64), torch.randn(2, 6, d_model, dtype=torch.float64)
    allowed = torch.rand(4, 6) < 0.8
    allowed[:, 0] = True
    out, weights = ours(q, kv, kv, allowed)
    expected_out, expected_weights = theirs(q, kv, kv, attn_mask=~allowed, average_attn_weights=False)
    torch.testing.assert_close(out, expected_out)
    torch.testing.assert_close(weights, expected_weights)


def test_masked_softmax_matches_softmax_of_the_valid_prefix(ref):
    """Is each row the softmax of its first valid_len scores, zero-padded?"""
    X = torch.randn(2, 3, 5, dtype=torch.float64)
    lens = torch.tensor([[1, 3, 5], [2, 0, 4]])
    weights = ref.masked_softmax(X, lens)
    for b in range(2):
        for i in range(3):
            n = int(lens[b, i])
            expected = torch.zeros(5, dtype=torch.float64)
            if n:
                expected[:n] = torch.softmax(X[b, i, :n], dim=-1)
            torch.testing.assert_close(weights[b, i], expected)


def test_masks_match_their_definitions_elementwise(ref):
    """Do the three sparse masks equal their element-wise definitions?"""
    L = 9
    i, j = torch.meshgrid(torch.arange(L), torch.arange(L), indexing="ij")
    assert torch.equal(ref.causal_mask(L), j <= i)
    assert torch.equal(ref.local_window_mask(L, 2), (i - j).abs() <= 2)
    assert torch.equal(ref.strided_mask(L, 3), (j <= i) & (((i - j) < 3) | ((i - j) % 3 == 0)))


def test_hard_attention_with_all_keys_is_soft_attention(ref):
    """With top_k = Lk, is hard attention ordinary SDPA (F.scaled_dot_product_attention)?"""
    q, k, v = torch.randn(2, 3, 4, dtype=torch.float64), torch.randn(2, 5, 4, dtype=torch.float64), torch.randn(2, 5, 2, dtype=torch.float64)
    out, _ = ref.hard_attention(q, k, v, top_k=5)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v))
