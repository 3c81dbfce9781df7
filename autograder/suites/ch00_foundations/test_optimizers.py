"""Hidden tests of the momentum and Adam steps (pure functions, torch.optim's conventions)."""

import pytest
import torch

from autograder import checks
from autograder.judge.describe import describe

STEPS = 5


def _params(seed=0):
    """A weight and a bias: every step must treat each parameter on its own."""
    return [checks.randn(3, 2, seed=seed), checks.randn(2, seed=seed + 1)]


def _grads(step, scale=1.0):
    return [checks.randn(3, 2, seed=100 + step, scale=scale), checks.randn(2, seed=200 + step, scale=scale)]


def _zeros():
    return [torch.zeros(3, 2), torch.zeros(2)]


def _check_step(student_fn, reference_fn, args, kwargs, got, expected, step, parts, what):
    """Compare the ``parts`` (indices into the returned tuple) of one step; explain with a hint."""
    if not isinstance(got, (tuple, list)) or len(got) != len(expected):
        raise checks.CheckFailure(f"{student_fn.label} should return {len(expected)} lists, got "
                                  f"{describe(got)}")
    for part in parts:
        problem = checks.compare(got[part], expected[part], path=f"{what[part]} after step {step}")
        if problem:
            checks.fail(student_fn, reference_fn, args, kwargs, problem, got)


@pytest.mark.covers("momentum_step")
class TestMomentumStep:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is momentum_step(params, grads, velocities, lr, momentum=0.9) defined, and does it run?"""
        checks.has_signature(student, "momentum_step", ["params", "grads", "velocities", "lr", "momentum"],
                             example=([torch.ones(2)], [torch.ones(2)], [torch.zeros(2)], 0.1))

    @pytest.mark.grade(1, "numerics")
    def test_first_step_is_plain_sgd(self, student, reference):
        """From zero velocities, is the first step p - lr * g, with velocity g?"""
        checks.same(student.momentum_step, reference.momentum_step, _params(), _grads(0), _zeros(), 0.1, momentum=0.9)

    @pytest.mark.grade(2, "numerics")
    def test_parameters_over_several_steps(self, student, reference):
        """Fed its own velocities back, do the parameters follow torch.optim.SGD(momentum=0.9) for 5 steps?"""
        ours, theirs = (_params(), _zeros()), (_params(), _zeros())
        for step in range(1, STEPS + 1):
            args, kwargs = (theirs[0], _grads(step), theirs[1], 0.05), {"momentum": 0.9}
            ours = reference.momentum_step(ours[0], _grads(step), ours[1], 0.05, momentum=0.9)
            got = student.momentum_step.call(args, kwargs)
            _check_step(student.momentum_step, reference.momentum_step, args, kwargs, got, ours, step, (0,),
                        ("params", "velocities"))
            theirs = got

    @pytest.mark.grade(1, "numerics")
    def test_velocities_follow_pytorch(self, student, reference):
        """From non-zero velocities, is the new velocity momentum * v + g (no learning rate, no 1 - momentum)?"""
        velocities = [checks.randn(3, 2, seed=7), checks.randn(2, seed=8)]
        checks.same(student.momentum_step, reference.momentum_step, _params(), _grads(1), velocities, 0.05,
                    momentum=0.8)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the parameters' device?"""
        checks.device_agnostic(student.momentum_step, reference.momentum_step, _params(), _grads(0), _zeros(), 0.1)


@pytest.mark.covers("adam_step")
class TestAdamStep:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is adam_step(params, grads, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8) defined, and does it run?"""
        checks.has_signature(student, "adam_step", ["params", "grads", "m", "v", "t", "lr", "betas", "eps"],
                             example=([torch.ones(2)], [torch.ones(2)], [torch.zeros(2)], [torch.zeros(2)], 1))

    @pytest.mark.grade(2, "numerics")
    def test_first_step_is_bias_corrected(self, student, reference):
        """At t=1 from zero moments, are params, m and v torch.optim.Adam's (each entry moves by about lr)?"""
        checks.same(student.adam_step, reference.adam_step, _params(), _grads(0), _zeros(), _zeros(), 1, lr=0.01)

    @pytest.mark.grade(2, "numerics")
    def test_several_steps(self, student, reference):
        """Fed its own m and v back with t = 1..5, do params, m and v follow torch.optim.Adam?"""
        ours = theirs = (_params(), _zeros(), _zeros())
        kwargs = {"lr": 0.01, "betas": (0.8, 0.99)}
        for step in range(1, STEPS + 1):
            args = (theirs[0], _grads(step), theirs[1], theirs[2], step)
            ours = reference.adam_step(ours[0], _grads(step), ours[1], ours[2], step, **kwargs)
            got = student.adam_step.call(args, kwargs)
            _check_step(student.adam_step, reference.adam_step, args, kwargs, got, ours, step, (0, 1, 2),
                        ("params", "m", "v"))
            theirs = got

    @pytest.mark.grade(1, "numerics")
    def test_eps_outside_the_square_root(self, student, reference):
        """With gradients around 1e-5, is eps added to sqrt(v_hat) rather than inside the square root?"""
        checks.same(student.adam_step, reference.adam_step, _params(), _grads(3, scale=1e-5), _zeros(), _zeros(), 1,
                    lr=0.01)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the parameters' device?"""
        checks.device_agnostic(student.adam_step, reference.adam_step, _params(), _grads(0), _zeros(), _zeros(), 2)
