"""otter-grader's export zip is accepted as a submission: intake picks the notebook inside."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from venvs import run_in

from autograder.course.config import CourseConfig
from autograder.course.roster import Roster, Student
from autograder.intake import collect

A = "ch01_attention"
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def otter_like_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def intake_of(submissions: Path):
    roster = Roster([Student("2024001", "张伟"), Student("2024002", "Alice Smith")])
    return collect(submissions, roster, CourseConfig(timezone="Asia/Shanghai"), {A: "attention"})


def test_an_otter_export_zip_is_its_notebook(tmp_path):
    """Does intake grade the notebook inside an otter export, list the PDF beside it, and skip otter's
    bookkeeping (its log, __zip_filename__, the .otter file) silently?"""
    folder = tmp_path / "submissions" / A / "2024001"
    folder.mkdir(parents=True)
    (folder / "attention_2026_10_20T13_45_01_123456.zip").write_bytes(otter_like_zip({
        "attention.ipynb": NOTEBOOK, "attention.pdf": b"%PDF-1.4", ".OTTER_LOG": b"\x80\x04pickle",
        "__zip_filename__": b"attention_2026_10_20T13_45_01_123456.zip", "ch01.otter": b"{}"}))
    (folder / "submitted_at.txt").write_text("2026-10-20 21:45")
    intake = intake_of(tmp_path / "submissions")
    (attempt,) = intake.attempts
    assert (attempt.student_id, attempt.file_name, attempt.data) == ("2024001", "attention.ipynb", NOTEBOOK)
    assert attempt.origin.endswith(".zip::attention.ipynb") and attempt.submitted_at is not None
    assert [(u.origin.rsplit("::", 1)[-1], u.reason.split(";")[0]) for u in intake.unplaced] == [
        ("attention.pdf", "not the submission")]


def test_a_zip_that_is_not_an_otter_export_is_not_opened(tmp_path):
    """Is any other zip in a student's folder still just a file, listed as before?"""
    folder = tmp_path / "submissions" / A / "2024002"
    folder.mkdir(parents=True)
    (folder / "homework.zip").write_bytes(otter_like_zip({"attention.ipynb": NOTEBOOK}))
    intake = intake_of(tmp_path / "submissions")
    assert intake.attempts == []
    assert [u.reason for u in intake.unplaced] == ["no .py or .ipynb file in this attempt"]


@pytest.mark.slow
def test_a_real_otter_export_is_accepted(otter_venv, tmp_path):
    """Does a zip written by otter-grader 7's Notebook.export() become an attempt of its notebook?"""
    work = tmp_path / "work"
    work.mkdir()
    notebook = (Path(__file__).resolve().parents[2] / "assignments" / A / "attention.ipynb").read_bytes()
    (work / "attention.ipynb").write_bytes(notebook)
    export = ("import otter\n"
              "otter.Notebook(tests_dir='tests').export('attention.ipynb', pdf=False, display_link=False)\n")
    run_in(otter_venv, str(otter_venv / "bin" / "python"), "-c", export, cwd=work)
    (zip_path,) = work.glob("attention_*.zip")
    folder = tmp_path / "submissions" / A / "2024001"
    folder.mkdir(parents=True)
    (folder / zip_path.name).write_bytes(zip_path.read_bytes())
    intake = intake_of(tmp_path / "submissions")
    (attempt,) = intake.attempts
    assert attempt.file_name == "attention.ipynb" and attempt.data == notebook
    assert intake.unplaced == [], intake.unplaced
