"""Seeded generators: the same seed gives identical data, another seed other data, no global RNG used."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
import torch

import coursedata
from coursedata import graphs, nas_bench, pde, sequences, shapes_world, text, timeseries, toy2d

# Every seeded entry point, called small. Each returns tensors, strings or containers of them.
GENERATORS = {
    "digits": lambda seed: coursedata.digits(seed=seed),
    "mnist5k": lambda seed: coursedata.mnist5k(seed=seed),
    "shapes_world": lambda seed: shapes_world.generate(12, seed=seed, max_shapes=4),
    "shapes_world_overlap_noise": lambda seed: shapes_world.generate(12, seed=seed, allow_overlap=True, noise=0.1),
    "key_value_retrieval": lambda seed: sequences.key_value_retrieval(16, seed=seed),
    "copy_task": lambda seed: sequences.copy_task(16, 8, 6, seed=seed),
    "reverse_task": lambda seed: sequences.reverse_task(16, 8, 6, seed=seed),
    "sort_task": lambda seed: sequences.sort_task(16, 8, 6, seed=seed),
    "multi_seasonal": lambda seed: timeseries.multi_seasonal(3, 300, seed=seed),
    "poisson_1d": lambda seed: pde.poisson_1d(64, seed=seed),
    "poisson_2d": lambda seed: pde.poisson_2d(64, 32, seed=seed),
    "poisson_2d_sobol": lambda seed: pde.poisson_2d(64, 32, seed=seed, sampling="sobol"),
    "heat": lambda seed: pde.heat(64, 16, 16, seed=seed),
    "burgers": lambda seed: pde.burgers(64, 16, 16, seed=seed),
    **{name: (lambda seed, name=name: toy2d.sample(name, 64, seed=seed)) for name in toy2d.SAMPLERS},
    "graph_classification": lambda seed: graphs.graph_classification(12, seed=seed),
    "nas_bench": lambda seed: nas_bench.benchmark(seed=seed),
    "random_blocks": lambda seed: text.random_blocks(torch.arange(1000), 4, 16, seed=seed),
}


def flatten(value) -> list:
    """Return the tensors and strings inside nested dataclasses, tuples, lists and dicts."""
    if isinstance(value, (torch.Tensor, str, int, float)):
        return [value]
    if dataclasses.is_dataclass(value):
        return flatten([getattr(value, f.name) for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return flatten(list(value.values()))
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flatten(item)]
    raise TypeError(f"unexpected {type(value)}")


def same(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if isinstance(x, torch.Tensor):
            if not (isinstance(y, torch.Tensor) and x.dtype == y.dtype and x.shape == y.shape and torch.equal(x, y)):
                return False
        elif x != y:
            return False
    return True


@pytest.mark.parametrize("name", sorted(GENERATORS))
class TestSeeding:
    def test_same_seed_gives_identical_data(self, name):
        """Do two calls with the same seed return identical tensors (and texts)?"""
        assert same(flatten(GENERATORS[name](3)), flatten(GENERATORS[name](3)))

    def test_different_seeds_give_different_data(self, name):
        """Does changing the seed change the data?"""
        assert not same(flatten(GENERATORS[name](3)), flatten(GENERATORS[name](4)))

    def test_global_random_state_is_untouched(self, name):
        """Does the generator leave torch's, numpy's and Python's global RNG exactly as it found them?"""
        torch_state, numpy_state, python_state = torch.get_rng_state(), np.random.get_state(), random.getstate()
        GENERATORS[name](5)
        assert torch.equal(torch.get_rng_state(), torch_state)
        assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state))
        assert random.getstate() == python_state

    def test_global_seed_does_not_change_the_data(self, name):
        """Does the output depend only on the explicit seed, not on torch.manual_seed or np.random.seed?"""
        torch.manual_seed(1), np.random.seed(1), random.seed(1)
        first = flatten(GENERATORS[name](6))
        torch.manual_seed(2), np.random.seed(2), random.seed(2)
        assert same(first, flatten(GENERATORS[name](6)))
