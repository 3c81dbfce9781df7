"""Public checks for ch00_foundations: run `python -m pytest -q test_public.py` next to foundations.py.

They check shapes and a few hand-computed cases. Passing them does not mean full marks: the
hidden tests also check numerics on random inputs, gradients, training and device-agnosticism.
"""

import importlib
import math

import pytest
import torch

foundations = importlib.import_module("foundations")


def test_synthetic_data_shapes_and_exact_labels():
    w = torch.tensor([2.0, -3.4])
    X, y = foundations.synthetic_data(w, 4.2, 7, noise=0.0)
    assert X.shape == (7, 2) and y.shape == (7, 1)
    torch.testing.assert_close(y, (X @ w + 4.2).reshape(7, 1))


def test_data_iter_keeps_every_example_and_the_last_batch():
    features, labels = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    batches = foundations.data_iter(4, features, labels)
    assert isinstance(batches, list), "return a list of (X, y) pairs, not a generator"
    assert sorted(len(y) for _, y in batches) == [2, 4, 4]
    seen = torch.cat([y for _, y in batches])
    assert sorted(seen.tolist()) == list(range(10))
    for X, y in batches:
        torch.testing.assert_close(X, features[y])


def test_squared_loss_hand_computed():
    y_hat = torch.tensor([[1.0], [2.0]])
    loss = foundations.squared_loss(y_hat, torch.tensor([1.0, 4.0]))  # a flat y is reshaped, not broadcast
    torch.testing.assert_close(loss, torch.tensor([[0.0], [2.0]]))


def test_sgd_hand_computed():
    new = foundations.sgd([torch.tensor([1.0, 2.0])], [torch.tensor([2.0, -4.0])], lr=0.1, batch_size=2)
    torch.testing.assert_close(new[0], torch.tensor([0.9, 2.2]))


def test_softmax_uniform_and_large_logits():
    torch.testing.assert_close(foundations.softmax(torch.zeros(2, 4)), torch.full((2, 4), 0.25))
    probs = foundations.softmax(torch.tensor([[1e4, 0.0]]))
    assert torch.isfinite(probs).all(), "subtract each row's maximum before exp"
    torch.testing.assert_close(probs, torch.tensor([[1.0, 0.0]]))


def test_cross_entropy_hand_computed():
    loss = foundations.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1, 3]))
    assert loss.shape == ()
    torch.testing.assert_close(loss, torch.tensor(math.log(4.0)))


def test_dropout_edge_cases():
    X = torch.rand(3, 5) + 0.5
    torch.testing.assert_close(foundations.dropout(X, 0.5, training=False), X)
    torch.testing.assert_close(foundations.dropout(X, 0.0), X)
    torch.testing.assert_close(foundations.dropout(X, 1.0), torch.zeros(3, 5))
    out = foundations.dropout(X, 0.5)
    assert ((out == 0) | torch.isclose(out, 2 * X)).all(), "each entry is 0 or X / (1 - p)"
    with pytest.raises(ValueError):
        foundations.dropout(X, 1.5)


def test_mlp_shapes():
    model = foundations.MLP(64, 32, 10, dropout=0.5)
    assert model(torch.rand(4, 1, 8, 8)).shape == (4, 10)
    assert {name for name, _ in model.named_parameters()} == {"hidden.weight", "hidden.bias", "output.weight",
                                                              "output.bias"}


@pytest.mark.parametrize("pooling", ["avg", "max"])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_lenet_activation_shapes(pooling, activation):
    net = foundations.LeNet(pooling=pooling, activation=activation)
    acts = net.activations(torch.rand(2, 1, 28, 28))
    assert list(acts) == ["conv1", "act1", "pool1", "conv2", "act2", "pool2", "flatten", "fc1", "act3", "fc2",
                          "act4", "fc3"]
    assert acts["pool1"].shape == (2, 6, 14, 14) and acts["pool2"].shape == (2, 16, 5, 5)
    assert acts["flatten"].shape == (2, 400) and acts["fc3"].shape == (2, 10)


def test_numerical_gradient_of_a_square():
    x = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64)
    grad = foundations.numerical_gradient(lambda t: (t ** 2).sum(), x)
    torch.testing.assert_close(grad, 2 * x)


def test_momentum_first_step_is_sgd():
    params, velocities = foundations.momentum_step([torch.tensor([1.0])], [torch.tensor([2.0])],
                                                   [torch.tensor([0.0])], lr=0.1, momentum=0.9)
    torch.testing.assert_close(params[0], torch.tensor([0.8]))
    torch.testing.assert_close(velocities[0], torch.tensor([2.0]))


def test_adam_first_step_moves_by_about_lr():
    params, m, v = foundations.adam_step([torch.tensor([1.0, 1.0])], [torch.tensor([3.0, -0.5])],
                                         [torch.zeros(2)], [torch.zeros(2)], t=1, lr=0.1)
    # With bias correction, the first step is lr * g / |g| (up to eps) whatever the gradient's size.
    torch.testing.assert_close(params[0], torch.tensor([0.9, 1.1]))


def test_distillation_of_identical_logits_is_the_hard_loss():
    logits, labels = torch.randn(4, 3), torch.tensor([0, 2, 1, 1])
    loss = foundations.distillation_loss(logits, logits.clone(), labels, T=3.0, alpha=0.25)
    torch.testing.assert_close(loss, 0.75 * foundations.cross_entropy(logits, labels))
