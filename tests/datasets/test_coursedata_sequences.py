"""Toy sequence tasks: key-value retrieval, copy, reverse, sort."""

from __future__ import annotations

import pytest
import torch

from coursedata import sequences


class TestKeyValueRetrieval:
    def test_layout_shapes_and_dtypes(self):
        """Are inputs int64 (N, 2P + 1) and targets int64 (N,), all ids in [0, vocab_size)?"""
        inputs, target = sequences.key_value_retrieval(50, num_pairs=5, vocab_size=12, seed=1)
        assert inputs.shape == (50, 11) and target.shape == (50,)
        assert inputs.dtype == target.dtype == torch.int64
        assert inputs.min() >= 0 and inputs.max() < 12 and target.max() < 12

    def test_keys_are_distinct_within_an_example(self):
        """Are the keys (even positions before the query) all different within each row?"""
        inputs, _ = sequences.key_value_retrieval(200, num_pairs=6, vocab_size=8, seed=2)
        keys = inputs[:, 0:-1:2]
        assert all(len(set(row.tolist())) == 6 for row in keys)

    def test_target_is_the_value_paired_with_the_query_key(self):
        """Is the target the value right after the key that equals the query?"""
        inputs, target = sequences.key_value_retrieval(200, seed=3)
        for row, answer in zip(inputs.tolist(), target.tolist()):
            keys, values, query = row[0:-1:2], row[1:-1:2], row[-1]
            assert query in keys and values[keys.index(query)] == answer

    def test_every_pair_position_gets_queried(self):
        """Does the query fall on every pair position, so position alone cannot predict the target?"""
        inputs, _ = sequences.key_value_retrieval(400, num_pairs=4, seed=4)
        positions = [row[0:-1:2].index(row[-1]) for row in inputs.tolist()]
        assert set(positions) == {0, 1, 2, 3}

    def test_too_many_pairs_for_the_vocabulary_raises(self):
        """Does asking for more distinct keys than ids raise and name both numbers?"""
        with pytest.raises(ValueError, match="num_pairs=5.*4"):
            sequences.key_value_retrieval(3, num_pairs=5, vocab_size=4)


@pytest.mark.parametrize(
    "task, relation",
    [
        (sequences.copy_task, lambda src: src),
        (sequences.reverse_task, lambda src: src.flip(1)),
        (sequences.sort_task, lambda src: src.sort(dim=1).values),
    ],
    ids=["copy", "reverse", "sort"],
)
class TestSeq2SeqTasks:
    def test_target_follows_from_source(self, task, relation):
        """Is the target the copied, reversed or sorted source?"""
        src, tgt = task(40, 9, 7, seed=1)
        assert torch.equal(tgt, relation(src))

    def test_shapes_dtypes_and_range(self, task, relation):
        """Are source and target int64 (N, L) with ids in [0, vocab_size)?"""
        src, tgt = task(40, 9, 7, seed=1)
        assert src.shape == tgt.shape == (40, 9) and src.dtype == tgt.dtype == torch.int64
        assert src.min() >= 0 and src.max() < 7

    def test_sources_are_shared_across_tasks(self, task, relation):
        """Do all three tasks draw the same sources for the same arguments (so results compare)?"""
        assert torch.equal(task(10, 5, 4, seed=9)[0], sequences.copy_task(10, 5, 4, seed=9)[0])

    def test_bad_sizes_raise(self, task, relation):
        """Does a zero length raise and name the argument?"""
        with pytest.raises(ValueError, match="length"):
            task(4, 0, 5)
