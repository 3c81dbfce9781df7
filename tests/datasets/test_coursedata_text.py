"""Shakespeare (char level) and the census name lists."""

from __future__ import annotations

import pytest
import torch

from coursedata import text


@pytest.fixture(scope="module")
def corpus():
    return text.shakespeare()


def test_all_works_are_available_offline():
    """Are the 42 modern-spelling works installed (shakespeare 0.6's shksprdata)?"""
    works = text.shakespeare_works()
    assert len(works) == 42 and "hamlet" in works and "sonnets" in works


def test_corpus_is_large_with_a_small_ascii_vocabulary(corpus):
    """Is the full corpus about 5 million characters over an ASCII vocabulary of under 100?"""
    assert 4_500_000 < len(corpus.train) + len(corpus.val) < 5_500_000
    assert corpus.vocab_size < 100 and all(ord(c) < 128 for c in corpus.chars)
    assert corpus.train.dtype == corpus.val.dtype == torch.int64


def test_encode_and_decode_round_trip(corpus):
    """Does decode(encode(s)) give s back, and does the text read as Shakespeare?"""
    line = "To be, or not to be,--that is the question:--"
    assert corpus.decode(corpus.encode(line)) == line
    assert line in corpus.decode(corpus.train[:3_000_000]) + corpus.decode(corpus.val)


def test_validation_is_the_tail(corpus):
    """Is the validation part the last tenth of the text, right after the training part?"""
    total = len(corpus.train) + len(corpus.val)
    assert len(corpus.val) == pytest.approx(0.1 * total, abs=1)


def test_a_single_work_is_smaller():
    """Does choosing one work give just that work (Hamlet, about 180,000 characters)?"""
    hamlet = text.shakespeare(works=("hamlet",))
    assert hamlet.decode(hamlet.train[:25]) == "HAMLET, PRINCE OF DENMARK"
    assert 150_000 < len(hamlet.train) + len(hamlet.val) < 200_000


def test_unknown_work_raises():
    """Does an unknown work raise and name it?"""
    with pytest.raises(ValueError, match="faust"):
        text.shakespeare(works=("faust",))


def test_random_blocks_targets_are_inputs_shifted_by_one():
    """Are targets the next characters of the inputs, blocks of the requested size?"""
    ids = torch.arange(500)
    inputs, targets = text.random_blocks(ids, num_blocks=8, block_size=32, seed=1)
    assert inputs.shape == targets.shape == (8, 32)
    assert torch.equal(targets, inputs + 1)


@pytest.mark.parametrize(
    "kind, size, first", [("female", 4275, "Mary"), ("male", 1219, "James"), ("last", 88799, "Smith")]
)
def test_name_lists(kind, size, first):
    """Do the census lists have their known sizes, most frequent name first, with float32 frequencies?"""
    names = text.names(kind)
    assert len(names.names) == len(names.frequency) == size and names.names[0] == first
    assert names.frequency.dtype == torch.float32 and (names.frequency[:-1] >= names.frequency[1:]).all()
    assert text.names(kind, limit=3).names == names.names[:3]
