"""Gradescope: the autograder.zip we build, and its run_autograder on a fake /autograder tree."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from numbers import Real
from pathlib import Path

import pytest

from autograder.assignment import all_assignment_ids, load_assignment
from autograder.interop.gradescope_package import build_package, package_files

A = "ch01_attention"

# Gradescope's documented results.json ("Autograder specifications": top-level and per-test fields).
TOP_LEVEL = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
             "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_FIELDS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
               "visibility", "extra_data"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def gradescope_problems(text: str) -> list[str]:
    """What Gradescope's documented format would refuse in this results.json (strict JSON included)."""
    def no_constants(name):
        raise ValueError(f"{name} is not JSON")
    document = json.loads(text, parse_constant=no_constants)
    number = lambda v: isinstance(v, Real) and not isinstance(v, bool)  # noqa: E731
    problems = [f"unknown top-level field {k!r}" for k in document if k not in TOP_LEVEL]
    if "score" not in document and not all("score" in t for t in document.get("tests", [])):
        problems.append("no score: neither top-level nor on every test")
    for key in ("score", "execution_time"):
        if key in document and not number(document[key]):
            problems.append(f"{key} is not a number")
    for key in ("output",):
        if key in document and not isinstance(document[key], str):
            problems.append(f"{key} is not a string")
    for key in ("visibility", "stdout_visibility"):
        if key in document and document[key] not in VISIBILITIES:
            problems.append(f"{key} {document[key]!r}")
    for key in ("output_format", "test_output_format", "test_name_format"):
        if key in document and document[key] not in FORMATS:
            problems.append(f"{key} {document[key]!r}")
    if not isinstance(document.get("tests", []), list):
        return problems + ["tests is not a list"]
    for i, test in enumerate(document.get("tests", [])):
        problems += [f"tests[{i}] has unknown field {k!r}" for k in test if k not in TEST_FIELDS]
        problems += [f"tests[{i}].{k} is not a number" for k in ("score", "max_score")
                     if k in test and not number(test[k])]
        problems += [f"tests[{i}].{k} is not a string" for k in ("name", "output", "number")
                     if k in test and not isinstance(test[k], str)]
        if test.get("status", "passed") not in ("passed", "failed"):
            problems.append(f"tests[{i}].status {test['status']!r}")
        if test.get("visibility", "visible") not in VISIBILITIES:
            problems.append(f"tests[{i}].visibility {test['visibility']!r}")
        if not all(isinstance(tag, str) for tag in test.get("tags", [])):
            problems.append(f"tests[{i}].tags are not strings")
    return problems


def test_the_package_holds_this_assignment_only_and_is_deterministic():
    """Does autograder.zip hold setup.sh and run_autograder (executable), the engine with only this
    assignment's suite and reference, and the data layer; and is it the same bytes every time?"""
    data = build_package(load_assignment(A))
    assert data == build_package(load_assignment(A))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"setup.sh", "run_autograder", "requirements.txt", "autograder/judge/runner.py",
            f"autograder/suites/{A}/assignment.toml", f"reference/{A}/attention.py", "coursedata/__init__.py"} <= names
    for other in set(all_assignment_ids()) - {A}:
        assert not any(f"/{other}/" in f"/{name}" for name in names), other
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(archive.getinfo(script).external_attr >> 16) == 0o755
        subprocess.run(["bash", "-n"], input=archive.read(script), check=True)  # it parses
    requirements = archive.read("requirements.txt").decode()
    assert "torch==" in requirements and "dask" not in requirements


@pytest.fixture
def gradescope_root(tmp_path) -> Path:
    """A fake /autograder: the package unpacked into source/, an empty submission/, no results yet."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    for name, data in package_files(load_assignment(A)).items():
        path = root / "source" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "source" / "run_autograder").chmod(0o755)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"sid": "2024001", "email": "z@x.edu"}]}))
    return root


def run_autograder(root: Path) -> dict:
    """Gradescope's call, against the fake root, with a Python that has the engine's dependencies but not
    this project (no site, so no editable install): everything graded comes from the package."""
    site_packages = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "torch").is_dir())
    python = root.parent / "python"
    python.write_text(f"#!/bin/sh\nexec {sys.executable} -S \"$@\"\n")
    python.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AUTOGRADER"))}
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=str(python), PYTHONPATH=site_packages)
    result = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (root / "results" / "results.json").read_text(encoding="ascii")
    assert gradescope_problems(text) == []
    return json.loads(text)


@pytest.mark.slow
def test_run_autograder_grades_the_reference_in_full(gradescope_root):
    """Does run_autograder grade a script in submission/ to full marks, with the repository's suite version?"""
    assignment = load_assignment(A)
    (gradescope_root / "submission" / "attention.py").write_bytes(assignment.reference_path.read_bytes())
    results = run_autograder(gradescope_root)
    assert results["score"] == results["extra_data"]["max_score"] > 0
    assert results["extra_data"]["suite_version"] == assignment.suite_version
    assert results["extra_data"]["student_id"] == "2024001"
    assert {tag for test in results["tests"] for tag in test["tags"]} >= {"api", "numerics", "gradient"}


@pytest.mark.slow
def test_run_autograder_reads_an_otter_export_and_lists_other_files(gradescope_root):
    """Is the notebook inside an uploaded otter zip graded (the template: 0 points, every test listed),
    and a stray file named in the output?"""
    notebook = (load_assignment(A).release_dir / "attention.ipynb").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("attention.ipynb", notebook)
        archive.writestr("__zip_filename__", "attention_2026.zip")
    (gradescope_root / "submission" / "attention_2026.zip").write_bytes(buffer.getvalue())
    (gradescope_root / "submission" / "notes.txt").write_text("my notes")
    results = run_autograder(gradescope_root)
    assert results["score"] == 0 and len(results["tests"]) > 10
    assert results["extra_data"]["submission_kind"] == "notebook"
    assert "notes.txt" in results["output"] and "attention_2026.zip::attention.ipynb" in results["extra_data"][
        "submission_origin"]


def test_nothing_to_grade_still_writes_results(gradescope_root):
    """With no submission file, is there still a valid results.json saying what to submit?"""
    (gradescope_root / "submission" / "report.pdf").write_bytes(b"%PDF")
    results = run_autograder(gradescope_root)
    assert results["score"] == 0 and "attention.py or attention.ipynb" in results["output"]
    assert "report.pdf" in results["output"]
