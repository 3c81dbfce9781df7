"""The ch00_foundations reference against PyTorch's own implementations (its oracles).

The hidden suite compares students with the reference; these tests make sure the reference is what
PyTorch computes: ``F.softmax``, ``F.cross_entropy``, ``torch.optim.SGD`` (with and without momentum),
``torch.optim.Adam``, ``F.kl_div``, and d2l's LeNet built from ``nn.Sequential``.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "ch00_foundations" / "foundations.py"


@pytest.fixture(scope="module")
def ref():
    spec = importlib.util.spec_from_file_location("ch00_foundations_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(autouse=True)
def seeded():
    """Seed torch for each test and give the global state back afterwards."""
    state = torch.get_rng_state()
    torch.manual_seed(0)
    yield
    torch.set_rng_state(state)


def _quadratic_grads(params, targets):
    """Gradients of sum((p - target)^2 * (i + 1)) for each parameter: a loss whose gradient depends on p."""
    grads = []
    for i, (p, target) in enumerate(zip(params, targets)):
        p = p.detach().requires_grad_(True)
        ((p - target) ** 2 * (i + 1)).sum().backward()
        grads.append(p.grad)
    return grads


# -- softmax and cross-entropy -------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 7), (2, 3, 5)])
def test_softmax_matches_torch(ref, shape):
    """Is softmax F.softmax over the last axis, for 2-D and 3-D inputs?"""
    X = torch.randn(shape)
    torch.testing.assert_close(ref.softmax(X), F.softmax(X, dim=-1))


def test_softmax_large_logits_match_torch(ref):
    """With logits around 1e4, is softmax finite and equal to F.softmax?"""
    X = torch.randn(5, 6) * 1e4
    out = ref.softmax(X)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, F.softmax(X, dim=-1))


def test_softmax_gradient_matches_torch(ref):
    """Is the gradient of softmax that of F.softmax (float64, random cotangent)?"""
    X = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    cotangent = torch.randn(3, 4, dtype=torch.float64)
    ours, = torch.autograd.grad(ref.softmax(X), X, cotangent)
    theirs, = torch.autograd.grad(F.softmax(X, dim=-1), X, cotangent)
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_cross_entropy_matches_torch(ref, scale):
    """Is cross_entropy F.cross_entropy (mean over the batch), also for logits around 1e4?"""
    logits, y = torch.randn(8, 5) * scale, torch.randint(0, 5, (8,))
    out = ref.cross_entropy(logits, y)
    assert out.shape == () and torch.isfinite(out)
    torch.testing.assert_close(out, F.cross_entropy(logits, y))


def test_cross_entropy_gradient_matches_torch(ref):
    """Is the gradient of cross_entropy with respect to the logits that of F.cross_entropy?"""
    logits, y = torch.randn(6, 4, dtype=torch.float64, requires_grad=True), torch.randint(0, 4, (6,))
    ours, = torch.autograd.grad(ref.cross_entropy(logits, y), logits)
    theirs, = torch.autograd.grad(F.cross_entropy(logits, y), logits)
    torch.testing.assert_close(ours, theirs)


# -- linear regression -----------------------------------------------------------------------------

def test_squared_loss_is_half_the_elementwise_mse(ref):
    """Is squared_loss F.mse_loss(reduction='none') / 2, with a flat y reshaped to (N, 1)?"""
    y_hat, y = torch.randn(6, 1), torch.randn(6)
    torch.testing.assert_close(ref.squared_loss(y_hat, y), F.mse_loss(y_hat, y.reshape(6, 1), reduction="none") / 2)


def test_sgd_matches_torch_optim(ref):
    """Over 5 steps on a summed loss, is sgd torch.optim.SGD with lr / batch_size?"""
    targets = [torch.randn(3, 1), torch.randn(1)]
    ours = [torch.randn(3, 1), torch.randn(1)]
    theirs = [p.clone().requires_grad_(True) for p in ours]
    optimizer = torch.optim.SGD(theirs, lr=0.03 / 10)
    for _ in range(5):
        ours = ref.sgd(ours, _quadratic_grads(ours, targets), 0.03, 10)
        optimizer.zero_grad()
        sum(((p - t) ** 2 * (i + 1)).sum() for i, (p, t) in enumerate(zip(theirs, targets))).backward()
        optimizer.step()
    for p, q in zip(ours, theirs):
        torch.testing.assert_close(p, q.detach())


def test_linear_regression_from_scratch_recovers_the_weights(ref):
    """Do synthetic_data, data_iter, linreg, squared_loss and sgd together recover w and b (d2l's 3 epochs)?"""
    true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
    features, labels = ref.synthetic_data(true_w, true_b, 1000)
    w, b = torch.normal(0, 0.01, size=(2, 1)), torch.zeros(1)
    for _ in range(3):
        for X, y in ref.data_iter(10, features, labels):
            w, b = w.requires_grad_(True), b.requires_grad_(True)
            grads = torch.autograd.grad(ref.squared_loss(ref.linreg(X, w, b), y).sum(), [w, b])
            w, b = (p.detach() for p in ref.sgd([w, b], grads, 0.03, len(X)))
    torch.testing.assert_close(w.reshape(-1), true_w, atol=0.01, rtol=0)
    assert abs(float(b) - true_b) < 0.01


# -- optimisers --------------------------------------------------------------------------------

def test_momentum_step_matches_torch_optim_sgd(ref):
    """Over 10 steps, are params and velocities those of torch.optim.SGD(momentum=0.9)?"""
    targets = [torch.randn(3, 2, dtype=torch.float64), torch.randn(2, dtype=torch.float64)]
    params = [torch.randn(3, 2, dtype=torch.float64), torch.randn(2, dtype=torch.float64)]
    velocities = [torch.zeros_like(p) for p in params]
    theirs = [p.clone().requires_grad_(True) for p in params]
    optimizer = torch.optim.SGD(theirs, lr=0.05, momentum=0.9)
    for _ in range(10):
        params, velocities = ref.momentum_step(params, _quadratic_grads(params, targets), velocities, 0.05, 0.9)
        optimizer.zero_grad()
        sum(((p - t) ** 2 * (i + 1)).sum() for i, (p, t) in enumerate(zip(theirs, targets))).backward()
        optimizer.step()
    for p, v, q in zip(params, velocities, theirs):
        torch.testing.assert_close(p, q.detach())
        torch.testing.assert_close(v, optimizer.state[q]["momentum_buffer"])


@pytest.mark.parametrize("grad_scale", [1.0, 1e-5])
def test_adam_step_matches_torch_optim_adam(ref, grad_scale):
    """Over 10 steps, are params, m and v those of torch.optim.Adam (also for tiny gradients, where eps matters)?"""
    targets = [torch.randn(3, 2, dtype=torch.float64) * grad_scale, torch.randn(2, dtype=torch.float64) * grad_scale]
    params = [torch.randn(3, 2, dtype=torch.float64) * grad_scale, torch.randn(2, dtype=torch.float64) * grad_scale]
    m, v = [torch.zeros_like(p) for p in params], [torch.zeros_like(p) for p in params]
    theirs = [p.clone().requires_grad_(True) for p in params]
    optimizer = torch.optim.Adam(theirs, lr=0.01 * grad_scale, betas=(0.8, 0.99), eps=1e-8)
    for t in range(1, 11):
        params, m, v = ref.adam_step(params, _quadratic_grads(params, targets), m, v, t, lr=0.01 * grad_scale,
                                     betas=(0.8, 0.99), eps=1e-8)
        optimizer.zero_grad()
        sum(((p - q) ** 2 * (i + 1)).sum() for i, (p, q) in enumerate(zip(theirs, targets))).backward()
        optimizer.step()
    for p, mi, vi, q in zip(params, m, v, theirs):
        torch.testing.assert_close(p, q.detach())
        torch.testing.assert_close(mi, optimizer.state[q]["exp_avg"])
        torch.testing.assert_close(vi, optimizer.state[q]["exp_avg_sq"])


# -- distillation ------------------------------------------------------------------------------

def _distillation_oracle(s, t, y, T, alpha):
    soft = F.kl_div(F.log_softmax(s / T, dim=-1), F.softmax(t / T, dim=-1), reduction="batchmean")
    return alpha * T ** 2 * soft + (1 - alpha) * F.cross_entropy(s, y)


@pytest.mark.parametrize(("T", "alpha", "teacher_scale"), [(2.0, 0.5, 3.0), (4.0, 0.7, 1.0), (1.0, 0.0, 1.0),
                                                           (3.0, 1.0, 1.0), (2.0, 0.5, 1e3)])
def test_distillation_loss_matches_kl_div(ref, T, alpha, teacher_scale):
    """Is it alpha * T^2 * F.kl_div(batchmean) + (1 - alpha) * F.cross_entropy, also for a teacher whose probabilities underflow?"""
    s, t, y = torch.randn(6, 5), torch.randn(6, 5) * teacher_scale, torch.randint(0, 5, (6,))
    out = ref.distillation_loss(s, t, y, T=T, alpha=alpha)
    assert torch.isfinite(out)
    torch.testing.assert_close(out, _distillation_oracle(s, t, y, T, alpha))


def test_distillation_gradient_matches_kl_div(ref):
    """Is the gradient with respect to the student's logits that of the F.kl_div formula?"""
    s, t, y = torch.randn(5, 4, dtype=torch.float64, requires_grad=True), torch.randn(5, 4, dtype=torch.float64), \
        torch.randint(0, 4, (5,))
    ours, = torch.autograd.grad(ref.distillation_loss(s, t, y, T=2.5, alpha=0.6), s)
    theirs, = torch.autograd.grad(_distillation_oracle(s, t, y, 2.5, 0.6), s)
    torch.testing.assert_close(ours, theirs)


# -- dropout and the MLP -----------------------------------------------------------------------

def test_dropout_behaves_like_f_dropout(ref):
    """Like F.dropout: entries 0 or X / (1 - p), about a fraction p dropped, identity in eval mode?"""
    X, p = torch.rand(300, 100) + 0.5, 0.3
    ours, theirs = ref.dropout(X, p), F.dropout(X, p, training=True)
    for out in (ours, theirs):
        kept = out != 0
        torch.testing.assert_close(out[kept], X[kept] / (1 - p))
    assert abs(float((ours == 0).float().mean()) - float((theirs == 0).float().mean())) < 0.02
    torch.testing.assert_close(ref.dropout(X, p, training=False), F.dropout(X, p, training=False))
    torch.testing.assert_close(ref.dropout(X, 1.0), F.dropout(X, 1.0))


def test_mlp_eval_is_two_linear_layers_with_relu(ref):
    """In eval mode, is the MLP output(relu(hidden(flatten(X))))?"""
    model = ref.MLP(64, 32, 10, 0.5).eval()
    X = torch.rand(4, 1, 8, 8)
    expected = F.linear(F.relu(F.linear(X.reshape(4, 64), model.hidden.weight, model.hidden.bias)),
                        model.output.weight, model.output.bias)
    torch.testing.assert_close(model(X), expected)


# -- LeNet -------------------------------------------------------------------------------------

def _d2l_lenet(pooling, activation):
    """d2l's LeNet as an nn.Sequential, with the pooling and the activation swapped as asked."""
    act = nn.Sigmoid if activation == "sigmoid" else nn.ReLU
    pool = nn.AvgPool2d if pooling == "avg" else nn.MaxPool2d
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), act(), pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), act(), pool(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))


