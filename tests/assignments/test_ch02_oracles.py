"""ch02_transformer's reference against independent implementations (CATALOG.md's oracles).

PyTorch's own layers serve as oracles with copied weights: our attention's ``W_q, W_k, W_v`` stacked
are ``in_proj_weight``, ``W_o`` is ``out_proj``, ``ffn.linear1/2`` are ``linear1/2``, ``cross_attn`` is
``multihead_attn``, and ``norm1..3`` keep their names. Masks convert between conventions: ours are
True where a query *may* attend; PyTorch's boolean ``attn_mask`` and ``*_key_padding_mask`` are True
where it may *not*. The oracles run in training mode with dropout 0, PyTorch's reference path (its
inference fast path is a different kernel, tested by PyTorch itself).
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest
import scipy.stats
import torch
import torch.nn.functional as F
from torch import nn

from autograder.assignment import load_assignment

D_MODEL, HEADS, D_FF = 16, 4, 32


@pytest.fixture(scope="module")
def ref():
    path = load_assignment("ch02_transformer").reference_path
    spec = importlib.util.spec_from_file_location("ch02_reference_for_oracles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_attention(ours, theirs) -> None:
    theirs.in_proj_weight.copy_(torch.cat([ours.W_q.weight, ours.W_k.weight, ours.W_v.weight]))
    theirs.in_proj_bias.copy_(torch.cat([ours.W_q.bias, ours.W_k.bias, ours.W_v.bias]))
    theirs.out_proj.weight.copy_(ours.W_o.weight)
    theirs.out_proj.bias.copy_(ours.W_o.bias)


@torch.no_grad()
def _copy_layer(ours, theirs) -> None:
    """Our encoder or decoder layer's weights into PyTorch's."""
    _copy_attention(ours.self_attn, theirs.self_attn)
    if hasattr(ours, "cross_attn"):
        _copy_attention(ours.cross_attn, theirs.multihead_attn)
    for name in ("linear1", "linear2"):
        getattr(theirs, name).load_state_dict(getattr(ours.ffn, name).state_dict())
    for name in ("norm1", "norm2", "norm3"):
        if hasattr(ours, name):
            getattr(theirs, name).load_state_dict(getattr(ours, name).state_dict())


def _randomise(module, seed: int) -> None:
    """Random values in every parameter, LayerNorm's scale and shift included (they start at 1 and 0)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=parameter.dtype) * 0.3
                            + (1.0 if parameter.dim() == 1 and parameter.shape[0] == D_MODEL else 0.0))


def _tokens_and_padding(batch: int, length: int, seed: int):
    """Random lengths from 1 (a degenerate single-token row) to ``length``; True where a token is real."""
    generator = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, length + 1, (batch,), generator=generator)
    lengths[0] = 1
    return torch.arange(length)[None, :] < lengths[:, None]                       # (B, L)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_encoder_layer_matches_nn_transformer_encoder_layer(ref, norm_first, seed):
    """With copied weights and dropout 0, does our encoder layer equal nn.TransformerEncoderLayer, with a key padding mask and with a causal mask?"""
    torch.manual_seed(seed)
    ours = ref.TransformerEncoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, norm_first=norm_first).double()
    _randomise(ours, seed)
    theirs = nn.TransformerEncoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, batch_first=True,
                                        norm_first=norm_first).double()
    _copy_layer(ours, theirs)
    x = torch.randn(4, 7, D_MODEL, dtype=torch.float64) * 2.0
    real = _tokens_and_padding(4, 7, seed)
    torch.testing.assert_close(ours(x), theirs(x))
    torch.testing.assert_close(ours(x, real[:, None, None, :]), theirs(x, src_key_padding_mask=~real))
    causal = ref.causal_mask(7)
    torch.testing.assert_close(ours(x, causal), theirs(x, src_mask=~causal))


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_decoder_layer_matches_nn_transformer_decoder_layer(ref, norm_first, seed):
    """With copied weights, does our decoder layer equal nn.TransformerDecoderLayer under target, target-padding and memory-padding masks?"""
    torch.manual_seed(seed)
    ours = ref.TransformerDecoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, norm_first=norm_first).double()
    _randomise(ours, seed + 10)
    theirs = nn.TransformerDecoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, batch_first=True,
                                        norm_first=norm_first).double()
    _copy_layer(ours, theirs)
    x, memory = torch.randn(3, 5, D_MODEL, dtype=torch.float64), torch.randn(3, 6, D_MODEL, dtype=torch.float64)
    source_real = _tokens_and_padding(3, 6, seed)
    target_real = torch.ones(3, 5, dtype=torch.bool)
    target_real[1, 3:] = False   # padding at the end: every query still has key 0
    tgt_tokens = torch.where(target_real, 7, ref.PAD)
    got = ours(x, memory, ref.target_mask(tgt_tokens), source_real[:, None, None, :])
    expected = theirs(x, memory, tgt_mask=~ref.causal_mask(5), tgt_key_padding_mask=~target_real,
                      memory_key_padding_mask=~source_real)
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_stack_matches_nn_transformer_encoder(ref, norm_first):
    """Is our stack nn.TransformerEncoder, with its final LayerNorm exactly when norm_first (Pre-LN)?"""
    torch.manual_seed(3)
    ours = ref.TransformerEncoder(3, D_MODEL, HEADS, D_FF, dropout=0.0, norm_first=norm_first).double()
    _randomise(ours, 3)
    layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, batch_first=True, norm_first=norm_first)
    theirs = nn.TransformerEncoder(layer, 3, norm=nn.LayerNorm(D_MODEL) if norm_first else None,
                                   enable_nested_tensor=False).double()
    for mine, torch_layer in zip(ours.layers, theirs.layers):
        _copy_layer(mine, torch_layer)
    if norm_first:
        theirs.norm.load_state_dict(ours.norm.state_dict())
    x = torch.randn(2, 6, D_MODEL, dtype=torch.float64)
    real = _tokens_and_padding(2, 6, 4)
    torch.testing.assert_close(ours(x, real[:, None, None, :]), theirs(x, src_key_padding_mask=~real))


