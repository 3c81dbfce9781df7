"""Toy sequence tasks for attention and Transformer exercises: retrieval, copy, reverse, sort.

Every task draws tokens from ``[0, vocab_size)`` and reserves no special ids: a model that
needs padding, BOS or a separator uses ids ``vocab_size, vocab_size + 1, ...`` itself.
All draws come from a ``torch.Generator`` seeded with ``seed``.
"""

from __future__ import annotations

import torch
from torch import Tensor


def key_value_retrieval(
    num_examples: int, num_pairs: int = 4, vocab_size: int = 16, seed: int = 0
) -> tuple[Tensor, Tensor]:
    """Return "look up the value of this key" examples, a task that plain RNNs find hard.

    Layout of one input row (length ``2 * num_pairs + 1``)::

        k_0, v_0, k_1, v_1, ..., k_{P-1}, v_{P-1}, q

    Keys and values share one id space ``[0, vocab_size)``, so a model must use the position
    (even = key, odd = value) to tell them apart. Keys are distinct within a row; values may
    repeat. The query ``q`` equals exactly one key ``k_j``, and the target is its value ``v_j``.

    Args:
        num_examples (int): number of rows ``N``.
        num_pairs (int): key/value pairs per row ``P``, ``1 <= P <= vocab_size``.
        vocab_size (int): number of token ids.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, 2P + 1], Tensor[N]): int64 inputs and int64 targets, both in ``[0, vocab_size)``.
    """
    _check_sizes(num_examples=num_examples, num_pairs=num_pairs, vocab_size=vocab_size)
    if num_pairs > vocab_size:
        raise ValueError(f"num_pairs={num_pairs} distinct keys need vocab_size >= {num_pairs}, got {vocab_size}")
    generator = torch.Generator().manual_seed(seed)
    # The first P entries of a random permutation of the vocabulary are P distinct keys.
    keys = torch.rand(num_examples, vocab_size, generator=generator).argsort(dim=1)[:, :num_pairs]  # (N, P)
    values = torch.randint(vocab_size, (num_examples, num_pairs), generator=generator)  # (N, P)
    which = torch.randint(num_pairs, (num_examples, 1), generator=generator)  # (N, 1)
    query = keys.gather(1, which)  # (N, 1)
    target = values.gather(1, which).squeeze(1)  # (N,)
    pairs = torch.stack([keys, values], dim=2).reshape(num_examples, 2 * num_pairs)  # (N, 2P)
    return torch.cat([pairs, query], dim=1), target


def copy_task(num_examples: int, length: int = 10, vocab_size: int = 10, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return random token rows whose target is the same row.

    Args:
        num_examples (int): number of rows ``N``.
        length (int): tokens per row ``L``.
        vocab_size (int): number of token ids.
        seed (int): seed of the draw.

    Returns:
        (Tensor[N, L], Tensor[N, L]): int64 source and target in ``[0, vocab_size)``; ``tgt == src``.
    """
    src = _random_tokens(num_examples, length, vocab_size, seed)
    return src, src.clone()


def reverse_task(num_examples: int, length: int = 10, vocab_size: int = 10, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return random token rows whose target is the row reversed.

    Args:
        num_examples (int): number of rows ``N``.
        length (int): tokens per row ``L``.
        vocab_size (int): number of token ids.
        seed (int): seed of the draw (the sources equal ``copy_task``'s for the same arguments).

    Returns:
        (Tensor[N, L], Tensor[N, L]): int64 source and target; ``tgt[:, i] == src[:, L - 1 - i]``.
    """
    src = _random_tokens(num_examples, length, vocab_size, seed)
    return src, src.flip(1)


def sort_task(num_examples: int, length: int = 10, vocab_size: int = 10, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Return random token rows whose target is the row sorted ascending (repeats kept).

    Args:
        num_examples (int): number of rows ``N``.
        length (int): tokens per row ``L``.
        vocab_size (int): number of token ids.
        seed (int): seed of the draw (the sources equal ``copy_task``'s for the same arguments).

    Returns:
        (Tensor[N, L], Tensor[N, L]): int64 source and target; each target row is non-decreasing.
    """
    src = _random_tokens(num_examples, length, vocab_size, seed)
    return src, src.sort(dim=1).values


def _random_tokens(num_examples: int, length: int, vocab_size: int, seed: int) -> Tensor:
    _check_sizes(num_examples=num_examples, length=length, vocab_size=vocab_size)
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(vocab_size, (num_examples, length), generator=generator)


def _check_sizes(**sizes: int) -> None:
    for name, value in sizes.items():
        lowest = 0 if name == "num_examples" else 1
        if value < lowest:
            raise ValueError(f"{name} must be >= {lowest}, got {value}")
