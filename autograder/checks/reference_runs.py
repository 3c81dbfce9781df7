"""Reference results that are expensive to compute, computed once per suite version, on disk.

A convergence test wants the reference's loss curve beside the student's, but training the
reference for every student would double the grading time. ``cached_reference_run`` keys the
result by assignment, suite version and a name, stores it as JSON (never pickle) under
``$AUTOGRADER_CACHE`` (default ``grading_reports/.cache``), and reuses it in every worker and run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

from autograder.checks.failure import current


def cache_root() -> Path:
    from autograder.assignment import REPO_ROOT

    return Path(os.environ.get("AUTOGRADER_CACHE", REPO_ROOT / "grading_reports" / ".cache"))


def cached_reference_run(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON-serialisable), cached per assignment and suite version under ``name``."""
    context = current.get()
    if not context.suite_version:
        return compute()
    path = cache_root() / "reference" / context.assignment / context.suite_version / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(f.name, path)  # atomic: a concurrent worker reads the old file or the new, never half
    except OSError:
        pass  # an unwritable cache costs time, not correctness
    return value