def test_gpt_block_is_a_pre_ln_encoder_layer_with_a_causal_mask(ref):
    """Does GPTBlock equal nn.TransformerEncoderLayer(norm_first=True) given a causal src_mask?"""
    torch.manual_seed(5)
    ours = ref.GPTBlock(D_MODEL, HEADS, D_FF).double()
    _randomise(ours, 5)
    theirs = nn.TransformerEncoderLayer(D_MODEL, HEADS, D_FF, dropout=0.0, batch_first=True, norm_first=True).double()
    _copy_layer(ours, theirs)
    x = torch.randn(3, 9, D_MODEL, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x, src_mask=~ref.causal_mask(9)))


@pytest.mark.parametrize("seed", range(3))
def test_multi_head_attention_matches_nn_multihead_attention(ref, seed):
    """With copied weights, do our output and per-head weights equal nn.MultiheadAttention's?"""
    torch.manual_seed(seed)
    ours = ref.MultiHeadAttention(D_MODEL, HEADS).double()
    theirs = nn.MultiheadAttention(D_MODEL, HEADS, batch_first=True).double()
    with torch.no_grad():
        _copy_attention(ours, theirs)
    q, kv = torch.randn(2, 4, D_MODEL, dtype=torch.float64), torch.randn(2, 6, D_MODEL, dtype=torch.float64)
    real = _tokens_and_padding(2, 6, seed)
    out, weights = ours(q, kv, kv, real[:, None, None, :])
    expected_out, expected_weights = theirs(q, kv, kv, key_padding_mask=~real, average_attn_weights=False)
    torch.testing.assert_close(out, expected_out)
    torch.testing.assert_close(weights, expected_weights)


def test_scaled_dot_product_attention_matches_torch(ref):
    """Does our SDPA equal F.scaled_dot_product_attention, and give zeros where torch gives NaN (no allowed key)?"""
    q, k, v = (torch.randn(2, 3, 5, 8, dtype=torch.float64) for _ in range(3))
    mask = torch.rand(5, 5) < 0.6
    mask[:, 0] = True
    torch.testing.assert_close(ref.scaled_dot_product_attention(q, k, v, mask)[0],
                               F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    mask[2] = False
    out, weights = ref.scaled_dot_product_attention(q, k, v, mask)
    assert torch.equal(out[..., 2, :], torch.zeros_like(out[..., 2, :]))
    assert torch.equal(weights[..., 2, :], torch.zeros_like(weights[..., 2, :]))


@pytest.mark.parametrize(("scale", "shift"), [(1.0, 0.0), (100.0, 5.0), (1e-3, 0.0), (0.0, 3.0)])
def test_layer_norm_matches_f_layer_norm(ref, scale, shift):
    """Does our LayerNorm equal F.layer_norm (biased variance, eps inside the root), constant rows and tiny variances included?"""
    norm = ref.LayerNorm(D_MODEL).double()
    _randomise(norm, 6)
    x = torch.randn(3, 4, D_MODEL, dtype=torch.float64) * scale + shift
    expected = F.layer_norm(x, (D_MODEL,), norm.weight, norm.bias, eps=1e-5)
    torch.testing.assert_close(norm(x), expected)


@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("shape", [(7,), (3, 5)])
def test_label_smoothing_matches_f_cross_entropy(ref, smoothing, shape):
    """Does our loss equal F.cross_entropy(label_smoothing=..., ignore_index=...) on ignored positions and large logits?"""
    generator = torch.Generator().manual_seed(len(shape))
    C = 6
    for logit_scale in (1.0, 1e4):
        logits = torch.randn(*shape, C, generator=generator, dtype=torch.float64) * logit_scale
        targets = torch.randint(C, shape, generator=generator)
        targets.view(-1)[::3] = -100
        expected = F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1), label_smoothing=smoothing,
                                   ignore_index=-100)
        torch.testing.assert_close(ref.label_smoothed_cross_entropy(logits, targets, smoothing), expected)
        other = targets.masked_fill(targets == -100, 2)   # class 2 as the ignored id
        expected = F.cross_entropy(logits.reshape(-1, C), other.reshape(-1), label_smoothing=smoothing, ignore_index=2)
        torch.testing.assert_close(ref.label_smoothed_cross_entropy(logits, other, smoothing, ignore_index=2), expected)


