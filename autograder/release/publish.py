"""Write ``assignments/<id>/``: what students receive for one assignment.

- ``<module>.py``: the template script (solution blocks replaced by TODOs);
- ``<module>.ipynb``: the same template as a notebook, the statement's cells as markdown;
- ``README.md``: the bilingual statement (Chinese first);
- ``test_public.py``: the public tests, runnable with ``pytest`` next to the student's script;
- ``assignment.toml``: the public settings the checker reads (id, title, module, keep rule,
  the functions students write, sandbox limits).

Everything here is generated from ``reference/<id>/`` and committed; the project's tests fail
when it is stale. :func:`publish` also writes the student bundle (:mod:`autograder.release.bundle`).
"""

from __future__ import annotations

import shutil
from dataclasses import asdict
from pathlib import Path

from autograder.assignment import Assignment
from autograder.release.bundle import BUNDLE_DIR, write_bundle
from autograder.release.notebook import to_notebook
from autograder.release.templates import make_template
from autograder.sandbox.isolation import Limits
from autograder.student.assignment_folder import SETTINGS_FILE, settings_text
from autograder.student.functions import asked_for

# The last cell of every notebook. The grader keeps the `try` (an import and a constant) and drops
# the `if`; where the checker is not installed (nbgrader's autograde, say) the cell only prints.
CHECK_CELL = """\
# 检查你的代码：对已保存的笔记本运行公开测试（请先保存）
# Check your work: runs the public tests on the saved notebook (save it first)
try:
    from autograder.student import check
except ImportError:  # the checker comes with the assignment's zip
    check = None
if check is not None:
    check()
else:
    print("No checker here: run `python -m pytest -q test_public.py` next to MODULE.py")"""


def release_files(assignment: Assignment) -> dict[str, str]:
    """File name -> contents of the release folder of ``assignment``."""
    reference = assignment.reference_path.read_text(encoding="utf-8")
    template = make_template(reference)
    files = {
        f"{assignment.module}.py": template,
        f"{assignment.module}.ipynb": to_notebook(template, title=assignment.title,
                                                  checker_cell=CHECK_CELL.replace("MODULE", assignment.module)),
        "README.md": assignment.statement_path.read_text(encoding="utf-8"),
        SETTINGS_FILE: settings_text(assignment.id, assignment.title, assignment.module, assignment.keep,
                                     asked_for(template), _overridden_limits(assignment.limits)),
    }
    if assignment.public_tests_path.is_file():
        files["test_public.py"] = assignment.public_tests_path.read_text(encoding="utf-8")
    return files


def _overridden_limits(limits: Limits) -> dict:
    """The limits the assignment sets itself (the rest are the sandbox's defaults, wherever it runs)."""
    defaults = asdict(Limits())
    return {name: value for name, value in asdict(limits).items() if value != defaults.get(name)}


def publish(assignment: Assignment, destination: Path | None = None, bundles: Path | None = BUNDLE_DIR) -> Path:
    """Write the release folder (replacing an old one) and, unless ``bundles`` is None, the student
    bundle ``<bundles>/<id>.zip``; return the folder's path."""
    target = destination or assignment.release_dir
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, text in release_files(assignment).items():
        (target / name).write_text(text, encoding="utf-8")
    if bundles is not None:
        write_bundle(assignment, bundles)
    return target


def stale_files(assignment: Assignment) -> list[str]:
    """Names in the release folder that differ from what the reference generates now."""
    expected = release_files(assignment)
    folder = assignment.release_dir
    present = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    stale = [name for name, text in expected.items()
             if name not in present or (folder / name).read_text(encoding="utf-8") != text]
    return sorted(stale + [name for name in present - set(expected)])
