"""The final grades as an exporter reads them: students by assignments, and the rules every LMS shares.

Shared rules, decided once here so that every export says the same thing:

- graded: the cell holds ``total`` (late penalty applied, hand-graded components added);
- pending (an attempt not graded under the current suite): blank, and listed as "not graded yet";
- missing (no attempt): blank, so the LMS applies its own missing-work policy -- unless a
  hand-graded component (the lab report) has a score, in which case the cell holds ``total``,
  which is then that hand-graded score: a blank would silently drop graded work.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from autograder.course.roster import Student
from autograder.exports.cells import clean
from autograder.gradebook.final import GRADED, MISSING, PENDING, FinalGrade


@dataclass(frozen=True)
class GradeTable:
    """Students and assignments in the order the grades list them, and each student's grade."""

    students: tuple[Student, ...]
    assignments: tuple[str, ...]
    grades: dict[tuple[str, str], FinalGrade]

    @classmethod
    def of(cls, grades: Sequence[FinalGrade]) -> GradeTable:
        """Raises ``ValueError`` when a student has two rows for one assignment or a total is not a number."""
        students: dict[str, Student] = {}
        assignments: dict[str, None] = {}
        cells: dict[tuple[str, str], FinalGrade] = {}
        for grade in grades:
            key = (grade.student.student_id, grade.assignment)
            if key in cells:
                raise ValueError(f"two grades for student {key[0]!r} on assignment {key[1]!r}")
            if not all(math.isfinite(v) for v in (grade.total, grade.total_max)):
                raise ValueError(f"grade of student {key[0]!r} on {key[1]!r} is {grade.total}/{grade.total_max}")
            cells[key] = grade
            students.setdefault(grade.student.student_id, grade.student)
            assignments.setdefault(grade.assignment, None)
        return cls(tuple(students.values()), tuple(assignments), cells)

    def grade(self, student: Student, assignment: str) -> FinalGrade | None:
        return self.grades.get((student.student_id, assignment))

    def points_possible(self, assignment: str) -> float:
        """The assignment's maximum: autograded points plus hand-graded maxima (the largest seen)."""
        return max((g.total_max for (_, a), g in self.grades.items() if a == assignment), default=0.0)

    def pending(self) -> list[str]:
        """One unplaced line per grade not graded yet."""
        return [f"{describe(g.student)}, assignment {g.assignment}: not graded yet (pending), left blank"
                for g in self.grades.values() if g.status == PENDING]


def reported_total(grade: FinalGrade | None) -> float | None:
    """The score an LMS cell shows, or ``None`` for a blank cell (see the module's rules)."""
    if grade is None or grade.status == PENDING:
        return None
    if grade.status == GRADED:
        return grade.total
    if grade.status == MISSING and any(m.score is not None for m in grade.manual):
        return grade.total
    return None


def describe(student: Student) -> str:
    """``student 2024001 (张伟)``, safe to print: control characters removed."""
    return f"student {clean(student.student_id)} ({clean(student.name)})"
