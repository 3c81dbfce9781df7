"""Hidden tests of the encoder layer, the decoder layer and the encoder stack, Post-LN and Pre-LN."""

import pytest
import torch

from autograder import checks

D_MODEL, HEADS, D_FF = 8, 2, 16
PAD = 0


def _attention_keys(prefix):
    return {f"{prefix}.{name}.{p}": (D_MODEL, D_MODEL) if p == "weight" else (D_MODEL,)
            for name in ("W_q", "W_k", "W_v", "W_o") for p in ("weight", "bias")}


def _ffn_keys(prefix):
    return {f"{prefix}.linear1.weight": (D_FF, D_MODEL), f"{prefix}.linear1.bias": (D_FF,),
            f"{prefix}.linear2.weight": (D_MODEL, D_FF), f"{prefix}.linear2.bias": (D_MODEL,)}


def _norm_keys(*names):
    return {f"{name}.{p}": (D_MODEL,) for name in names for p in ("weight", "bias")}


def encoder_layer_keys(prefix=""):
    keys = {**_attention_keys("self_attn"), **_ffn_keys("ffn"), **_norm_keys("norm1", "norm2")}
    return {prefix + k: v for k, v in keys.items()}


def _pair(student, reference, name, *args, seed=0, **kwargs):
    """A reference module and the student's, holding the same weights."""
    return checks.twin_modules(student, reference, name, *args, seed=seed, **kwargs)


def _double_pair(student, reference, name, *args, seed=0, **kwargs):
    return checks.twin_modules(student, reference, name, *args, seed=seed, double=True, **kwargs)


def _source():
    """Embedded source tokens (B=3, L=5) and their key mask; row 1 has a single real token."""
    tokens = checks.randint(4, 20, 3, 5, seed=11)
    tokens[1, 1:] = PAD
    tokens[2, 3:] = PAD
    return checks.randn(3, 5, D_MODEL, seed=12), (tokens != PAD)[:, None, None, :]


def _target(length=4):
    """Embedded target tokens (B=3, L=length) and the causal-and-not-padding mask."""
    tokens = checks.randint(4, 20, 3, length, seed=13)
    tokens[0, length - 1:] = PAD
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    return checks.randn(3, length, D_MODEL, seed=14), (tokens != PAD)[:, None, None, :] & causal


