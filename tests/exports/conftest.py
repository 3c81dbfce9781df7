"""A small class to export: four students, two assignments, every status.

Roster (``dangerous_name`` is the second student's name, a formula by default):

    2024001  张伟               canvas 10001  sis S2024001  zhangwei
    2024002  =cmd|' /C calc'!A0 canvas 10002  sis S2024002  eve
    2024003  Alice Smith        no canvas id  sis S2024003  alice
    2024004  O'Brien, Bob       no canvas id  no sis id     bob

Assignments: ``ch01_attention`` (100 autograded points + a 20-point report; Canvas id 1234,
Blackboard id ``_5678_1``) and ``ch02_transformer`` (50 points; no LMS ids).

    ch01: 张伟 graded 45/50 + report 18 = 108/120;  =cmd graded 50/50 + 20 = 120;
          Alice pending (report 15);  Bob missing, report 10 -> 10
    ch02: 张伟 graded 8/10, 1 day late x0.9 = 36/50;  =cmd missing, nothing;
          Alice graded 7.5/10 = 37.5;  Bob graded 3.33333/10 = 16.6667
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.course.config import AssignmentConfig, CourseConfig
from autograder.course.roster import Student
from autograder.gradebook.final import GRADED, MISSING, PENDING, FinalGrade
from autograder.gradebook.manual import ManualScore

CMD_NAME = "=cmd|' /C calc'!A0"
CH01, CH02 = "ch01_attention", "ch02_transformer"


def results_document(assignment: str, student_id: str, tests: list[tuple[str, float, float]]) -> dict:
    """A Gradescope-format results document; a test passes when it has full marks."""
    score = round(sum(t[1] for t in tests), 6)
    return {
        "score": score,
        "execution_time": 1.25,
        "output": f"{assignment}: {score:g}",
        "visibility": "visible",
        "tests": [{"name": name, "score": got, "max_score": out_of,
                   "status": "passed" if got == out_of else "failed", "output": "",
                   "visibility": "visible", "tags": ["numerics"]} for name, got, out_of in tests],
        "extra_data": {"assignment": assignment, "student_id": student_id,
                       "max_score": round(sum(t[2] for t in tests), 6)},
    }


@pytest.fixture
def dangerous_name() -> str:
    return CMD_NAME


@pytest.fixture
def students(dangerous_name) -> list[Student]:
    return [
        Student("2024001", "张伟", "zhangwei@example.edu", "S2024001", "A", "10001", "zhangwei"),
        Student("2024002", dangerous_name, "eve@example.edu", "S2024002", "A", "10002", "eve"),
        Student("2024003", "Alice Smith", "alice@example.edu", "S2024003", "B", "", "alice"),
        Student("2024004", "O'Brien, Bob", "bob@example.edu", "", "B", "", "bob"),
    ]


@pytest.fixture
def course() -> CourseConfig:
    return CourseConfig(name="Transformer 与前沿深度学习", assignments={
        CH01: AssignmentConfig(CH01, points=100, report_points=20, canvas_id="1234", blackboard_id="_5678_1"),
        CH02: AssignmentConfig(CH02, points=50),
    })


@pytest.fixture
def grades(students) -> list[FinalGrade]:
    zhang, cmd, alice, bob = students

    def report(student, score):
        return (ManualScore(CH01, student.student_id, "report", score, 20.0, "实验报告"),)

    def graded(student, assignment, points, tests, manual=(), days_late=0, multiplier=1.0):
        results = results_document(assignment, student.student_id, tests)
        auto_max = results["extra_data"]["max_score"]
        auto_points = round(results["score"] / auto_max * points * multiplier, 4)
        manual_points = sum(m.score or 0.0 for m in manual)
        return FinalGrade(student, assignment, GRADED, auto_score=results["score"], auto_max=auto_max, points=points,
                          days_late=days_late, late_multiplier=multiplier, auto_points=auto_points, manual=manual,
                          total=round(auto_points + manual_points, 4), total_max=points + (20.0 if manual else 0.0),
                          results=results)

    ch01_tests = lambda a, b, c: [("masked_softmax: signature", a, 5.0), ("-inf logits stay finite", b, 25.0),
                                  ("attention: gradients", c, 20.0)]
    ch02_tests = lambda a, b: [("encoder: shape", a, 4.0), ("encoder: numerics", b, 6.0)]
    return [
        graded(zhang, CH01, 100.0, ch01_tests(5.0, 20.0, 20.0), report(zhang, 18.0)),
        graded(cmd, CH01, 100.0, ch01_tests(5.0, 25.0, 20.0), report(cmd, 20.0)),
        FinalGrade(alice, CH01, PENDING, auto_max=50.0, points=100.0, manual=report(alice, 15.0), total=15.0,
                   total_max=120.0),
        FinalGrade(bob, CH01, MISSING, auto_max=50.0, points=100.0, manual=report(bob, 10.0), total=10.0,
                   total_max=120.0),
        graded(zhang, CH02, 50.0, ch02_tests(4.0, 4.0), days_late=1, multiplier=0.9),
        FinalGrade(cmd, CH02, MISSING, auto_max=10.0, points=50.0, total=0.0, total_max=50.0),
        graded(alice, CH02, 50.0, ch02_tests(4.0, 3.5)),
        graded(bob, CH02, 50.0, ch02_tests(3.33333, 0.0)),
    ]


@pytest.fixture
def expected_points() -> dict[tuple[str, str], float | None]:
    """What each LMS cell must say, in points; None is a blank cell."""
    return {
        ("2024001", CH01): 108.0, ("2024002", CH01): 120.0, ("2024003", CH01): None, ("2024004", CH01): 10.0,
        ("2024001", CH02): 36.0, ("2024002", CH02): None, ("2024003", CH02): 37.5, ("2024004", CH02): 16.67,
    }


@pytest.fixture
def points_possible() -> dict[str, float]:
    return {CH01: 120.0, CH02: 50.0}


@pytest.fixture
def out_dir(tmp_path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def read_sheet():
    """read_sheet(path) -> rows of cells."""
    return _read_sheet


def _read_sheet(path: Path) -> list[list[str]]:
    """The cells of a written table: UTF-16 (with its mark) for ``.xls``, else UTF-8; tab for ``.xls``."""
    data = path.read_bytes()
    if data.startswith(b"\xff\xfe"):
        content = data[2:].decode("utf-16-le")
    else:
        content = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline=""), delimiter="\t" if path.suffix == ".xls" else ","))