@pytest.mark.parametrize("pooling", ["avg", "max"])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_lenet_matches_d2l_sequential(ref, pooling, activation):
    """With the same weights, are forward and every activation those of d2l's nn.Sequential LeNet?"""
    ours, theirs = ref.LeNet(pooling=pooling, activation=activation), _d2l_lenet(pooling, activation)
    with torch.no_grad():
        for name, index in (("conv1", 0), ("conv2", 3), ("fc1", 7), ("fc2", 9), ("fc3", 11)):
            theirs[index].weight.copy_(getattr(ours, name).weight)
            theirs[index].bias.copy_(getattr(ours, name).bias)
    X = torch.rand(2, 1, 28, 28)
    acts = ours.activations(X)
    assert list(acts) == ["conv1", "act1", "pool1", "conv2", "act2", "pool2", "flatten", "fc1", "act3", "fc2",
                          "act4", "fc3"]
    for (name, got), layer in zip(acts.items(), theirs):
        X = layer(X)
        torch.testing.assert_close(got, X, msg=f"layer {name}")
    torch.testing.assert_close(ours(torch.ones(1, 1, 28, 28)), theirs(torch.ones(1, 1, 28, 28)))


# -- gradient checking -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["cubic_sum", "sine_sum", "logsumexp", "quadratic_form"])
def test_numerical_gradient_matches_autograd(ref, name):
    """For every probe function the hidden suite uses, is the central difference within 1e-7 of autograd?"""
    from autograder.sandbox import probes

    f = probes.get(name)
    x = torch.randn(3, 4, dtype=torch.float64)
    before = x.clone()
    leaf = x.clone().requires_grad_(True)
    expected, = torch.autograd.grad(f(leaf), leaf)
    torch.testing.assert_close(ref.numerical_gradient(f, x), expected, rtol=1e-6, atol=1e-7)
    assert torch.equal(x, before), "numerical_gradient must leave x unchanged"


# -- training ----------------------------------------------------------------------------------

def test_train_mlp_clears_the_hidden_threshold_on_five_seeds(ref):
    """Does the reference reach the hidden suite's accuracy threshold with margin for training seeds 0-4?"""
    import coursedata

    split = coursedata.digits(seed=0)
    threshold = 0.90  # ACCURACY_THRESHOLD in autograder/suites/ch00_foundations/test_mlp.py
    accuracies = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the sandbox; tiny matmuls are slower on several threads
    try:
        for seed in range(5):
            torch.manual_seed(seed)
            model, losses = ref.train_mlp(split.x_train, split.y_train)
            assert len(losses) == 30 and all(isinstance(v, float) and math.isfinite(v) for v in losses)
            assert not model.training, "the model comes back in eval mode"
            with torch.no_grad():
                accuracies.append(float((model(split.x_test).argmax(-1) == split.y_test).float().mean()))
    finally:
        torch.set_num_threads(threads)
    assert min(accuracies) >= threshold + 0.03, accuracies
