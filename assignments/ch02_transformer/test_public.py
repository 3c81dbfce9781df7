"""Public checks for ch02_transformer: run `python -m pytest -q test_public.py` next to transformer.py.

They check shapes and a few hand-computed cases. Passing them does not mean full marks: the
hidden tests also check numerics on random inputs, gradients, the 80/10/10 rule, training and
device-agnosticism.
"""

import importlib
import math

import pytest
import torch

transformer = importlib.import_module("transformer")


def test_positional_encoding_first_rows():
    pe = transformer.sinusoidal_positional_encoding(3, 4)
    assert pe.shape == (3, 4) and pe.dtype == torch.float32
    torch.testing.assert_close(pe[0], torch.tensor([0.0, 1.0, 0.0, 1.0]))
    torch.testing.assert_close(pe[1, :2], torch.tensor([math.sin(1.0), math.cos(1.0)]))


def test_layer_norm_hand_computed():
    norm = transformer.LayerNorm(3)
    out = norm(torch.tensor([[1.0, 2.0, 3.0]]))
    z = 1.0 / math.sqrt(2.0 / 3.0 + 1e-5)  # mean 2, biased variance 2/3
    torch.testing.assert_close(out, torch.tensor([[-z, 0.0, z]]))


def test_masks_small():
    expected = torch.tensor([[True, False, False], [True, True, False], [True, True, True]])
    assert torch.equal(transformer.causal_mask(3), expected)
    tokens = torch.tensor([[5, 6, 0], [7, 0, 0]])
    assert transformer.padding_mask(tokens).shape == (2, 1, 1, 3)
    assert transformer.target_mask(tokens).shape == (2, 1, 3, 3)


def test_label_smoothing_on_uniform_logits():
    # With equal logits every class has probability 1/C, so the loss is log C whatever the smoothing.
    loss = transformer.label_smoothed_cross_entropy(torch.zeros(4, 5), torch.tensor([0, 1, 2, -100]), smoothing=0.3)
    assert loss.shape == ()
    torch.testing.assert_close(loss, torch.tensor(math.log(5.0)))


@pytest.mark.parametrize("norm_first", [False, True])
def test_layer_shapes(norm_first):
    encoder = transformer.TransformerEncoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first)
    decoder = transformer.TransformerDecoderLayer(8, 2, 16, dropout=0.0, norm_first=norm_first)
    x, memory = torch.randn(2, 4, 8), torch.randn(2, 6, 8)
    assert encoder(memory).shape == (2, 6, 8)
    assert decoder(x, memory, transformer.causal_mask(4)).shape == (2, 4, 8)


def test_bert_input_pair():
    tokens, segments = transformer.bert_input(torch.tensor([7, 8]), torch.tensor([9]))
    assert tokens.tolist() == [transformer.CLS, 7, 8, transformer.SEP, 9, transformer.SEP]
    assert segments.tolist() == [0, 0, 0, 0, 1, 1]


def test_mask_tokens_leaves_special_tokens_alone():
    torch.manual_seed(0)
    tokens = torch.randint(0, 20, (8, 50))
    inputs, labels = transformer.mask_tokens(tokens, 20, mask_prob=0.5)
    special = tokens < transformer.NUM_SPECIAL
    assert inputs.shape == labels.shape == tokens.shape
    assert torch.equal(inputs[special], tokens[special])
    assert (labels[special] == transformer.IGNORE_INDEX).all()


def test_gpt_shapes_and_greedy_generation():
    model = transformer.GPT(vocab_size=10, block_size=8, d_model=16, num_heads=2, num_layers=1).eval()
    idx = torch.randint(0, 10, (2, 5))
    assert model(idx).shape == (2, 5, 10)
    out = transformer.generate(model, idx, 6, temperature=0.0)
    assert out.shape == (2, 11) and torch.equal(out[:, :5], idx)
    logits = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.0, 0.5]])
    assert transformer.sample_next_token(logits, temperature=0.0).tolist() == [1, 0]
