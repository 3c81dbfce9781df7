"""Graphs: generated families with their defining properties, collation, and the karate club."""

from __future__ import annotations

import networkx as nx
import pytest
import torch

from coursedata import graphs


def as_networkx(edge_index: torch.Tensor, num_nodes: int) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(num_nodes))
    graph.add_edges_from(edge_index.t().tolist())
    return graph


PROPERTY = {
    "cycle": lambda g: nx.is_connected(g) and all(d == 2 for _, d in g.degree()),
    "tree": lambda g: nx.is_tree(g),
    "clique": lambda g: g.number_of_edges() == g.number_of_nodes() * (g.number_of_nodes() - 1) // 2,
    "path": lambda g: nx.is_tree(g) and max(d for _, d in g.degree()) <= 2,
    "star": lambda g: nx.is_tree(g) and max(d for _, d in g.degree()) == g.number_of_nodes() - 1,
}


@pytest.fixture(scope="module")
def graph_set():
    return graphs.graph_classification(60, seed=2, classes=tuple(graphs.GRAPH_FAMILIES))


def test_every_graph_has_its_family_property(graph_set):
    """Is every 'cycle' a 2-regular connected graph, every 'tree' a tree, every 'clique' complete, ...?"""
    for edges, n, y in zip(graph_set.edge_index, graph_set.num_nodes.tolist(), graph_set.y.tolist()):
        family = graph_set.class_names[y]
        assert PROPERTY[family](as_networkx(edges, n)), family


def test_edges_are_stored_in_both_directions_without_self_loops(graph_set):
    """Does each edge (u, v) appear once as (u, v) and once as (v, u), with u != v and ids below n?"""
    for edges, n in zip(graph_set.edge_index, graph_set.num_nodes.tolist()):
        assert edges.dtype == torch.int64 and edges.shape[0] == 2
        pairs = set(map(tuple, edges.t().tolist()))
        assert len(pairs) == edges.shape[1] and all((v, u) in pairs and u != v for u, v in pairs)
        assert edges.min() >= 0 and edges.max() < n


def test_classes_are_balanced_and_sizes_in_range():
    """Are classes equally frequent and node counts within [min_nodes, max_nodes]?"""
    data = graphs.graph_classification(90, seed=0, min_nodes=4, max_nodes=9)
    assert torch.bincount(data.y).tolist() == [30, 30, 30] and len(data) == 90
    assert data.num_nodes.min() >= 4 and data.num_nodes.max() <= 9


def test_collate_offsets_nodes_and_builds_the_batch_vector(graph_set):
    """Does collate shift each graph's node ids by the nodes before it, and label nodes by graph?"""
    edges, batch = graphs.collate(graph_set.edge_index[:3], graph_set.num_nodes[:3])
    sizes = graph_set.num_nodes[:3].tolist()
    assert batch.tolist() == [0] * sizes[0] + [1] * sizes[1] + [2] * sizes[2]
    assert torch.equal(edges[:, : graph_set.edge_index[0].shape[1]], graph_set.edge_index[0])
    assert torch.equal(batch[edges[0]], batch[edges[1]])  # no edge crosses graphs


def test_unknown_family_raises():
    """Does an unknown family name raise and list the known ones?"""
    with pytest.raises(ValueError, match="clique"):
        graphs.graph_classification(3, classes=("hypercube",))


class TestKarateClub:
    def test_matches_networkx(self):
        """Are the edges and club labels exactly networkx's karate club (34 nodes, 78 edges)?"""
        club = graphs.karate_club()
        reference = nx.karate_club_graph()
        assert club.edge_index.shape == (2, 156) and club.x.shape == (34, 34)
        ours = {tuple(sorted(e)) for e in club.edge_index.t().tolist()}
        assert ours == {tuple(sorted(e)) for e in reference.edges()}
        assert club.y.tolist() == [0 if reference.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(34)]
        assert club.train_mask.nonzero().flatten().tolist() == [0, 33]
        assert torch.equal(club.test_mask, ~club.train_mask)

    @pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")
    def test_community_labels_match_torch_geometric(self):
        """Are the 'community' labels, masks and edges those of torch_geometric's KarateClub?"""
        from torch_geometric.datasets import KarateClub

        reference = KarateClub()[0]
        club = graphs.karate_club("community")
        assert torch.equal(club.y, reference.y) and torch.equal(club.train_mask, reference.train_mask)
        assert {tuple(e) for e in club.edge_index.t().tolist()} == {tuple(e) for e in reference.edge_index.t().tolist()}

    def test_unknown_labelling_raises(self):
        """Does an unknown labelling raise and name it?"""
        with pytest.raises(ValueError, match="faction"):
            graphs.karate_club("faction")
