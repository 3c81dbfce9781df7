"""Fixtures of the intake tests: a roster of four (one Chinese name), a course, a submissions folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from intake_builders import ALICE, ASSIGNMENTS, BOB, MARIA, ZHANG

from autograder.course.config import CourseConfig
from autograder.course.roster import Roster, Student
from autograder.intake import collect


@pytest.fixture
def roster() -> Roster:
    """Four students, one with a Chinese name, each with a Canvas id."""
    return Roster([
        Student(ZHANG, "张伟", canvas_id="10001"),
        Student(ALICE, "Alice Smith", canvas_id="10002"),
        Student(BOB, "Bob Lee", canvas_id="10003"),
        Student(MARIA, "María García", canvas_id="10004"),
    ])


@pytest.fixture
def course() -> CourseConfig:
    return CourseConfig(timezone="Asia/Shanghai")


@pytest.fixture
def submissions(tmp_path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    return folder


@pytest.fixture
def run(submissions, roster, course):
    """run() -> Intake of the submissions folder, for ASSIGNMENTS."""
    return lambda assignments=ASSIGNMENTS: collect(submissions, roster, course, assignments)
