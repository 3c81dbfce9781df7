"""Build the results document of one graded submission.

The layout is Gradescope's ``results.json`` (top-level ``score``, ``execution_time``, ``output``,
``tests`` with ``name``, ``score``, ``max_score``, ``status``, ``output``, ``visibility``,
``tags``), so the same document serves our gradebook, our reports and a Gradescope autograder.
Our own fields live under ``extra_data``: at least ``assignment``, ``student_id``,
``submission_sha256``, ``isolation``, ``device``, ``torch_version``; per test, the student
function it covers, its outcome and its record (loss curves and the like).
"""

from __future__ import annotations

import platform

import torch

import autograder
from autograder.checks.parity import parity_mode

SCHEMA_VERSION = 1


def build_results(run, execution_time: float, load_messages: list[str]) -> dict:
    counted = [r for r in run.results if r.outcome != "skipped"]
    tests = [_test_entry(r) for r in counted]
    score = round(sum(r.score for r in counted), 6)
    max_score = round(sum(r.points for r in counted), 6)
    grader_errors = [f"{r.nodeid}: {r.grader_error}" for r in run.results if r.grader_error] + run.collection_errors
    output_lines = [f"{run.assignment.title}: {score:g} / {max_score:g}"]
    if load_messages:
        output_lines += ["", "Problems found while loading your code:"] + [f"- {m}" for m in load_messages]
    if grader_errors:
        output_lines += ["", "The grader itself failed on some tests; your instructor will look at them."]
    return {
        "score": score,
        "execution_time": round(execution_time, 3),
        "output": "\n".join(output_lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "schema": SCHEMA_VERSION,
            "assignment": run.assignment.id,
            "student_id": run.student_id,
            "submission_name": run.submission.name,
            "submission_kind": run.submission.kind,
            "submission_sha256": run.submission.sha256,
            "submission_encoding": run.submission.encoding,
            "suite_version": run.assignment.suite_version,
            "max_score": max_score,
            "isolation": run.sandbox.isolation or {"summary": "student code never started"},
            "device": "cuda" if torch.cuda.is_available() else "cpu",
            "parity_mode": parity_mode(),
            "torch_version": torch.__version__,
            "python_version": platform.python_version(),
            "autograder_version": autograder.__version__,
            "load_messages": load_messages,
            "dropped_statements": [f"{c.filename}, line {c.lineno}: {c.kind}" for c in run.submission.dropped],
            "skipped_tests": [{"name": r.name, "reason": r.message} for r in run.results if r.outcome == "skipped"],
            "grader_errors": grader_errors,
        },
    }


def _test_entry(result) -> dict:
    return {
        "name": result.name,
        "score": result.score,
        "max_score": result.points,
        "status": "passed" if result.outcome == "passed" else "failed",
        "output": result.message if result.outcome != "passed" else (result.description or "passed"),
        "visibility": result.visibility,
        "tags": list(result.tags),
        "extra_data": {
            "nodeid": result.nodeid,
            "function": result.function,
            "outcome": result.outcome,
            "duration": round(result.duration, 4),
            "record": result.record,
        },
    }
