"""What every exporter shares: the contract it keeps and the result it returns.

An exporter is a class with one method, ``export(grades, course, out_dir) -> ExportResult``; its
options (titles, identifier column, ...) go to its constructor. It writes only inside ``out_dir``,
raises only on grades that cannot be (two rows for one grade, a NaN total), and names in ``unplaced`` every student and
assignment it could not put where the LMS will look for it, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from autograder.course.config import CourseConfig
from autograder.gradebook.final import FinalGrade


@dataclass
class ExportResult:
    """The files an export wrote and what it could not place.

    Attributes:
        paths: every file written, in the order written.
        unplaced: one line per student, assignment or grade the LMS will not receive as intended,
            saying why (no id, not graded yet, a title Canvas may take for a new assignment, ...).
    """

    paths: list[Path] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)


class Exporter(Protocol):
    name: ClassVar[str]

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        ...
