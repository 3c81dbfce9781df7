"""Hidden tests of dropout, the MLP, and training it on handwritten digits."""

import pytest
import torch

import coursedata
from autograder import checks
from autograder.judge.describe import describe
from autograder.judge.proxy import StudentObject

TRAIN_BUDGET_S = 60.0
# The reference reaches 0.951 to 0.958 held-out accuracy on this split over training seeds 0-4
# (0.951 to 0.980 over 25 runs: splits 0-4 x seeds 0-4), in about 1 s of training on one CPU thread;
# 0.90 leaves margin for other correct choices of optimiser and schedule.
ACCURACY_THRESHOLD = 0.90


def _positive(*shape, seed):
    """Inputs away from 0, so that a dropped entry (exactly 0) is told apart from a kept one."""
    return checks.randn(*shape, seed=seed).abs() + 0.5


@pytest.mark.covers("dropout")
class TestDropout:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is dropout(X, p, training=True) defined, and does it run?"""
        checks.has_signature(student, "dropout", ["X", "p", "training"], example=(checks.randn(2, 3), 0.5))

    @pytest.mark.grade(1, "numerics")
    def test_eval_mode_returns_input(self, student, reference):
        """With training=False, is X returned unchanged (nothing dropped, nothing scaled)?"""
        checks.same(student.dropout, reference.dropout, _positive(4, 5, seed=1), 0.5, training=False)

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("p", [0.0, 1.0])
    def test_extreme_probabilities(self, student, reference, p):
        """Does p=0 keep X as it is, and p=1 give all zeros (not NaN)?"""
        checks.same(student.dropout, reference.dropout, _positive(4, 5, seed=2), p)

    @pytest.mark.grade(2, "numerics")
    def test_kept_entries_are_scaled(self, student, reference):
        """Is every entry either exactly 0 or X / (1 - p), so that the expectation stays X?"""
        X, p = _positive(50, 40, seed=3), 0.5
        got = student.dropout(X, p)
        checks.shape_is(got, tuple(X.shape), what="dropout(X, 0.5)")
        kept = got != 0
        problem = None
        if not kept.any():
            problem = "every entry was dropped with p=0.5"
        else:
            ratio = got[kept] / X[kept]
            wrong = ~torch.isclose(ratio, torch.full_like(ratio, 1 / (1 - p)))
            if wrong.any():
                problem = (f"{int(wrong.sum())} of {int(kept.sum())} kept entries are not X / (1 - p) = 2 X; e.g. one is "
                           f"{float(ratio[wrong][0]):.4g} X")
        if problem:
            checks.fail(student.dropout, reference.dropout, (X, p), {}, problem, got)

    @pytest.mark.grade(2, "numerics")
    def test_drops_a_fraction_p(self, student, reference):
        """With p=0.3, are about 30% of 20,000 entries dropped (not 70%)?"""
        X, p = _positive(200, 100, seed=4), 0.3
        got = student.dropout(X, p)
        checks.shape_is(got, tuple(X.shape), what="dropout(X, 0.3)")
        dropped = float((got == 0).float().mean())
        # The fraction's standard deviation is 0.0032 here; 0.03 is over 9 of them.
        if not abs(dropped - p) < 0.03:
            problem = f"{dropped:.1%} of the entries were dropped with p=0.3; p is the probability of dropping"
            checks.fail(student.dropout, reference.dropout, (X, p), {}, problem, got)

    @pytest.mark.grade(1, "determinism")
    def test_different_seeds_different_masks(self, student):
        """Is the mask random: do two seeds drop different entries?"""
        checks.differs_across_seeds(student.dropout, _positive(10, 10, seed=5), 0.5)

    @pytest.mark.grade(1, "api")
    @pytest.mark.parametrize("p", [-0.1, 1.5])
    def test_rejects_probability_outside_0_1(self, student, p):
        """Does a probability outside [0, 1] raise ValueError?"""
        checks.fails_with(student.dropout, checks.randn(2, 3), p, error="ValueError")

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it build its mask on the inputs' device?"""
        # Zeros stay zeros whatever the mask, so CUDA and CPU agree although their random numbers differ.
        checks.device_agnostic(student.dropout, reference.dropout, torch.zeros(3, 4), 0.5)


def _pair(student, reference, *args, seed=0):
    """A reference MLP and the student's, holding the same weights."""
    return checks.twin_modules(student, reference, "MLP", *args, seed=seed)


