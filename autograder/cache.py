"""Where results computed once per suite version live: ``$AUTOGRADER_CACHE``, by default
``grading_reports/.cache`` (reference training runs, suite maxima). JSON only, never pickle."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def cache_root() -> Path:
    from autograder.assignment import REPO_ROOT

    return Path(os.environ.get("AUTOGRADER_CACHE", REPO_ROOT / "grading_reports" / ".cache"))


def cached_json(path: Path, compute: Callable[[], Any]) -> Any:
    """The JSON value stored at ``path``, or ``compute()`` stored there (atomically: a concurrent
    worker reads the old file or the new, never half of one). An unreadable file is computed
    again; an unwritable cache costs time, not correctness."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(f.name, path)
    except OSError:
        pass
    return value
