"""Two-dimensional toy distributions for classifiers and generative models (GAN, VAE, diffusion).

Each sampler returns ``(x, y)``: ``x`` float32 Tensor[N, 2] and ``y`` int64 Tensor[N] saying
which part of the distribution (moon, ring, mixture component, spiral arm) a point came from,
except ``swiss_roll``, whose ``y`` is the float32 position along the roll. The points are
shuffled, and all randomness comes from a ``torch.Generator`` seeded with ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor


def moons(num_points: int, noise: float = 0.1, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return two interleaving half circles (like ``sklearn.datasets.make_moons``).

    Args:
        num_points (int): ``N``; the upper moon gets ``ceil(N / 2)`` points.
        noise (float): standard deviation of Gaussian noise added to each coordinate.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2], Tensor[N]): points in about ``[-1, 2] x [-0.5, 1]``; label 0 (upper) or 1.
    """
    generator = torch.Generator().manual_seed(seed)
    labels = _balanced_labels(num_points, 2)
    angle = math.pi * torch.rand(num_points, generator=generator)
    upper = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    lower = torch.stack([1.0 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)
    points = torch.where(labels[:, None] == 0, upper, lower)
    return _finish(points, labels, noise, generator)


def rings(num_points: int, num_rings: int = 2, noise: float = 0.05, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return concentric circles of radii ``1, 2, ..., num_rings`` divided by ``num_rings``.

    Args:
        num_points (int): ``N``, split as evenly as possible between the rings.
        num_rings (int): number of rings ``R >= 1``.
        noise (float): standard deviation of Gaussian noise per coordinate.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2], Tensor[N]): points in about the unit disc; label = ring index (0 innermost).
    """
    generator = torch.Generator().manual_seed(seed)
    labels = _balanced_labels(num_points, num_rings)
    angle = 2 * math.pi * torch.rand(num_points, generator=generator)
    radius = (labels + 1).float() / num_rings
    points = radius[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return _finish(points, labels, noise, generator)


def gaussian_mixture(
    num_points: int, num_components: int = 8, radius: float = 2.0, std: float = 0.1, seed: int = 0
) -> tuple[Tensor, Tensor]:
    """Return an equal-weight mixture of Gaussians centred evenly on a circle (the GAN mode test).

    Component ``c`` has mean ``radius * (cos(2 pi c / C), sin(2 pi c / C))`` and covariance
    ``std^2 I``; a generator that drops components shows mode collapse.

    Args:
        num_points (int): ``N``, split as evenly as possible between components.
        num_components (int): ``C >= 1``.
        radius (float): distance of the means from the origin.
        std (float): standard deviation of every component.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2], Tensor[N]): points and their component index.
    """
    generator = torch.Generator().manual_seed(seed)
    labels = _balanced_labels(num_points, num_components)
    angle = 2 * math.pi * labels.float() / num_components
    means = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    return _finish(means, labels, std, generator)


def spirals(num_points: int, num_arms: int = 2, noise: float = 0.05, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return interleaved spiral arms (a classic problem that a linear model cannot solve).

    Arm ``a`` is ``r (cos(theta + 2 pi a / A), sin(...))`` with ``r = theta / (3 pi)`` for
    ``theta`` uniform in ``[0.25 pi, 3 pi]``, so every arm makes one and a half turns.

    Args:
        num_points (int): ``N``, split as evenly as possible between arms.
        num_arms (int): ``A >= 1``.
        noise (float): standard deviation of Gaussian noise per coordinate.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2], Tensor[N]): points within about the unit disc and their arm index.
    """
    generator = torch.Generator().manual_seed(seed)
    labels = _balanced_labels(num_points, num_arms)
    theta = math.pi * (0.25 + 2.75 * torch.rand(num_points, generator=generator))
    turn = theta + 2 * math.pi * labels.float() / num_arms
    points = (theta / (3 * math.pi))[:, None] * torch.stack([torch.cos(turn), torch.sin(turn)], dim=1)
    return _finish(points, labels, noise, generator)


def swiss_roll(num_points: int, noise: float = 0.05, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return the 2-D swiss roll: ``t (cos t, sin t) / (4.5 pi)`` for ``t`` uniform in ``[1.5 pi, 4.5 pi]``.

    Args:
        num_points (int): ``N``.
        noise (float): standard deviation of Gaussian noise per coordinate.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2], Tensor[N]): points within about the unit disc, and float32 ``t`` (the
        position along the roll, useful to colour plots), not a class label.
    """
    generator = torch.Generator().manual_seed(seed)
    t = math.pi * (1.5 + 3.0 * torch.rand(num_points, generator=generator))
    points = (t / (4.5 * math.pi))[:, None] * torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    return _finish(points, t, noise, generator)


SAMPLERS: dict[str, Callable[..., tuple[Tensor, Tensor]]] = {
    "moons": moons,
    "rings": rings,
    "gaussian_mixture": gaussian_mixture,
    "spirals": spirals,
    "swiss_roll": swiss_roll,
}
"""Every distribution by name: ``SAMPLERS["moons"](1000, seed=0)``."""


def sample(name: str, num_points: int, seed: int = 0, **options) -> tuple[Tensor, Tensor]:
    """Return ``SAMPLERS[name](num_points, seed=seed, **options)``, with a clear error for a bad name."""
    if name not in SAMPLERS:
        raise ValueError(f"unknown distribution {name!r}; choose one of {sorted(SAMPLERS)}")
    return SAMPLERS[name](num_points, seed=seed, **options)


def _balanced_labels(num_points: int, num_classes: int) -> Tensor:
    if num_points < 0 or num_classes < 1:
        raise ValueError(f"need num_points >= 0 and at least one class, got {num_points} and {num_classes}")
    return torch.arange(num_points) % num_classes


def _finish(points: Tensor, labels: Tensor, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Add noise and shuffle, so that the first rows of ``x`` do not all share a label."""
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    points = points + noise * torch.randn(points.shape, generator=generator)
    order = torch.randperm(len(points), generator=generator)
    return points[order].float(), labels[order]
