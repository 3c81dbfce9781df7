"""``check()`` inside a notebook: the public tests on the saved notebook, shown as an HTML table.

The check reads the notebook *file*, as the grader will: unsaved edits are not seen, so the
message before the table says when the file was last saved. While nbgrader executes the
notebook to grade it (``NBGRADER_EXECUTION`` is set), ``check()`` does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def check(path: str | Path | None = None, *, details: bool = False) -> None:
    """Check the saved notebook (or ``path``) and show the report; in a terminal, print it."""
    if os.environ.get("NBGRADER_EXECUTION"):
        print("check() is skipped while nbgrader runs this notebook")
        return
    from autograder.student.assignment_folder import AssignmentNotFound, choose_student_file, find_assignment
    from autograder.student.checking import run_check
    from autograder.student.render import to_html, to_text

    shell = _ipython()
    try:
        assignment = find_assignment(Path(path) if path is not None else None)
        file = choose_student_file(assignment, Path(path) if path is not None else None, prefer_notebook=True)
    except AssignmentNotFound as exc:
        print(f"check(): {exc}")
        return
    age = time.time() - file.stat().st_mtime
    print(f"Checking {file.name}, saved {_ago(age)} (unsaved changes are not checked: save first) · "
          f"检查已保存的 {file.name}（未保存的修改不会被检查）……", flush=True)
    report = run_check(file, prefer_notebook=True)
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from IPython.display import HTML, display

        display(HTML(to_html(report)))
    else:
        print(to_text(report, details=details))


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{max(0, int(seconds))} s ago"
    if seconds < 5400:
        return f"{int(seconds // 60)} min ago"
    return f"{seconds / 3600:.1f} h ago"
