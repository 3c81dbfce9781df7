"""Report file names: safe whatever a student id holds, and never shared by two ids."""

from __future__ import annotations

import pytest

from autograder.reports.paths import safe_file_name, student_report_paths


@pytest.mark.parametrize("student_id", ["2024001", "s-01", "A_b.c"])
def test_plain_ids_are_kept(student_id):
    """Is a plain id its own file name?"""
    assert safe_file_name(student_id) == student_id


@pytest.mark.parametrize("student_id", ["../etc/passwd", "a/b", "a\\b", "名字", " ", "", ".hidden", "x" * 300,
                                        "CON", "index", "a b", "a\x00b", "id.", "<script>"])
def test_odd_ids_become_safe_names(student_id):
    """Is an odd id turned into a short name of ASCII letters, digits, '-', '_' and '.' with no path in it?"""
    name = safe_file_name(student_id)
    assert name and len(name) <= 64
    assert all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)
    assert not name.startswith(".") and name.lower() not in ("con", "index")


def test_ids_never_share_a_file():
    """Do ids that plain replacement would merge ('a/b' and 'a_b') get different files?"""
    ids = ["a/b", "a_b", "a b", "a\\b", "A/B", "名字", "名前", "a/b/"]
    assert len({safe_file_name(i) for i in ids}) == len(ids)


def test_reports_stay_inside_the_reports_folder(tmp_path):
    """Does a hostile id still write inside <reports>/<assignment>/?"""
    html, text = student_report_paths(tmp_path, "ch01_attention", "../../../tmp/x")
    assert html.parent == text.parent == tmp_path / "ch01_attention"
    assert html.suffix == ".html" and text.suffix == ".txt"
