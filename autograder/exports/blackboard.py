"""Blackboard Learn Grade Center upload (``blackboard_grades.csv`` and ``blackboard_grades.xls``).

Written from Blackboard's help pages and files seen in the wild (``LMS_FORMATS.md``), so less
certain than Canvas and Moodle::

    "Username","ch01_attention [Total Pts: 120 Score] |_5678_1",...
    "zhangwei","108",...

- Students are keyed by ``Username`` (the roster's ``username``); a student without one is left out
  and listed as unplaced. No name columns: a header Blackboard does not know creates a new column.
- Columns: ``<title> [Total Pts: <maximum> Score] |<blackboard_id>``; Blackboard reads the id
  after ``|`` (written as configured: copy it from a Grade Center download). An assignment
  without a ``blackboard_id`` is headed by its title alone, which Blackboard adds as a NEW text
  column worth 0 points: listed as unplaced.
- Two files with the same content: ``.csv``, comma-separated with every field quoted (Blackboard
  requires the quotes), UTF-8 without a byte-order mark (a mark could glue itself to
  ``Username``); and ``.xls``, the tab-delimited text Blackboard recommends and itself downloads,
  UTF-16 little-endian with its mark (Excel opens it directly), fields quoted as in Blackboard's
  own downloads. Upload either with the delimiter on "Auto".
- Cells: points (late penalty applied, hand-graded components added), 2 decimals. Missing and
  pending: blank, see :mod:`autograder.exports.table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.exports.base import ExportResult
from autograder.exports.cells import number, text
from autograder.exports.table import GradeTable, describe, reported_total
from autograder.exports.writing import UTF8, UTF16_BOM, write_table
from autograder.gradebook.final import FinalGrade


class BlackboardExporter:
    """Grade Center upload files; ``tab_delimited`` also writes the ``.xls`` variant."""

    name = "blackboard"
    file_stem = "blackboard_grades"

    def __init__(self, titles: Mapping[str, str] | None = None, tab_delimited: bool = True):
        self.titles = dict(titles or {})
        self.tab_delimited = tab_delimited

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        table = GradeTable.of(grades)
        unplaced = []
        headers = []
        for assignment in table.assignments:
            header, problem = self._header(assignment, table.points_possible(assignment), course)
            headers.append(header)
            if problem:
                unplaced.append(problem)
        rows: list[list] = [["Username", *headers]]
        for student in table.students:
            username = student.username
            if not username or text(username) != username:
                why = "no username" if not username else f"its username {username!r} starts like a formula"
                unplaced.append(f"{describe(student)}: {why}, so Blackboard cannot match the student; left out")
                continue
            rows.append([username, *(reported_total(table.grade(student, a)) for a in table.assignments)])
        unplaced += table.pending()
        paths = [write_table(out_dir / f"{self.file_stem}.csv", rows, encoding=UTF8, quote_all=True)]
        if self.tab_delimited:
            paths.append(write_table(out_dir / f"{self.file_stem}.xls", rows, encoding=UTF16_BOM, delimiter="\t",
                                     quote_all=True))
        return ExportResult(paths, unplaced)

    def _header(self, assignment: str, points: float, course: CourseConfig) -> tuple[str, str | None]:
        title = (self.titles.get(assignment) or assignment).replace("|", "/")  # the id follows the last |
        config = course.assignments.get(assignment)
        column_id = config.blackboard_id.strip() if config else ""
        if column_id and "|" not in column_id and not any(c.isspace() for c in column_id):
            return f"{title} [Total Pts: {number(points)} Score] |{column_id}", None
        why = f"blackboard_id {column_id!r} is not a column id" if column_id else "no blackboard_id"
        return title, (f"assignment {assignment}: {why}; Blackboard will add its column as a NEW text column "
                       "worth 0 points")
