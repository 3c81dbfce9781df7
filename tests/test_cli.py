"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from autograder.assignment import REPO_ROOT, load_assignment

REQUIRED_TOP = {"score", "execution_time", "output", "tests", "extra_data"}
REQUIRED_TEST = {"name", "score", "max_score", "status", "output", "visibility", "tags"}
REQUIRED_EXTRA = {"assignment", "student_id", "submission_sha256", "isolation", "device", "torch_version"}
TAGS = {"api", "shape", "dtype", "numerics", "gradient", "convergence", "parity", "determinism"}


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=600, **kwargs)


def test_help_does_not_import_torch():
    """Does `autograder --help` answer without importing torch (so it is instant)?"""
    code = "import sys; from autograder.commands import main; main(['--help'])\n"
    probe = subprocess.run([sys.executable, "-c", code + "assert 'torch' not in sys.modules, 'torch imported'"],
                           capture_output=True, text=True, cwd=REPO_ROOT)
    assert probe.returncode == 0, probe.stderr
    assert "grade-one" in probe.stdout


def test_unknown_command_is_a_usage_error():
    """Does an unknown subcommand exit with status 2 and say so?"""
    result = run("frobnicate")
    assert result.returncode == 2 and "unknown command" in result.stderr


def test_unknown_assignment_is_a_clear_error():
    """Does grading an unknown assignment fail with the list of known ones, not a traceback?"""
    result = run("grade-one", "no_such_assignment", "x.py")
    assert result.returncode == 1 and "unknown assignment" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_grade_one_json_is_a_valid_results_document():
    """Does `grade-one --json` print one Gradescope-style results document with our extra_data?"""
    path = load_assignment("ch01_attention").reference_path
    result = run("grade-one", "ch01_attention", str(path), "--json", "--student-id", "s001")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert REQUIRED_TOP <= set(document)
    assert REQUIRED_EXTRA <= set(document["extra_data"])
    assert document["extra_data"]["student_id"] == "s001"
    for test in document["tests"]:
        assert REQUIRED_TEST <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
        assert set(test["tags"]) <= TAGS and test["tags"]
    assert document["score"] == sum(t["score"] for t in document["tests"])


def test_mistakes_command_grades_a_mistake_below_full_marks_with_its_hint():
    """Does `autograder mistakes` grade a named mistake, find it caught with its hint, and refuse
    a name the catalogue does not have?"""
    result = run("mistakes", "ch01_attention", "softmax_over_queries")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "softmax_over_queries" in result.stdout and " ok " in result.stdout
    unknown = run("mistakes", "ch01_attention", "no_such_mistake")
    assert unknown.returncode != 0 and "no mistake named no_such_mistake" in unknown.stderr


def test_calibration_reads_what_a_convergence_test_recorded():
    """Does the calibration bench find convergence tests and their value beside its threshold?"""
    from autograder.bench.calibration import convergence_tests, measured

    test = {"name": "train: accuracy", "tags": ["convergence"], "status": "passed",
            "extra_data": {"function": "train", "record": {"loss_curve": [1.0, 0.5], "held-out accuracy": 0.97,
                                                           "held-out accuracy threshold": 0.9}}}
    other = {"name": "f: shape", "tags": ["shape"], "status": "passed", "extra_data": {"function": "f"}}
    assert convergence_tests({"tests": [test, other]}) == {"train": [test]}
    assert measured(test) == {"held-out accuracy": (0.97, 0.9)}
