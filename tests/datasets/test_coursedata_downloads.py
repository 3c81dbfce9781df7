"""Optional real data sets: a clear error when missing, correct loading when present."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

from coursedata import downloads


@pytest.fixture
def empty_downloads(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEDATA_DOWNLOADS", str(tmp_path))
    return tmp_path


LOADERS = {
    "mnist": downloads.mnist,
    "fashion_mnist": downloads.fashion_mnist,
    "cifar10": downloads.cifar10,
    "cora": downloads.cora,
}


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_missing_data_set_says_how_to_fetch_it(name, empty_downloads):
    """Does a missing data set raise DatasetNotDownloadedError naming the folder and the exact fetch command?"""
    with pytest.raises(downloads.DatasetNotDownloadedError) as raised:
        LOADERS[name]()
    message = str(raised.value)
    assert f"python -m coursedata.downloads {name}" in message
    assert str(empty_downloads / name) in message
    assert isinstance(raised.value, FileNotFoundError)


def test_default_folder_is_next_to_the_package(monkeypatch):
    """Without COURSEDATA_DOWNLOADS, is the folder <datasets>/downloads (git-ignored)?"""
    monkeypatch.delenv("COURSEDATA_DOWNLOADS", raising=False)
    folder = downloads.downloads_dir()
    assert folder.name == "downloads" and (folder.parent / "coursedata").is_dir()


def write_idx(path, array: np.ndarray) -> None:
    """Write an array in MNIST's IDX format (big-endian header of dimension sizes, then uint8 data)."""
    magic = (0x08 << 8) | array.ndim  # 0x08: unsigned byte
    header = np.array([magic, *array.shape], dtype=">i4").tobytes()
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_fetched_mnist_loads_with_the_official_split(empty_downloads):
    """With IDX files in place (here tiny fakes), does mnist() return float32 images in [0, 1] and int64 labels?"""
    raw = empty_downloads / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, count in (("train", 6), ("t10k", 4)):
        write_idx(raw / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (count, 28, 28)))
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", np.arange(count) % 10)
    split = downloads.mnist()
    assert split.x_train.shape == (6, 1, 28, 28) and split.x_test.shape == (4, 1, 28, 28)
    assert split.x_train.dtype == torch.float32 and split.x_train.min() >= 0 and split.x_train.max() <= 1
    assert split.y_test.tolist() == [0, 1, 2, 3] and split.y_test.dtype == torch.int64


def test_partial_fetch_is_reported_as_missing(empty_downloads):
    """If only some files arrived, is the error about the first missing one (and how many more)?"""
    raw = empty_downloads / "fashion_mnist" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(gzip.compress(b""))
    with pytest.raises(
        downloads.DatasetNotDownloadedError, match=r"train-labels-idx1-ubyte is missing \(and 2 more files\)"
    ):
        downloads.fashion_mnist()


def test_unknown_data_set_lists_the_choices():
    """Does asking for an unknown data set raise ValueError listing the known ones?"""
    with pytest.raises(ValueError, match="cifar10"):
        downloads.require("imagenet")
