"""Real data sets that no package ships: MNIST (full), FashionMNIST, CIFAR-10 and Cora.

They are optional. An instructor fetches one once, on a machine with internet access::

    python -m coursedata.downloads mnist fashion_mnist cifar10 cora

which stores it under ``$COURSEDATA_DOWNLOADS/<name>/`` (default ``<datasets>/downloads/<name>/``,
git-ignored). The loaders below only read that folder: they never download, and when the files
are missing they raise ``DatasetNotDownloadedError`` with the exact command to run. Grading and the
project's tests never depend on these sets.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from .graphs import NodeGraph
from .splits import Split


class DatasetNotDownloadedError(FileNotFoundError):
    """A real data set was asked for but has not been fetched into the downloads folder."""


@dataclass(frozen=True)
class Download:
    """Where one data set lives inside its folder, and what it is."""

    title: str
    files: tuple[str, ...]  # relative to the data set's folder; all must exist
    size: str


_MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

DOWNLOADS = {
    "mnist": Download("MNIST", tuple(f"MNIST/raw/{f}" for f in _MNIST_FILES), "about 55 MB"),
    "fashion_mnist": Download("FashionMNIST", tuple(f"FashionMNIST/raw/{f}" for f in _MNIST_FILES), "about 80 MB"),
    "cifar10": Download(
        "CIFAR-10",
        tuple(f"cifar-10-batches-py/{f}" for f in ("data_batch_1", "data_batch_5", "test_batch", "batches.meta")),
        "about 340 MB",
    ),
    "cora": Download(
        "Cora",
        tuple(f"Cora/raw/ind.cora.{f}" for f in ("x", "tx", "allx", "y", "ty", "ally", "graph", "test.index")),
        "about 5 MB",
    ),
}


CORA_TOPICS = (
    "Case_Based",
    "Genetic_Algorithms",
    "Neural_Networks",
    "Probabilistic_Methods",
    "Reinforcement_Learning",
    "Rule_Learning",
    "Theory",
)


def downloads_dir() -> Path:
    """Return ``$COURSEDATA_DOWNLOADS`` or ``<datasets>/downloads`` (read at every call)."""
    override = os.environ.get("COURSEDATA_DOWNLOADS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "downloads"


def require(name: str) -> Path:
    """Return the folder of a fetched data set, or raise ``DatasetNotDownloadedError`` saying how to fetch it.

    Args:
        name (str): a key of ``DOWNLOADS``.

    Returns:
        Path: ``downloads_dir() / name``, holding every file the loader reads.
    """
    if name not in DOWNLOADS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DOWNLOADS)}")
    folder = downloads_dir() / name
    missing = [f for f in DOWNLOADS[name].files if not (folder / f).is_file()]
    if missing:
        raise DatasetNotDownloadedError(_missing_message(name, folder, missing))
    return folder


def _missing_message(name: str, folder: Path, missing: list[str]) -> str:
    download = DOWNLOADS[name]
    return (
        f"{download.title} is not downloaded: {folder / missing[0]} is missing"
        f"{f' (and {len(missing) - 1} more files)' if len(missing) > 1 else ''}. "
        f"No installed package ships it. Fetch it once ({download.size}) on a machine with internet access:\n"
        f"    python -m coursedata.downloads {name}\n"
        f"or set COURSEDATA_DOWNLOADS to a folder that already holds {name}/. "
        f"Grading and tests never need it; use the offline sets (digits, mnist5k, shapes_world) instead."
    )


def mnist() -> Split:
    """Return the full MNIST with its official split (no randomness, so no seed).

    Returns:
        Split: ``x_*`` float32 Tensor[N, 1, 28, 28] in [0, 1]; ``y_*`` int64 Tensor[N];
        60,000 train and 10,000 test images.
    """
    return _idx_split("mnist", "MNIST")


def fashion_mnist() -> Split:
    """Return FashionMNIST with its official split (10 clothing classes, same format as ``mnist``).

    Returns:
        Split: ``x_*`` float32 Tensor[N, 1, 28, 28] in [0, 1]; ``y_*`` int64 Tensor[N];
        60,000 train and 10,000 test images.
    """
    return _idx_split("fashion_mnist", "FashionMNIST")


def cifar10() -> Split:
    """Return CIFAR-10 with its official split.

    Returns:
        Split: ``x_*`` float32 Tensor[N, 3, 32, 32] in [0, 1]; ``y_*`` int64 Tensor[N];
        50,000 train and 10,000 test images.
    """
    folder = require("cifar10")  # first: a missing set should fail fast, before a slow import
    from torchvision.datasets import CIFAR10

    parts = []
    for train in (True, False):
        try:
            data = CIFAR10(str(folder), train=train, download=False)
        except RuntimeError as error:  # torchvision's md5 check failed: a partial or damaged fetch
            raise DatasetNotDownloadedError(
                f"CIFAR-10 in {folder} failed torchvision's integrity check ({error}). Fetch it again:\n"
                f"    python -m coursedata.downloads cifar10"
            ) from error
        images = torch.from_numpy(data.data).permute(0, 3, 1, 2).float().div_(255.0)  # (N, 3, 32, 32)
        parts += [images, torch.tensor(data.targets, dtype=torch.int64)]
    return Split(*parts)


def cora() -> NodeGraph:
    """Return the Cora citation graph with the Planetoid split (via PyTorch Geometric, offline).

    Returns:
        NodeGraph: ``x`` float32 Tensor[2708, 1433] (binary bag of words); ``edge_index`` int64
        Tensor[2, 10556]; ``y`` int64 Tensor[2708] over 7 topics; 140 training, 500 validation
        (``val_mask``) and 1,000 test nodes.
    """
    folder = require("cora")  # checked first: Planetoid would try to download missing raw files
    from torch_geometric.datasets import Planetoid

    data = Planetoid(str(folder), name="Cora")[0]
    return NodeGraph(data.x, data.edge_index, data.y, data.train_mask, data.test_mask, CORA_TOPICS, data.val_mask)


def _idx_split(name: str, torchvision_class: str) -> Split:
    folder = require(name)
    import torchvision.datasets

    dataset_class = getattr(torchvision.datasets, torchvision_class)
    parts = []
    for train in (True, False):
        data = dataset_class(str(folder), train=train, download=False)
        parts += [data.data.float().div_(255.0).unsqueeze(1), data.targets.long()]  # (N, 1, 28, 28), (N,)
    return Split(*parts)


def fetch(name: str) -> Path:
    """Download one data set into ``downloads_dir() / name`` (the only function here that uses the network)."""
    folder = downloads_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    if name == "cora":
        from torch_geometric.datasets import Planetoid

        Planetoid(str(folder), name="Cora")
    else:
        import torchvision.datasets

        class_name = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST", "cifar10": "CIFAR10"}[name]
        dataset_class = getattr(torchvision.datasets, class_name)
        for train in (True, False):
            dataset_class(str(folder), train=train, download=True)
    return require(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m coursedata.downloads",
        description="Fetch optional real data sets once (needs internet access).",
    )
    parser.add_argument("names", nargs="+", choices=sorted(DOWNLOADS), help="data sets to fetch")
    for name in parser.parse_args(argv).names:
        print(f"{name}: fetched into {fetch(name)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
