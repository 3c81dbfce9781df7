"""Write ``assignments/<id>/``: what students receive for one assignment.

- ``<module>.py``: the template script (solution blocks replaced by TODOs);
- ``<module>.ipynb``: the same template as a notebook, the statement's cells as markdown;
- ``README.md``: the bilingual statement (Chinese first);
- ``test_public.py``: the public tests, runnable with ``pytest`` next to the student's script.

Everything here is generated from ``reference/<id>/`` and committed; the project's tests fail
when it is stale.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.assignment import Assignment
from autograder.release.notebook import to_notebook
from autograder.release.templates import make_template

CHECK_CELL = (
    "# 运行公开测试 / Run the public tests (needs attention.py saved next to this notebook)\n"
    "# !python -m pytest -q test_public.py"
)


def release_files(assignment: Assignment) -> dict[str, str]:
    """File name -> contents of the release folder of ``assignment``."""
    reference = assignment.reference_path.read_text(encoding="utf-8")
    template = make_template(reference)
    files = {
        f"{assignment.module}.py": template,
        f"{assignment.module}.ipynb": to_notebook(
            template, title=assignment.title,
            checker_cell=CHECK_CELL.replace("attention.py", f"{assignment.module}.py")),
        "README.md": assignment.statement_path.read_text(encoding="utf-8"),
    }
    if assignment.public_tests_path.is_file():
        files["test_public.py"] = assignment.public_tests_path.read_text(encoding="utf-8")
    return files


def publish(assignment: Assignment, destination: Path | None = None) -> Path:
    """Write the release folder (replacing an old one) and return its path."""
    target = destination or assignment.release_dir
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, text in release_files(assignment).items():
        (target / name).write_text(text, encoding="utf-8")
    return target


def stale_files(assignment: Assignment) -> list[str]:
    """Names in the release folder that differ from what the reference generates now."""
    expected = release_files(assignment)
    folder = assignment.release_dir
    present = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    stale = [name for name, text in expected.items()
             if name not in present or (folder / name).read_text(encoding="utf-8") != text]
    return sorted(stale + [name for name in present - set(expected)])