@pytest.mark.covers("MLP")
class TestMLP:
    @pytest.mark.grade(1, "api")
    def test_submodules(self, student):
        """Are there `hidden` = Linear(num_inputs, num_hiddens) and `output` = Linear(num_hiddens, num_outputs)?"""
        checks.has_parameters(student.MLP(6, 16, 3, 0.5), {"hidden.weight": (16, 6), "hidden.bias": (16,),
                                                           "output.weight": (3, 16), "output.bias": (3,)})

    @pytest.mark.grade(2, "numerics")
    def test_eval_mode_matches_reference(self, student, reference):
        """In eval mode, with the reference's weights, are the logits the reference's (images flattened, ReLU, no dropout)?"""
        ours, theirs = _pair(student, reference, 6, 16, 3, 0.5, seed=1)
        ours.eval()
        theirs.eval()
        checks.same(theirs, ours, checks.randn(5, 1, 2, 3, seed=1))

    @pytest.mark.grade(1, "numerics")
    def test_training_without_dropout_matches_reference(self, student, reference):
        """In training mode with dropout=0, are the logits the reference's?"""
        ours, theirs = _pair(student, reference, 6, 16, 3, 0.0, seed=2)
        theirs.train()
        checks.same(theirs, ours, checks.randn(5, 6, seed=2))

    @pytest.mark.grade(1, "numerics")
    def test_dropout_active_in_training(self, student, reference):
        """In training mode with dropout=0.5, do copies of one input get different logits (units dropped)?"""
        ours, theirs = _pair(student, reference, 6, 16, 3, 0.5, seed=3)
        X = checks.randn(1, 6, seed=3).expand(200, 6).clone()
        theirs.train()
        got = theirs.call((X,))
        checks.shape_is(got, (200, 3), what="the logits")
        if torch.equal(got, got[:1].expand_as(got)):
            checks.fail(theirs, ours, (X,), {}, "200 copies of one input all get the same logits in training mode: "
                       "no hidden unit was dropped", got)

    @pytest.mark.grade(2, "numerics")
    def test_training_logits_right_on_average(self, student, reference):
        """In training mode, is the mean of the logits over 4,000 copies of an input its eval-mode logits?"""
        ours, theirs = _pair(student, reference, 6, 32, 3, 0.5, seed=4)
        state = ours.state_dict()
        # Positive output weights make the expected logits large, so a missing 1/(1-p) stands out.
        state["output.weight"] = state["output.weight"].abs() + 0.2
        state["hidden.bias"] = state["hidden.bias"].abs() + 0.5
        ours.load_state_dict(state)
        checks.copy_weights(theirs, ours)
        x = checks.randn(1, 6, seed=4)
        with torch.no_grad():
            expected = ours.eval()(x)[0]                             # (3,)
            spread = ours.train()(x.expand(4000, 6)).std(dim=0)       # (3,)
        theirs.train()
        got = theirs.call((x.expand(4000, 6).clone(),))
        checks.shape_is(got, (4000, 3), what="the logits")
        # Six standard errors of the mean: a correct dropout fails this about once in 10^8 runs.
        tolerance = 6 * spread / 4000 ** 0.5 + 1e-4
        error = (got.mean(dim=0) - expected).abs()
        if (error > tolerance).any():
            problem = (f"averaged over 4,000 copies of one input, the training-mode logits are "
                       f"{[round(v, 3) for v in got.mean(dim=0).tolist()]}, off by up to {float(error.max()):.3g} "
                       f"from the eval-mode logits; inverted dropout keeps the expectation unchanged")
            checks.fail(theirs, ours, (x.expand(4000, 6).clone(),), {}, problem, got)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the input and of every parameter match (dropout=0)?"""
        torch.manual_seed(5)
        ours, theirs = reference.MLP(6, 8, 3, 0.0).double(), student.MLP(6, 8, 3, 0.0)
        theirs.double()
        checks.copy_weights(theirs, ours)
        checks.gradients_match(theirs, ours, (checks.randn(4, 6, seed=5, dtype=torch.float64),), wrt=(0,),
                               arg_names=("X",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the module run on the inputs' device (eval mode)?"""
        ours, theirs = _pair(student, reference, 6, 8, 3, 0.5, seed=6)
        ours.eval()
        theirs.eval()
        checks.device_agnostic(theirs, ours, checks.randn(3, 6, seed=6))


@pytest.mark.covers("train_mlp")
class TestTrainMLP:
    @pytest.mark.grade(8, "convergence")
    def test_reaches_held_out_accuracy(self, student, record):
        """Trained on 1,347 digit images, does it classify at least 90% of 450 unseen ones correctly?"""
        split = coursedata.digits(seed=0)
        model, _ = _model_and_losses(checks.train(student.train_mlp, split.x_train, split.y_train,
                                                  budget_s=TRAIN_BUDGET_S, record=record), check_losses=False)
        logits = model.call((split.x_test,), no_grad=True)
        checks.at_least(checks.accuracy(logits, split.y_test), ACCURACY_THRESHOLD, what="held-out accuracy",
                        record=record)

    @pytest.mark.grade(1, "determinism")
    def test_same_seed_same_losses(self, student):
        """With the same seed, does a short training run give the same losses twice?"""
        split = coursedata.digits(seed=0)
        x, y = split.x_train[:300], split.y_train[:300]
        _, first = _model_and_losses(student.train_mlp.call((x, y), {"num_epochs": 2}, seed=3), num_epochs=2)
        _, second = _model_and_losses(student.train_mlp.call((x, y), {"num_epochs": 2}, seed=3), num_epochs=2)
        checks.close(second, first, what="losses of the second run", rtol=0.0, atol=0.0)


def _model_and_losses(result, num_epochs=None, check_losses=True):
    """``(model handle, losses as floats)`` from what train_mlp returned, or a failure saying what is wrong.

    The convergence test passes ``check_losses=False``: it grades the model, and the losses' format
    is graded by the determinism test.
    """
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise checks.CheckFailure(f"train_mlp should return (model, losses), got {describe(result)}")
    model, losses = result
    if not isinstance(model, StudentObject):
        raise checks.CheckFailure(f"the model returned by train_mlp should be your trained MLP, got {describe(model)}")
    curve = checks.loss_curve(losses)
    if not check_losses:
        return model, curve
    if curve is None or (num_epochs is not None and len(curve) != num_epochs):
        raise checks.CheckFailure(f"the losses returned by train_mlp should be a list of one float per epoch "
                                  f"({num_epochs or 'num_epochs'}), got {describe(losses)}")
    return model, curve
