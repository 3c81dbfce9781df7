"""The loss curve a convergence test records for the report."""

from autograder.checks.convergence import MAX_RECORDED_POINTS, recorded_curve


def test_short_curve_is_recorded_whole():
    losses = [3.0, 2.0, 1.5]
    assert recorded_curve(losses) == losses


def test_long_curve_is_thinned_keeping_first_and_last():
    losses = [float(i) for i in range(1_000_000)]
    curve = recorded_curve(losses)
    assert len(curve) == MAX_RECORDED_POINTS
    assert curve[0] == 0.0 and curve[-1] == 999_999.0
    assert curve == sorted(curve)  # evenly spaced steps, in order
