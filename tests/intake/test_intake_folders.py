"""Plain folders: submissions/<assignment>/<student_id>/ (autograder.intake.folders, through collect)."""

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from intake_builders import ALICE, BOB, MARIA, NOTEBOOK, SCRIPT, ZHANG, attempts_of, put, reasons_for

from autograder.intake import collect

SHANGHAI = ZoneInfo("Asia/Shanghai")
A = "ch01_attention"


def test_one_attempt_with_its_time(run, submissions):
    """Does a student folder become one Attempt with the file, the time in the course zone, and its origin?"""
    put(submissions / A / ZHANG / "attention.ipynb", NOTEBOOK)
    put(submissions / A / ZHANG / "submitted_at.txt", "2026-10-20 23:58\n")
    intake = run()
    (attempt,) = intake.attempts
    assert (attempt.assignment, attempt.student_id) == (A, ZHANG)
    assert (attempt.file_name, attempt.data) == ("attention.ipynb", NOTEBOOK)
    assert attempt.submitted_at == datetime(2026, 10, 20, 23, 58, tzinfo=SHANGHAI)
    assert (attempt.source, attempt.origin) == ("folder", f"{A}/{ZHANG}/attention.ipynb")
    assert intake.unplaced == []


def test_every_attempt_folder_is_recorded_with_its_own_time(run, submissions):
    """With several attempt folders, is each an Attempt with its time, untimed first, then by time?"""
    student = submissions / A / ALICE
    put(student / "try10" / "attention.py", b"# third\n")
    put(student / "try10" / "submitted_at.txt", "2026-10-21T01:00:00+08:00")
    put(student / "try2" / "attention (1).py", b"# second\n")
    put(student / "try2" / "submitted_at.txt", "2026-10-20 12:00")
    put(student / "draft" / "attention.py", b"# no time\n")
    attempts = attempts_of(run(), ALICE)
    assert [a.data for a in attempts] == [b"# no time\n", b"# second\n", b"# third\n"]
    assert [a.submitted_at for a in attempts] == [None, datetime(2026, 10, 20, 12, tzinfo=SHANGHAI),
                                                  datetime(2026, 10, 20, 17, tzinfo=timezone.utc)]
    assert {a.file_name for a in attempts} == {"attention.py"}


def test_unknown_student_and_unknown_assignment_are_listed_file_by_file(run, submissions):
    """Are files of a student not in the roster and of an assignment not collected listed, and others kept?"""
    put(submissions / A / "2099999" / "attention.py")
    put(submissions / A / "2099999" / "notes" / "x.txt")
    put(submissions / "ch09_diffusion" / ZHANG / "diffusion.py")
    put(submissions / A / BOB / "attention.py")
    intake = run()
    assert [a.student_id for a in intake.attempts] == [BOB]
    assert reasons_for(intake, "2099999") == ["folder '2099999' is not a student id in the roster"] * 2
    (reason,) = reasons_for(intake, "ch09_diffusion")
    assert "'ch09_diffusion' is not an assignment being collected (collected: ch01_attention)" in reason


def test_notebook_and_script_in_one_attempt(run, submissions):
    """With attention.ipynb and attention.py together, is the notebook graded and the script listed?"""
    put(submissions / A / ZHANG / "attention.ipynb", NOTEBOOK)
    put(submissions / A / ZHANG / "attention.py")
    intake = run()
    assert [a.file_name for a in intake.attempts] == ["attention.ipynb"]
    assert reasons_for(intake, "attention.py") == ["two submissions in one attempt; graded the notebook attention.ipynb"]


def test_ambiguous_and_empty_attempts_are_listed(run, submissions):
    """Are an attempt with two unrelated notebooks and an empty student folder listed, not graded?"""
    put(submissions / A / ZHANG / "a.ipynb", NOTEBOOK)
    put(submissions / A / ZHANG / "b.ipynb", NOTEBOOK)
    (submissions / A / ALICE).mkdir(parents=True)
    intake = run()
    assert intake.attempts == []
    assert len(reasons_for(intake, ZHANG)) == 2
    assert all("ambiguous" in r for r in reasons_for(intake, ZHANG))
    assert reasons_for(intake, ALICE) == ["empty: no submission in this student's folder"]


def test_junk_is_ignored_silently(run, submissions):
    """Are hidden files, __pycache__ and .ipynb_checkpoints skipped without any record?"""
    student = submissions / A / ZHANG
    put(student / "attention.py")
    put(student / ".DS_Store", b"\0")
    put(student / "__pycache__" / "attention.cpython-311.pyc", b"\0")
    put(student / ".ipynb_checkpoints" / "attention-checkpoint.ipynb", NOTEBOOK)
    intake = run()
    assert len(intake.attempts) == 1 and intake.unplaced == []


