"""The pytest plugin that turns a hidden suite's run into graded test results.

Markers (registered in ``pytest_configure``; wrong arguments are errors at collection):

- ``@pytest.mark.grade(points, *tags, visibility="visible")`` on every test: what it is worth
  (per collected item, so each parametrisation earns ``points``), which checks it makes (tags from
  :data:`TAGS`), and who sees it (Gradescope's visibilities).
- ``@pytest.mark.covers(name)`` on a test class: the student function or class it grades. Used for
  per-function scores and to run only one function's tests (``only``).

Fixtures: ``student`` (the proxy to the student's module), ``reference`` (the hidden reference,
in this process), ``record`` (a dict a test fills with data for the report: loss curves, scores).

Outcomes map to statuses explicitly: passed gives the points; failed and error give 0; a skip
removes the test from the score (it neither earns nor costs points) and is listed as skipped;
xfail counts as failed and xpass as passed (a hidden suite has no business expecting failure,
but we must not crash on one that does).
"""

from __future__ import annotations

import random
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch

from autograder.checks.failure import CheckFailure, GradingContext, current
from autograder.sandbox.session import StudentCodeError

TAGS = ("api", "shape", "dtype", "numerics", "gradient", "convergence", "parity", "determinism")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

run_key = pytest.StashKey["GradingRun"]()


@dataclass
class TestResult:
    nodeid: str
    name: str
    function: str
    points: float
    tags: tuple[str, ...]
    visibility: str
    description: str = ""
    outcome: str = "passed"
    message: str = ""
    grader_error: str = ""
    duration: float = 0.0
    record: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return self.points if self.outcome == "passed" else 0.0


@dataclass(frozen=True)
class GradeMark:
    points: float
    tags: tuple[str, ...]
    visibility: str


def parse_grade_mark(mark) -> GradeMark:
    """Validate ``@pytest.mark.grade(...)``; unknown arguments are errors, not ignored."""
    if not mark.args:
        raise pytest.UsageError("@pytest.mark.grade needs the points as its first argument")
    points, *tags = mark.args
    if not isinstance(points, (int, float)) or points < 0:
        raise pytest.UsageError(f"@pytest.mark.grade: points must be a non-negative number, got {points!r}")
    unknown = [t for t in tags if t not in TAGS]
    if unknown or not tags:
        raise pytest.UsageError(f"@pytest.mark.grade: tags {unknown or '(none)'} not among {TAGS}")
    extra = set(mark.kwargs) - {"visibility"}
    if extra:
        raise pytest.UsageError(f"@pytest.mark.grade: unknown keyword arguments {sorted(extra)}")
    visibility = mark.kwargs.get("visibility", "visible")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(f"@pytest.mark.grade: visibility {visibility!r} not among {VISIBILITIES}")
    return GradeMark(float(points), tuple(tags), visibility)


class JudgePlugin:
    """Installed by the runner with the :class:`GradingRun` it fills in."""

    def __init__(self, run):
        self.run = run

    def pytest_configure(self, config):
        config.stash[run_key] = self.run
        config.addinivalue_line("markers", "grade(points, *tags, visibility='visible'): points and check kinds "
                                           "of a graded test")
        config.addinivalue_line("markers", "covers(name): the student function or class a test class grades")

    def pytest_collection_modifyitems(self, session, config, items):
        selected, deselected = [], []
        for item in items:
            mark = item.get_closest_marker("grade")
            if mark is None:
                raise pytest.UsageError(f"{item.nodeid}: every hidden test needs @pytest.mark.grade")
            parse_grade_mark(mark)
            covers = _covers(item)
            if self.run.only and covers not in self.run.only:
                deselected.append(item)
            else:
                selected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected

    def pytest_collectreport(self, report):
        if report.failed:
            self.run.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        mark = parse_grade_mark(item.get_closest_marker("grade"))
        doc = (getattr(item, "function", None).__doc__ or "").strip().split("\n")[0]
        self.run.current = TestResult(
            nodeid=item.nodeid, name=_display_name(item), function=_covers(item), points=mark.points,
            tags=mark.tags, visibility=mark.visibility, description=doc)
        token = current.set(GradingContext(reveal_expected=mark.visibility == "visible",
                                           assignment=self.run.assignment_id, suite_version=self.run.suite_version))
        state = _save_random_state()
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            _restore_random_state(state)
            current.reset(token)
            self.run.current.duration = time.perf_counter() - started
            self.run.results.append(self.run.current)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        result = self.run.current
        if report.skipped and call.when in ("setup", "call"):
            if hasattr(report, "wasxfail"):
                result.outcome = "failed"
                result.message = result.message or "expected to fail"
            else:
                result.outcome = "skipped"
                result.message = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "skipped"
        elif report.failed and result.outcome != "failed":
            result.outcome = "failed"
            result.message, result.grader_error = _failure_message(call.excinfo)
        elif report.passed and call.when == "call" and hasattr(report, "wasxfail"):
            result.outcome = "passed"
        return report

    @pytest.fixture(scope="session")
    def student(self):
        if self.run.submission.fatal is not None:
            raise StudentCodeError("unreadable", f"your file could not be graded: {self.run.submission.fatal}")
        return self.run.student

    @pytest.fixture(scope="session")
    def reference(self):
        return self.run.reference

    @pytest.fixture
    def record(self):
        return self.run.current.record


def _failure_message(excinfo) -> tuple[str, str]:
    """``(message for the student, grader error for the instructor)``."""
    if excinfo is None:
        return "failed", ""
    exc = excinfo.value
    if isinstance(exc, (CheckFailure, StudentCodeError)):
        return str(exc), ""
    if isinstance(exc, AssertionError):
        # Only the author's message: an explanation added by assertion rewriting (when the grader
        # itself runs under pytest) would print the compared values, hidden expectations included.
        message = str(exc).split("\nassert ")[0]
        return ("" if message.startswith("assert ") else message) or "a check in the hidden suite failed", ""
    detail = "".join(traceback.format_exception(exc))[-4000:]
    return ("the grader failed while running this test (not your fault); your instructor has been told",
            detail)


def _covers(item) -> str:
    mark = item.get_closest_marker("covers")
    return mark.args[0] if mark and mark.args else ""


def _display_name(item) -> str:
    name = item.originalname if hasattr(item, "originalname") else item.name
    words = name.removeprefix("test_").replace("_", " ")
    covers = _covers(item)
    label = f"{covers}: {words}" if covers else words
    if getattr(item, "callspec", None) is not None:
        label += " [" + ", ".join(f"{k}={v}" for k, v in item.callspec.params.items()) + "]"
    return label


def _save_random_state() -> tuple:
    """Save the grader's random state, then seed every generator for the test."""
    state = torch.get_rng_state(), random.getstate(), np.random.get_state()
    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    return state


def _restore_random_state(state: tuple) -> None:
    torch.set_rng_state(state[0])
    random.setstate(state[1])
    np.random.set_state(state[2])


__all__ = ["JudgePlugin", "TestResult", "TAGS", "VISIBILITIES", "Any"]
