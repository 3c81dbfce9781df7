"""nbgrader: our released notebooks through nbgrader 0.9.6's whole course cycle, then graded by us."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys

import nbformat
import pytest
from venvs import run_in

from autograder.assignment import REPO_ROOT, all_assignment_ids, load_assignment
from autograder.release.nbgrader import BEGIN, END, SCHEMA_VERSION
from autograder.release.notebook import to_notebook
from autograder.release.publish import CHECK_CELL
from autograder.release.templates import TODO
from autograder.student.functions import asked_for

A = "ch01_attention"


def reference_notebook(assignment_id: str = A) -> str:
    """The reference as a notebook with the released notebook's cells (what a student who solved it submits)."""
    assignment = load_assignment(assignment_id)
    return to_notebook(assignment.reference_path.read_text(encoding="utf-8"), title=assignment.title,
                       checker_cell=CHECK_CELL.replace("MODULE", assignment.module))


@pytest.mark.parametrize("assignment_id", all_assignment_ids())
def test_released_notebook_carries_nbgrader_metadata(assignment_id):
    """Is every TODO cell an unlocked solution cell with its TODO in a solution region, everything else
    locked and read-only, with unique grade ids, schema version 3, and is the notebook valid?"""
    assignment = load_assignment(assignment_id)
    text = (assignment.release_dir / f"{assignment.module}.ipynb").read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    grade_ids = []
    for cell in notebook.cells:
        meta = cell.metadata["nbgrader"]
        assert meta["schema_version"] == SCHEMA_VERSION and meta["grade"] is False and meta["task"] is False
        grade_ids.append(meta["grade_id"])
        lines = [line.strip() for line in cell.source.split("\n")]
        if TODO in lines:
            assert cell.cell_type == "code" and meta["solution"] and not meta["locked"]
            assert lines.count(BEGIN) == lines.count(END) == lines.count(TODO)
            assert cell.metadata["deletable"] is False and "editable" not in cell.metadata
        else:
            assert meta["locked"] and not meta["solution"]
            assert cell.metadata["editable"] is False and cell.metadata["deletable"] is False
    assert len(grade_ids) == len(set(grade_ids))
    solution_ids = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells if c.metadata["nbgrader"]["solution"]]
    template = (assignment.release_dir / f"{assignment.module}.py").read_text(encoding="utf-8")
    assert set(asked_for(template)) <= {name for cell in notebook.cells for name in asked_for(cell.source)}
    assert solution_ids and all(name.isidentifier() for name in solution_ids)


@pytest.mark.slow
def test_nbgrader_course_cycle_and_our_grade(nbgrader_venv, tmp_path):
    """Do nbgrader's generate_assignment, release, fetch, submit, collect and autograde run on our released
    notebook without errors, and does `autograder grade` then grade nbgrader's submitted/ folder?"""
    assignment = load_assignment(A)
    course, exchange, student_home = tmp_path / "course", tmp_path / "exchange", tmp_path / "student"
    for folder in (course / "source" / A, exchange, student_home):
        folder.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'dl'\nc.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course}/gradebook.db'\nc.Exchange.root = {str(exchange)!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n")
    (student_home / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'dl'\nc.Exchange.root = {str(exchange)!r}\n")
    for name in (f"{assignment.module}.ipynb", "test_public.py"):
        (course / "source" / A / name).write_bytes((assignment.release_dir / name).read_bytes())

    nbgrader = str(nbgrader_venv / "bin" / "nbgrader")
    run_in(nbgrader_venv, nbgrader, "generate_assignment", A, "--force", cwd=course)
    generated = json.loads((course / "release" / A / f"{assignment.module}.ipynb").read_text(encoding="utf-8"))
    generated_source = "\n".join("".join(c["source"]) for c in generated["cells"])
    for name in asked_for((assignment.release_dir / f"{assignment.module}.py").read_text(encoding="utf-8")):
        assert f"def {name}(" in generated_source or f"class {name}(" in generated_source, name
    assert "# YOUR CODE HERE" in generated_source and BEGIN not in generated_source

    run_in(nbgrader_venv, nbgrader, "release_assignment", A, "--force", cwd=course)
    run_in(nbgrader_venv, nbgrader, "fetch_assignment", A, cwd=student_home)
    (student_home / A / f"{assignment.module}.ipynb").write_text(reference_notebook(), encoding="utf-8")
    run_in(nbgrader_venv, nbgrader, "submit", A, cwd=student_home)
    run_in(nbgrader_venv, nbgrader, "collect", A, cwd=course)
    student = getpass.getuser()
    assert (course / "submitted" / student / A / "timestamp.txt").is_file()

    run_in(nbgrader_venv, nbgrader, "autograde", A, "--create", cwd=course)
    autograded = json.loads((course / "autograded" / student / A / f"{assignment.module}.ipynb").read_text())
    errors = [o for c in autograded["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], errors

    # Our grader reads the course folder as nbgrader left it (its submitted/ is the layout).
    classroom = tmp_path / "class"
    classroom.mkdir()
    (classroom / "course.toml").write_text(f'[course]\nname = "nbgrader"\n\n[[assignments]]\nid = "{A}"\n'
                                           'points = 100\ndue = "2099-01-01 00:00"\n', encoding="utf-8")
    (classroom / "roster.csv").write_text(f"student_id,name\n{student},Student One\n", encoding="utf-8")
    command = [sys.executable, "-m", "autograder", "grade", "--class-dir", str(classroom), "--submissions", str(course),
               "--output", str(tmp_path / "out"), "--assignment", A, "--workers", "1", "--quiet"]
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads((tmp_path / "out" / "results" / A / f"{student}.json").read_text(encoding="utf-8"))
    assert results["score"] == results["extra_data"]["max_score"] > 0, results["output"]
    assert results["extra_data"]["submission_kind"] == "notebook"
