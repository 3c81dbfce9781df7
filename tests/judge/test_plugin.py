"""The judge plugin maps every pytest outcome to a graded status, explicitly."""

from __future__ import annotations

import types

import pytest

from autograder.judge.runner import GradingRun, _run_suite

SUITE = '''
import pytest

@pytest.mark.covers("f")
class TestF:
    @pytest.mark.grade(2, "numerics")
    def test_passes(self, student):
        """Does it pass?"""
        assert student == "stub"

    @pytest.mark.grade(3, "numerics")
    def test_fails(self, student):
        assert False, "the student's value is wrong"

    @pytest.mark.grade(1, "api")
    def test_skipped(self):
        pytest.skip("needs CUDA")

    @pytest.mark.grade(1, "api")
    def test_grader_bug(self, reference):
        return {}["missing"]

    @pytest.mark.grade(1, "api")
    @pytest.mark.xfail(reason="odd")
    def test_xfail(self):
        assert False

    @pytest.mark.grade(1, "api")
    @pytest.mark.parametrize("n", [1, 2])
    def test_param(self, n):
        pass
'''


def run_suite(tmp_path, text: str, only=frozenset()) -> GradingRun:
    # A unique file name: pytest keeps imported test modules by name within one process.
    (tmp_path / f"test_{tmp_path.name}.py").write_text(text)
    assignment = types.SimpleNamespace(suite_dir=tmp_path)
    submission = types.SimpleNamespace(fatal=None)
    sandbox = types.SimpleNamespace(close=lambda: None)
    run = GradingRun(assignment, submission, sandbox, student="stub", reference=object(), only=only)
    _run_suite(run)
    return run


def test_outcomes_map_to_points_and_statuses(tmp_path):
    """Passed earns the points; failed, grader error and xfail earn 0; a skip is left out; params count each?"""
    run = run_suite(tmp_path, SUITE)
    outcomes = {r.name: (r.outcome, r.score, r.points) for r in run.results}
    assert outcomes == {
        "f: passes": ("passed", 2.0, 2.0),
        "f: fails": ("failed", 0.0, 3.0),
        "f: skipped": ("skipped", 0.0, 1.0),
        "f: grader bug": ("failed", 0.0, 1.0),
        "f: xfail": ("failed", 0.0, 1.0),
        "f: param [n=1]": ("passed", 1.0, 1.0),
        "f: param [n=2]": ("passed", 1.0, 1.0),
    }
    by_name = {r.name: r for r in run.results}
    assert by_name["f: fails"].message == "the student's value is wrong"
    assert "not your fault" in by_name["f: grader bug"].message and "KeyError" in by_name["f: grader bug"].grader_error
    assert by_name["f: passes"].description == "Does it pass?"


def test_only_selects_tests_by_the_function_they_cover(tmp_path):
    """Does `only` run just the tests covering the named function?"""
    assert run_suite(tmp_path, SUITE, only=frozenset({"g"})).results == []


@pytest.mark.parametrize("mark", ['grade("2", "api")', 'grade(1, "vibes")', 'grade(1)', 'grade(1, "api", points=3)',
                                  'grade(1, "api", visibility="secret")'])
def test_malformed_grade_markers_are_errors(tmp_path, mark):
    """Are wrong points, unknown tags, missing tags and unknown keywords refused, not ignored?"""
    run = run_suite(tmp_path, f"import pytest\n@pytest.mark.{mark}\ndef test_x():\n    pass\n")
    assert run.results == [] and run.collection_errors


def test_a_test_without_grade_marker_is_an_error(tmp_path):
    """Is an ungraded test in a hidden suite a usage error rather than free points?"""
    run = run_suite(tmp_path, "def test_x():\n    pass\n")
    assert run.results == [] and run.collection_errors
