"""The train/test ``Split`` container and a seeded stratified split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor


@dataclass
class Split:
    """A classification data set cut into a training part and a held-out test part.

    Attributes:
        x_train (Tensor[N_train, ...]): training inputs.
        y_train (Tensor[N_train]): training labels, int64.
        x_test (Tensor[N_test, ...]): held-out inputs (a convergence test sends these to the
            student code, never ``y_test``).
        y_test (Tensor[N_test]): held-out labels, int64.
    """

    x_train: Tensor
    y_train: Tensor
    x_test: Tensor
    y_test: Tensor


def stratified_indices(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split indices so that every class keeps (about) the same share in train and test.

    Each class ``c`` with ``n_c`` examples sends ``round(n_c * test_fraction)`` of them to the test
    part. Both parts come back in a seeded random order, so their first rows mix all classes.

    Args:
        labels (ndarray[N]): integer class labels.
        test_fraction (float): share of each class held out, ``0 < test_fraction < 1``.
        seed (int): seed of the ``numpy.random.default_rng`` that draws the split.

    Returns:
        (ndarray[N_train], ndarray[N_test]): int64 indices into ``labels``; disjoint, covering all.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        num_test = int(round(len(members) * test_fraction))
        test.append(members[:num_test])
        train.append(members[num_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def split_by_indices(x: Tensor, y: Tensor, test_fraction: float, seed: int) -> Split:
    """Return a stratified, seeded ``Split`` of ``(x, y)``.

    Args:
        x (Tensor[N, ...]): inputs.
        y (Tensor[N]): int64 labels.
        test_fraction (float): share of each class held out.
        seed (int): seed of the split.

    Returns:
        Split: new tensors gathered from ``x`` and ``y``.
    """
    train, test = stratified_indices(y.numpy(), test_fraction, seed)
    train_index, test_index = torch.from_numpy(train), torch.from_numpy(test)
    return Split(x[train_index], y[train_index], x[test_index], y[test_index])