def test_a_bad_time_file_keeps_the_attempt_without_a_time(run, submissions):
    """Is an unreadable submitted_at.txt listed with why, and the attempt still recorded (untimed)?"""
    put(submissions / A / ZHANG / "attention.py")
    put(submissions / A / ZHANG / "submitted_at.txt", "last Tuesday")
    intake = run()
    assert [a.submitted_at for a in intake.attempts] == [None]
    (reason,) = reasons_for(intake, "submitted_at.txt")
    assert "not a date and time" in reason and "without a time" in reason


def test_a_time_file_alone_is_listed(run, submissions):
    """Is a student-level submitted_at.txt with only attempt folders beside it listed?"""
    put(submissions / A / ZHANG / "submitted_at.txt", "2026-10-20 12:00")
    put(submissions / A / ZHANG / "try1" / "attention.py")
    intake = run()
    assert len(intake.attempts) == 1
    assert "needs its own submitted_at.txt" in reasons_for(intake, "submitted_at.txt")[0]


def test_symlinks_are_not_followed(run, submissions, tmp_path):
    """Is a link to a secret file listed as a link instead of being read as the submission?"""
    secret = put(tmp_path / "id_rsa", b"PRIVATE KEY")
    link = submissions / A / ZHANG / "attention.py"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    put(submissions / A / ALICE / "attention.py")
    intake = run()
    assert [a.student_id for a in intake.attempts] == [ALICE]
    assert all(b"PRIVATE" not in a.data for a in intake.attempts)
    assert "symbolic link" in reasons_for(intake, ZHANG)[0]


def test_files_nested_too_deep_are_listed(run, submissions):
    """Are files two folders down an attempt listed, and the attempt's own file graded?"""
    put(submissions / A / ZHANG / "try1" / "attention.py")
    put(submissions / A / ZHANG / "try1" / "src" / "helper.py")
    intake = run()
    assert len(intake.attempts) == 1
    assert reasons_for(intake, "src/helper.py") == ["nested too deep: an attempt's files sit directly in its folder"]


def test_odd_names_on_disk_are_graded_under_the_module_name(run, submissions):
    """Are a shell-metacharacter name and a GBK-encoded name graded as attention.py, with printable origins?"""
    put(submissions / A / ZHANG / "$(touch pwned);`id`|x & y.py")
    gbk_folder = os.fsencode(submissions / A / ALICE)
    os.makedirs(gbk_folder)
    with open(os.path.join(gbk_folder, "作业1.py".encode("gbk")), "wb") as handle:
        handle.write(SCRIPT)
    intake = run()
    assert [(a.student_id, a.file_name) for a in intake.attempts] == [(ZHANG, "attention.py"), (ALICE, "attention.py")]
    assert intake.attempts[1].origin == f"{A}/{ALICE}/作业1.py"
    assert intake.attempts[0].origin.endswith("$(touch pwned);`id`|x & y.py")
    assert not (submissions / "pwned").exists() and not os.path.exists("pwned")


def test_files_over_the_cap_are_listed_not_read(run, submissions):
    """Is a 60 MiB file refused with the reason rather than read into memory?"""
    big = submissions / A / ZHANG / "attention.py"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as handle:
        handle.truncate(60 * 2**20)
    intake = run()
    assert intake.attempts == []
    assert "larger than 50 MiB" in reasons_for(intake, ZHANG)[0]


def test_stray_files_are_listed(run, submissions):
    """Are files outside any assignment folder, loose files, and other archive types listed?"""
    put(submissions / "attention.py")
    put(submissions / "canvas.zip", b"")
    put(submissions / A / "attention.py")
    put(submissions / A / "all.tar.gz", b"")
    intake = run()
    assert intake.attempts == []
    assert sorted(u.origin for u in intake.unplaced) == sorted(
        ["attention.py", "canvas.zip", f"{A}/attention.py", f"{A}/all.tar.gz"])
    assert "move it into submissions/<assignment>/" in reasons_for(intake, "canvas.zip")[0]


def test_missing_submissions_folder_raises(roster, course, tmp_path):
    """Is a missing submissions folder a clear error, not an empty intake?"""
    with pytest.raises(FileNotFoundError, match="no submissions folder"):
        collect(tmp_path / "nope", roster, course, {A: "attention"})


def test_a_failing_student_folder_does_not_stop_the_others(run, submissions, monkeypatch):
    """If reading one student's folder blows up, is that one record and are the others still read?"""
    from autograder.intake import folders

    real = folders.read_attempt_folder

    def explode(folder, *args, **kwargs):
        if MARIA in str(folder):
            raise RuntimeError("disk on fire")
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(folders, "read_attempt_folder", explode)
    put(submissions / A / MARIA / "try1" / "attention.py")
    put(submissions / A / BOB / "attention.py")
    intake = run()
    assert [a.student_id for a in intake.attempts] == [BOB]
    assert reasons_for(intake, MARIA) == ["intake failed here (RuntimeError: disk on fire); everything else was read"]
