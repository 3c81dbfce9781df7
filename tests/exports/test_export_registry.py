"""The registry, the rules every exporter shares, and formula neutralisation in every export."""

import dataclasses
import re

import pytest

from autograder.exports import EXPORTERS, UnknownExporterError, export
from autograder.exports.cells import FORMULA_STARTS
from autograder.exports.table import GradeTable, reported_total

PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def test_registry_names_every_lms():
    """Are exactly canvas, moodle, blackboard, gradescope and csv registered, each class under its own name?"""
    assert list(EXPORTERS) == ["canvas", "moodle", "blackboard", "gradescope", "csv"]
    assert all(cls.name == name and callable(cls.export) for name, cls in EXPORTERS.items())


def test_unknown_exporter_names_the_known_ones(grades, course, out_dir):
    """Does an unknown name fail with the list of known names?"""
    with pytest.raises(UnknownExporterError, match="known: canvas, moodle"):
        export("sakai", grades, course, out_dir)


def test_all_exports_share_one_folder_without_collisions(grades, course, out_dir):
    """Can every exporter write into the same folder without overwriting another's file?"""
    paths = [p for name in EXPORTERS for p in export(name, grades, course, out_dir).paths]
    assert len(paths) == len(set(paths)) and all(p.is_file() and out_dir in p.parents for p in paths)
    assert not any(p.name.endswith(".partial") for p in out_dir.rglob("*"))


@pytest.mark.parametrize("dangerous_name", ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "@SUM(1+1)*cmd",
                                            "\t=1+1"])
@pytest.mark.parametrize("name", list(EXPORTERS))
def test_formula_names_arrive_neutralised_in_every_export(grades, course, out_dir, read_sheet, name, dangerous_name):
    """Is every text cell of every export formula-safe, and the name prefixed with ' wherever names are written?"""
    result = export(name, grades, course, out_dir)
    for path in result.paths:
        if path.suffix == ".json":
            assert dangerous_name.strip() not in path.read_text(encoding="ascii")  # no names in results documents
            continue
        cells = [c for row in read_sheet(path) for c in row]
        unsafe = [c for c in cells if c.lstrip()[:1] in FORMULA_STARTS + ("\t", "\r") and not PLAIN_NUMBER.fullmatch(c)]
        assert unsafe == []
        if name in ("canvas", "moodle", "csv"):
            assert any(c.startswith("'") and c[1:].lstrip().startswith(dangerous_name.strip()[0]) for c in cells)


def test_missing_is_blank_unless_hand_graded_and_pending_is_blank(grades):
    """Is a missing grade blank unless a hand-graded component has a score, and a pending one always blank?"""
    by_key = {(g.student.student_id, g.assignment): g for g in grades}
    assert reported_total(by_key[("2024002", "ch02_transformer")]) is None  # missing, nothing hand-graded
    assert reported_total(by_key[("2024004", "ch01_attention")]) == 10.0  # missing code, report graded
    assert reported_total(by_key[("2024003", "ch01_attention")]) is None  # pending, even with a report
    assert reported_total(by_key[("2024001", "ch02_transformer")]) == 36.0  # late penalty already applied


def test_two_rows_for_one_grade_are_refused(grades):
    """Is a duplicated student/assignment row refused instead of one silently winning?"""
    with pytest.raises(ValueError, match="two grades for student '2024001'"):
        GradeTable.of(grades + [dataclasses.replace(grades[0], total=0.0)])
