"""The same one-question notebook through otter-grader, nbgrader and this grader, in one run.

The notebook: ``import torch`` at the top and one function, a scaled dot-product attention; one
public and one hidden test. otter-grader and nbgrader are installed into ``.venv-bench`` (created
on first use, the project's ``.venv`` visible through a ``.pth`` file so that torch is not
installed twice); they are measured as students' work is graded by them, one process tree per
submission (otter) or one kernel per notebook (nbgrader).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat

from autograder.assignment import REPO_ROOT, load_assignment

BENCH_VENV = REPO_ROOT / ".venv-bench"
TOOLS = ("nbgrader==0.9.6", "otter-grader==7.0.0")

SOLUTION = textwrap.dedent('''\
    def scaled_dot_product_attention(q, k, v, mask=None):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        if mask is not None:
            scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
            weights = torch.softmax(scores, dim=-1) * mask
        else:
            weights = torch.softmax(scores, dim=-1)
        return weights @ v, weights''')
PUBLIC_TEST = ("q, k, v = torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 2)\n"
               "out, w = scaled_dot_product_attention(q, k, v)\nassert out.shape == (2, 3, 2)")
HIDDEN_TEST = ("import torch.nn.functional as F\n_ = torch.manual_seed(0)\n"
               "q, k, v = torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 2)\n"
               "assert torch.allclose(scaled_dot_product_attention(q, k, v)[0], F.scaled_dot_product_attention(q, k, v), atol=1e-6)")


def bench_python() -> Path:
    """The bench venv's python, creating the venv on first use."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([os.environ.get("PYTHON", "python3"), "-m", "venv", str(BENCH_VENV)], check=True)
    site = next((BENCH_VENV / "lib").glob("python3*/site-packages"))
    main_site = next((REPO_ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "main_venv.pth").write_text(str(main_site) + "\n")
    probe = subprocess.run([str(python), "-c", "import nbgrader, otter"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *TOOLS], check=True)
    return python


def _cells(solution: str) -> list:
    return [nbformat.v4.new_code_cell("import math\nimport torch"), nbformat.v4.new_code_cell(solution)]


def _tool_env(python: str) -> dict:
    """The tools call their own scripts (nbgrader runs ``alembic``): their venv's bin on PATH."""
    return dict(os.environ, PATH=str(Path(python).parent) + os.pathsep + os.environ.get("PATH", ""))


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_tool_env(command[0]))
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:5])} failed: {(result.stderr or result.stdout)[-2000:]}")


def _timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MiB) of the largest process the command started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_tool_env(command[0]))
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {result.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def bench_nbgrader(python: Path, work: Path, students: int) -> dict:
    course = work / "nbgrader"
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
                                               "c.Exchange.root = %r\n" % str(work / "exchange"))
    head, body = SOLUTION.split("\n", 1)
    solution = nbformat.v4.new_code_cell(
        f"import math\nimport torch\n\n{head}\n    ### BEGIN SOLUTION\n{body}\n    ### END SOLUTION")
    solution.metadata["nbgrader"] = {"grade": False, "grade_id": "answer", "locked": False, "schema_version": 3,
                                     "solution": True, "task": False}
    public = nbformat.v4.new_code_cell(PUBLIC_TEST)
    public.metadata["nbgrader"] = {"grade": True, "grade_id": "public", "locked": True, "points": 1,
                                   "schema_version": 3, "solution": False, "task": False}
    hidden = nbformat.v4.new_code_cell(PUBLIC_TEST + "\n### BEGIN HIDDEN TESTS\n" + HIDDEN_TEST + "\n### END HIDDEN TESTS")
    hidden.metadata["nbgrader"] = {"grade": True, "grade_id": "hidden", "locked": True, "points": 1,
                                   "schema_version": 3, "solution": False, "task": False}
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [solution, public, hidden]
    nbformat.write(notebook, course / "source" / "ps1" / "ps1.ipynb")
    nbgrader = [str(python), "-m", "nbgrader"]
    _run(nbgrader + ["generate_assignment", "ps1", "--force"], course)
    submitted = nbformat.read(course / "source" / "ps1" / "ps1.ipynb", as_version=4)
    for i in range(students):
        target = course / "submitted" / f"s{i:02d}" / "ps1" / "ps1.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(submitted, target)
        (target.parent / "timestamp.txt").write_text("2026-10-20 12:00:00.000000 UTC")
    wall, peak = _timed(nbgrader + ["autograde", "ps1", "--create", "--force"], course)
    return {"students": students, "wall_s": round(wall, 2), "per_submission_s": round(wall / students, 3),
            "peak_mb": round(peak, 1)}


