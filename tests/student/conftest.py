"""Fixtures of the checker's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_assignment import make_tiny_folder


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A released folder of a tiny assignment: assignment.toml, the template tiny.py, test_public.py."""
    return make_tiny_folder(tmp_path / "tiny_assignment")
