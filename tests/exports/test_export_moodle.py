"""The Moodle export, read back by a small model of Moodle's CSV grade import (``load_data.php``).

The model: the BOM removed and line ends normalised; every row exactly as wide as the header
(else ``csvweirdcolumns``, the whole file rejected); one identifier column matched exactly against
one user field (an unknown user aborts); grade cells blank or ``-`` for none, else a number no
larger than 100 (else ``gradevaluetoobig``); feedback columns taken as text.
"""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from autograder.exports import export
from autograder.exports.moodle import MoodleExporter, choose_identifier

USER_FIELDS = {"ID number": "idnumber", "Email address": "email", "Username": "username"}


class MoodleImportError(ValueError):
    pass


def moodle_import(data: bytes, users: list[dict], items: list[str], separator: str = ","):
    """Grades and feedback by (user key, item), with columns mapped as an instructor would map them."""
    content = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    rows = list(csv.reader(io.StringIO(content), delimiter=separator))
    header = rows[0]
    if any(len(row) != len(header) for row in rows[1:]):
        raise MoodleImportError("csvweirdcolumns")
    identifier = next(i for i, name in enumerate(header) if name in USER_FIELDS)
    field = USER_FIELDS[header[identifier]]
    grade_columns = {i: name for i, name in enumerate(header) if name in items}
    feedback_columns = {i: name.removesuffix(" feedback") for i, name in enumerate(header)
                        if name.endswith(" feedback") and name.removesuffix(" feedback") in items}
    grades, feedback = {}, {}
    for row in rows[1:]:
        matches = [u for u in users if u[field] and u[field] == row[identifier]]
        if len(matches) != 1:
            raise MoodleImportError(f"unknown user {row[identifier]!r}")
        user = matches[0]["key"]
        for index, item in grade_columns.items():
            value = row[index].strip()
            if value in ("", "-"):
                continue
            try:
                number = float(value)
            except ValueError:
                raise MoodleImportError(f"bad grade {value!r}") from None
            if number > 100:
                raise MoodleImportError("gradevaluetoobig")
            grades[(user, item)] = number
        for index, item in feedback_columns.items():
            if row[index]:
                feedback[(user, item)] = row[index]
    return grades, feedback


@pytest.fixture
def moodle_users(students) -> list[dict]:
    return [{"key": s.student_id, "idnumber": s.sis_id, "email": s.email, "username": s.username} for s in students]


def test_moodle_accepts_the_file_and_places_every_grade(grades, course, out_dir, moodle_users, expected_points,
                                                        points_possible):
    """Does Moodle's import accept the file and give each student the right percentage on each item?"""
    path = export("moodle", grades, course, out_dir).paths[0]
    placed, _ = moodle_import(path.read_bytes(), moodle_users, list(points_possible))
    expected = {(s, a): round(100 * v / points_possible[a], 2)
                for (s, a), v in expected_points.items() if v is not None}
    assert placed.keys() == expected.keys()
    for key, value in expected.items():
        assert placed[key] == pytest.approx(value, abs=0.011), key


def test_every_row_is_as_wide_as_the_header(grades, course, out_dir, read_sheet):
    """Does every row, blanks included, have exactly as many fields as the header?"""
    rows = read_sheet(export("moodle", grades, course, out_dir).paths[0])
    assert len({len(row) for row in rows}) == 1
    assert rows[0] == ["Email address", "Full name", "ch01_attention", "ch01_attention feedback",
                       "ch02_transformer", "ch02_transformer feedback"]


def test_file_has_a_bom_and_keeps_chinese_names(grades, course, out_dir):
    """Is the file UTF-8 with a BOM (which Moodle removes), with the Chinese name intact?"""
    data = export("moodle", grades, course, out_dir).paths[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "张伟".encode() in data


def test_identifier_is_id_number_when_every_student_has_one(grades, course, out_dir, moodle_users, read_sheet):
    """With a SIS id for everyone, is the identifier column ``ID number``, and does the import still place everyone?"""
    grades = [dataclasses.replace(g, student=dataclasses.replace(g.student, sis_id=g.student.sis_id or "S2024004"))
              for g in grades]
    moodle_users[3]["idnumber"] = "S2024004"
    path = export("moodle", grades, course, out_dir).paths[0]
    assert read_sheet(path)[0][0] == "ID number"
    placed, _ = moodle_import(path.read_bytes(), moodle_users, ["ch01_attention", "ch02_transformer"])
    assert {s for s, _ in placed} == {"2024001", "2024002", "2024003", "2024004"}


def test_student_without_the_forced_identifier_is_left_out_and_listed(grades, course, out_dir, moodle_users):
    """Forced to ``ID number``, is the student without one left out (one unknown student aborts Moodle) and listed?"""
    result = MoodleExporter(identifier="idnumber").export(grades, course, out_dir)
    placed, _ = moodle_import(result.paths[0].read_bytes(), moodle_users, ["ch01_attention", "ch02_transformer"])
    assert "2024004" not in {s for s, _ in placed}
    assert any("2024004" in line and "no ID number" in line for line in result.unplaced)


def test_choice_of_identifier(students):
    """Is the identifier ``idnumber`` when all have a SIS id, else ``email`` when all have one?"""
    assert choose_identifier(students) == "email"
    assert choose_identifier(students[:3]) == "idnumber"


def test_feedback_says_score_late_penalty_and_failed_tests(grades, course, out_dir, moodle_users):
    """Does the feedback give the autograded score, failed tests, the late penalty and the report?"""
    path = export("moodle", grades, course, out_dir).paths[0]
    _, feedback = moodle_import(path.read_bytes(), moodle_users, ["ch01_attention", "ch02_transformer"])
    late = feedback[("2024001", "ch02_transformer")]
    assert "Autograded 8/10" in late and "1 of 2 tests failed" in late and "late 1 day" in late and "x 0.9" in late
    assert "report 18/20" in feedback[("2024001", "ch01_attention")]
    assert "No code submitted" in feedback[("2024004", "ch01_attention")]
    assert ("2024002", "ch02_transformer") not in feedback  # missing: blank


def test_grades_above_100_are_capped_and_listed(grades, course, out_dir, moodle_users):
    """Is a bonus grade above 100% written as 100 (Moodle would reject the file) and listed?"""
    bonus = ("2024002", "ch01_attention")
    grades = [dataclasses.replace(g, total=130.0) if (g.student.student_id, g.assignment) == bonus else g
              for g in grades]
    result = export("moodle", grades, course, out_dir)
    placed, _ = moodle_import(result.paths[0].read_bytes(), moodle_users, ["ch01_attention"])
    assert placed[("2024002", "ch01_attention")] == 100
    assert any("2024002" in line and "above Moodle's limit" in line for line in result.unplaced)


def test_model_importer_rejects_ragged_rows():
    """Does the model importer reject a row with a missing field, as Moodle does?"""
    with pytest.raises(MoodleImportError, match="csvweirdcolumns"):
        moodle_import(b"Email address,A\r\nx@y,1,2\r\n", [{"key": "1", "email": "x@y"}], ["A"])
