"""Graphs for GNN exercises: a generated graph-classification set and Zachary's karate club.

Edges follow PyTorch Geometric's convention: ``edge_index`` is int64 Tensor[2, E] of
``(source, target)`` columns, every undirected edge stored in both directions, no self-loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor

from .cache import cached_arrays

# ----------------------------------------------------------------------------- graph classification


def _cycle(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    return [(i, (i + 1) % n) for i in range(n)]


def _path(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    return [(i, i + 1) for i in range(n - 1)]


def _tree(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    # Random recursive tree: node i hangs under a uniformly chosen earlier node.
    return [(int(rng.integers(i)), i) for i in range(1, n)]


def _star(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    return [(0, i) for i in range(1, n)]


def _clique(n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


GRAPH_FAMILIES: dict[str, Callable[[int, np.random.Generator], list[tuple[int, int]]]] = {
    "cycle": _cycle,
    "tree": _tree,
    "clique": _clique,
    "path": _path,
    "star": _star,
}
"""Builders of undirected edge lists on nodes ``0..n-1``, by family name."""


@dataclass
class GraphSet:
    """``G`` small undirected graphs with one class label each, and no node features.

    Attributes:
        edge_index (list[Tensor[2, E_g]]): int64, per graph, both directions, nodes ``0..n_g - 1``.
        num_nodes (Tensor[G]): int64 node count ``n_g`` per graph.
        y (Tensor[G]): int64 class, an index into ``class_names``.
        class_names (tuple[str, ...]): the families, e.g. ``("cycle", "tree", "clique")``.

    Without node features, give every node the same input (``torch.ones(n, 1)``) or its degree:
    then only the structure tells the classes apart, which is the point of the exercise.
    """

    edge_index: list[Tensor]
    num_nodes: Tensor
    y: Tensor
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.edge_index)


def graph_classification(
    num_graphs: int,
    seed: int = 0,
    classes: tuple[str, ...] = ("cycle", "tree", "clique"),
    min_nodes: int = 5,
    max_nodes: int = 12,
) -> GraphSet:
    """Return random graphs from a few structural families, labelled by family.

    Classes are balanced (graph ``g`` has class ``g % C`` before shuffling); node counts are
    uniform in ``[min_nodes, max_nodes]``; node ids are randomly permuted and edge columns
    shuffled, so neither the numbering nor the order gives the family away.

    Args:
        num_graphs (int): ``G``.
        seed (int): seed of the ``numpy.random.default_rng`` draw.
        classes (tuple[str, ...]): family names from ``GRAPH_FAMILIES`` (cycle, tree, clique,
            path, star).
        min_nodes (int): smallest graph, at least 3 (a cycle needs 3 nodes).
        max_nodes (int): largest graph.

    Returns:
        GraphSet: see its attributes.
    """
    unknown = [name for name in classes if name not in GRAPH_FAMILIES]
    if unknown or not classes:
        raise ValueError(f"unknown graph families {unknown}; choose from {sorted(GRAPH_FAMILIES)}")
    if not 3 <= min_nodes <= max_nodes:
        raise ValueError(f"need 3 <= min_nodes <= max_nodes, got {min_nodes} and {max_nodes}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(num_graphs) % len(classes))
    sizes = rng.integers(min_nodes, max_nodes + 1, size=num_graphs)
    edges = [_relabelled(GRAPH_FAMILIES[classes[c]](int(n), rng), int(n), rng) for c, n in zip(labels, sizes)]
    return GraphSet(
        edges, torch.from_numpy(sizes.astype(np.int64)), torch.from_numpy(labels.astype(np.int64)), tuple(classes)
    )


def _relabelled(edges: list[tuple[int, int]], num_nodes: int, rng: np.random.Generator) -> Tensor:
    """Permute node ids, add both directions and shuffle the columns: int64 (2, 2 * len(edges))."""
    relabel = rng.permutation(num_nodes)
    pairs = relabel[np.array(edges, dtype=np.int64).reshape(-1, 2)]  # (E, 2)
    both = np.concatenate([pairs, pairs[:, ::-1]], axis=0)  # (2E, 2)
    return torch.from_numpy(np.ascontiguousarray(both[rng.permutation(len(both))].T))


def collate(edge_index: list[Tensor], num_nodes: Tensor) -> tuple[Tensor, Tensor]:
    """Merge graphs into one disconnected graph, the way PyTorch Geometric batches them.

    Args:
        edge_index (list[Tensor[2, E_g]]): per-graph edges on local ids ``0..n_g - 1``.
        num_nodes (Tensor[G]): int64 nodes per graph.

    Returns:
        (Tensor[2, sum E_g], Tensor[sum n_g]): int64 edges on global ids (graph ``g``'s nodes are
        shifted by the nodes of the graphs before it), and int64 ``batch`` saying which graph
        each node belongs to (the index a readout sums over).
    """
    offsets = torch.cumsum(num_nodes, 0) - num_nodes  # (G,)
    merged = torch.cat([edges + offset for edges, offset in zip(edge_index, offsets.tolist())], dim=1)
    batch = torch.repeat_interleave(torch.arange(len(num_nodes)), num_nodes)
    return merged, batch


# ----------------------------------------------------------------------------- karate club

KARATE_LABELINGS = ("club", "community")


@dataclass
class NodeGraph:
    """One graph for node classification.

    Attributes:
        x (Tensor[N, F]): float32 node features.
        edge_index (Tensor[2, E]): int64, both directions.
        y (Tensor[N]): int64 node classes, indices into ``class_names``.
        train_mask (Tensor[N]): bool, the nodes whose labels training may use.
        test_mask (Tensor[N]): bool, the held-out nodes scored after training.
        class_names (tuple[str, ...]): readable names of the classes.
        val_mask (Tensor[N], optional): bool, nodes for model selection; None when the data set
            defines no validation nodes (karate club).
    """

    x: Tensor
    edge_index: Tensor
    y: Tensor
    train_mask: Tensor
    test_mask: Tensor
    class_names: tuple[str, ...]
    val_mask: Tensor | None = None


def karate_club(labels: str = "club") -> NodeGraph:
    """Return Zachary's karate club: 34 members, 78 friendships, from networkx (no download).

    Args:
        labels (str): ``"club"``: the two clubs after the split (networkx's ``club`` attribute,
            0 = "Mr. Hi", 1 = "Officer"); training labels only for node 0 (the instructor) and
            node 33 (the administrator), the classic semi-supervised setting.
            ``"community"``: the four communities of PyTorch Geometric's ``KarateClub`` (from
            modularity clustering), with its training nodes, one per class.

    Returns:
        NodeGraph: ``x`` is the identity float32 Tensor[34, 34] (one-hot node ids, as in Kipf and
        Welling's example); ``edge_index`` int64 Tensor[2, 156]; ``y`` int64 Tensor[34];
        ``test_mask`` is every node not in ``train_mask``.
    """
    if labels not in KARATE_LABELINGS:
        raise ValueError(f"labels must be one of {KARATE_LABELINGS}, got {labels!r}")
    if labels == "club":
        arrays = cached_arrays(f"karate-club-networkx{version('networkx')}", _build_karate_clubs)
        names = ("Mr. Hi", "Officer")
    else:
        arrays = cached_arrays(
            f"karate-community-torch_geometric{version('torch_geometric')}", _build_karate_communities
        )
        names = ("community 0", "community 1", "community 2", "community 3")
    train_mask = torch.from_numpy(arrays["train_mask"])
    return NodeGraph(
        x=torch.eye(34),
        edge_index=torch.from_numpy(arrays["edge_index"]),
        y=torch.from_numpy(arrays["y"]),
        train_mask=train_mask,
        test_mask=~train_mask,
        class_names=names,
    )


def _build_karate_clubs() -> dict[str, np.ndarray]:
    import networkx as nx

    graph = nx.karate_club_graph()
    pairs = np.array(sorted(graph.edges()), dtype=np.int64)  # (78, 2)
    edge_index = np.concatenate([pairs, pairs[:, ::-1]], axis=0).T  # (2, 156)
    y = np.array([0 if graph.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(34)], dtype=np.int64)
    train_mask = np.isin(np.arange(34), [0, 33])
    return {"edge_index": np.ascontiguousarray(edge_index), "y": y, "train_mask": train_mask}


def _build_karate_communities() -> dict[str, np.ndarray]:
    import warnings

    with warnings.catch_warnings():  # importing PyG 2.8 warns about torch.jit.script; not ours to fix
        warnings.simplefilter("ignore", FutureWarning)
        from torch_geometric.datasets import KarateClub

    data = KarateClub()[0]
    return {"edge_index": data.edge_index.numpy(), "y": data.y.numpy(), "train_mask": data.train_mask.numpy()}
