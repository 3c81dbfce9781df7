"""From the files of one attempt to an Attempt, and an Unplaced record for each other file.

Every source (plain folders, Canvas, Moodle, nbgrader) gathers the files that make one attempt
into a :class:`Draft`; :func:`place` chooses the submission among them
(:mod:`autograder.intake.choose_file`), reads only that file, and lists every other file with
the reason it was not graded. Files are read lazily, so a lab report PDF beside the notebook is
never loaded into memory.

The attempt is graded under the canonical name ``<module>.py`` or ``<module>.ipynb`` (the suffix
of the chosen file, lower-cased), whatever the student called it; the name they used stays in
the attempt's ``origin``. So a hostile or odd file name never travels further than intake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import PurePosixPath

from autograder.intake.attempt import Attempt, Intake, Unplaced
from autograder.intake.choose_file import choose_submission

EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
"""Stands in for a missing time in sort keys."""


@dataclass(frozen=True)
class FoundFile:
    """A file found in a folder or an archive, not read yet.

    Attributes:
        path: its ``/``-separated path inside its container (a folder or an archive), decoded;
            the last part is the name the choice is made on.
        origin: a printable pointer to it, for messages.
        read: returns its bytes; raises ``ValueError`` or ``OSError`` with the reason it cannot.
        modified: its time where the container carries one (a zip entry), else None.
        container: the origin of the folder or archive it was found in.
    """

    path: str
    origin: str
    read: Callable[[], bytes]
    modified: datetime | None = None
    container: str = ""

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class Draft:
    """The files of one attempt of one student, before the submission is chosen.

    Attributes:
        assignment: the assignment id.
        student_id: the roster's student id.
        source: ``folder``, ``canvas``, ``moodle`` or ``nbgrader``.
        where: a printable pointer to the attempt as a whole (its folder, or the student's part
            of an archive), used when the attempt holds no file at all.
        submitted_at: when it was submitted, or None when unknown.
        files: its files.
    """

    assignment: str
    student_id: str
    source: str
    where: str
    submitted_at: datetime | None = None
    files: list[FoundFile] = field(default_factory=list)


def place(draft: Draft, module: str) -> Intake:
    """The attempt made of the draft's submission file, and every other file as Unplaced."""
    if not draft.files:
        return Intake(unplaced=[Unplaced(draft.where, "empty: no file in this attempt")])
    choice = choose_submission([f.name for f in draft.files], module)
    unplaced = [Unplaced(draft.files[i].origin, reason) for i, reason in sorted(choice.reasons.items())]
    if choice.chosen is None:
        return Intake(unplaced=unplaced)
    chosen = draft.files[choice.chosen]
    try:
        data = chosen.read()
    except (ValueError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return Intake(unplaced=[Unplaced(chosen.origin, f"the submission could not be read: {reason}")] + unplaced)
    suffix = PurePosixPath(chosen.name).suffix.lower()
    attempt = Attempt(draft.assignment, draft.student_id, f"{module}{suffix}", data, draft.submitted_at,
                      draft.source, chosen.origin)
    return Intake(attempts=[attempt], unplaced=unplaced)


def latest_time(files: list[FoundFile]) -> datetime | None:
    """The latest time among the files (an attempt is complete when its last file is in)."""
    times = [f.modified for f in files if f.modified is not None]
    return max(times) if times else None
