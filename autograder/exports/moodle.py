"""Moodle grade import CSV (``moodle_grades.csv``, for Grades > Import > CSV file).

Written to meet Moodle's importer (``grade/import/csv/classes/load_data.php``, summarised in
``LMS_FORMATS.md``)::

    ID number,Full name,ch01_attention,ch01_attention feedback,...
    S2024001,张伟,90,"Autograded 45/50; all 12 tests passed; report 18/20; total 108/120 (90%)",...

- Comma-separated, UTF-8 with a byte-order mark (Moodle removes it; Excel needs it): on upload
  choose "comma" and "UTF-8". Every row has exactly as many fields as the header, or Moodle
  rejects the whole file.
- The identifier column, mapped at upload to the Moodle field of the same name: ``ID number``
  (the roster's ``sis_id``) when every student has one, else ``Email address`` when every student
  has one, else whichever of the two more students have (``identifier=`` forces ``idnumber``,
  ``email`` or ``username``). One column can map to one field only, so it is never mixed. A student
  without that identifier is left out of the file (one unknown student aborts Moodle's import) and
  listed as unplaced. ``Full name`` is for people; leave it on "ignore" at upload.
- Per assignment, a grade column on a 0-100 scale (percent of the assignment's maximum,
  autograded points plus hand-graded maximum; 2 decimals): Moodle refuses values above 100 by
  default, so map it to a grade item whose maximum is 100. A grade above 100 (bonus points) is
  written as 100 and listed. Beside it a feedback column, plain text on one line: the autograded
  score, failed tests, the late penalty, hand-graded components and the total.
- Missing and pending: both cells blank (Moodle: no grade), except as :mod:`autograder.exports.table`
  says for hand-graded scores without a submission.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.course.roster import Student
from autograder.exports.base import ExportResult
from autograder.exports.cells import number, text
from autograder.exports.table import GradeTable, describe, reported_total
from autograder.exports.writing import UTF8_BOM, write_table
from autograder.gradebook.final import GRADED, FinalGrade

IDENTIFIERS: dict[str, tuple[str, Callable[[Student], str]]] = {
    "idnumber": ("ID number", lambda s: s.sis_id),
    "email": ("Email address", lambda s: s.email),
    "username": ("Username", lambda s: s.username),
}
MAX_GRADE = 100.0


class MoodleExporter:
    """Moodle grade import CSV; ``identifier`` is ``idnumber``, ``email``, ``username`` or None (automatic)."""

    name = "moodle"
    file_name = "moodle_grades.csv"

    def __init__(self, identifier: str | None = None, titles: Mapping[str, str] | None = None):
        if identifier is not None and identifier not in IDENTIFIERS:
            raise ValueError(f"unknown Moodle identifier {identifier!r} (choose from {sorted(IDENTIFIERS)})")
        self.identifier = identifier
        self.titles = dict(titles or {})

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        table = GradeTable.of(grades)
        header, identify = IDENTIFIERS[self.identifier or choose_identifier(table.students)]
        unplaced = []
        titles = [self.titles.get(a) or a for a in table.assignments]
        rows: list[list] = [[header, "Full name", *(c for t in titles for c in (t, f"{t} feedback"))]]
        for student in table.students:
            key = identify(student)
            if not key or text(key) != key:
                why = f"no {header}" if not key else f"its {header} {key!r} starts like a formula"
                unplaced.append(f"{describe(student)}: {why}, so Moodle cannot match the student; left out of the file")
                continue
            row = [key, student.name]
            for assignment in table.assignments:
                grade = table.grade(student, assignment)
                percent, problem = _percent(grade)
                if problem:
                    unplaced.append(f"{describe(student)}, assignment {assignment}: {problem}")
                row += [percent, feedback(grade) if percent is not None else None]
            rows.append(row)
        unplaced += table.pending()
        path = write_table(out_dir / self.file_name, rows, encoding=UTF8_BOM)
        return ExportResult([path], unplaced)


def choose_identifier(students: Sequence[Student]) -> str:
    """``idnumber`` when every student has a SIS id, else ``email`` when all have one, else the better covered."""
    with_sis = sum(1 for s in students if s.sis_id)
    with_email = sum(1 for s in students if s.email)
    if with_sis == len(students):
        return "idnumber"
    if with_email == len(students):
        return "email"
    return "idnumber" if with_sis >= with_email else "email"


def _percent(grade: FinalGrade | None) -> tuple[float | None, str | None]:
    total = reported_total(grade)
    if total is None:
        return None, None
    if not grade.total_max:
        return None, "the assignment's maximum is 0, so there is no percentage; left blank"
    percent = 100.0 * total / grade.total_max
    if round(percent, 2) > MAX_GRADE:
        return MAX_GRADE, f"{number(percent)}% is above Moodle's limit of 100; written as 100"
    return percent, None


def feedback(grade: FinalGrade) -> str:
    """One line of plain text: how the grade was made."""
    parts = []
    if grade.status == GRADED:
        parts.append(f"Autograded {number(grade.auto_score)}/{number(grade.auto_max)}")
        tests = (grade.results or {}).get("tests") or []
        failed = sum(1 for t in tests if t.get("status") != "passed")
        if tests:
            parts.append(f"{failed} of {len(tests)} tests failed" if failed else f"all {len(tests)} tests passed")
        if grade.late:
            days = "day" if grade.days_late == 1 else "days"
            parts.append(f"late {grade.days_late} {days}: autograded points x {number(grade.late_multiplier)}")
    else:
        parts.append("No code submitted")
    for component in grade.manual:
        score = "not graded" if component.score is None else f"{number(component.score)}/{number(component.max_score)}"
        parts.append(f"{component.component} {score}")
    parts.append(f"total {number(grade.total)}/{number(grade.total_max)} ({number(grade.percent)}%)")
    return "; ".join(parts)
