"""2-D toy distributions: shapes, labels and geometry."""

from __future__ import annotations

import math

import pytest
import torch

from coursedata import toy2d


@pytest.mark.parametrize("name", sorted(toy2d.SAMPLERS))
def test_points_are_float32_pairs_with_one_label_each(name):
    """Does every sampler return float32 (N, 2) points and an (N,) label or position?"""
    x, y = toy2d.sample(name, 101, seed=0)
    assert x.shape == (101, 2) and x.dtype == torch.float32 and y.shape == (101,)
    assert y.dtype == (torch.float32 if name == "swiss_roll" else torch.int64)
    assert torch.isfinite(x).all()


@pytest.mark.parametrize("name", ["moons", "rings", "gaussian_mixture", "spirals"])
def test_classes_are_balanced_and_shuffled(name):
    """Are classes within one point of equal size, and mixed in the first rows?"""
    _, y = toy2d.sample(name, 400, seed=0)
    counts = torch.bincount(y)
    assert counts.max() - counts.min() <= 1
    assert len(y[:20].unique()) > 1


def test_rings_have_their_radii_without_noise():
    """Does ring r lie at radius (r + 1) / R when noise is 0?"""
    x, y = toy2d.rings(300, num_rings=3, noise=0.0)
    torch.testing.assert_close(x.norm(dim=1), (y + 1).float() / 3)


def test_mixture_components_are_centred_on_the_circle():
    """Is each component's mean near radius * (cos, sin)(2 pi c / C)?"""
    x, y = toy2d.gaussian_mixture(8000, num_components=8, radius=2.0, std=0.1, seed=1)
    for c in range(8):
        angle = 2 * math.pi * c / 8
        mean = torch.tensor([2 * math.cos(angle), 2 * math.sin(angle)])
        assert (x[y == c].mean(dim=0) - mean).norm() < 0.02


def test_moons_match_sklearn_geometry_without_noise():
    """Do noiseless moons lie on sklearn's two half circles (centres (0, 0) and (1, 0.5), radius 1)?"""
    x, y = toy2d.moons(200, noise=0.0)
    centre = torch.where(y[:, None] == 0, torch.tensor([0.0, 0.0]), torch.tensor([1.0, 0.5]))
    torch.testing.assert_close((x - centre).norm(dim=1), torch.ones(200))


def test_unknown_distribution_lists_the_choices():
    """Does an unknown name raise and list the distributions?"""
    with pytest.raises(ValueError, match="moons"):
        toy2d.sample("banana", 10)


def test_negative_noise_raises():
    """Does a negative noise level raise and show it?"""
    with pytest.raises(ValueError, match="-1"):
        toy2d.moons(10, noise=-1.0)
