"""What a hidden suite is worth, without grading anything: collect it and add up the points."""

from __future__ import annotations

import contextlib
import functools
import io

import pytest

from autograder.assignment import Assignment
from autograder.judge.plugin import parse_grade_mark


class _PointsCounter:
    def __init__(self):
        self.points = 0.0
        self.tests = []

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            mark = parse_grade_mark(item.get_closest_marker("grade"))
            self.points += mark.points
            self.tests.append(item.nodeid)


@functools.lru_cache(maxsize=None)
def _suite_points(suite_dir: str, version: str) -> float:
    from autograder.judge.runner import pytest_arguments

    counter = _PointsCounter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main(pytest_arguments(suite_dir) + ["--collect-only"], plugins=[counter])
    if code != pytest.ExitCode.OK:
        raise RuntimeError(f"the hidden suite in {suite_dir} does not collect (pytest exit {code!r})")
    return counter.points


def suite_points(assignment: Assignment) -> float:
    """The maximum score of ``assignment``'s hidden suite (skips are decided only when tests run)."""
    return _suite_points(str(assignment.suite_dir), assignment.suite_version)
