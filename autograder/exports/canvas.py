"""Canvas gradebook import CSV (``canvas_gradebook.csv``).

Written to meet Canvas's importer (``app/models/gradebook_importer.rb``, summarised in
``LMS_FORMATS.md``)::

    Student,ID,SIS User ID,SIS Login ID,Section,ch01_attention (1234),...
    Points Possible,,,,,120,...
    张伟,10001,S2024001,zhangwei,A,108,...

- Comma-separated, UTF-8 with a byte-order mark (Excel then shows Chinese names; Canvas's header
  test still passes), CRLF line ends.
- Students: ``ID`` is the roster's ``canvas_id`` (Canvas matches it first), then ``SIS User ID``
  (``sis_id``), then ``SIS Login ID`` (``username``, else ``email``), then the exact name. A student
  with neither a Canvas id nor a SIS id is still written, and listed as unplaced: Canvas can only
  try the login and the name.
- Assignments: ``<title> (<canvas_id>)``; Canvas reads the number and ignores the title. Without a
  Canvas id the column is headed by the title alone, which Canvas matches exactly or else creates
  as a new assignment (listed as unplaced). Titles never carry the words Canvas reserves (``Final
  Grade``, ``Current Score``, ``Override``...): with an id, the label is replaced; without one, the
  column would be ignored, so it is left out and listed.
- Cells: points out of ``Points Possible`` (the autograded points plus the hand-graded maximum),
  late penalty applied, rounded to 2 decimals, ``.`` decimal, no thousands separator (Canvas
  rewrites ``1,234`` to ``1.234``). Missing and pending: see :mod:`autograder.exports.table`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.course.roster import Student
from autograder.exports.base import ExportResult
from autograder.exports.cells import text
from autograder.exports.table import GradeTable, describe, reported_total
from autograder.exports.writing import UTF8_BOM, write_table
from autograder.gradebook.final import FinalGrade

STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
# Canvas ignores any column whose header contains one of these, wherever it appears.
RESERVED = re.compile(r"Current Score|Final Score|Current Points|Final Points|Current Grade|Final Grade|Override",
                      re.IGNORECASE)
ASSIGNMENT_ID_HEADER = re.compile(r"^(.*)\s\((\d+)\)$")
CANVAS_NUMERIC = re.compile(r"^-?[0-9.,]+%?$")
DIGITS = re.compile(r"[0-9]+")


class CanvasExporter:
    """Canvas gradebook CSV; ``titles`` maps assignment ids to titles (default: the id)."""

    name = "canvas"
    file_name = "canvas_gradebook.csv"

    def __init__(self, titles: Mapping[str, str] | None = None):
        self.titles = dict(titles or {})

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        table = GradeTable.of(grades)
        unplaced = []
        columns: list[tuple[str, str]] = []
        for assignment in table.assignments:
            header, problem = self._header(assignment, course)
            if header is not None and header in (h for _, h in columns):
                problem = f"assignment {assignment}: its header {header!r} repeats another column's; left out"
                header = None
            if problem:
                unplaced.append(problem)
            if header is not None:
                columns.append((assignment, header))
        rows = [[*STUDENT_COLUMNS, *(header for _, header in columns)],
                ["Points Possible", "", "", "", "", *(table.points_possible(a) for a, _ in columns)]]
        for student in table.students:
            unplaced += _student_problems(student)
            rows.append([student.name, student.canvas_id, student.sis_id, student.username or student.email,
                         student.section, *(reported_total(table.grade(student, a)) for a, _ in columns)])
        unplaced += table.pending()
        path = write_table(out_dir / self.file_name, rows, encoding=UTF8_BOM)
        return ExportResult([path], unplaced)

    def _header(self, assignment: str, course: CourseConfig) -> tuple[str | None, str | None]:
        """The column header and, when the column may not land as intended, why."""
        title = self.titles.get(assignment) or assignment
        config = course.assignments.get(assignment)
        canvas_id = config.canvas_id.strip() if config else ""
        if DIGITS.fullmatch(canvas_id):
            label = next((t for t in (title, assignment) if not RESERVED.search(t)), "Assignment")
            return f"{label} ({canvas_id})", None
        why = f"canvas_id {canvas_id!r} is not a Canvas assignment id (digits)" if canvas_id else "no canvas_id"
        if RESERVED.search(title):
            return None, (f"assignment {assignment}: {why}, and its title {title!r} holds a name Canvas reserves "
                          "(it would ignore the column); left out")
        if ASSIGNMENT_ID_HEADER.match(title):
            return None, (f"assignment {assignment}: {why}, and its title {title!r} ends in a number in "
                          "parentheses, which Canvas would read as an assignment id; left out")
        if text(title) != title:
            return None, (f"assignment {assignment}: {why}, and its title {title!r} would be neutralised as a "
                          "formula, so it cannot match a Canvas title; left out")
        return title, (f"assignment {assignment}: {why}; exported by its title {title!r}, which Canvas matches "
                       "exactly or else creates as a NEW assignment: check the import preview")


def _student_problems(student: Student) -> list[str]:
    if _usable(student.canvas_id, digits=True) or _usable(student.sis_id):
        return []
    login = student.username or student.email
    tail = f"the login {login!r}, then the exact name" if _usable(login) else "the exact name"
    return [f"{describe(student)}: no usable Canvas id or SIS id; Canvas can only try {tail}"]


def _usable(value: str, digits: bool = False) -> bool:
    """Whether Canvas reads the id cell back as written (no neutralising, no numeric rewriting)."""
    if not value or text(value) != value or (digits and not DIGITS.fullmatch(value)):
        return False
    return not (CANVAS_NUMERIC.match(value) and _canvas_rewrites(value) != value)


def _canvas_rewrites(value: str) -> str:
    """What Canvas makes of a numeric-looking cell: every separator but the last dropped, that one a dot."""
    parts = re.split(r"[.,]", value)
    return value if len(parts) == 1 else "".join(parts[:-1]) + "." + parts[-1]
