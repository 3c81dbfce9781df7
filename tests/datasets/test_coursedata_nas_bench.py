"""Generated NAS benchmark: indexing, structure and determinism of the table."""

from __future__ import annotations

import pytest
import torch

from coursedata import nas_bench


@pytest.fixture(scope="module")
def table():
    return nas_bench.benchmark(seed=0)


def test_table_covers_the_whole_space(table):
    """Does the table hold all 5 ** 6 architectures, row i being architecture i?"""
    assert table.architectures.shape == (15625, 6) and table.architectures.dtype == torch.int64
    assert table.val_accuracy.shape == table.test_accuracy.shape == table.parameters.shape == (15625,)
    for index in (0, 1, 777, 15624):
        assert nas_bench.index_of(table.architectures[index].tolist()) == index


@pytest.mark.parametrize("index", [0, 4, 5, 3124, 15624])
def test_index_and_architecture_round_trip(index):
    """Is architecture_at the inverse of index_of, with names and ids accepted alike?"""
    names = nas_bench.architecture_at(index)
    assert nas_bench.index_of(names) == index
    assert nas_bench.index_of([nas_bench.OPERATIONS.index(n) for n in names]) == index


def test_disconnected_cells_score_chance(table):
    """Does a cell with no path from input to output score about 10%, like an untrained network?"""
    none = nas_bench.OPERATIONS.index("none")
    # Edges 0->3, 1->3 and 2->3 all "none": nothing reaches the output.
    cut = (table.architectures[:, 3:] == none).all(dim=1)
    assert (table.val_accuracy[cut] - nas_bench.CHANCE).abs().max() < 0.05
    assert table.val_accuracy[~cut].mean() > 0.4


def test_accuracies_are_plausible_and_spread(table):
    """Are accuracies in [0, 1], with a best clearly above the median (room for search to win)?"""
    val = table.val_accuracy
    assert val.min() >= 0 and val.max() <= 1
    assert val.max() - val.median() > 0.2


def test_validation_and_test_agree_up_to_noise(table):
    """Do validation and test accuracy differ only by the small evaluation noise?"""
    assert (table.val_accuracy - table.test_accuracy).abs().max() < 0.05


def test_parameters_count_the_convolutions(table):
    """Is a cell of six 3x3 convolutions the largest, and a cell of skips free?"""
    assert table.query(["conv_3x3"] * 6)["parameters"] == int(table.parameters.max())
    assert table.query(["skip_connect"] * 6)["parameters"] == 0


def test_bad_architecture_raises():
    """Does an architecture of the wrong length or with an unknown operation raise and show it?"""
    with pytest.raises(ValueError, match="conv_5x5"):
        nas_bench.index_of(["conv_5x5"] * 6)
    with pytest.raises(ValueError, match="15625"):
        nas_bench.architecture_at(15625)
