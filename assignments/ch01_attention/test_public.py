"""Public checks for ch01_attention: run `python -m pytest -q test_public.py` next to attention.py.

They check shapes and a few hand-computed cases. Passing them does not mean full marks: the
hidden tests also check numerics on random inputs, gradients, training and device-agnosticism.
"""

import importlib

import pytest
import torch

attention = importlib.import_module("attention")


def test_masked_softmax_hand_computed():
    X = torch.zeros(1, 2, 3)
    weights = attention.masked_softmax(X, torch.tensor([2]))
    expected = torch.tensor([[[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]]])
    torch.testing.assert_close(weights, expected)


def test_masked_softmax_zero_length_is_zero_not_nan():
    weights = attention.masked_softmax(torch.randn(1, 2, 3), torch.tensor([[0, 3]]))
    assert not torch.isnan(weights).any(), "a row with valid length 0 must be zeros, not NaN"
    torch.testing.assert_close(weights[0, 0], torch.zeros(3))


def test_scaled_dot_product_attention_shapes():
    out, weights = attention.scaled_dot_product_attention(torch.randn(2, 4, 8), torch.randn(2, 6, 8),
                                                          torch.randn(2, 6, 3))
    assert out.shape == (2, 4, 3) and weights.shape == (2, 4, 6)


def test_causal_mask_small():
    expected = torch.tensor([[True, False, False], [True, True, False], [True, True, True]])
    assert torch.equal(attention.causal_mask(3), expected)


@pytest.mark.parametrize("heads", [1, 2, 4])
def test_multi_head_attention_shapes(heads):
    mha = attention.MultiHeadAttention(8, heads)
    out, weights = mha(torch.randn(2, 3, 8), torch.randn(2, 5, 8), torch.randn(2, 5, 8))
    assert out.shape == (2, 3, 8) and weights.shape == (2, heads, 3, 5)


def test_hard_attention_keeps_top_k():
    _, weights = attention.hard_attention(torch.randn(1, 3, 4), torch.randn(1, 6, 4), torch.randn(1, 6, 2), top_k=2)
    assert ((weights > 0).sum(-1) == 2).all()
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, 3))
