"""Multi-seasonal time series built from known components, and forecasting windows.

A series is ``trend + sum of seasonal components + noise``, and every component comes back
too, so an exercise can check a decomposition, and a forecaster can be compared with the
seasonal-naive baseline (which is exact on the seasonal part when the lag is a period).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass
class SeasonalSeries:
    """``N`` series of length ``L`` and the components they were summed from.

    Attributes:
        time (Tensor[L]): float32 time steps ``0, 1, ..., L - 1`` (think hours).
        values (Tensor[N, L]): float32, ``trend + seasonal.sum(1) + noise`` exactly (up to rounding).
        trend (Tensor[N, L]): float32 level plus a piecewise-linear slope with one change point.
        seasonal (Tensor[N, S, L]): float32, row ``s`` repeats exactly every ``periods[s]`` steps
            and has mean zero over a period.
        noise (Tensor[N, L]): float32 i.i.d. Gaussian noise.
        periods (tuple[int, ...]): the ``S`` seasonal periods.
    """

    time: Tensor
    values: Tensor
    trend: Tensor
    seasonal: Tensor
    noise: Tensor
    periods: tuple[int, ...]


def multi_seasonal(
    num_series: int = 8,
    length: int = 24 * 7 * 6,
    periods: tuple[int, ...] = (24, 168),
    seed: int = 0,
    trend_strength: float = 1.0,
    noise_std: float = 0.1,
    harmonics: int = 2,
) -> SeasonalSeries:
    """Return series with a trend, several exact seasonalities (default daily and weekly) and noise.

    For series ``n``, with ``u = t / L``::

        trend[n, t]       = level + slope * u + kink * max(0, u - change)
        seasonal[n, s, t] = sum_{h=1..H} amp[n, s, h] * sin(2 pi h t / periods[s] + phase[n, s, h])

    with ``level ~ N(0, 1)``, ``slope, kink ~ N(0, trend_strength^2)``, ``change ~ U(0.3, 0.7)``,
    ``amp ~ U(0.5, 1.5) / h`` and ``phase ~ U(0, 2 pi)``.

    Args:
        num_series (int): number of series ``N``.
        length (int): time steps ``L`` (default six weeks of hours: 1,008).
        periods (tuple[int, ...]): seasonal periods in steps, each > ``2 * harmonics``.
        seed (int): seed of the ``torch.Generator``.
        trend_strength (float): scale of the slopes; 0 gives a flat level.
        noise_std (float): standard deviation of the noise.
        harmonics (int): sine harmonics per seasonality ``H``, >= 1.

    Returns:
        SeasonalSeries: see its attributes for shapes.
    """
    # Below the Nyquist limit (2 * harmonics < period) every harmonic is a true oscillation.
    if num_series < 1 or length < 2 or harmonics < 1 or any(2 * harmonics >= p for p in periods):
        raise ValueError(
            f"need num_series >= 1, length >= 2, harmonics >= 1 and every period > 2 * harmonics; "
            f"got {num_series}, {length}, {harmonics}, {periods}"
        )
    generator = torch.Generator().manual_seed(seed)
    time = torch.arange(length, dtype=torch.float64)
    trend = _trend(num_series, time / length, trend_strength, generator)
    seasonal = torch.stack([_seasonality(num_series, time, p, harmonics, generator) for p in periods], dim=1)
    noise = noise_std * torch.randn(num_series, length, generator=generator, dtype=torch.float64)
    values = trend + seasonal.sum(dim=1) + noise
    return SeasonalSeries(
        time=time.float(),
        values=values.float(),
        trend=trend.float(),
        seasonal=seasonal.float(),
        noise=noise.float(),
        periods=tuple(periods),
    )


def _trend(num_series: int, u: Tensor, strength: float, generator: torch.Generator) -> Tensor:
    level, slope, kink = torch.randn(3, num_series, 1, generator=generator, dtype=torch.float64)
    change = 0.3 + 0.4 * torch.rand(num_series, 1, generator=generator, dtype=torch.float64)
    return level + strength * (slope * u + kink * (u - change).clamp(min=0.0))  # (N, L)


def _seasonality(num_series: int, time: Tensor, period: int, harmonics: int, generator: torch.Generator) -> Tensor:
    order = torch.arange(1, harmonics + 1, dtype=torch.float64)  # (H,)
    amplitude = (0.5 + torch.rand(num_series, harmonics, 1, generator=generator, dtype=torch.float64)) / order[:, None]
    phase = 2 * math.pi * torch.rand(num_series, harmonics, 1, generator=generator, dtype=torch.float64)
    angle = 2 * math.pi * order[:, None] * time[None, :] / period  # (H, L)
    return (amplitude * torch.sin(angle + phase)).sum(dim=1)  # (N, L)


def windows(values: Tensor, lookback: int, horizon: int, stride: int = 1) -> tuple[Tensor, Tensor]:
    """Cut series into (past, future) training pairs with a sliding window.

    Args:
        values (Tensor[N, L]): the series.
        lookback (int): steps the model sees, ``>= 1``.
        horizon (int): steps it predicts, ``>= 1``; ``lookback + horizon <= L``.
        stride (int): step between window starts.

    Returns:
        (Tensor[N, W, lookback], Tensor[N, W, horizon]): with ``W = (L - lookback - horizon) //
        stride + 1``; window ``w`` starts at ``w * stride``, and its future follows its past.
    """
    length = values.shape[-1]
    if lookback < 1 or horizon < 1 or stride < 1 or lookback + horizon > length:
        raise ValueError(
            f"need lookback, horizon, stride >= 1 and lookback + horizon <= {length}; "
            f"got {lookback}, {horizon}, {stride}"
        )
    both = values.unfold(-1, lookback + horizon, stride)  # (N, W, lookback + horizon)
    return both[..., :lookback], both[..., lookback:]
