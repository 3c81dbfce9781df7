"""Hidden tests of LeNet with a choice of pooling and activation, and of its per-layer activations."""

import pytest
import torch

from autograder import checks

LAYERS = ["conv1", "act1", "pool1", "conv2", "act2", "pool2", "flatten", "fc1", "act3", "fc2", "act4", "fc3"]
CONFIGS = [("avg", "sigmoid"), ("max", "sigmoid"), ("avg", "relu"), ("max", "relu")]


def _pair(student, reference, seed=0, **kwargs):
    """A reference LeNet and the student's, holding the same weights."""
    return checks.twin_modules(student, reference, "LeNet", seed=seed, **kwargs)


def _two_images(seed):
    """Two (1, 28, 28) inputs in [0, 1], like MNIST images."""
    return torch.sigmoid(checks.randn(2, 1, 28, 28, seed=seed))


@pytest.mark.covers("LeNet")
class TestLeNet:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Are conv1, conv2, fc1, fc2, fc3 the layers of the statement's table (padding=2 makes fc1 400 -> 120)?"""
        expected = {"conv1.weight": (6, 1, 5, 5), "conv1.bias": (6,), "conv2.weight": (16, 6, 5, 5), "conv2.bias": (16,),
                    "fc1.weight": (120, 400), "fc1.bias": (120,), "fc2.weight": (84, 120), "fc2.bias": (84,),
                    "fc3.weight": (7, 84), "fc3.bias": (7,)}
        checks.has_parameters(student.LeNet(num_classes=7), expected)

    @pytest.mark.grade(1, "api")
    @pytest.mark.parametrize("choice", [{"pooling": "median"}, {"activation": "tanh"}])
    def test_rejects_unknown_choices(self, student, choice):
        """Does an unknown pooling or activation raise ValueError?"""
        checks.fails_with(student.LeNet, error="ValueError", **choice)

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize(("pooling", "activation"), CONFIGS)
    def test_forward_matches_reference(self, student, reference, pooling, activation):
        """With the reference's weights, are the logits the reference's for this pooling and activation?"""
        ours, theirs = _pair(student, reference, seed=1, pooling=pooling, activation=activation)
        checks.same(theirs, ours, _two_images(seed=1))

    @pytest.mark.grade(1, "api")
    def test_activation_names_in_order(self, student):
        """Does activations(X) return a dict of the twelve layer names of the statement, in network order?"""
        got = student.LeNet().activations(_two_images(seed=2))
        if not isinstance(got, dict):
            raise checks.CheckFailure(f"LeNet.activations should return a dict of layer name -> tensor, got "
                                      f"{type(got).__name__}")
        if list(got) != LAYERS:
            raise checks.CheckFailure(f"LeNet.activations returns the layers {list(got)}; the statement asks for "
                                      f"{LAYERS}, in this order")

    @pytest.mark.grade(2, "shape")
    def test_activation_shapes(self, student, reference):
        """For two 28x28 inputs, does every layer have the shape of the statement's table?"""
        torch.manual_seed(3)
        ours, theirs = reference.LeNet(), student.LeNet()
        checks.same(theirs, ours, _two_images(seed=3), method="activations", view=checks.layout)

    @pytest.mark.grade(2, "numerics")
    def test_activation_values(self, student, reference):
        """With the reference's weights, is every layer's output the reference's (max pooling, ReLU)?"""
        ours, theirs = _pair(student, reference, seed=4, pooling="max", activation="relu")
        checks.same(theirs, ours, _two_images(seed=4), method="activations")

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the input and of every parameter match (max pooling, ReLU)?"""
        torch.manual_seed(5)
        ours = reference.LeNet(pooling="max", activation="relu").double()
        theirs = student.LeNet(pooling="max", activation="relu")
        theirs.double()
        checks.copy_weights(theirs, ours)
        X = torch.sigmoid(checks.randn(2, 1, 28, 28, seed=5, dtype=torch.float64))
        checks.gradients_match(theirs, ours, (X,), wrt=(0,), arg_names=("X",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the module run on the inputs' device?"""
        ours, theirs = _pair(student, reference, seed=6, pooling="max", activation="relu")
        checks.device_agnostic(theirs, ours, _two_images(seed=6))
