"""Hidden tests of the sinusoidal positions, LayerNorm and the position-wise feed-forward network."""

import pytest
import torch

from autograder import checks


@pytest.mark.covers("sinusoidal_positional_encoding")
class TestSinusoidalPositionalEncoding:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is sinusoidal_positional_encoding(max_len, d_model) defined, and does it run?"""
        checks.has_signature(student, "sinusoidal_positional_encoding", ["max_len", "d_model"], example=(4, 8))

    @pytest.mark.grade(1, "dtype")
    def test_shape_and_dtype(self, student):
        """Is the result a float32 (max_len, d_model) tensor?"""
        pe = student.sinusoidal_positional_encoding(10, 16)
        checks.shape_is(pe, (10, 16), what="sinusoidal_positional_encoding(10, 16)")
        checks.close(pe.dtype, torch.float32, what="its dtype")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("max_len", "d_model"), [(50, 32), (7, 6)])
    def test_matches_formula(self, student, reference, max_len, d_model):
        """Is column 2i sin(pos / 10000^(2i/d)) and column 2i+1 the cosine of the same angle?"""
        checks.same(student.sinusoidal_positional_encoding, reference.sinusoidal_positional_encoding, max_len, d_model)

    @pytest.mark.grade(1, "numerics")
    def test_smallest_case(self, student, reference):
        """With one position and d_model=2, is it [[0, 1]] (sin 0, cos 0)?"""
        checks.same(student.sinusoidal_positional_encoding, reference.sinusoidal_positional_encoding, 1, 2)

    @pytest.mark.grade(1, "api")
    def test_rejects_odd_d_model(self, student):
        """Does an odd d_model (sin and cos come in pairs) raise ValueError?"""
        checks.fails_with(student.sinusoidal_positional_encoding, 5, 7, error="ValueError")


def _layer_norm_pair(student, reference, d_model, seed):
    """A reference LayerNorm with random weight and bias, and the student's holding the same."""
    ours, theirs = reference.LayerNorm(d_model), student.LayerNorm(d_model)
    with torch.no_grad():
        ours.obj.weight.copy_(checks.randn(d_model, seed=seed + 100) + 1.0)
        ours.obj.bias.copy_(checks.randn(d_model, seed=seed + 200))
    checks.copy_weights(theirs, ours)
    return ours, theirs


@pytest.mark.covers("LayerNorm")
class TestLayerNorm:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Are there `weight` (ones) and `bias` (zeros), both of shape (d_model,)?"""
        checks.has_parameters(student.LayerNorm(6), {"weight": (6,), "bias": (6,)})
        state = student.LayerNorm(3).state_dict()
        checks.close(state["weight"], torch.ones(3), what="the initial weight")
        checks.close(state["bias"], torch.zeros(3), what="the initial bias")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_normalises_last_axis(self, student, reference, seed):
        """Is each (B, L) position's feature vector normalised on its own, with the biased variance?"""
        ours, theirs = _layer_norm_pair(student, reference, 6, seed)
        x = checks.randn(3, 5, 6, seed=seed, scale=3.0) + 2.0
        checks.same(theirs, ours, x)

    @pytest.mark.grade(1, "numerics")
    def test_small_variance_uses_eps_inside_the_root(self, student, reference):
        """With features of variance 1e-6 (close to eps), is it (x - mean) / sqrt(var + eps)?"""
        ours, theirs = _layer_norm_pair(student, reference, 8, 3)
        checks.same(theirs, ours, checks.randn(2, 3, 8, seed=3, scale=1e-3))

    @pytest.mark.grade(1, "numerics")
    def test_constant_vector_gives_bias(self, student, reference):
        """Does a constant feature vector (variance 0) give the bias, not NaN?"""
        ours, theirs = _layer_norm_pair(student, reference, 4, 4)
        checks.same(theirs, ours, torch.full((2, 3, 4), 7.0))

    @pytest.mark.grade(1, "dtype")
    def test_keeps_float64(self, student, reference):
        """After .double(), does a float64 input give a float64 output?"""
        ours, theirs = _layer_norm_pair(student, reference, 5, 5)
        ours.double()
        theirs.double()
        checks.same(theirs, ours, checks.randn(2, 5, seed=5, dtype=torch.float64))

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the input, weight and bias match?"""
        ours, theirs = _layer_norm_pair(student, reference, 6, 6)
        raw = ours.double()
        theirs.double()
        checks.gradients_match(theirs, raw, (checks.randn(2, 4, 6, seed=6, dtype=torch.float64),), wrt=(0,),
                               arg_names=("x",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        ours, theirs = _layer_norm_pair(student, reference, 6, 7)
        checks.device_agnostic(theirs, ours, checks.randn(2, 3, 6, seed=7))


def _ffn_pair(student, reference, *args, seed=0):
    return checks.twin_modules(student, reference, "PositionwiseFFN", *args, seed=seed)


@pytest.mark.covers("PositionwiseFFN")
class TestPositionwiseFFN:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there linear1 = Linear(d_model, d_ff) and linear2 = Linear(d_ff, d_model)?"""
        checks.has_parameters(student.PositionwiseFFN(8, 16), {"linear1.weight": (16, 8), "linear1.bias": (16,),
                                                               "linear2.weight": (8, 16), "linear2.bias": (8,)})

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize("seed", range(2))
    def test_matches_reference(self, student, reference, seed):
        """With the reference's weights, is it linear2(ReLU(linear1(x))) at every position?"""
        ours, theirs = _ffn_pair(student, reference, 8, 16, seed=seed)
        checks.same(theirs, ours, checks.randn(2, 5, 8, seed=seed))

    @pytest.mark.grade(1, "numerics")
    def test_eval_mode_turns_dropout_off(self, student, reference):
        """With dropout=0.5 in eval mode, is the output the deterministic one?"""
        ours, theirs = _ffn_pair(student, reference, 8, 16, 0.5, seed=2)
        ours.eval()
        theirs.eval()
        checks.same(theirs, ours, checks.randn(2, 5, 8, seed=2))

    @pytest.mark.grade(1, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the input and of every parameter match?"""
        torch.manual_seed(3)
        ours, theirs = reference.PositionwiseFFN(6, 12).double(), student.PositionwiseFFN(6, 12)
        theirs.double()
        checks.copy_weights(theirs, ours)
        checks.gradients_match(theirs, ours, (checks.randn(2, 3, 6, seed=3, dtype=torch.float64),), wrt=(0,),
                               arg_names=("x",), params=True)
