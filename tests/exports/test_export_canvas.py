"""The Canvas export, read back by a small model of Canvas's importer (``gradebook_importer.rb``).

The model follows LMS_FORMATS.md: delimiter detection on the first three lines, the numeric-cell
rewriting, the header validation, the Points Possible row, reserved column names, assignment
columns by ``^(.*)\\s\\((\\d+)\\)$`` or exact title, students by ID, SIS User ID, SIS Login ID, name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pytest

from autograder.exports import export
from autograder.exports.canvas import CanvasExporter

NUMERIC_CELL = re.compile(r"^-?[0-9.,]+%?$")
ASSIGNMENT_ID = re.compile(r"^(.*)\s\((\d+)\)$")
RESERVED = ("Current Score", "Final Score", "Current Points", "Final Points", "Current Grade", "Final Grade",
            "Override")


class CanvasImportError(ValueError):
    pass


@dataclass
class CanvasCourse:
    """What Canvas knows: users (with their ids) and assignments (id -> title)."""

    users: list[dict]
    assignments: dict[str, str]


@dataclass
class CanvasImport:
    grades: dict[tuple[str, str], object] = field(default_factory=dict)  # (user key, assignment key) -> value
    points: dict[str, float] = field(default_factory=dict)
    new_assignments: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    unmatched_rows: list[list[str]] = field(default_factory=list)


def canvas_delimiter(content: str) -> str:
    """``;`` only if it gives more fields than ``,`` on the first three lines, equally many on each."""
    lines = content.splitlines()[:3]
    widths = {d: [len(next(csv.reader([line], delimiter=d))) for line in lines] for d in ",;"}
    semicolon = widths[";"]
    return ";" if len(set(semicolon)) == 1 and semicolon[0] > max(widths[","]) else ","


def canvas_numeric(value: str) -> str:
    """Every separator but the last dropped, the last one a dot: ``1,234`` becomes ``1.234``."""
    if not NUMERIC_CELL.match(value):
        return value
    parts = re.split(r"[.,]", value)
    return value if len(parts) == 1 else "".join(parts[:-1]) + "." + parts[-1]


def student_block_end(header: list[str]) -> int:
    """Index of the first assignment column, or ``Invalid header row``."""
    if len(header) <= 3 or "Student" not in header[0] or "ID" not in header[1]:
        raise CanvasImportError("Invalid header row")
    i = 2
    if "SIS User ID" in header[i]:
        if "SIS Login ID" not in header[i + 1]:
            raise CanvasImportError("Invalid header row")
        i += 2
    elif "SIS Login ID" in header[i]:
        i += 1
    if "Integration ID" in header[i]:
        i += 1
    if "Root Account" in header[i]:
        i += 1
    if "Section" not in header[i]:
        raise CanvasImportError("Invalid header row")
    return i + 1


def canvas_grade(value: str, points: float | None):
    value = value.strip()
    if value in ("", "-"):
        return None
    if value.upper() in ("EX", "EXCUSED"):
        return "EX"
    if value.lower() in ("pass", "fail"):
        return value.lower()
    try:
        if value.endswith("%"):
            return float(value[:-1]) * (points or 0) / 100
        return float(value)
    except ValueError:
        raise CanvasImportError(f"invalid grade {value!r}") from None


def canvas_import(data: bytes, course: CanvasCourse) -> CanvasImport:
    content = data.decode("utf-8")  # a BOM stays in the first cell, which still "contains" Student
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=canvas_delimiter(content)))
    rows = [[canvas_numeric(c) for c in row] for row in rows]
    header = rows[0]
    first = student_block_end(header)
    position = {key: i for i, name in enumerate(header[:first]) for key in ("SIS User ID", "SIS Login ID")
                if key in name}
    result = CanvasImport()
    columns: dict[int, str] = {}
    titles = {title: key for key, title in course.assignments.items()}
    for index in range(first, len(header)):
        name = header[index]
        if any(word in name for word in RESERVED):
            result.ignored_columns.append(name)
            continue
        match = ASSIGNMENT_ID.match(name)
        if match:
            if match.group(2) not in course.assignments:
                raise CanvasImportError(f"no assignment with id {match.group(2)}")
            columns[index] = match.group(2)
        elif name in titles:
            columns[index] = titles[name]
        else:
            result.new_assignments.append(name)
            columns[index] = f"new:{name}"
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            result.points = {columns[i]: float(row[i]) for i in columns if row[i].strip()}
            continue
        if all(c.strip() == "" or c == "Muted" or c.startswith("Manual Posting") for c in row):
            continue
        user = _find_user(row, header, position, course.users)
        if user is None:
            result.unmatched_rows.append(row)
            continue
        for index, assignment in columns.items():
            result.grades[(user["key"], assignment)] = canvas_grade(row[index], result.points.get(assignment))
    return result


def _find_user(row, header, position, users):
    lookups = [("canvas_id", row[1])]
    if "SIS User ID" in position:
        lookups.append(("sis_id", row[position["SIS User ID"]]))
    if "SIS Login ID" in position:
        lookups.append(("login", row[position["SIS Login ID"]]))
    lookups.append(("name", row[0]))
    for key, value in lookups:
        found = [u for u in users if value and u.get(key) == value]
        if found:
            return found[0]
    return None


@pytest.fixture
def canvas_course(students) -> CanvasCourse:
    """Canvas's side: users as Canvas knows them, assignment 1234 and one titled like ch02's id."""
    users = [{"key": s.student_id, "canvas_id": s.canvas_id, "sis_id": s.sis_id, "login": s.username or s.email,
              "name": s.name} for s in students]
    return CanvasCourse(users, {"1234": "注意力机制 Attention", "5555": "ch02_transformer"})


def _canvas_keys(assignment):
    return {"ch01_attention": "1234", "ch02_transformer": "5555"}[assignment]


def test_canvas_accepts_the_file_and_places_every_grade(grades, course, out_dir, canvas_course, expected_points):
    """Does Canvas's importer accept the file and put every grade on the right student and assignment?"""
    result = export("canvas", grades, course, out_dir)
    imported = canvas_import(result.paths[0].read_bytes(), canvas_course)
    assert imported.unmatched_rows == [] and imported.new_assignments == [] and imported.ignored_columns == []
    placed = {(user, assignment): value for (user, assignment), value in imported.grades.items()}
    assert placed == {(s, _canvas_keys(a)): v for (s, a), v in expected_points.items()}


