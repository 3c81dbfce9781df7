"""What intake produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Attempt:
    """One submitted file for one student and assignment.

    Attributes:
        assignment: the assignment id.
        student_id: the roster's student id.
        file_name: the name the file is graded under (its suffix decides script or notebook).
        data: the file's bytes (already extracted from any archive).
        submitted_at: when it was submitted (aware datetime), or None when unknown (treated as on
            time).
        source: where it came from: ``folder``, ``canvas``, ``moodle``, ``nbgrader``, ...
        origin: a human-readable pointer to the original (path inside the archive or folder).
    """

    assignment: str
    student_id: str
    file_name: str
    data: bytes
    submitted_at: datetime | None
    source: str
    origin: str


@dataclass(frozen=True)
class Unplaced:
    """A file intake could not attach to a student or an assignment, and why.

    Attributes:
        origin: a printable pointer to the file (relative to the submissions folder; inside an
            archive ``<archive>::<entry>``), or to a folder or archive when the problem is one
            of the whole.
        reason: what is wrong, in words an instructor can act on.
    """

    origin: str
    reason: str


@dataclass
class Intake:
    """What intake found: every attempt, and every file it could not attach, with the reason."""

    attempts: list[Attempt] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
