"""A small class to report on, and a headless Chromium to look at the pages.

Roster (the second name is a script, the fourth id is not a safe file name)::

    2024101  王芳                          graded, catalogued mistakes (real document, trimmed)
    2024102  <script>alert(1)</script>     graded, unfinished, 1 day late x0.9 (real document, trimmed)
    2024103  Bob Bystander                 graded, small built document with a hidden test
    ../2024/104  周婷                       missing

Two results documents come from real ``autograder grade-one`` runs (``fixtures/``, loss curves
thinned to every 8th step); the others are built here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autograder.course.locations import REPORTS
from autograder.course.roster import Student
from autograder.gradebook.final import GRADED, MISSING, FinalGrade
from autograder.gradebook.manual import ManualScore

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ASSIGNMENT = "ch01_attention"
TITLE = "第 1 章 注意力机制 · Attention mechanisms"
SCRIPT_NAME = "<script>alert(1)</script>"
SCREENSHOTS = REPORTS / "test_screenshots"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def make_test(name: str, function: str, *, passed: bool, points: float = 2.0, output: str = "",
              visibility: str = "visible", record: dict | None = None, tags=("numerics",)) -> dict:
    """One results-document test entry, as ``autograder.results.document`` writes it."""
    return {"name": name, "score": points if passed else 0.0, "max_score": points,
            "status": "passed" if passed else "failed", "output": output or ("passed" if passed else "failed"),
            "visibility": visibility, "tags": list(tags),
            "extra_data": {"nodeid": f"test_x.py::{name}", "function": function,
                           "outcome": "passed" if passed else "failed", "duration": 0.01, "record": record or {}}}


def make_results(student_id: str, tests: list[dict], **extra) -> dict:
    """A results document around ``tests``; ``extra`` overrides fields of ``extra_data``."""
    extra_data = {"schema": 1, "assignment": ASSIGNMENT, "student_id": student_id,
                  "max_score": sum(t["max_score"] for t in tests), "submission_name": "attention.py",
                  "submission_sha256": "ab" * 32, "isolation": {"summary": "process group, rlimits, seccomp"},
                  "device": "cpu", "parity_mode": "meta", "torch_version": "2.14.1", "python_version": "3.11.7",
                  "autograder_version": "0.1.0", "suite_version": "0123456789abcdef", "load_messages": [],
                  "dropped_statements": [], "skipped_tests": [], "grader_errors": []}
    extra_data.update(extra)
    return {"score": sum(t["score"] for t in tests), "execution_time": 3.5, "output": "", "visibility": "visible",
            "tests": tests, "extra_data": extra_data}


def graded_row(student: Student, results: dict, *, days_late: int = 0, multiplier: float = 1.0,
               manual: tuple[ManualScore, ...] = (), points: float = 100.0) -> FinalGrade:
    """A graded row computed the way ``autograder.gradebook.final`` computes it."""
    auto_max = results["extra_data"]["max_score"]
    auto_points = round(results["score"] / auto_max * points * multiplier, 4)
    report_max = sum(m.max_score for m in manual)
    return FinalGrade(student, ASSIGNMENT, GRADED, auto_score=results["score"], auto_max=auto_max, points=points,
                      days_late=days_late, late_multiplier=multiplier, auto_points=auto_points, manual=manual,
                      total=round(auto_points + sum(m.score or 0 for m in manual), 4),
                      total_max=points + report_max, results=results)


# A hidden test's record carries values the student must never see: the reference's curve, the
# expected heatmap (0.97 everywhere) and a threshold; the student's own curve may be shown.
HIDDEN_EXPECTED_VALUE = 0.97
HIDDEN_REFERENCE_CURVE = [9.1234, 8.1234, 7.1234]


class Kit:
    """What the tests build with: ``kit.make_test``, ``kit.make_results``, ``kit.graded_row`` and the constants."""

    ASSIGNMENT, TITLE, SCRIPT_NAME = ASSIGNMENT, TITLE, SCRIPT_NAME
    HIDDEN_EXPECTED_VALUE, HIDDEN_REFERENCE_CURVE = HIDDEN_EXPECTED_VALUE, HIDDEN_REFERENCE_CURVE
    make_test, make_results, graded_row = staticmethod(make_test), staticmethod(make_results), staticmethod(graded_row)
    load_fixture = staticmethod(load_fixture)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
def bystander_results() -> dict:
    return make_results("2024103", [
        make_test("masked_softmax: signature", "masked_softmax", passed=True, output="Is it defined?",
                  tags=("api",)),
        make_test("masked_softmax: sums to one", "masked_softmax", passed=False,
                  output="masked_softmax(float32[2, 3, 5]): output has shape [2, 5, 3], expected [2, 3, 5]\n"
                         "Hint (common mistake `bystander_mistake`): 旁观者的错误 / BYSTANDER-ONLY MESSAGE"),
        make_test("train: converges (hidden)", "train", passed=False, visibility="hidden",
                  output="held-out accuracy is 0.41; more is needed",
                  record={"loss_curve": [3.0, 2.5, float("nan"), 2.0], "reference_loss_curve": HIDDEN_REFERENCE_CURVE,
                          "heatmap": {"student": [[0.1, 0.2], [0.3, 0.4]],
                                      "expected": [[HIDDEN_EXPECTED_VALUE] * 2] * 2},
                          "held-out accuracy threshold": 0.8765}),
        make_test("attention: heatmap", "attention", passed=False, output="the weights differ",
                  record={"heatmap": {"student": [[0.25, 0.75], [0.5, 0.5]], "expected": [[0.125, 0.875], [0.5, 0.5]],
                                      "x_labels": ["k0", "k1"], "y_labels": ["q0", "q1"]}}),
    ], load_messages=["attention.py, line 9: SyntaxError at line 9: expected ':' (so train could not be graded)"],
        dropped_statements=["attention.py, line 40: if"])


@pytest.fixture
def students() -> list[Student]:
    return [Student("2024101", "王芳"), Student("2024102", SCRIPT_NAME), Student("2024103", "Bob Bystander"),
            Student("../2024/104", "周婷")]


@pytest.fixture
def grades(students, bystander_results) -> list[FinalGrade]:
    wang, script, bob, zhou = students

    def report(student, score):
        return (ManualScore(ASSIGNMENT, student.student_id, "report", score, 20.0, "对比实验清楚"),)

    mistakes = load_fixture("catalogued_mistakes")
    unfinished = load_fixture("unfinished_submission")
    return [
        graded_row(wang, mistakes, manual=report(wang, 18.0)),
        graded_row(script, unfinished, days_late=1, multiplier=0.9, manual=report(script, 15.0)),
        graded_row(bob, bystander_results),
        FinalGrade(zhou, ASSIGNMENT, MISSING, auto_max=90.0, points=100.0, total=0.0, total_max=120.0),
    ]


@pytest.fixture
def row_of(grades):
    """row_of(student_id) -> that student's row."""
    return lambda student_id: next(row for row in grades if row.student.student_id == student_id)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's ``chromium`` (or a compatible binary); skips when none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless browser tests need Chromium: apt-get install chromium (make setup installs it)")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where browser tests leave screenshots for a person to look at (kept after the run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
