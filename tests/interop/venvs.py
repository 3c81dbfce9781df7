"""Throwaway virtual environments for the tools we fit into (nbgrader, otter-grader).

They are not this project's dependencies: each is pip-installed once into its own venv under
``$AUTOGRADER_TEST_VENVS`` (default ``/tmp/autograder-test-venvs``) and reused by later runs. A
test that needs one is skipped, with pip's own words, only when pip cannot install it.

The venv sees this project's installed packages (torch, matplotlib, ...) *after* its own, through
a ``.pth`` file, so that the Jupyter kernels nbgrader starts can run the course's notebooks; the
project itself (an editable install, activated by a ``.pth`` file there) is not importable in it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

VENV_ROOT = Path(os.environ.get("AUTOGRADER_TEST_VENVS", "/tmp/autograder-test-venvs"))
NBGRADER = ["nbgrader==0.9.6"]
OTTER = ["otter-grader==7.0.0"]


def throwaway_venv(name: str, requirements: list[str]) -> Path:
    """The venv ``name`` with ``requirements`` installed (built on first use); skips when pip fails."""
    folder = VENV_ROOT / name
    stamp = folder / ".installed"
    VENV_ROOT.mkdir(parents=True, exist_ok=True)
    with open(VENV_ROOT / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two pytest workers must not build the same venv at once
        if stamp.is_file() and stamp.read_text() == " ".join(requirements):
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
        python = folder / "bin" / "python"
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                 *requirements], capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip(f"pip could not install {requirements}: {(result.stderr or result.stdout)[-800:]}")
        site_packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                       capture_output=True, text=True, check=True).stdout.strip()
        Path(site_packages, "zz_course_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        stamp.write_text(" ".join(requirements))
        return folder


def run_in(venv: Path, *command: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a command of the venv (its bin/ first on PATH, as an activated venv has it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(cwd)  # nbgrader and Jupyter look for configuration in the home folder
    result = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result
