"""A generated NAS benchmark: a cell search space and a deterministic accuracy for every cell.

Modelled on NAS-Bench-201, shrunk so that the whole table is computed in milliseconds:

- A cell is a small DAG on 4 nodes; each of its 6 edges ``i -> j`` (``i < j``) carries one of 5
  operations. Node 0 is the cell input and node 3 its output.
- An architecture is therefore a tuple of 6 operation names (or ids), in ``EDGES`` order, and
  the space holds ``5 ** 6 = 15,625`` architectures, each with a stable integer index.
- Its "accuracy" is a made-up but structured function: every operation on every edge adds a
  contribution, pairs of edges interact, and a cell with no path from input to output (all
  edges on every path are ``"none"``) scores chance, 10%. Validation and test accuracies add
  independent evaluation noise. Search strategies that exploit the structure (evolution,
  Bayesian optimisation) beat random search, as on the real benchmarks.

Nothing is trained: the numbers teach search, not vision.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

OPERATIONS = ("none", "skip_connect", "conv_1x1", "conv_3x3", "avg_pool_3x3")
"""Operation names; an architecture holds indices into this tuple."""

EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
"""The cell's edges ``(from, to)``, in the order an architecture lists its operations."""

NUM_ARCHITECTURES = len(OPERATIONS) ** len(EDGES)

# Parameters of one operation at 16 channels (conv weights and biases); others have none.
PARAMETERS = {"none": 0, "skip_connect": 0, "conv_1x1": 16 * 16 + 16, "conv_3x3": 9 * 16 * 16 + 16, "avg_pool_3x3": 0}

CHANCE = 0.10


@dataclass
class NasBenchTable:
    """Every architecture of the space with its scores.

    Attributes:
        architectures (Tensor[M, 6]): int64 operation ids per edge; row ``i`` is architecture ``i``
            (``M = 15,625``), so ``architectures[index_of(arch)] == arch``.
        val_accuracy (Tensor[M]): float32 in [0, 1], what a search may look at.
        test_accuracy (Tensor[M]): float32 in [0, 1], for the final report only.
        parameters (Tensor[M]): int64 parameter count of the cell, a cost to trade off.
    """

    architectures: Tensor
    val_accuracy: Tensor
    test_accuracy: Tensor
    parameters: Tensor

    def query(self, architecture) -> dict[str, float]:
        """Return ``{"val_accuracy", "test_accuracy", "parameters"}`` of one architecture (names or ids)."""
        row = index_of(architecture)
        return {
            "val_accuracy": float(self.val_accuracy[row]),
            "test_accuracy": float(self.test_accuracy[row]),
            "parameters": int(self.parameters[row]),
        }


def index_of(architecture) -> int:
    """Return the table row of an architecture: its operation ids read as a base-5 number.

    Args:
        architecture: 6 operation names (``"conv_3x3"``) or ids, in ``EDGES`` order.

    Returns:
        int: in ``[0, NUM_ARCHITECTURES)``; edge 0 is the most significant digit.
    """
    ids = [_operation_id(op) for op in architecture]
    if len(ids) != len(EDGES) or not all(0 <= i < len(OPERATIONS) for i in ids):
        raise ValueError(f"an architecture is {len(EDGES)} operations from {OPERATIONS}, got {list(architecture)!r}")
    index = 0
    for op in ids:
        index = index * len(OPERATIONS) + op
    return index


def _operation_id(op) -> int:
    """Return the id of an operation given by name or by an integer (Python, numpy or 0-d tensor)."""
    if isinstance(op, str):
        if op not in OPERATIONS:
            raise ValueError(f"unknown operation {op!r}; choose from {OPERATIONS}")
        return OPERATIONS.index(op)
    return operator.index(op)


def architecture_at(index: int) -> tuple[str, ...]:
    """Return the operation names of table row ``index`` (the inverse of ``index_of``)."""
    if not 0 <= index < NUM_ARCHITECTURES:
        raise ValueError(f"index must lie in [0, {NUM_ARCHITECTURES}), got {index}")
    names = []
    for _ in EDGES:
        index, op = divmod(index, len(OPERATIONS))
        names.append(OPERATIONS[op])
    return tuple(reversed(names))


def benchmark(seed: int = 0, eval_noise: float = 0.005) -> NasBenchTable:
    """Return the full table of one generated benchmark.

    The seed draws the operation and interaction effects and the evaluation noise, so each seed
    is a different (but equally structured) benchmark.

    Args:
        seed (int): seed of the ``numpy.random.default_rng`` draw.
        eval_noise (float): standard deviation of the noise on validation and test accuracy.

    Returns:
        NasBenchTable: ``M = 15,625`` rows in ``index_of`` order.
    """
    rng = np.random.default_rng(seed)
    ops = _all_architectures()  # (M, 6)
    score = _structured_score(ops, rng)  # (M,)
    # A sigmoid squashes the score into plausible accuracies between chance and about 95%.
    accuracy = CHANCE + (0.95 - CHANCE) / (1.0 + np.exp(-score))
    accuracy = np.where(_connected(ops), accuracy, CHANCE)
    val = np.clip(accuracy + eval_noise * rng.standard_normal(len(ops)), 0.0, 1.0)
    test = np.clip(accuracy + eval_noise * rng.standard_normal(len(ops)), 0.0, 1.0)
    cost = np.array([PARAMETERS[name] for name in OPERATIONS], dtype=np.int64)[ops].sum(axis=1)
    return NasBenchTable(
        architectures=torch.from_numpy(ops),
        val_accuracy=torch.from_numpy(val.astype(np.float32)),
        test_accuracy=torch.from_numpy(test.astype(np.float32)),
        parameters=torch.from_numpy(cost),
    )


def _all_architectures() -> np.ndarray:
    digits = np.arange(NUM_ARCHITECTURES)[:, None] // len(OPERATIONS) ** np.arange(len(EDGES) - 1, -1, -1)
    return (digits % len(OPERATIONS)).astype(np.int64)  # (M, 6), edge 0 most significant


def _structured_score(ops: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Additive effects per (edge, op) plus weaker pairwise interactions, like real cells show."""
    num_edges, num_ops = len(EDGES), len(OPERATIONS)
    # Convolutions help on average, "none" hurts: a prior that the seed perturbs edge by edge.
    prior = np.array([-0.6, 0.1, 0.3, 0.6, 0.0])
    main = prior + 0.4 * rng.standard_normal((num_edges, num_ops))  # (6, 5)
    pair = 0.15 * rng.standard_normal((num_edges, num_edges, num_ops, num_ops))  # (6, 6, 5, 5)
    edges = np.arange(num_edges)
    score = main[edges, ops].sum(axis=1)  # (M,)
    for a in range(num_edges):
        for b in range(a + 1, num_edges):
            score += pair[a, b, ops[:, a], ops[:, b]]
    return score


def _connected(ops: np.ndarray) -> np.ndarray:
    """Whether information can flow from node 0 to node 3 through non-"none" edges, (M,) bool."""
    alive = ops != OPERATIONS.index("none")  # (M, 6) in EDGES order
    reach = {0: np.ones(len(ops), dtype=bool)}
    for node in (1, 2, 3):
        reach[node] = np.zeros(len(ops), dtype=bool)
        for e, (src, dst) in enumerate(EDGES):
            if dst == node:
                reach[node] |= reach[src] & alive[:, e]
    return reach[3]
