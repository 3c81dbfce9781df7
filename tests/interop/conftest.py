"""Fixtures of the interop tests: the throwaway venvs of :mod:`venvs`."""

from __future__ import annotations

from pathlib import Path

import pytest
from venvs import NBGRADER, OTTER, throwaway_venv


@pytest.fixture(scope="session")
def nbgrader_venv() -> Path:
    return throwaway_venv("nbgrader-0.9.6", NBGRADER)


@pytest.fixture(scope="session")
def otter_venv() -> Path:
    return throwaway_venv("otter-grader-7.0.0", OTTER)
