"""Shared set-up of the data-layer tests: import path and a private cache folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

DATASETS_DIR = Path(__file__).resolve().parents[2] / "datasets"

# Until pyproject maps the package (package-dir), make `import coursedata` work from a checkout.
if str(DATASETS_DIR) not in sys.path:
    sys.path.insert(0, str(DATASETS_DIR))


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Point COURSEDATA_CACHE at a fresh folder, so tests neither use nor fill the real cache."""
    folder = tmp_path_factory.mktemp("coursedata-cache")
    previous = os.environ.get("COURSEDATA_CACHE")
    os.environ["COURSEDATA_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("COURSEDATA_CACHE", None)
    else:
        os.environ["COURSEDATA_CACHE"] = previous


@pytest.fixture(autouse=True)
def restore_global_random_state():
    """Save and restore torch's, numpy's and Python's global RNGs, so no test leaks seeding."""
    import random

    import numpy as np
    import torch

    states = torch.get_rng_state(), np.random.get_state(), random.getstate()
    yield
    torch.set_rng_state(states[0])
    np.random.set_state(states[1])
    random.setstate(states[2])
