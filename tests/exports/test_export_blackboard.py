"""The Blackboard export, read back by a small model of the Grade Center upload.

The model: a header row with ``Username``; comma files must quote every field; a column is the one
whose id follows ``|`` in its header, a header without an id makes a new column; rows are matched
by username.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from autograder.exports import export
from autograder.exports.blackboard import BlackboardExporter

QUOTED_LINE = re.compile(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*')
COLUMN_ID = re.compile(r"\|\s*(\S+)\s*$")
TOTAL_POINTS = re.compile(r"\[Total Pts: ([0-9.]+) Score\]")


class BlackboardUploadError(ValueError):
    pass


def blackboard_upload(data: bytes, delimiter: str, usernames: dict[str, str], columns: set[str]):
    """Grades by (student key, column id or ``new:<header>``) and the points each header declares."""
    if delimiter == ",":
        content = data.decode("utf-8")
        for line in content.split("\r\n")[:-1]:
            if not QUOTED_LINE.fullmatch(line):
                raise BlackboardUploadError(f"not every field quoted: {line!r}")
    else:
        if not data.startswith(b"\xff\xfe"):
            raise BlackboardUploadError("tab-delimited file is not UTF-16 with its mark")
        content = data[2:].decode("utf-16-le")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    header = rows[0]
    if "Username" not in header:
        raise BlackboardUploadError("no Username column")
    key = header.index("Username")
    targets, points = {}, {}
    for index, name in enumerate(header):
        if index == key:
            continue
        match = COLUMN_ID.search(name)
        if match and match.group(1) not in columns:
            raise BlackboardUploadError(f"no column {match.group(1)}")
        targets[index] = match.group(1) if match else f"new:{name}"
        total = TOTAL_POINTS.search(name)
        if total:
            points[targets[index]] = float(total.group(1))
    grades = {}
    for row in rows[1:]:
        if row[key] not in usernames:
            raise BlackboardUploadError(f"unknown username {row[key]!r}")
        for index, target in targets.items():
            grades[(usernames[row[key]], target)] = float(row[index]) if row[index] else None
    return grades, points


@pytest.fixture
def usernames(students) -> dict[str, str]:
    return {s.username: s.student_id for s in students}


@pytest.mark.parametrize("suffix, delimiter", [(".csv", ","), (".xls", "\t")])
def test_blackboard_accepts_both_files_and_places_every_grade(grades, course, out_dir, usernames, expected_points,
                                                               suffix, delimiter):
    """Does the Grade Center upload accept the quoted CSV and the UTF-16 tab file, placing every grade?"""
    result = export("blackboard", grades, course, out_dir)
    path = next(p for p in result.paths if p.suffix == suffix)
    placed, points = blackboard_upload(path.read_bytes(), delimiter, usernames, {"_5678_1"})
    target = {"ch01_attention": "_5678_1", "ch02_transformer": "new:ch02_transformer"}
    assert placed == {(s, target[a]): v for (s, a), v in expected_points.items()}
    assert points == {"_5678_1": 120.0}


def test_header_names_points_and_column_id(grades, course, out_dir, read_sheet):
    """Is the header ``Username`` then ``<title> [Total Pts: N Score] |<id>``?"""
    rows = read_sheet(export("blackboard", grades, course, out_dir).paths[0])
    assert rows[0] == ["Username", "ch01_attention [Total Pts: 120 Score] |_5678_1", "ch02_transformer"]


def test_columns_without_an_id_and_students_without_a_username_are_listed(grades, course, out_dir):
    """Are the id-less column (a new text column in Blackboard) and a student without a username listed?"""
    import dataclasses

    grades = [dataclasses.replace(g, student=dataclasses.replace(g.student, username="")) if
              g.student.student_id == "2024003" else g for g in grades]
    result = export("blackboard", grades, course, out_dir)
    assert any("ch02_transformer" in line and "NEW text column" in line for line in result.unplaced)
    assert any("2024003" in line and "no username" in line for line in result.unplaced)
    csv_file = next(p for p in result.paths if p.suffix == ".csv")
    assert "alice" not in csv_file.read_text(encoding="utf-8")


def test_csv_only_when_asked(grades, course, out_dir):
    """Can the tab-delimited variant be turned off?"""
    result = BlackboardExporter(tab_delimited=False).export(grades, course, out_dir)
    assert [p.suffix for p in result.paths] == [".csv"]


def test_model_upload_rejects_unquoted_fields():
    """Does the model upload reject a comma file with an unquoted field, as Blackboard does?"""
    with pytest.raises(BlackboardUploadError, match="not every field quoted"):
        blackboard_upload(b'"Username",A\r\n"x","1"\r\n', ",", {"x": "1"}, set())
