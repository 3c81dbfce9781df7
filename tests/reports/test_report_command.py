"""``autograder report``: rebuild reports from a gradebook, without grading."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import pytest

from autograder.assignment import load_assignment
from autograder.commands import report
from autograder.gradebook import open_gradebook
from autograder.gradebook.attempts import counted_attempts, record_attempts
from autograder.gradebook.gradings import record_grading
from autograder.course.config import load_config
from autograder.intake.attempt import Attempt

COURSE = """
[course]
name = "Transformer 与前沿深度学习"
timezone = "Asia/Shanghai"

[late_policy]
percent_per_day = 10
max_days = 5

[[assignments]]
id = "ch01_attention"
points = 100
due = "2026-10-20 23:59"
"""

ROSTER = """student_id,name
2024101,王芳
2024102,<script>alert(1)</script>
2024/103,周婷
"""


def run_report(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    report.add_arguments(parser)
    return report.run(parser.parse_args(list(argv)))


@pytest.fixture
def class_dir(tmp_path, kit):
    """A class folder whose gradebook holds two graded attempts (one late) and no attempt for 2024/103."""
    (tmp_path / "course.toml").write_text(COURSE, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "submissions").mkdir()
    version = load_assignment("ch01_attention").suite_version
    course = load_config(tmp_path / "course.toml")
    on_time = datetime(2026, 10, 20, 12, 0, tzinfo=timezone.utc)
    late = datetime(2026, 10, 21, 10, 0, tzinfo=timezone.utc)  # 18 hours after 23:59 in Shanghai
    with open_gradebook(tmp_path / "out" / "gradebook.sqlite") as gradebook:
        record_attempts(gradebook, [
            Attempt("ch01_attention", "2024101", "attention.py", b"# one", on_time, "folder", "a"),
            Attempt("ch01_attention", "2024102", "attention.py", b"# two", late, "folder", "b")])
        attempts = counted_attempts(gradebook, course, "ch01_attention")
        for student_id, name in (("2024101", "catalogued_mistakes"), ("2024102", "unfinished_submission")):
            results = kit.load_fixture(name)
            results["extra_data"]["suite_version"] = version
            record_grading(gradebook, attempts[student_id]["id"], version, results, "test")
    return tmp_path


def test_builds_every_report_from_the_gradebook(class_dir, capsys):
    """Does `autograder report` write each student's page and text, both dashboards, and say where?"""
    assert run_report("--class-dir", str(class_dir), "--output", str(class_dir / "out")) == 0
    reports = class_dir / "out" / "reports"
    folder = reports / "ch01_attention"
    names = sorted(p.name for p in folder.iterdir())
    assert "2024101.html" in names and "2024102.txt" in names and "index.html" in names
    assert len([n for n in names if n.startswith("2024_103-") and n.endswith(".html")]) == 1
    assert (reports / "index.html").is_file()
    late_page = (folder / "2024102.html").read_text(encoding="utf-8")
    assert "迟交 1 天" in late_page and "&lt;script&gt;" in late_page
    assert "3 student report(s)" in capsys.readouterr().out


def test_english_and_one_assignment(class_dir):
    """Do --lang en and --assignment work?"""
    assert run_report("--class-dir", str(class_dir), "--output", str(class_dir / "out"), "--lang", "en",
                      "--assignment", "ch01_attention") == 0
    page = (class_dir / "out" / "reports" / "ch01_attention" / "index.html").read_text(encoding="utf-8")
    assert "class dashboard" in page


def test_no_gradebook_is_a_clear_error(tmp_path):
    """Without a gradebook, does it say to grade first instead of creating an empty one?"""
    (tmp_path / "course.toml").write_text(COURSE, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="run `autograder grade` first"):
        run_report("--class-dir", str(tmp_path), "--output", str(tmp_path / "out"))
    assert not (tmp_path / "out" / "gradebook.sqlite").exists()
