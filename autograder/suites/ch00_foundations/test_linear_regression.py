"""Hidden tests of synthetic data, minibatches, the linear model, the squared loss and SGD."""

import pytest
import torch

from autograder import checks
from autograder.judge.describe import describe

TRUE_W = torch.tensor([2.0, -3.4])
TRUE_B = 4.2


def _numbered(n, d=2):
    """Features whose row i is (i*d, ..., i*d + d-1), labels i: every example can be told apart."""
    return torch.arange(n * d, dtype=torch.float32).reshape(n, d), torch.arange(n)


def _check_data(value, n):
    """Fail unless synthetic_data returned (X, y): X of shape (n, 2) and n labels."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(t, torch.Tensor) for t in value)):
        raise checks.CheckFailure(f"synthetic_data should return a tuple (X, y) of two tensors, got {describe(value)}")
    checks.shape_is(value[0], (n, 2), what="X")
    if value[1].numel() != n:
        raise checks.CheckFailure(f"y has shape {list(value[1].shape)}; it should hold one label per example, (N, 1)")


@pytest.mark.covers("synthetic_data")
class TestSyntheticData:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is synthetic_data(w, b, num_examples, noise=0.01) defined, and does it run?"""
        checks.has_signature(student, "synthetic_data", ["w", "b", "num_examples", "noise"],
                             example=(TRUE_W, TRUE_B, 5))

    @pytest.mark.grade(1, "shape", "dtype")
    def test_shapes_and_dtype(self, student, reference):
        """Are X float32 (N, d) and y float32 (N, 1) for float32 weights?"""
        checks.same(student.synthetic_data, reference.synthetic_data, TRUE_W, TRUE_B, 10, view=checks.layout)

    @pytest.mark.grade(2, "numerics")
    def test_noise_free_labels_are_linear(self, student):
        """With noise=0, is y exactly X w + b for the X it returns?"""
        got = student.synthetic_data(TRUE_W, TRUE_B, 50, noise=0.0)
        _check_data(got, 50)
        X, y = got
        # Compared in float64 with float32's tolerances: y was computed in float32.
        checks.close(y.reshape(-1).double(), X.double() @ TRUE_W.double() + TRUE_B, rtol=1.3e-6, atol=1e-5,
                     what="y with noise=0 (compared with X w + b for your X)")

    @pytest.mark.grade(2, "numerics")
    def test_standard_normal_features_and_noise_level(self, student, reference):
        """Over 4,000 examples, is X standard normal (mean 0, std 1) and the noise's std the one asked for?"""
        args, kwargs = (TRUE_W, TRUE_B, 4000), {"noise": 0.1}
        got = student.synthetic_data(*args, **kwargs)
        _check_data(got, 4000)
        X, y = got
        X, y = X.double(), y.double()
        residual = y.reshape(-1) - (X @ TRUE_W.double() + TRUE_B)
        # Sampling error of these statistics is below 0.02 (X) and 0.002 (noise): the bounds are wide.
        problem = None
        if not abs(float(X.mean())) < 0.1 or not 0.9 < float(X.std()) < 1.1:
            problem = (f"X has mean {float(X.mean()):.3f} and standard deviation {float(X.std()):.3f}; standard normal "
                       "features have mean 0 and standard deviation 1")
        elif not 0.09 < float(residual.std()) < 0.11:
            problem = f"with noise=0.1 the labels' noise has standard deviation {float(residual.std()):.4f}, not 0.1"
        if problem:
            checks.fail(student.synthetic_data, reference.synthetic_data, args, kwargs, problem, got)

    @pytest.mark.grade(1, "determinism")
    def test_same_seed_same_data(self, student):
        """With the same seed, does it return the same data twice?"""
        _check_data(student.synthetic_data.call((TRUE_W, TRUE_B, 20), seed=3), 20)
        checks.deterministic(student.synthetic_data, TRUE_W, TRUE_B, 20, seed=3)


@pytest.mark.covers("data_iter")
class TestDataIter:
    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("n", "batch_size"), [(23, 5), (12, 4)])
    def test_every_example_once_with_its_label(self, student, reference, n, batch_size):
        """Is every example in exactly one batch, together with its own label?"""
        features, labels = _numbered(n)
        batches = student.data_iter(batch_size, features, labels)
        problem = _coverage_problem(batches, features, labels)
        if problem:
            checks.fail(student.data_iter, reference.data_iter, (batch_size, features, labels), {}, problem, batches)

    @pytest.mark.grade(1, "shape")
    def test_batch_sizes(self, student, reference):
        """Do all batches hold batch_size examples except a smaller last one (23 = 5+5+5+5+3)?"""
        features, labels = _numbered(23)
        batches = student.data_iter(5, features, labels)
        problem = _structure_problem(batches)
        if problem is None:
            sizes = [len(y) for _, y in batches]
            if sizes != [5, 5, 5, 5, 3]:
                problem = f"the batches hold {sizes} examples; 23 examples in batches of 5 make [5, 5, 5, 5, 3]"
        if problem:
            checks.fail(student.data_iter, reference.data_iter, (5, features, labels), {}, problem, batches)

    @pytest.mark.grade(1, "numerics")
    def test_examples_are_shuffled(self, student, reference):
        """Are the examples in a random order, different for different seeds?"""
        features, labels = _numbered(100)
        batches = student.data_iter(10, features, labels)
        problem = _structure_problem(batches)
        if problem is None and torch.equal(torch.cat([y for _, y in batches]), labels):
            problem = "the examples come in their original order; shuffle them (e.g. torch.randperm) on every call"
        if problem:
            checks.fail(student.data_iter, reference.data_iter, (10, features, labels), {}, problem, batches)
        checks.differs_across_seeds(student.data_iter, 10, features, labels)

    @pytest.mark.grade(1, "determinism")
    def test_same_seed_same_batches(self, student):
        """With the same seed, are the batches the same twice?"""
        features, labels = _numbered(30)
        problem = _structure_problem(student.data_iter.call((7, features, labels), seed=5))
        if problem:
            raise checks.CheckFailure(problem)
        checks.deterministic(student.data_iter, 7, features, labels, seed=5)


