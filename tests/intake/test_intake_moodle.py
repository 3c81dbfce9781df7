"""Moodle bulk downloads (autograder.intake.moodle, through collect)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from intake_builders import (ALICE, MARIA, NOTEBOOK, SCRIPT, ZHANG, RawEntry, attempts_of, make_zip, put, raw_zip,
                             reasons_for)

from autograder.course.roster import Roster, Student
from autograder.intake import collect
from autograder.intake.moodle import MoodleName, parse_moodle_path

SHANGHAI = ZoneInfo("Asia/Shanghai")
A = "ch01_attention"


@pytest.mark.parametrize("path,expected", [
    ("张伟_123_assignsubmission_file_/attention.ipynb", MoodleName("张伟", "123", "file", "attention.ipynb")),
    ("Alice Smith_124_assignsubmission_file/attention.py", MoodleName("Alice Smith", "124", "file", "attention.py")),
    ("Alice Smith_124_assignsubmission_file_attention.py", MoodleName("Alice Smith", "124", "file", "attention.py")),
    ("Bob Lee_125_assignsubmission_onlinetext_/onlinetext.html",
     MoodleName("Bob Lee", "125", "onlinetext", "onlinetext.html")),
    ("Bob Lee_125_assignsubmission_file_/src/helper.py", MoodleName("Bob Lee", "125", "file", "src/helper.py")),
])
def test_moodle_paths_are_read(path, expected):
    """Are folder (with or without the trailing _) and flat Moodle names read?"""
    assert parse_moodle_path(path) == expected


def test_a_moodle_download_becomes_attempts(run, submissions):
    """Are students matched by full name (case and spacing aside), and online text and strangers listed?"""
    make_zip(submissions / A / "moodle.zip", {
        "张伟_123_assignsubmission_file_/attention (1).ipynb": NOTEBOOK,
        "ALICE  smith_124_assignsubmission_file_/hw.py": SCRIPT,
        "ALICE  smith_124_assignsubmission_file_/notes.txt": b"notes",
        "Bob Lee_125_assignsubmission_onlinetext_/onlinetext.html": b"<p>hi</p>",
        "Nobody Here_126_assignsubmission_file_/attention.py": SCRIPT,
        "Participant_127_assignsubmission_file_/attention.py": SCRIPT,
    }, date_time=(2026, 10, 20, 22, 15, 0))
    intake = run()
    (zhang,) = attempts_of(intake, ZHANG)
    assert (zhang.file_name, zhang.data, zhang.source) == ("attention.ipynb", NOTEBOOK, "moodle")
    assert zhang.submitted_at == datetime(2026, 10, 20, 22, 15, tzinfo=SHANGHAI)
    assert [a.data for a in attempts_of(intake, ALICE)] == [SCRIPT]
    assert "online text" in reasons_for(intake, "onlinetext.html")[0]
    assert reasons_for(intake, "Nobody Here") == ["no student named 'Nobody Here' in the roster"]
    assert "blind marking" in reasons_for(intake, "Participant")[0]
    assert "not the submission" in reasons_for(intake, "notes.txt")[0]


def test_two_students_of_the_same_name_are_not_guessed(submissions, course):
    """With two roster students named 李娜, is a Moodle file of that name listed, not given to either?"""
    roster = Roster([Student("1", "李娜"), Student("2", "李娜"), Student("3", "Wang Fang")])
    make_zip(submissions / A / "moodle.zip", {"李娜_9_assignsubmission_file_/attention.py": SCRIPT,
                                              "Wang Fang_8_assignsubmission_file_/attention.py": SCRIPT})
    intake = collect(submissions, roster, course, {A: "attention"})
    assert [a.student_id for a in intake.attempts] == ["3"]
    assert "2 students in the roster are named '李娜'" in intake.unplaced[0].reason


def test_a_gbk_named_moodle_entry_reaches_the_chinese_student(run, submissions):
    """Is an entry named in GBK without the UTF-8 flag (re-zipped on Chinese Windows) placed on 张伟?"""
    raw_zip(submissions / A / "moodle.zip", [
        RawEntry("张伟_123_assignsubmission_file_/作业1.py".encode("gbk"), SCRIPT),
        RawEntry("María García_124_assignsubmission_file_/attention.py".encode("utf-8"), SCRIPT, flags=0x800),
    ])
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ZHANG, MARIA]
    zhang = next(a for a in intake.attempts if a.student_id == ZHANG)
    assert zhang.origin.endswith("::张伟_123_assignsubmission_file_/作业1.py")


def test_an_extracted_moodle_download_is_read(run, submissions):
    """Are Moodle student folders on disk, loose or inside a folder of their own, read without times?"""
    put(submissions / A / "张伟_123_assignsubmission_file_" / "attention.ipynb", NOTEBOOK)
    put(submissions / A / "Moodle export" / "Alice Smith_124_assignsubmission_file_" / "attention.py")
    intake = run()
    assert sorted((a.student_id, a.source, a.submitted_at) for a in intake.attempts) == [
        (ZHANG, "moodle", None), (ALICE, "moodle", None)]
    assert intake.unplaced == []


def test_files_in_a_moodle_subfolder_are_listed(run, submissions):
    """Is a file in a subfolder of a student's Moodle folder listed, and the top file graded?"""
    make_zip(submissions / A / "moodle.zip", {"张伟_123_assignsubmission_file_/attention.py": SCRIPT,
                                              "张伟_123_assignsubmission_file_/lib/helper.py": SCRIPT})
    intake = run()
    assert len(intake.attempts) == 1 and "subfolder" in reasons_for(intake, "lib/helper.py")[0]