def bench_otter(python: Path, work: Path, students: int) -> dict:
    folder = work / "otter"
    (folder / "tests").mkdir(parents=True)
    cases = [{"code": ">>> " + "\n>>> ".join(PUBLIC_TEST.split("\n")), "hidden": False, "locked": False},
             {"code": ">>> " + "\n>>> ".join(HIDDEN_TEST.split("\n")), "hidden": True, "locked": False}]
    test = {"name": "q1", "points": 2, "suites": [{"cases": cases, "scored": True, "setup": "", "teardown": "",
                                                    "type": "doctest"}]}
    (folder / "tests" / "q1.py").write_text("OK_FORMAT = True\ntest = " + repr(test) + "\n")
    (folder / "requirements.txt").write_text("")
    otter = [str(python), "-m", "otter"]
    _run(otter + ["generate", "-t", "tests", "-o", "autograder.zip"], folder)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = _cells(SOLUTION)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    walls, peaks = [], []
    for i in range(students):
        path = folder / f"submission{i}.ipynb"
        nbformat.write(notebook, path)
        (folder / f"out{i}").mkdir()
        wall, peak = _timed(otter + ["run", "-a", "autograder.zip", "-o", f"out{i}", str(path.name)], folder)
        walls.append(wall)
        peaks.append(peak)
    results = json.loads((folder / "out0" / "results.json").read_text())
    score = sum(t.get("score") or 0 for t in results.get("tests", []))
    return {"students": students, "wall_s": round(sum(walls), 2), "per_submission_s": round(sum(walls) / students, 3),
            "peak_mb": round(max(peaks), 1), "score_of_first": score}


def bench_ours(students: int) -> dict:
    from autograder.judge.runner import grade_submission
    from autograder.sandbox.session import ForkServer
    from autograder.submission import load_submission_bytes

    notebook = nbformat.v4.new_notebook()
    notebook.cells = _cells(SOLUTION)
    data = nbformat.writes(notebook).encode()
    assignment = load_assignment("ch01_attention")
    with ForkServer() as server:
        grade_submission(assignment, submission=load_submission_bytes("attention.ipynb", data), server=server,
                         only={"scaled_dot_product_attention"})  # warm-up: the worker is warm in real runs
        started = time.perf_counter()
        for _ in range(students):
            results = grade_submission(assignment, submission=load_submission_bytes("attention.ipynb", data),
                                       server=server, only={"scaled_dot_product_attention"})
        wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"students": students, "wall_s": round(wall, 2), "per_submission_s": round(wall / students, 3),
            "peak_mb": round(peak, 1), "score": results["score"], "max_score": results["extra_data"]["max_score"]}


def bench_tools(students: int = 7) -> dict:
    python = bench_python()
    with tempfile.TemporaryDirectory(prefix="bench-tools-") as tmp:
        work = Path(tmp)
        env_note = {"python": str(python)}
        nbgrader = bench_nbgrader(python, work, students)
        otter = bench_otter(python, work, max(2, students // 3))
    ours = bench_ours(students)
    return {
        **env_note,
        "nbgrader": nbgrader,
        "otter": otter,
        "ours": ours,
        "nbgrader_over_ours": round(nbgrader["per_submission_s"] / ours["per_submission_s"], 1),
        "otter_over_ours": round(otter["per_submission_s"] / ours["per_submission_s"], 1),
    }


__all__ = ["bench_tools"]
