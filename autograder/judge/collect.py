"""What a hidden suite is worth, without grading anything: collect it and add up the points.

Collecting imports pytest, the suite and so torch (seconds), which a re-run of ``make grade``
with nothing new to grade should not pay: the sum is kept on disk per suite version, beside the
cached reference runs.
"""

from __future__ import annotations

import contextlib
import functools
import io

from autograder.assignment import Assignment
from autograder.cache import cache_root, cached_json


class _PointsCounter:
    def __init__(self):
        self.points = 0.0
        self.tests = []

    def pytest_collection_modifyitems(self, session, config, items):
        from autograder.judge.plugin import parse_grade_mark

        for item in items:
            mark = parse_grade_mark(item.get_closest_marker("grade"))
            self.points += mark.points
            self.tests.append(item.nodeid)


@functools.lru_cache(maxsize=None)
def _suite_points(suite_dir: str, version: str) -> float:
    import pytest

    from autograder.judge.runner import pytest_arguments

    counter = _PointsCounter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main(pytest_arguments(suite_dir) + ["--collect-only"], plugins=[counter])
    if code != pytest.ExitCode.OK:
        raise RuntimeError(f"the hidden suite in {suite_dir} does not collect (pytest exit {code!r})")
    return counter.points


def suite_points(assignment: Assignment) -> float:
    """The maximum score of ``assignment``'s hidden suite (skips are decided only when tests run)."""
    path = cache_root() / "suite_points" / assignment.id / f"{assignment.suite_version}.json"
    return float(cached_json(path, lambda: _suite_points(str(assignment.suite_dir), assignment.suite_version)))
