"""One grading job and its outcome; ``run_job`` is what a worker executes.

A worker keeps one warm fork server for its whole life (torch imported once), so a job costs
the student's own compute plus a few tens of milliseconds.
"""

from __future__ import annotations

import atexit
import os
import socket
import time
import traceback
from dataclasses import dataclass

_server = None


@dataclass(frozen=True)
class GradingJob:
    attempt_id: int
    assignment: str
    student_id: str
    file_name: str
    data: bytes
    suite_version: str


@dataclass(frozen=True)
class JobOutcome:
    """``results`` when grading finished (whatever the student's code did); ``error`` when the
    grader itself failed, in which case nothing is recorded and the next run tries again."""

    attempt_id: int
    assignment: str
    student_id: str
    results: dict | None
    error: str | None
    worker: str
    seconds: float
    worker_peak_mb: float = 0.0
    fork_server_peak_mb: float = 0.0


def _peak_mb(pid) -> float:
    """Peak resident memory (VmHWM) of a process, in MiB; 0 where /proc is not available."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def warm_server():
    """This worker's fork server, started on first use and stopped when the worker exits."""
    global _server
    if _server is None or _server.process.poll() is not None:
        from autograder.sandbox.session import ForkServer

        _server = ForkServer()
        atexit.register(_server.close)
    return _server


def init_worker() -> None:
    """Start-up of a pool worker: one thread for torch (workers share the cores), warm fork server."""
    import torch

    torch.set_num_threads(1)
    warm_server()


def run_job(job: GradingJob) -> JobOutcome:
    started = time.perf_counter()
    try:
        from autograder.assignment import load_assignment
        from autograder.judge.runner import grade_submission
        from autograder.submission import load_submission_bytes

        assignment = load_assignment(job.assignment)
        if assignment.suite_version != job.suite_version:
            raise RuntimeError(f"the suite changed while grading ({assignment.suite_version} != {job.suite_version}); "
                               "run the grader again")
        submission = load_submission_bytes(job.file_name, job.data, keep=assignment.keep)
        server = warm_server()
        results = grade_submission(assignment, submission=submission, server=server, student_id=job.student_id)
        return JobOutcome(job.attempt_id, job.assignment, job.student_id, results, None, worker_name(),
                          time.perf_counter() - started, _peak_mb("self"), _peak_mb(server.process.pid))
    except Exception:
        return JobOutcome(job.attempt_id, job.assignment, job.student_id, None, traceback.format_exc()[-4000:],
                          worker_name(), time.perf_counter() - started)
