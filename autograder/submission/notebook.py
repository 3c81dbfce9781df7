"""Notebook to code cells: what a Jupyter notebook contributes to grading.

Only code cells matter. Their IPython-only lines (line magics such as ``%matplotlib inline``,
shell escapes such as ``!pip install ...``, ``x = !ls``) are not Python; each becomes an indented
``pass`` so that line numbers in tracebacks still match what the student sees in the cell.
Cells that start with a cell magic (``%%time``, ``%%bash``) are dropped whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import nbformat

_IPYTHON_LINE = re.compile(r"^(\s*)(?:[!%]|[A-Za-z_]\w*\s*=\s*[!%]|\?)")


class UnreadableNotebookError(ValueError):
    """The file is not a notebook we can read (bad JSON, or not nbformat)."""


@dataclass(frozen=True)
class CodeCell:
    """One code cell: its 1-based position among all cells and its source text."""

    number: int
    source: str


def read_code_cells(text: str) -> list[CodeCell]:
    """Return the code cells of a notebook, with IPython syntax neutralised.

    Raises:
        UnreadableNotebookError: for anything that is not a readable notebook; the message says
            what was wrong in words a student understands.
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableNotebookError(
            f"the notebook is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it may have been truncated or edited by hand. Open it in Jupyter, save it, and submit again"
        ) from None
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise UnreadableNotebookError("the file is JSON but not a Jupyter notebook (no 'nbformat' field)")
    try:
        notebook = nbformat.reads(text, as_version=4, capture_validation_error={})
    except Exception as exc:  # nbformat raises many types for malformed documents
        raise UnreadableNotebookError(f"the notebook could not be read by nbformat: {exc}") from None
    cells = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat normally joins these, but be lenient
            source = "".join(str(part) for part in source)
        if not isinstance(source, str):
            continue
        cells.append(CodeCell(number, neutralise_ipython(source)))
    return cells


def neutralise_ipython(source: str) -> str:
    """Replace IPython-only lines by ``pass`` at the same indentation; drop cell-magic cells."""
    if source.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in source.split("\n"):
        match = _IPYTHON_LINE.match(line)
        lines.append(f"{match.group(1)}pass  # IPython line not run by the grader" if match else line)
    return "\n".join(lines)
