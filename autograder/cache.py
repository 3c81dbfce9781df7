"""Where results computed once per suite version live: ``$AUTOGRADER_CACHE``, by default
``grading_reports/.cache`` (reference training runs, suite maxima). JSON only, never pickle."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    from autograder.assignment import REPO_ROOT

    return Path(os.environ.get("AUTOGRADER_CACHE", REPO_ROOT / "grading_reports" / ".cache"))
