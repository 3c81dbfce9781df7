"""The three promises every assignment keeps, checked for each one.

1. The reference scores full marks.
2. The released template (script and notebook) scores zero and every test says why.
3. Each catalogued mistake loses points, and its hint reaches the student. To keep `make test`
   short with 16 assignments, a mistake's grading runs only the tests of the function it alters.
"""

from __future__ import annotations

import functools

import pytest

from autograder.assignment import all_assignment_ids, load_assignment
from autograder.checks.mistakes import splice
from autograder.judge.reference import ReferenceModule

ASSIGNMENTS = all_assignment_ids()


def _mistakes():
    for assignment_id in ASSIGNMENTS:
        for mistake in ReferenceModule(load_assignment(assignment_id)).catalogue.mistakes:
            yield pytest.param(assignment_id, mistake, id=f"{assignment_id}-{mistake.id}")


@functools.cache
def _reference_results(grade, assignment_id):
    assignment = load_assignment(assignment_id)
    return grade(assignment_id, assignment.reference_path.read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_reference_scores_full_marks(grade, assignment_id):
    """Does the reference solution earn every point, with no grader errors?"""
    results = _reference_results(grade, assignment_id)
    failed = [f"{t['name']}: {t['output']}" for t in results["tests"] if t["status"] != "passed"]
    assert not failed, "\n".join(failed)
    assert results["score"] == results["extra_data"]["max_score"] > 0
    assert results["extra_data"]["grader_errors"] == []


@pytest.mark.slow
@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
@pytest.mark.parametrize("kind", ["py", "ipynb"])
def test_template_scores_zero(grade, assignment_id, kind):
    """Does the released template score 0, each test saying the function is not implemented yet?"""
    assignment = load_assignment(assignment_id)
    path = assignment.release_dir / f"{assignment.module}.{kind}"
    results = grade(assignment_id, path.read_bytes(), name=path.name)
    assert results["score"] == 0
    assert results["extra_data"]["grader_errors"] == []
    assert all("not implemented yet" in t["output"] for t in results["tests"]), \
        [t["output"] for t in results["tests"] if "not implemented yet" not in t["output"]]


@pytest.mark.slow
@pytest.mark.parametrize(("assignment_id", "mistake"), list(_mistakes()))
def test_catalogued_mistake_loses_points_and_shows_its_hint(grade, assignment_id, mistake):
    """Does a submission with this common mistake lose points and see the mistake's hint?"""
    assignment = load_assignment(assignment_id)
    source = splice(assignment.reference_path.read_text(encoding="utf-8"), mistake)
    results = grade(assignment_id, source, only={mistake.replaces})
    assert results["tests"], f"no test covers {mistake.replaces}"
    assert results["score"] < results["extra_data"]["max_score"]
    assert any(mistake.hint in t["output"] for t in results["tests"] if t["status"] == "failed")


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_every_graded_name_has_at_least_one_mistake_or_is_simple(assignment_id):
    """Does the catalogue hold at least 8 mistakes, each replacing a name the reference defines?"""
    reference = ReferenceModule(load_assignment(assignment_id))
    mistakes = reference.catalogue.mistakes
    assert len(mistakes) >= 8
    for mistake in mistakes:
        assert hasattr(reference.module, mistake.replaces), mistake.id
