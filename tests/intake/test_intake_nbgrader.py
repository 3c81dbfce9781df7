"""nbgrader's submitted/<student_id>/<assignment>/ layout (autograder.intake.nbgrader, through collect)."""

from datetime import datetime, timezone

from intake_builders import ALICE, BOB, NOTEBOOK, ZHANG, attempts_of, put, reasons_for

A = "ch01_attention"


def test_nbgrader_submissions_with_timestamps(run, submissions):
    """Is each submitted/<student>/<assignment>/ an attempt with nbgrader's UTC timestamp?"""
    put(submissions / "submitted" / ZHANG / A / "attention.ipynb", NOTEBOOK)
    put(submissions / "submitted" / ZHANG / A / "timestamp.txt", "2026-10-20 13:45:01.123456 UTC")
    put(submissions / "submitted" / ALICE / A / "作业1.ipynb", NOTEBOOK)
    intake = run()
    (zhang,) = attempts_of(intake, ZHANG)
    assert (zhang.file_name, zhang.source) == ("attention.ipynb", "nbgrader")
    assert zhang.submitted_at == datetime(2026, 10, 20, 13, 45, 1, 123456, tzinfo=timezone.utc)
    assert [a.submitted_at for a in attempts_of(intake, ALICE)] == [None]
    assert intake.unplaced == []


def test_unknown_students_and_assignments_are_listed(run, submissions):
    """Are an unknown student, an assignment not collected and loose files listed, and Bob still read?"""
    put(submissions / "submitted" / "ghost" / A / "attention.ipynb", NOTEBOOK)
    put(submissions / "submitted" / BOB / "ch02_transformer" / "transformer.ipynb", NOTEBOOK)
    put(submissions / "submitted" / BOB / A / "attention.ipynb", NOTEBOOK)
    put(submissions / "submitted" / BOB / "stray.py")
    intake = run()
    assert [a.student_id for a in intake.attempts] == [BOB]
    assert reasons_for(intake, "ghost") == ["student id 'ghost' is not in the roster"]
    assert reasons_for(intake, "ch02_transformer") == ["'ch02_transformer' is not an assignment being collected"]
    assert "loose file" in reasons_for(intake, "stray.py")[0]


def test_a_bad_nbgrader_timestamp_is_listed(run, submissions):
    """Is an unreadable timestamp.txt listed, with the attempt kept untimed?"""
    put(submissions / "submitted" / ZHANG / A / "attention.ipynb", NOTEBOOK)
    put(submissions / "submitted" / ZHANG / A / "timestamp.txt", "2026-10-20 13:45:01 EST")
    intake = run()
    assert [a.submitted_at for a in intake.attempts] == [None]
    assert "ambiguous" in reasons_for(intake, "timestamp.txt")[0]
