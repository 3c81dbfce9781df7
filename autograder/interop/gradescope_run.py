"""What ``run_autograder`` runs in Gradescope's container: grade one submission, write results.json.

Gradescope's layout under the root (``/autograder``, or ``--root`` / ``AUTOGRADER_ROOT``)::

    source/                    our autograder.zip, unpacked
    submission/                the student's files (a zip they uploaded arrives unpacked)
    submission_metadata.json   who submitted (optional here)
    results/results.json       what we write

The submission is chosen among every file under ``submission/`` as intake chooses within one
attempt (:func:`autograder.intake.attempt_files.place`): ``<module>.py``/``.ipynb`` first, a
notebook over a script, otter-grader's export zip counting as the files inside it (and its
bookkeeping files ignored when Gradescope has already unpacked it). The results
document is the engine's own (it already has Gradescope's fields); files that were not graded
are named in its ``output``. When nothing can be graded, or the grader itself fails, a
results.json still says why, so the student never sees only "the autograder failed".

Run as ``python -m autograder.interop.gradescope_run ASSIGNMENT [--root DIR]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path

from autograder.assignment import Assignment, load_assignment
from autograder.course.roster import Roster
from autograder.exports.gradescope import results_problems
from autograder.intake.attempt import Attempt, Unplaced
from autograder.intake.attempt_files import Draft, FoundFile, place
from autograder.intake.context import IntakeContext
from autograder.intake.local_files import every_file, not_followed_reason, read_file
from autograder.intake.otter import is_bookkeeping, otter_export_files

DEFAULT_ROOT = "/autograder"


def find_submission(folder: Path, assignment: Assignment) -> tuple[Attempt | None, list[Unplaced]]:
    """The file to grade among everything under ``folder``, and every other file with the reason."""
    ctx = IntakeContext(folder, Roster([]), "UTC", {assignment.id: assignment.module})
    found: list[FoundFile] = []
    unplaced: list[Unplaced] = []
    for path in every_file(folder) if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file():
            unplaced.append(Unplaced(ctx.origin(path), not_followed_reason(path)))
            continue
        export = otter_export_files(path, ctx)
        if export is None and is_bookkeeping(path.name):
            continue  # an otter export Gradescope already unpacked: its record, not the student's work
        if export is None:
            found.append(FoundFile(ctx.origin(path), ctx.origin(path), lambda path=path: read_file(path)))
        else:
            found += export[0]
            unplaced += export[1]
    intake = place(Draft(assignment.id, "", "gradescope", ctx.origin(folder), None, found), assignment.module)
    attempt = intake.attempts[0] if intake.attempts else None
    return attempt, unplaced + intake.unplaced


def student_id(root: Path) -> str:
    """The submitter's student id (or email) from Gradescope's submission_metadata.json, if any."""
    try:
        metadata = json.loads((root / "submission_metadata.json").read_text(encoding="utf-8"))
        user = metadata["users"][0]
        return str(user.get("sid") or user.get("email") or user.get("id") or "")
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


def grade(assignment: Assignment, root: Path) -> dict:
    """The results document for the submission under ``root``."""
    from autograder.judge.runner import grade_submission
    from autograder.submission import load_submission_bytes

    started = time.perf_counter()
    attempt, unplaced = find_submission(root / "submission", assignment)
    notes = [f"- {u.origin}: {u.reason}" for u in unplaced]
    if attempt is None:
        return _empty_results(assignment, started, "Nothing could be graded: no submission file was found.\n"
                              f"Submit {assignment.module}.py or {assignment.module}.ipynb.", notes)
    submission = load_submission_bytes(attempt.file_name, attempt.data, keep=assignment.keep)
    results = grade_submission(assignment, submission=submission, student_id=student_id(root))
    results["extra_data"]["submission_origin"] = attempt.origin
    if notes:
        results["output"] += "\n\nFiles not graded:\n" + "\n".join(notes)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.interop.gradescope_run")
    parser.add_argument("assignment")
    parser.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", DEFAULT_ROOT))
    args = parser.parse_args(argv)
    root = Path(args.root)
    started = time.perf_counter()
    status = 0
    try:
        assignment = load_assignment(args.assignment)
        results = grade(assignment, root)
    except Exception:  # the grader itself failed: say so in the results rather than leave none
        detail = traceback.format_exc()
        print(detail, file=sys.stderr)
        results = {"score": 0.0, "execution_time": round(time.perf_counter() - started, 3), "tests": [],
                   "output": "The grader failed on this submission (not your fault); your instructor has been told.",
                   "visibility": "visible",
                   "extra_data": {"assignment": args.assignment, "grader_error": detail[-4000:]}}
        status = 1
    problems = results_problems(results)
    if problems:
        print(f"results.json does not have Gradescope's shape: {problems}", file=sys.stderr)
        status = 1
    path = root / "results" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_finite(results), indent=1, allow_nan=False) + "\n", encoding="ascii")
    print(f"{results.get('score')} points; wrote {path}")
    return status


def _empty_results(assignment: Assignment, started: float, message: str, notes: list[str]) -> dict:
    output = message + ("\n\nFiles found:\n" + "\n".join(notes) if notes else "")
    return {"score": 0.0, "execution_time": round(time.perf_counter() - started, 3), "output": output,
            "visibility": "visible", "tests": [],
            "extra_data": {"assignment": assignment.id, "suite_version": assignment.suite_version,
                           "submission_sha256": "", "unplaced": notes}}


def _finite(value):
    """Strict JSON: a NaN or infinity (a diverged loss curve deep in extra_data) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
