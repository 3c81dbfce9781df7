"""Collect every submission under the submissions folder into attempts mapped to the roster.

What ``submissions/`` may hold, and the module that reads each:

===========================================================  =======================================
``<assignment>/<student_id>/<file>`` (and ``.../<attempt>/``)  :mod:`~autograder.intake.folders`
``<assignment>/*.zip`` from Canvas or Moodle                   :mod:`~autograder.intake.bulk_download`
                                                               (:mod:`~autograder.intake.canvas`,
                                                               :mod:`~autograder.intake.moodle`,
                                                               read by :mod:`~autograder.intake.archives`)
``<assignment>/`` extracted Canvas or Moodle downloads         :mod:`~autograder.intake.bulk_download`
``submitted/<student_id>/<assignment>/`` (nbgrader)            :mod:`~autograder.intake.nbgrader`
===========================================================  =======================================

Nothing is dropped silently: every file that does not become an attempt is an Unplaced record
with the reason, except hidden files, ``__pycache__``, ``.ipynb_checkpoints`` and ``__MACOSX``
(ignored silently everywhere). Folders named after an assignment that is not being collected
are listed file by file. A failure inside one student folder or one archive is one Unplaced
record for it; the rest is still read. Nothing is ever written to disk.

Attempts come out sorted by assignment and student, and for each student in the order the
gradebook counts them: attempts without a time first (in their source's order: attempt folders in
natural name order, Canvas uploads by file id), then by time.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.course.roster import Roster
from autograder.intake.attempt import Attempt, Intake, Unplaced
from autograder.intake.attempt_files import EARLIEST
from autograder.intake.context import IntakeContext, absorb, guarded
from autograder.intake.file_names import disk_name, printable
from autograder.intake.folders import read_assignment_folder
from autograder.intake.local_files import list_folder, not_followed_reason, unplace_all
from autograder.intake.nbgrader import NBGRADER_FOLDER, read_submitted

OUTSIDE_ARCHIVE = "an archive outside any assignment folder: move it into submissions/<assignment>/"
OUTSIDE_FILE = "a file outside any assignment folder: put it in submissions/<assignment>/<student_id>/"


def collect(submissions_dir: Path, roster: Roster, course: CourseConfig, assignments: dict[str, str]) -> Intake:
    """Read every source under ``submissions_dir``.

    Args:
        submissions_dir: the submissions folder.
        roster: the class; files of students not in it are listed as not placed.
        course: the course configuration (its time zone reads naive times).
        assignments: assignment id -> module name (``{"ch01_attention": "attention"}``), the
            assignments to collect; folders of other assignments are listed as not placed.

    Returns:
        Every attempt found, and an Unplaced record for every file that is not one.

    Raises:
        FileNotFoundError: when ``submissions_dir`` is not a folder.
    """
    root = Path(submissions_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no submissions folder at {root}")
    ctx = IntakeContext(root, roster, course.timezone, dict(assignments))
    total = Intake()
    listing = list_folder(root)
    total.unplaced += [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    total.unplaced += [Unplaced(ctx.origin(path), OUTSIDE_ARCHIVE if path.suffix.lower() == ".zip" else OUTSIDE_FILE)
                       for path in listing.files]
    for folder in listing.folders:
        absorb(total, guarded(ctx.origin(folder), partial(_read_top_folder, folder, ctx)))
    total.attempts.sort(key=_counting_order)
    return total


def _counting_order(attempt: Attempt) -> tuple:
    # Stable: untimed attempts of one student keep the order their source gave them.
    return (attempt.assignment, attempt.student_id, attempt.submitted_at is not None,
            attempt.submitted_at or EARLIEST)


def _read_top_folder(folder: Path, ctx: IntakeContext) -> Intake:
    name = disk_name(folder.name)
    if name in ctx.assignments:
        return read_assignment_folder(folder, ctx)
    if name == NBGRADER_FOLDER:
        return read_submitted(folder, ctx)
    collected = ", ".join(sorted(ctx.assignments)) or "none"
    reason = f"{printable(name)!r} is not an assignment being collected (collected: {collected})"
    return unplace_all(folder, reason, ctx)
