"""Canvas bulk downloads (autograder.intake.canvas, through collect)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from intake_builders import ALICE, BOB, NOTEBOOK, SCRIPT, ZHANG, attempts_of, make_zip, put, reasons_for

from autograder.intake.canvas import CanvasName, parse_canvas_name

SHANGHAI = ZoneInfo("Asia/Shanghai")
A = "ch01_attention"


@pytest.mark.parametrize("name,expected", [
    ("zhangwei_10001_55501_attention.ipynb",
     CanvasName("file", "zhangwei", False, "10001", 55501, "attention.ipynb")),
    ("zhangwei_late_10001_55501_attention.ipynb",
     CanvasName("file", "zhangwei", True, "10001", 55501, "attention.ipynb")),
    ("smithalice_LATE_10002_7_attention-1.ipynb", CanvasName("file", "smithalice", True, "10002", 7, "attention-1.ipynb")),
    ("张伟_10001_55501_作业_1_2.py", CanvasName("file", "张伟", False, "10001", 55501, "作业_1_2.py")),
    ("anon_Xy7Qz_55501_attention.py", CanvasName("anonymous", "", False, "Xy7Qz", 55501, "attention.py")),
    ("leebob_LATE_10003_text.html", CanvasName("text", "leebob", True, "10003", 0, "")),
])
def test_canvas_entry_names_are_read(name, expected):
    """Are name, LATE marker (either case), user id, file id and original name read from an entry name?"""
    assert parse_canvas_name(name) == expected


@pytest.mark.parametrize("name", ["attention.py", "folder/zhangwei_10001_55501_attention.py", "zhangwei_abc_1_x.py"])
def test_other_names_are_not_canvas_names(name):
    """Are names without the Canvas pattern, or inside folders, not taken for Canvas entries?"""
    assert parse_canvas_name(name) is None


def test_a_canvas_download_becomes_attempts(run, submissions):
    """Are Canvas users mapped by canvas_id, files chosen per student, times taken from the entries?"""
    make_zip(submissions / A / "submissions.zip", {
        "zhangwei_late_10001_55501_attention.ipynb": NOTEBOOK,
        "smithalice_10002_55600_attention-1.py": SCRIPT,
        "smithalice_10002_55601_report.pdf": b"%PDF",
        "leebob_10003_text.html": b"<p>see attached</p>",
        "stranger_99999_55700_attention.py": SCRIPT,
        "readme.txt": b"hello",
    }, date_time=(2026, 10, 21, 9, 30, 0))
    intake = run()
    zhang, alice = attempts_of(intake, ZHANG), attempts_of(intake, ALICE)
    assert [(a.file_name, a.data, a.source) for a in zhang] == [("attention.ipynb", NOTEBOOK, "canvas")]
    assert zhang[0].submitted_at is None  # the entry times are the download's, not the submission's
    assert zhang[0].origin == f"{A}/submissions.zip::zhangwei_late_10001_55501_attention.ipynb [Canvas: LATE]"
    assert [a.file_name for a in alice] == ["attention.py"]
    assert "not the submission" in reasons_for(intake, "report.pdf")[0]
    assert "text entry or URL" in reasons_for(intake, "leebob_10003_text.html")[0]
    assert "Canvas user 99999 (stranger) is not in the roster" in reasons_for(intake, "stranger")[0]
    assert "not a Canvas or Moodle bulk-download name" in reasons_for(intake, "readme.txt")[0]
    assert len(intake.unplaced) == 4


def test_later_download_adds_an_attempt(run, submissions):
    """With two downloads holding different uploads of one student, is each an attempt, oldest first?"""
    make_zip(submissions / A / "first.zip", {"zhangwei_10001_100_attention.py": b"# v1\n"}, (2026, 10, 19, 8, 0, 0))
    make_zip(submissions / A / "second.zip", {"zhangwei_10001_200_attention.py": b"# v2\n"}, (2026, 10, 21, 8, 0, 0))
    attempts = attempts_of(run(), ZHANG)
    assert [a.data for a in attempts] == [b"# v1\n", b"# v2\n"]


def test_the_same_upload_in_two_downloads_is_recorded_once(run, submissions):
    """Is an upload found in two downloads one attempt, without a time (Canvas gives none), the copy listed?"""
    entries = {"zhangwei_10001_100_attention.py": SCRIPT}
    make_zip(submissions / A / "b_later.zip", entries, (2026, 10, 25, 8, 0, 0))
    make_zip(submissions / A / "a_earlier.zip", entries, (2026, 10, 21, 8, 0, 0))
    intake = run()
    (attempt,) = intake.attempts
    assert attempt.submitted_at is None
    (reason,) = reasons_for(intake, "b_later.zip")
    assert "same Canvas upload" in reason and "a_earlier.zip" in reason


def test_an_extracted_canvas_download_is_read_without_times(run, submissions):
    """Are Canvas-named loose files in the assignment folder read as a download, with no time?"""
    put(submissions / A / "leebob_10003_300_attention.ipynb", NOTEBOOK)
    (attempt,) = run().attempts
    assert (attempt.student_id, attempt.source, attempt.submitted_at) == (BOB, "canvas", None)


def test_anonymous_canvas_entries_are_listed(run, submissions):
    """Is an anonymous-grading entry listed with advice instead of guessed?"""
    make_zip(submissions / A / "anon.zip", {"anon_Xy7Qz_55501_attention.py": SCRIPT})
    intake = run()
    assert intake.attempts == [] and "anonymous grading" in intake.unplaced[0].reason


def test_a_rezipped_download_with_a_wrapper_folder_is_read(run, submissions):
    """Is a download unpacked and zipped again inside a folder still read by its Canvas names?"""
    make_zip(submissions / A / "rezipped.zip", {"ch01 submissions/zhangwei_10001_55501_attention.py": SCRIPT})
    (attempt,) = run().attempts
    assert (attempt.student_id, attempt.source) == (ZHANG, "canvas")
