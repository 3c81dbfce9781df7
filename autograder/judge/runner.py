"""Grade one submission: load it, start its sandbox, run the hidden suite, build the results.

The suite runs through ``pytest.main`` in this process, with :class:`JudgePlugin` supplying the
fixtures and collecting outcomes, and pytest's own terminal output switched off (the results
document is the output).
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.assignment import Assignment
from autograder.judge.plugin import JudgePlugin, TestResult
from autograder.judge.proxy import StudentModule
from autograder.judge.reference import ReferenceModule
from autograder.results.document import build_results
from autograder.sandbox.session import ForkServer, Sandbox
from autograder.submission import Submission, load_submission

_PYTEST_INI = Path(__file__).with_name("suite.ini")


@dataclass
class GradingRun:
    """Everything one grading run needs and produces; passed explicitly, never global."""

    assignment: Assignment
    submission: Submission
    sandbox: Sandbox
    student: StudentModule
    reference: ReferenceModule
    student_id: str = ""
    only: frozenset[str] = frozenset()
    results: list[TestResult] = field(default_factory=list)
    collection_errors: list[str] = field(default_factory=list)
    current: TestResult | None = None

    @property
    def assignment_id(self) -> str:
        return getattr(self.assignment, "id", "")

    @property
    def suite_version(self) -> str:
        return getattr(self.assignment, "suite_version", "")


def grade_submission(assignment: Assignment, path: str | Path | None = None, *, submission: Submission | None = None,
                     server: ForkServer | None = None, student_id: str = "", only: set[str] | None = None) -> dict:
    """Grade one file against ``assignment``'s hidden suite and return its results document.

    ``server`` is a warm :class:`ForkServer` to reuse across submissions; one is started (and
    stopped) here when none is given. ``only`` restricts grading to the tests covering those
    student names (used by self-tests of catalogued mistakes).
    """
    started = time.perf_counter()
    if submission is None:
        submission = load_submission(path, keep=assignment.keep)
    with contextlib.ExitStack() as stack:
        if server is None:
            server = stack.enter_context(ForkServer())
        sandbox = Sandbox(server, submission, assignment.module, assignment.limits, assignment.protected_paths(),
                          assignment.readable_paths())
        stack.callback(sandbox.close)
        run = GradingRun(assignment, submission, sandbox, StudentModule(sandbox, submission),
                         ReferenceModule(assignment), student_id, frozenset(only or ()))
        if submission.fatal is None:
            _warm_up(run)
        _run_suite(run)
        load_messages = _load_messages(run)
        return build_results(run, time.perf_counter() - started, load_messages)


def _warm_up(run: GradingRun) -> None:
    """Start the child once before the tests, so the isolation report exists even if tests skip."""
    try:
        run.sandbox.ensure()
    except Exception:
        pass  # each test will report the failure to start in its own words


def _run_suite(run: GradingRun) -> None:
    if run.submission.fatal is not None:
        run.sandbox.close()
    args = pytest_arguments(str(run.assignment.suite_dir))
    plugin = JudgePlugin(run)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main(args, plugins=[plugin])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        run.collection_errors.append(f"pytest exited with {code!r} while running the hidden suite")


def pytest_arguments(suite_dir: str) -> list[str]:
    """How every hidden suite is run: its own ini, no cache, no terminal output, plain asserts."""
    return [suite_dir, "-c", str(_PYTEST_INI), "--rootdir", suite_dir, "-p", "no:cacheprovider", "-p", "no:terminal",
            "-p", "no:stepwise", "-p", "no:unraisableexception", "-p", "no:threadexception",
            "-p", "no:faulthandler", "-p", "no:junitxml", "-p", "no:pastebin", "-p", "no:doctest", "--import-mode=importlib",
            # Plain asserts: rewritten ones would print the compared values, hidden expectations included.
            "--assert=plain"]


def _load_messages(run: GradingRun) -> list[str]:
    submission = run.submission
    if submission.fatal is not None:
        return [f"Your file could not be graded: {submission.fatal}"]
    messages = [f"{p.filename}, line {p.lineno}: {p.message}" +
                (f" (so {', '.join(p.names)} could not be graded)" if p.names else "")
                for p in submission.problems]
    try:
        messages += run.sandbox.load_errors()
    except Exception as exc:
        messages.append(f"your code could not be started: {exc}")
    return messages
