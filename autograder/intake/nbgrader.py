"""nbgrader's collected submissions: ``submissions/submitted/<student_id>/<assignment>/``.

This is the layout ``nbgrader collect`` leaves in a course directory::

    submissions/submitted/2024001/ch01_attention/attention.ipynb
    submissions/submitted/2024001/ch01_attention/timestamp.txt      optional

- ``timestamp.txt`` is nbgrader's submission time, e.g. ``2026-10-20 13:45:01.123456 UTC``
  (:mod:`autograder.intake.submission_times` reads it, and ISO 8601 too). One that cannot be read
  is listed with the reason and the attempt is kept without a time.
- nbgrader keeps one submission per student and assignment, so each folder is one attempt; the
  submission is chosen as in plain folders (:mod:`autograder.intake.choose_file`).
- A student id not in the roster, an assignment not being collected, files in deeper folders,
  and loose files are listed as not placed.

The folder ``submitted/`` is read this way unless an assignment is itself called ``submitted``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.attempt_files import place
from autograder.intake.context import IntakeContext, absorb, guarded
from autograder.intake.file_names import disk_name, printable
from autograder.intake.folders import read_attempt_folder
from autograder.intake.local_files import list_folder, not_followed_reason, unplace_all
from autograder.intake.submission_times import NBGRADER_TIME_FILE

NBGRADER_FOLDER = "submitted"


def read_submitted(folder: Path, ctx: IntakeContext) -> Intake:
    """Every attempt under nbgrader's ``submitted/`` folder."""
    total = Intake()
    listing = list_folder(folder)
    total.unplaced += [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    total.unplaced += [Unplaced(ctx.origin(path), "a loose file in nbgrader's submitted/: expected "
                                "submitted/<student_id>/<assignment>/") for path in listing.files]
    for student_folder in listing.folders:
        student_id = disk_name(student_folder.name)
        if student_id in ctx.roster:
            step = partial(_read_student, student_folder, student_id, ctx)
        else:
            step = partial(unplace_all, student_folder,
                           f"student id {printable(student_id)!r} is not in the roster", ctx)
        absorb(total, guarded(ctx.origin(student_folder), step))
    return total


def _read_student(folder: Path, student_id: str, ctx: IntakeContext) -> Intake:
    total = Intake()
    listing = list_folder(folder)
    total.unplaced += [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    total.unplaced += [Unplaced(ctx.origin(path), "a loose file in a student's nbgrader folder: expected "
                                "<assignment>/ folders") for path in listing.files]
    for assignment_folder in listing.folders:
        assignment = disk_name(assignment_folder.name)
        if assignment not in ctx.assignments:
            reason = f"{printable(assignment)!r} is not an assignment being collected"
            absorb(total, unplace_all(assignment_folder, reason, ctx))
            continue
        draft, problems = read_attempt_folder(assignment_folder, assignment, student_id, "nbgrader",
                                              NBGRADER_TIME_FILE, ctx)
        total.unplaced += problems
        absorb(total, place(draft, ctx.assignments[assignment]))
    return total
