"""Student bundles: what they hold, what they must never hold, and that they work on their own."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.assignment import REFERENCE_DIR, REPO_ROOT, SUITES_DIR, all_assignment_ids, load_assignment
from autograder.release.bundle import build_bundle, write_bundle
from autograder.release.templates import make_template, solution_lines

NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+(?:[eE]-?\d+)?|\d+[eE]-?\d+)(?![\w.])")


def bundle_of(assignment_id: str) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(build_bundle(load_assignment(assignment_id))))
    return {name: archive.read(name) for name in archive.namelist()}


def is_engine_copy(name: str, data: bytes) -> bool:
    """Is this bundle file a verbatim copy of the engine's or the data layer's public source?"""
    inside = name.split("/", 1)[1]
    sources = (("autograder/", REPO_ROOT / "autograder"), ("coursedata/", REPO_ROOT / "datasets" / "coursedata"))
    for prefix, folder in sources:
        if inside.startswith(prefix):
            path = folder / inside.removeprefix(prefix)
            return path.is_file() and path.read_bytes() == data
    return False


def text_lines(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        return [line for cell in json.loads(text)["cells"] for line in "".join(cell["source"]).split("\n")]
    return text.split("\n")


def significant_digits(token: str) -> int:
    """``0.951`` -> 3, ``60.0`` -> 1, ``1e-05`` -> 1: how specific a number is."""
    mantissa = re.split(r"[eE]", token)[0].replace(".", "")
    return len(mantissa.strip("0"))


def hidden_values(assignment_id: str, public_text: str) -> set[str]:
    """Numbers the hidden suite writes down with 3 or more significant digits that no public file has."""
    values = set()
    for path in (SUITES_DIR / assignment_id).rglob("*.py"):
        values |= {t for t in NUMBER.findall(path.read_text(encoding="utf-8")) if significant_digits(t) >= 3}
    return values - set(NUMBER.findall(public_text))


@pytest.mark.parametrize("assignment_id", all_assignment_ids())
def test_bundle_holds_nothing_hidden(assignment_id):
    """Does the bundle hold no solution line, no hidden test or reference file, no hidden expected value?"""
    files = bundle_of(assignment_id)
    reference = load_assignment(assignment_id).reference_path.read_text(encoding="utf-8")
    public_lines = {line.strip() for line in make_template(reference).split("\n")}
    secret_lines = {line for line in solution_lines(reference) if len(line) > 12} - public_lines
    hidden_files = {p.read_bytes() for p in SUITES_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    hidden_files |= {p.read_bytes() for p in REFERENCE_DIR.glob("*/*.py") if p.name != "test_public.py"}
    public_text = "\n".join(files[name].decode("utf-8") for name in files if name.count("/") == 1)
    values = hidden_values(assignment_id, public_text)
    for name, data in files.items():
        parts = name.split("/")
        assert not {"suites", "reference", "judge", "checks", "gradebook"} & set(parts), name
        assert not (parts[-1].startswith("test_") and parts[-1] != "test_public.py"), name
        assert not parts[-1].endswith((".pt", ".pth", ".npy", ".npz", ".pkl", ".pickle", ".json", ".sqlite")), name
        assert data not in hidden_files, f"{name} is a copy of a hidden file"
        if not is_engine_copy(name, data):  # the checker's own code may say `return target` too
            lines = {line.strip() for line in text_lines(name, data)}
            assert not secret_lines & lines, f"{name} leaks {sorted(secret_lines & lines)[:3]}"
        leaked = values & set(NUMBER.findall(data.decode("utf-8", errors="replace")))
        assert not leaked, f"{name} holds hidden expected values {sorted(leaked)}"


@pytest.mark.parametrize("assignment_id", all_assignment_ids())
def test_bundle_holds_what_a_student_needs(assignment_id):
    """Does the bundle hold the template, notebook, statement, public tests, settings, requirements and checker?"""
    assignment = load_assignment(assignment_id)
    names = set(bundle_of(assignment_id))
    top = f"{assignment_id}/"
    for name in (f"{assignment.module}.py", f"{assignment.module}.ipynb", "README.md", "test_public.py",
                 "assignment.toml", "requirements.txt", "CHECKING.md", "autograder/__main__.py",
                 "autograder/student/checking.py", "autograder/sandbox/session.py", "autograder/submission/loader.py"):
        assert top + name in names, name
    assert all(name.startswith(top) for name in names)


def test_bundles_are_deterministic(tmp_path):
    """Does building a bundle twice give the same bytes, with fixed timestamps?"""
    assignment = load_assignment("ch01_attention")
    first = write_bundle(assignment, tmp_path).read_bytes()
    assert build_bundle(assignment) == first
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory) -> Path:
    """The ch01 bundle unzipped where a student would, far from the repository."""
    folder = tmp_path_factory.mktemp("student")
    zipfile.ZipFile(io.BytesIO(build_bundle(load_assignment("ch01_attention")))).extractall(folder)
    return folder / "ch01_attention"


AUDIT = """
import atexit, runpy, sys
repository = {repository!r}
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].startswith(repository):
        opened.append(args[0])
sys.addaudithook(audit)
atexit.register(lambda: print("OPENED FROM THE REPOSITORY:", sorted(set(opened)), file=sys.stderr))
sys.argv = ["autograder"] + sys.argv[1:]
runpy.run_module("autograder", run_name="__main__")
"""


def student_check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m autograder check` as a student runs it: this project not installed (no site
    packages, so no editable install), only the packages a student pip-installs, and an audit of
    every file the checker opens in the repository's hidden or engine folders."""
    site_packages = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "torch").is_dir())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AUTOGRADER"))}
    env["PYTHONPATH"] = site_packages
    repository = [str(REPO_ROOT / "autograder"), str(REFERENCE_DIR)]
    code = AUDIT.format(repository=tuple(repository))
    return subprocess.run([sys.executable, "-S", "-c", code, "check", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_a_student_with_only_the_bundle_sees_every_todo(unzipped):
    """Does the unzipped template report every TODO, crash nothing, and touch nothing of the repository?"""
    result = student_check(unzipped, "attention.py")
    assert result.returncode == 1, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("  TODO ")]
    assert len(rows) == 12 and rows[0][1] == "masked_softmax"
    assert "0 of 8 public tests passed" in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert "OPENED FROM THE REPOSITORY: []" in result.stderr


@pytest.mark.slow
def test_a_student_fills_in_one_function_and_sees_it_pass(unzipped):
    """Does masked_softmax, filled in in the notebook, pass its public tests in the bundle's checker?"""
    reference = load_assignment("ch01_attention").reference_path.read_text(encoding="utf-8")
    solution = re.search(r"def masked_softmax\(.*?### END SOLUTION\n", reference, re.S).group(0)
    solution = solution.replace("    ### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "")
    notebook = json.loads((unzipped / "attention.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if c["metadata"]["nbgrader"]["grade_id"] == "masked_softmax"]
    cell["source"] = solution
    (unzipped / "attention.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    result = student_check(unzipped, "attention.ipynb")
    passed = "PASS     masked_softmax                2/2 public tests passed"
    assert passed in result.stdout, result.stdout + result.stderr
    assert "2 of 8 public tests passed" in result.stdout and "11 of 12 functions still TODO" in result.stdout
    assert "OPENED FROM THE REPOSITORY: []" in result.stderr