def _structure_problem(batches):
    kind = getattr(batches, "type_name", None)  # an object that stayed in the student's process
    if kind == "generator":
        return ("data_iter returned a generator (it uses `yield`); return a list of (X, y) batches instead, so that "
                "the batches are plain data")
    if not isinstance(batches, (list, tuple)):
        return f"data_iter should return a list of (X, y) batches, got {kind or describe(batches)}"
    for i, batch in enumerate(batches):
        if not (isinstance(batch, (list, tuple)) and len(batch) == 2 and all(isinstance(t, torch.Tensor) for t in batch)):
            return f"batch {i} should be a pair (X, y) of tensors, got {describe(batch)}"
    return None


def _coverage_problem(batches, features, labels):
    problem = _structure_problem(batches)
    if problem:
        return problem
    n = len(labels)
    seen = torch.cat([y.reshape(-1) for _, y in batches]) if batches else torch.zeros(0, dtype=labels.dtype)
    counts = torch.bincount(seen.long().clamp(0, n - 1), minlength=n) if len(seen) else torch.zeros(n, dtype=torch.long)
    missing, repeated = (counts == 0).nonzero().flatten().tolist(), (counts > 1).nonzero().flatten().tolist()
    if missing:
        return (f"examples {missing} of {n} are in no batch (the batches hold {len(seen)} examples in all); "
                "keep the last, smaller batch")
    if repeated or len(seen) != n:
        return f"examples {repeated} appear in more than one batch; each example belongs to exactly one"
    for i, (X, y) in enumerate(batches):
        if X.shape[1:] != features.shape[1:] or len(X) != len(y) or not torch.equal(X, features[y.long()]):
            return f"batch {i}: the features are not those of the batch's labels (X and y must be indexed together)"
    return None


@pytest.mark.covers("linreg")
class TestLinreg:
    @pytest.mark.grade(1, "numerics")
    def test_matches_reference(self, student, reference):
        """Is it X w + b, of shape (N, 1)?"""
        X, w, b = checks.randn(6, 3, seed=1), checks.randn(3, 1, seed=2), checks.randn(1, seed=3)
        checks.same(student.linreg, reference.linreg, X, w, b)

    @pytest.mark.grade(1, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients with respect to w and b match?"""
        args = (checks.randn(6, 3, seed=1, dtype=torch.float64), checks.randn(3, 1, seed=2, dtype=torch.float64),
                checks.randn(1, seed=3, dtype=torch.float64))
        checks.gradients_match(student.linreg, reference.linreg, args, wrt=(1, 2), arg_names=("w", "b"))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.linreg, reference.linreg, checks.randn(4, 3, seed=1), checks.randn(3, 1, seed=2),
                               checks.randn(1, seed=3))


@pytest.mark.covers("squared_loss")
class TestSquaredLoss:
    @pytest.mark.grade(1, "numerics")
    def test_half_squared_error_per_example(self, student, reference):
        """Is it (y_hat - y)**2 / 2 for each example, shape (N, 1), neither summed nor averaged?"""
        checks.same(student.squared_loss, reference.squared_loss, checks.randn(5, 1, seed=1), checks.randn(5, 1, seed=2))

    @pytest.mark.grade(2, "shape")
    def test_flat_targets_are_reshaped(self, student, reference):
        """With y of shape (N,), is y reshaped to (N, 1) instead of broadcasting to (N, N)?"""
        checks.same(student.squared_loss, reference.squared_loss, checks.randn(5, 1, seed=3), checks.randn(5, seed=4))

    @pytest.mark.grade(1, "gradient")
    def test_gradient(self, student, reference):
        """Is the gradient with respect to y_hat the reference's?"""
        args = (checks.randn(5, 1, seed=5, dtype=torch.float64), checks.randn(5, 1, seed=6, dtype=torch.float64))
        checks.gradients_match(student.squared_loss, reference.squared_loss, args, wrt=(0,), arg_names=("y_hat",))


@pytest.mark.covers("sgd")
class TestSgd:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is sgd(params, grads, lr, batch_size) defined, and does it run?"""
        checks.has_signature(student, "sgd", ["params", "grads", "lr", "batch_size"],
                             example=([torch.ones(2)], [torch.ones(2)], 0.1, 2))

    @pytest.mark.grade(2, "numerics")
    def test_matches_reference(self, student, reference):
        """Is every parameter p - lr * g / batch_size, in order?"""
        params = [checks.randn(3, 1, seed=1), checks.randn(1, seed=2)]
        grads = [checks.randn(3, 1, seed=3, scale=10.0), checks.randn(1, seed=4, scale=10.0)]
        checks.same(student.sgd, reference.sgd, params, grads, 0.03, 10)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the parameters' device?"""
        checks.device_agnostic(student.sgd, reference.sgd, [checks.randn(3, seed=1)], [checks.randn(3, seed=2)], 0.1, 4)
