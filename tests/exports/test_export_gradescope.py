import dataclasses
import json

import pytest

from autograder.exports import export
from autograder.exports.gradescope import results_problems

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def gradescope_accepts(document: dict) -> bool:
    """Gradescope's documented results.json shape, checked independently of the exporter."""
    numbers = (int, float)
    if not all(k in document for k in ("score", "execution_time", "output", "tests")):
        return False
    if not isinstance(document["score"], numbers) or document.get("visibility", "visible") not in VISIBILITIES:
        return False
    return all(isinstance(t.get("name"), str) and isinstance(t.get("score"), numbers)
               and isinstance(t.get("max_score"), numbers) and t.get("status") in ("passed", "failed")
               and isinstance(t.get("output"), str) and t.get("visibility") in VISIBILITIES
               for t in document["tests"])


def test_one_results_json_per_graded_submission(grades, course, out_dir):
    """Is there exactly one results.json per graded submission, at gradescope/<assignment>/<student>/?"""
    result = export("gradescope", grades, course, out_dir)
    written = sorted(p.relative_to(out_dir).as_posix() for p in result.paths)
    assert written == ["gradescope/ch01_attention/2024001/results.json",
                       "gradescope/ch01_attention/2024002/results.json",
                       "gradescope/ch02_transformer/2024001/results.json",
                       "gradescope/ch02_transformer/2024003/results.json",
                       "gradescope/ch02_transformer/2024004/results.json"]


def test_each_file_is_the_stored_document_and_gradescope_shaped(grades, course, out_dir):
    """Does each file hold the stored document unchanged, in the shape Gradescope reads?"""
    export("gradescope", grades, course, out_dir)
    for grade in grades:
        path = out_dir / "gradescope" / grade.assignment / grade.student.student_id / "results.json"
        if grade.results is None:
            assert not path.exists()
            continue
        document = json.loads(path.read_bytes())
        assert document == grade.results and gradescope_accepts(document)


def test_pending_is_listed(grades, course, out_dir):
    """Is the pending submission listed as not graded yet (and the missing one simply absent)?"""
    unplaced = export("gradescope", grades, course, out_dir).unplaced
    assert len(unplaced) == 1 and "2024003" in unplaced[0] and "not graded yet" in unplaced[0]


@pytest.mark.parametrize("damage, problem", [
    (lambda d: d.pop("tests"), "no top-level 'tests'"),
    (lambda d: d.update(score=float("nan")), "not a number"),
    (lambda d: d["tests"][0].update(status="error"), "status 'error'"),
    (lambda d: d["tests"][1].update(visibility="students"), "visibility 'students'"),
    (lambda d: d["tests"][0].pop("max_score"), "has no 'max_score'"),
])
def test_invalid_documents_are_listed_not_written(grades, course, out_dir, damage, problem):
    """Is a document Gradescope would refuse listed with the reason, and no file written for it?"""
    document = json.loads(json.dumps(grades[0].results))
    damage(document)
    grades = [dataclasses.replace(grades[0], results=document)] + grades[1:]
    result = export("gradescope", grades, course, out_dir)
    assert not (out_dir / "gradescope" / "ch01_attention" / "2024001").exists()
    assert any("2024001" in line and problem in line for line in result.unplaced)
    assert problem in "; ".join(results_problems(document))


def test_a_student_id_cannot_escape_the_folder(grades, course, out_dir, tmp_path):
    """Is a student id like '../x' refused as a folder name rather than written outside the export?"""
    grades = [dataclasses.replace(grades[0], student=dataclasses.replace(grades[0].student, student_id="../x"))]
    result = export("gradescope", grades, course, out_dir)
    assert result.paths == [] and "cannot be a folder name" in result.unplaced[0]
    assert not (out_dir / "gradescope" / "x").exists()


def test_non_finite_numbers_deep_in_extra_data_become_null(grades, course, out_dir):
    """Is a NaN in a test's extra_data (a diverged loss curve) written as null, so strict JSON readers accept it?"""
    document = json.loads(json.dumps(grades[0].results))
    document["tests"][0]["extra_data"] = {"record": {"loss": [1.0, float("nan")]}}
    grades = [dataclasses.replace(grades[0], results=document)]
    path = export("gradescope", grades, course, out_dir).paths[0]
    assert json.loads(path.read_text())["tests"][0]["extra_data"]["record"]["loss"] == [1.0, None]
    path.read_bytes().decode("ascii")
