"""Reference results that are expensive to compute, computed once per suite version, on disk.

A convergence test wants the reference's loss curve beside the student's, but training the
reference for every student would double the grading time. ``cached_reference_run`` keys the
result by assignment, suite version and a name, stores it as JSON (never pickle) under
``$AUTOGRADER_CACHE`` (default ``grading_reports/.cache``), and reuses it in every worker and run.
"""

from __future__ import annotations

from typing import Any, Callable

from autograder.cache import cache_root, cached_json
from autograder.checks.failure import current


def cached_reference_run(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON-serialisable), cached per assignment and suite version under ``name``.

    It runs on one thread, as student code does in the sandbox: small models train several times
    slower, not faster, on the threads of a busy machine, and the result does not depend on how
    many cores the first grader to compute it had.
    """
    context = current.get()
    if not context.suite_version:
        return _on_one_thread(compute)
    path = cache_root() / "reference" / context.assignment / context.suite_version / f"{name}.json"
    return cached_json(path, lambda: _on_one_thread(compute))


def _on_one_thread(compute: Callable[[], Any]) -> Any:
    import torch  # here, so that reading the cache (suite_points) does not import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return compute()
    finally:
        torch.set_num_threads(threads)
