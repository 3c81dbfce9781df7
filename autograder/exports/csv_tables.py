"""Plain CSV tables for people and scripts: ``grades_wide.csv`` and ``grades_long.csv``.

- Wide: one row per student (``student_id``, ``name``, ``section``), then per assignment
  ``<assignment> total`` (points, 2 decimals), ``<assignment> status`` (``graded``, ``pending``,
  ``missing``) and ``<assignment> days late`` (blank when there is no attempt). The total follows
  :mod:`autograder.exports.table` (blank for pending and for missing without hand-graded scores),
  so the status column says why a total is blank.
- Long: one row per student, assignment and test of the graded attempt, read from the results
  document's ``tests``: ``student_id``, ``name``, ``assignment``, ``test``, ``score``,
  ``max_score`` (4 decimals), ``status``. A graded row whose document has no test list is listed.

Both UTF-8 with a byte-order mark (Excel shows Chinese names), comma-separated, text neutralised.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.exports.base import ExportResult
from autograder.exports.cells import number
from autograder.exports.table import GradeTable, describe, reported_total
from autograder.exports.writing import UTF8_BOM, write_table
from autograder.gradebook.final import GRADED, MISSING, FinalGrade

WIDE_NAME = "grades_wide.csv"
LONG_NAME = "grades_long.csv"
LONG_HEADER = ("student_id", "name", "assignment", "test", "score", "max_score", "status")


class CsvTablesExporter:
    """The wide table (students by assignments) and the long one (one row per test)."""

    name = "csv"

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        table = GradeTable.of(grades)
        unplaced = table.pending()
        wide: list[list] = [["student_id", "name", "section",
                             *(f"{a} {c}" for a in table.assignments for c in ("total", "status", "days late"))]]
        for student in table.students:
            row = [student.student_id, student.name, student.section]
            for assignment in table.assignments:
                grade = table.grade(student, assignment)
                if grade is None:
                    row += [None, None, None]
                else:
                    row += [reported_total(grade), grade.status, None if grade.status == MISSING else grade.days_late]
            wide.append(row)
        long: list[list] = [list(LONG_HEADER)]
        for grade in grades:
            if grade.status != GRADED:
                continue
            tests = (grade.results or {}).get("tests")
            if not isinstance(tests, list):
                unplaced.append(f"{describe(grade.student)}, assignment {grade.assignment}: "
                                "its results document has no test list; no rows in the long table")
                continue
            for test in (t for t in tests if isinstance(t, dict)):
                long.append([grade.student.student_id, grade.student.name, grade.assignment, str(test.get("name", "")),
                             _score(test.get("score")), _score(test.get("max_score")), str(test.get("status", ""))])
        paths = [write_table(out_dir / WIDE_NAME, wide, encoding=UTF8_BOM),
                 write_table(out_dir / LONG_NAME, long, encoding=UTF8_BOM)]
        return ExportResult(paths, unplaced)


def _score(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        return None
    return number(value, places=4)
