"""Multi-seasonal series: components that add up, exact periods, forecasting windows."""

from __future__ import annotations

import pytest
import torch

from coursedata import timeseries


@pytest.fixture(scope="module")
def series():
    return timeseries.multi_seasonal(4, 24 * 7 * 3, periods=(24, 168), seed=5)


def test_components_add_up_to_the_values(series):
    """Is values = trend + sum of seasonal components + noise (to float32 rounding)?"""
    torch.testing.assert_close(series.values, series.trend + series.seasonal.sum(dim=1) + series.noise)


def test_shapes_and_dtypes(series):
    """Are values (N, L), seasonal (N, S, L) and time (L,), all float32?"""
    assert series.values.shape == (4, 504) and series.seasonal.shape == (4, 2, 504)
    assert series.time.shape == (504,) and series.periods == (24, 168)
    assert all(t.dtype == torch.float32 for t in (series.values, series.trend, series.seasonal, series.noise))


@pytest.mark.parametrize("index, period", [(0, 24), (1, 168)])
def test_each_seasonality_repeats_exactly_with_its_period(series, index, period):
    """Does seasonal component s repeat every periods[s] steps and average zero over a period?"""
    component = series.seasonal[:, index]
    torch.testing.assert_close(component[:, period:], component[:, :-period], atol=1e-5, rtol=0)
    assert component[:, :period].mean(dim=1).abs().max() < 1e-5


def test_noise_has_the_requested_scale():
    """Is the noise's standard deviation close to noise_std?"""
    noise = timeseries.multi_seasonal(8, 2000, seed=1, noise_std=0.3).noise
    assert noise.std().item() == pytest.approx(0.3, rel=0.05)


def test_windows_pair_past_with_the_following_future(series):
    """Does window w hold steps [w*stride, +lookback) as input and the next horizon steps as target?"""
    past, future = timeseries.windows(series.values, lookback=48, horizon=24, stride=12)
    assert past.shape[:2] == future.shape[:2] == (4, (504 - 72) // 12 + 1)
    assert torch.equal(past[:, 3], series.values[:, 36:84])
    assert torch.equal(future[:, 3], series.values[:, 84:108])


def test_windows_reject_a_too_long_request(series):
    """Does a lookback + horizon longer than the series raise with the length?"""
    with pytest.raises(ValueError, match="504"):
        timeseries.windows(series.values, 500, 10)


def test_periods_must_exceed_twice_the_harmonics():
    """Does a period too short for the harmonics raise (it would alias)?"""
    with pytest.raises(ValueError, match="period"):
        timeseries.multi_seasonal(periods=(4,), harmonics=2)
