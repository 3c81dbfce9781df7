"""Where reports go, and file names that are safe whatever a student id holds.

Layout under the reports folder (``<output>/reports``)::

    index.html                          the course dashboard
    <assignment>/index.html             the assignment's dashboard
    <assignment>/<student>.html, .txt   one student's report

A student id becomes a file name as it is when it is plain (letters, digits, ``-``, ``_``, inner
``.``); otherwise its plain characters are kept and a digest of the whole id is added, so two ids
never share a file (``a/b`` and ``a_b`` would under plain replacement) and the name is also a safe
relative URL.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
RESERVED = {"index", "con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
DASHBOARD = "index.html"


def safe_file_name(text: str) -> str:
    """A file-name stem for ``text``: ASCII letters, digits, ``-``, ``_`` and ``.`` only."""
    stem = text.split(".", 1)[0].lower()
    if PLAIN.fullmatch(text) and not text.endswith(".") and stem not in RESERVED:
        return text
    kept = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:40]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{kept}-{digest}" if kept else f"id-{digest}"


def assignment_folder(reports_dir: Path, assignment: str) -> Path:
    return reports_dir / safe_file_name(assignment)


def student_report_paths(reports_dir: Path, assignment: str, student_id: str) -> tuple[Path, Path]:
    """The HTML and the plain-text report of one student for one assignment."""
    stem = assignment_folder(reports_dir, assignment) / safe_file_name(student_id)
    return stem.with_name(stem.name + ".html"), stem.with_name(stem.name + ".txt")


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