def test_label_smoothing_all_ignored_is_zero_where_torch_gives_nan(ref):
    """With every target ignored, is our loss 0 (a documented difference from F.cross_entropy's NaN)?"""
    logits, targets = torch.randn(4, 3), torch.full((4,), -100)
    assert torch.isnan(F.cross_entropy(logits, targets, label_smoothing=0.1))
    assert ref.label_smoothed_cross_entropy(logits, targets).item() == 0.0


def test_positional_encoding_matches_the_formula_elementwise(ref):
    """Does every entry equal sin or cos of pos / 10000^(2i/d), computed element by element in float64?"""
    max_len, d_model = 60, 10
    expected = np.zeros((max_len, d_model))
    for pos in range(max_len):
        for column in range(d_model):
            angle = pos / 10000 ** ((column - column % 2) / d_model)
            expected[pos, column] = math.sin(angle) if column % 2 == 0 else math.cos(angle)
    torch.testing.assert_close(ref.sinusoidal_positional_encoding(max_len, d_model), torch.from_numpy(expected).float())


def test_mask_tokens_follows_the_80_10_10_rule(ref):
    """Over 100,000 tokens, are specials untouched and the selection, [MASK], random and kept shares right (chi-square)?"""
    torch.manual_seed(0)
    vocab = 50
    tokens = torch.randint(0, vocab, (200, 500))
    inputs, labels = ref.mask_tokens(tokens, vocab, mask_prob=0.15)
    special = tokens < ref.NUM_SPECIAL
    assert torch.equal(inputs[special], tokens[special]) and (labels[special] == -100).all()
    selected = labels != -100
    assert torch.equal(labels[selected], tokens[selected]) and torch.equal(inputs[~selected], tokens[~selected])
    regular = int((~special).sum())
    assert scipy.stats.binomtest(int(selected.sum()), regular, 0.15).pvalue > 1e-4
    chosen, original = inputs[selected], tokens[selected]
    masked = chosen == ref.MASK
    kept = chosen == original
    randomised = ~masked & ~kept
    assert ((chosen[randomised] >= ref.NUM_SPECIAL) & (chosen[randomised] < vocab)).all()
    n, regular_ids = len(chosen), vocab - ref.NUM_SPECIAL
    expected = np.array([0.8, 0.1 + 0.1 / regular_ids, 0.1 - 0.1 / regular_ids]) * n
    observed = np.array([int(masked.sum()), int(kept.sum()), int(randomised.sum())])
    assert scipy.stats.chisquare(observed, expected).pvalue > 1e-4


@pytest.mark.parametrize(("temperature", "top_k"), [(1.0, None), (0.5, None), (2.0, 3)])
def test_sampling_frequencies_match_the_tempered_softmax(ref, temperature, top_k):
    """Do 50,000 draws follow softmax(logits / T) over the top k (chi-square)?"""
    torch.manual_seed(1)
    row = torch.tensor([0.3, -1.0, 1.5, 0.0, 0.8])
    draws = ref.sample_next_token(row.expand(50_000, -1).clone(), temperature=temperature, top_k=top_k)
    probs = torch.softmax(row.double() / temperature, dim=-1)
    if top_k is not None:
        keep = torch.zeros(5, dtype=torch.bool)
        keep[row.topk(top_k).indices] = True
        assert keep[draws].all()
        probs = torch.where(keep, probs, 0.0)
        probs /= probs.sum()
    counts = torch.bincount(draws, minlength=5).numpy()
    support = probs.numpy() > 0
    assert scipy.stats.chisquare(counts[support], probs.numpy()[support] * len(draws)).pvalue > 1e-4


def test_greedy_generation_matches_a_step_by_step_argmax(ref):
    """Is greedy generate the arg-max of the model's last-position logits, over a sliding block_size window?"""
    torch.manual_seed(2)
    model = ref.GPT(vocab_size=13, block_size=6, d_model=16, num_heads=2, num_layers=2).eval()
    idx = torch.randint(13, (3, 4))
    out = ref.generate(model, idx, 7, temperature=0.0)
    expected = idx
    with torch.no_grad():
        for _ in range(7):
            step = model(expected[:, -6:])[:, -1].argmax(-1, keepdim=True)
            expected = torch.cat([expected, step], dim=1)
    assert torch.equal(out, expected)
