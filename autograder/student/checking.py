"""One check of a student's file: find the assignment, load the file, run the public tests, report.

The steps, in order:

1. find the assignment (its public ``assignment.toml``) and the file to check;
2. load the file as the grader does (:func:`autograder.submission.load_submission`, same keep
   rule): a file that cannot be read at all ends the check here, with the reason;
3. run the public tests on it, in the sandbox (:mod:`autograder.student.sandboxed`), or where
   the sandbox cannot run, in a plain subprocess (:mod:`autograder.student.plain_process`);
4. group the outcomes by function, beside the functions the assignment asks for (listed in its
   ``assignment.toml``) and what the file still leaves as TODO (:mod:`autograder.student.functions`).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from autograder.student import functions
from autograder.student.assignment_folder import AssignmentFolder, choose_student_file, find_assignment
from autograder.student.report import CheckReport, TestRun, function_rows
from autograder.submission import Submission, load_submission

MODES = ("auto", "sandbox", "process")


def run_check(path: str | Path | None = None, *, assignment_id: str | None = None, prefer_notebook: bool = False,
              mode: str = "auto", server=None, progress=None) -> CheckReport:
    """Check one file against its assignment's public tests and return the report.

    Args:
        path: the file, or the assignment folder to find it in (default: the current folder).
        assignment_id: find the assignment by id (the instructor's repository only).
        prefer_notebook: check ``<module>.ipynb`` when both it and ``<module>.py`` exist.
        mode: ``sandbox``, ``process`` (a plain subprocess) or ``auto`` (the sandbox where it runs).
        server: a warm :class:`~autograder.sandbox.session.ForkServer` to reuse.
        progress: called as ``progress(index, total, test_name)`` before each test.
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {MODES}")
    started = time.perf_counter()
    assignment = find_assignment(Path(path) if path is not None else None, assignment_id)
    file = choose_student_file(assignment, Path(path) if path is not None else None, prefer_notebook)
    report = CheckReport(assignment.id, assignment.title, file.name)
    submission = load_submission(file, keep=assignment.keep)
    asked = list(assignment.functions)
    if submission.fatal is not None:
        report.fatal = submission.fatal
        report.functions = function_rows(asked, [], {})
        return report
    if not assignment.public_tests.is_file():
        report.problems.append(f"no public tests ({assignment.public_tests.name}) in {assignment.folder}")
        test_source = None
    else:
        test_source = assignment.public_tests.read_text(encoding="utf-8")
    run = _run(assignment, submission, test_source, mode, server, progress) if test_source is not None else TestRun()
    used = functions.names_used_by_tests(test_source or "", assignment.module)
    for test in run.tests:
        names = used.get(test.function, [])
        test.function = names[0] if names else ""
    report.tests = run.tests
    report.functions = function_rows(asked, run.tests, _written(submission))
    report.problems += _load_problems(submission) + run.problems
    report.isolation, report.device = run.isolation, run.device
    report.seconds = time.perf_counter() - started
    return report


def _run(assignment: AssignmentFolder, submission: Submission, test_source: str, mode: str, server,
         progress) -> TestRun:
    reason = ""
    if mode != "process":
        try:
            from autograder.student import sandboxed
        except (ImportError, OSError) as exc:  # Windows: the sandbox needs fork, Unix sockets, rlimits
            reason = f"the sandbox needs Linux or macOS ({exc})"
        else:
            if mode == "sandbox" or _sandbox_possible():
                try:
                    return sandboxed.run_public_tests(assignment, submission, test_source, server, progress)
                except sandboxed.SandboxUnavailable as exc:
                    if mode == "sandbox":
                        raise
                    reason = f"the sandbox could not start here: {exc}"
            else:
                reason = "the sandbox needs fork and Unix sockets"
    from autograder.student import plain_process

    run = plain_process.run_public_tests(assignment, submission, test_source, assignment.test_timeout, progress)
    if reason:
        run.isolation += f"; {reason}"
    return run


def _sandbox_possible() -> bool:
    return os.name == "posix" and hasattr(os, "fork") and hasattr(socket, "send_fds")


def _written(submission: Submission) -> dict[str, tuple[str, ...] | None]:
    written = {name: None for chunk in submission.chunks for name in chunk.names}
    written.update(functions.student_todos([chunk.source for chunk in submission.chunks]))
    return written


def _load_problems(submission: Submission) -> list[str]:
    return [f"{p.filename}, line {p.lineno}: {p.message}"
            + (f" (so {', '.join(p.names)} cannot run)" if p.names else "") for p in submission.problems]