def test_points_possible_row_gives_each_maximum(grades, course, out_dir, canvas_course, points_possible):
    """Does the Points Possible row carry the autograded points plus the report maximum?"""
    result = export("canvas", grades, course, out_dir)
    imported = canvas_import(result.paths[0].read_bytes(), canvas_course)
    assert imported.points == {_canvas_keys(a): p for a, p in points_possible.items()}


def test_header_and_encoding(grades, course, out_dir, read_sheet):
    """Is the file UTF-8 with a BOM, with the exact student block and ``title (id)`` columns, comma-separated?"""
    path = export("canvas", grades, course, out_dir).paths[0]
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfStudent,ID,SIS User ID,SIS Login ID,Section,ch01_attention (1234),")
    rows = read_sheet(path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ch01_attention (1234)",
                       "ch02_transformer"]
    assert rows[1][0] == "Points Possible"
    assert rows[2][:5] == ["张伟", "10001", "S2024001", "zhangwei", "A"]
    assert canvas_delimiter(data.decode("utf-8")) == ","


def test_numbers_survive_canvas_numeric_rewriting(grades, course, out_dir, read_sheet):
    """Is every numeric cell left unchanged by Canvas's separator rewriting (no thousands separators)?"""
    rows = read_sheet(export("canvas", grades, course, out_dir).paths[0])
    numeric = [c for row in rows[1:] for c in row[5:] if c]
    assert numeric and all(re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", c) for c in numeric)
    assert all(canvas_numeric(c) == c for row in rows for c in row)


def test_unplaced_names_students_without_ids_titles_and_pending(grades, course, out_dir):
    """Are the student without Canvas or SIS id, the assignment sent by title and the pending grade listed?"""
    unplaced = export("canvas", grades, course, out_dir).unplaced
    assert any("2024004" in line and "no usable Canvas id or SIS id" in line and "'bob'" in line for line in unplaced)
    assert any("ch02_transformer" in line and "NEW assignment" in line for line in unplaced)
    assert any("2024003" in line and "ch01_attention" in line and "not graded yet" in line for line in unplaced)
    assert not any("2024001" in line or "2024002" in line for line in unplaced)
    assert len(unplaced) == 3


def test_reserved_words_never_reach_a_header(grades, course, out_dir, canvas_course, expected_points):
    """Is a title holding 'Final Grade' relabelled when the column has an id, and left out and listed when not?"""
    titles = {"ch01_attention": "Final Grade project", "ch02_transformer": "Current Score quiz"}
    result = CanvasExporter(titles=titles).export(grades, course, out_dir)
    imported = canvas_import(result.paths[0].read_bytes(), canvas_course)
    assert imported.ignored_columns == []
    assert {a for _, a in imported.grades} == {"1234"}
    assert imported.grades[("2024001", "1234")] == expected_points[("2024001", "ch01_attention")]
    assert any("ch02_transformer" in line and "reserves" in line for line in result.unplaced)


def test_title_ending_in_a_number_is_not_mistaken_for_an_id(grades, course, out_dir):
    """Is an id-less assignment whose title ends in '(2)' left out and listed, since Canvas would read 2 as its id?"""
    result = CanvasExporter(titles={"ch02_transformer": "Lab (2)"}).export(grades, course, out_dir)
    header = result.paths[0].read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Lab (2)" not in header
    assert any("ch02_transformer" in line and "parentheses" in line for line in result.unplaced)


def test_an_id_canvas_would_rewrite_is_not_trusted(grades, course, out_dir):
    """Is a SIS id like '1,234' (which Canvas turns into '1.234') reported as unusable?"""
    import dataclasses

    grades = [dataclasses.replace(g, student=dataclasses.replace(g.student, canvas_id="", sis_id="1,234"))
              if g.student.student_id == "2024003" else g for g in grades]
    unplaced = export("canvas", grades, course, out_dir).unplaced
    assert any("2024003" in line and "no usable Canvas id or SIS id" in line for line in unplaced)


def test_model_importer_rejects_a_bad_header():
    """Does the model importer itself reject what Canvas rejects (so its acceptance means something)?"""
    with pytest.raises(CanvasImportError, match="Invalid header row"):
        canvas_import(b"Student,ID,SIS Login ID,SIS User ID,Section,A (1)\r\n", CanvasCourse([], {"1": "A"}))
    with pytest.raises(CanvasImportError, match="Invalid header row"):
        canvas_import(b"Student,ID,Name,Section,A (1)\r\n", CanvasCourse([], {"1": "A"}))
