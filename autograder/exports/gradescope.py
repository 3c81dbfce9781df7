"""Gradescope autograder results: one ``results.json`` per graded submission.

Written to ``<out>/gradescope/<assignment>/<student_id>/results.json``: the results document
stored for the counted attempt, re-serialised as it is (``extra_data`` included), after checking
it has the shape Gradescope documents: top-level ``score``, ``execution_time``, ``output`` and
``tests``, each test with ``name``, ``score``, ``max_score``, ``status``, ``output`` and
``visibility``. ``score`` is the suite's raw score, before our late penalty and without
hand-graded components: Gradescope applies its own late policy and rubric. JSON is ASCII with
``\\u`` escapes, so no reader can mistake its encoding; a NaN or infinity deep in ``extra_data``
(a diverged loss curve) is written as ``null``, since strict JSON readers refuse them.

Missing submissions have no file; pending ones are listed as "not graded yet"; a document that
fails the check, or an id that cannot be a folder name, is listed and has no file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from numbers import Real
from pathlib import Path

from autograder.course.config import CourseConfig
from autograder.exports.base import ExportResult
from autograder.exports.table import GradeTable, describe
from autograder.exports.writing import write_atomic
from autograder.gradebook.final import GRADED, FinalGrade

TOP_LEVEL = ("score", "execution_time", "output", "tests")
TEST_FIELDS = ("name", "score", "max_score", "status", "output", "visibility")
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
STATUSES = ("passed", "failed")
_FOLDER_NAME = re.compile(r"[^\x00-\x1f/\\:*?\"<>|]+")


class GradescopeExporter:
    """Gradescope ``results.json`` files, one per graded submission."""

    name = "gradescope"
    folder = "gradescope"

    def export(self, grades: Sequence[FinalGrade], course: CourseConfig, out_dir: Path) -> ExportResult:
        table = GradeTable.of(grades)
        result = ExportResult(unplaced=table.pending())
        for grade in grades:
            if grade.status != GRADED:
                continue
            where = f"{describe(grade.student)}, assignment {grade.assignment}"
            problems = results_problems(grade.results)
            names = (grade.assignment, grade.student.student_id)
            bad_names = [n for n in names if not _FOLDER_NAME.fullmatch(n) or n.strip(".") == ""]
            if bad_names:
                problems.append(f"{bad_names[0]!r} cannot be a folder name")
            if problems:
                result.unplaced.append(f"{where}: no results.json ({'; '.join(problems)})")
                continue
            path = out_dir / self.folder / grade.assignment / grade.student.student_id / "results.json"
            data = json.dumps(_finite_only(grade.results), indent=1, allow_nan=False) + "\n"
            result.paths.append(write_atomic(path, data.encode("ascii")))
        return result


def results_problems(results: object) -> list[str]:
    """What keeps ``results`` from being a Gradescope ``results.json`` (empty when nothing does)."""
    if not isinstance(results, dict):
        return ["no results document"]
    problems = [f"no top-level {key!r}" for key in TOP_LEVEL if key not in results]
    for key in ("score", "execution_time"):
        if key in results and not _finite(results[key]):
            problems.append(f"top-level {key!r} is {results[key]!r}, not a number")
    if "output" in results and not isinstance(results["output"], str):
        problems.append("top-level 'output' is not text")
    if "visibility" in results and results["visibility"] not in VISIBILITIES:
        problems.append(f"top-level visibility {results['visibility']!r} is not one of {VISIBILITIES}")
    tests = results.get("tests", [])
    if not isinstance(tests, list):
        return problems + ["'tests' is not a list"]
    for index, test in enumerate(tests):
        if not isinstance(test, dict):
            problems.append(f"tests[{index}] is not an object")
            continue
        problems += [f"tests[{index}] has no {key!r}" for key in TEST_FIELDS if key not in test]
        for key in ("score", "max_score"):
            if key in test and not _finite(test[key]):
                problems.append(f"tests[{index}] {key!r} is {test[key]!r}, not a number")
        if "status" in test and test["status"] not in STATUSES:
            problems.append(f"tests[{index}] status {test['status']!r} is not one of {STATUSES}")
        if "visibility" in test and test["visibility"] not in VISIBILITIES:
            problems.append(f"tests[{index}] visibility {test['visibility']!r} is not one of {VISIBILITIES}")
    return problems


def _finite(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


def _finite_only(value: object) -> object:
    """``value`` with every NaN and infinity replaced by ``None``."""
    if isinstance(value, float) and not _finite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite_only(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_only(item) for item in value]
    return value