@pytest.mark.covers("TransformerEncoderLayer")
class TestTransformerEncoderLayer:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there self_attn (W_q, W_k, W_v, W_o), ffn (linear1, linear2), norm1 and norm2, named as asked?"""
        checks.has_parameters(student.TransformerEncoderLayer(D_MODEL, HEADS, D_FF), encoder_layer_keys())

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_matches_reference_with_padding(self, student, reference, norm_first):
        """With dropout=0 and a padding mask, is the output the reference's (Post-LN: LN(x + f(x)); Pre-LN: x + f(LN(x)))?"""
        ours, theirs = _pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.0, norm_first,
                             seed=1)
        x, mask = _source()
        checks.same(theirs, ours, x, mask)

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_without_mask(self, student, reference, norm_first):
        """Without a mask, does every position attend to every position?"""
        ours, theirs = _pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.0, norm_first,
                             seed=2)
        checks.same(theirs, ours, checks.randn(2, 6, D_MODEL, seed=2, scale=2.0))

    @pytest.mark.grade(1, "numerics")
    def test_eval_mode_turns_dropout_off(self, student, reference):
        """With dropout=0.3 in eval mode, is the output the deterministic one?"""
        ours, theirs = _pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.3, seed=3)
        ours.eval()
        theirs.eval()
        x, mask = _source()
        checks.same(theirs, ours, x, mask)

    @pytest.mark.grade(1, "numerics")
    def test_training_mode_applies_dropout(self, student, reference):
        """With dropout=0.5 in training mode, does the output differ from the eval-mode output?"""
        ours, theirs = _pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.5, seed=4)
        x = checks.randn(2, 6, D_MODEL, seed=4)
        theirs.eval()
        quiet = theirs.call((x,))
        theirs.train()
        noisy = theirs.call((x,))
        checks.shape_is(noisy, (2, 6, D_MODEL), what="the output in training mode")
        if torch.equal(noisy, quiet):
            checks.fail(theirs, ours, (x,), {}, "in training mode with dropout=0.5 the output equals the eval-mode "
                       "output: no dropout is applied to the sublayers", noisy)

    @pytest.mark.grade(2, "gradient")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_gradients(self, student, reference, norm_first):
        """Do the gradients of the input and of every parameter match?"""
        ours, theirs = _double_pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.0,
                                    norm_first, seed=5)
        x, mask = _source()
        checks.gradients_match(theirs, ours, (x.double(), mask), wrt=(0,), arg_names=("x",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the layer run on the inputs' device, mask included?"""
        ours, theirs = _pair(student, reference, "TransformerEncoderLayer", D_MODEL, HEADS, D_FF, 0.0, True, seed=6)
        checks.device_agnostic(theirs, ours, *_source())


def decoder_layer_keys():
    return {**_attention_keys("self_attn"), **_attention_keys("cross_attn"), **_ffn_keys("ffn"),
            **_norm_keys("norm1", "norm2", "norm3")}


@pytest.mark.covers("TransformerDecoderLayer")
class TestTransformerDecoderLayer:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there self_attn, cross_attn, ffn, norm1, norm2 and norm3, named as asked?"""
        checks.has_parameters(student.TransformerDecoderLayer(D_MODEL, HEADS, D_FF), decoder_layer_keys())

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_matches_reference(self, student, reference, norm_first):
        """With a target mask and a source padding mask (Lt=4, Ls=5), is the output the reference's?"""
        ours, theirs = _pair(student, reference, "TransformerDecoderLayer", D_MODEL, HEADS, D_FF, 0.0, norm_first,
                             seed=1)
        x, tgt_mask = _target(4)
        memory, memory_mask = _source()
        checks.same(theirs, ours, x, memory, tgt_mask, memory_mask)

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_target_as_long_as_source(self, student, reference, norm_first):
        """With Lt = Ls = 5, is each mask used in its own attention (tgt_mask in self-, memory_mask in cross-attention)?"""
        ours, theirs = _pair(student, reference, "TransformerDecoderLayer", D_MODEL, HEADS, D_FF, 0.0, norm_first,
                             seed=2)
        x, tgt_mask = _target(5)
        memory, memory_mask = _source()
        checks.same(theirs, ours, x, memory, tgt_mask, memory_mask)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of x, of memory and of every parameter match?"""
        ours, theirs = _double_pair(student, reference, "TransformerDecoderLayer", D_MODEL, HEADS, D_FF, 0.0, seed=3)
        x, tgt_mask = _target(4)
        memory, memory_mask = _source()
        checks.gradients_match(theirs, ours, (x.double(), memory.double(), tgt_mask, memory_mask), wrt=(0, 1),
                               arg_names=("x", "memory"), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the layer run on the inputs' device?"""
        ours, theirs = _pair(student, reference, "TransformerDecoderLayer", D_MODEL, HEADS, D_FF, 0.0, seed=4)
        x, tgt_mask = _target(4)
        memory, memory_mask = _source()
        checks.device_agnostic(theirs, ours, x, memory, tgt_mask, memory_mask)


@pytest.mark.covers("TransformerEncoder")
class TestTransformerEncoder:
    @pytest.mark.grade(1, "api")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_submodules(self, student, norm_first):
        """Are there layers.0, layers.1, ... and, for Pre-LN only, a final norm?"""
        expected = {**encoder_layer_keys("layers.0."), **encoder_layer_keys("layers.1.")}
        if norm_first:
            expected.update(_norm_keys("norm"))
        checks.has_parameters(student.TransformerEncoder(2, D_MODEL, HEADS, D_FF, norm_first=norm_first), expected)

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_matches_reference(self, student, reference, norm_first):
        """With the reference's weights, is the output of the 3-layer stack the reference's?"""
        ours, theirs = _pair(student, reference, "TransformerEncoder", 3, D_MODEL, HEADS, D_FF, 0.0, norm_first,
                             seed=7)
        x, mask = _source()
        checks.same(theirs, ours, x, mask)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the stack run on the inputs' device?"""
        ours, theirs = _pair(student, reference, "TransformerEncoder", 2, D_MODEL, HEADS, D_FF, 0.0, True, seed=8)
        checks.device_agnostic(theirs, ours, *_source())
