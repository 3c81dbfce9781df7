"""A percent-format script (``# %%`` cells, as Jupytext and VS Code read them) to a notebook.

``# %% [markdown]`` starts a markdown cell whose lines are comments (``# text``); ``# %%`` starts
a code cell. Cell ids are derived from the position, so regenerating gives identical bytes and the
staleness check in CI compares cleanly. Every cell carries nbgrader's metadata
(:mod:`autograder.release.nbgrader`): TODO cells are solution cells, the rest is read-only.
"""

from __future__ import annotations

import re

import nbformat

from autograder.release import nbgrader

_CELL = re.compile(r"^# %%(?:\s*\[(\w+)\])?\s*$")


def split_cells(source: str) -> list[tuple[str, str]]:
    """``[(cell_type, text), ...]`` from a percent-format script; text before the first marker is code."""
    cells: list[tuple[str, list[str]]] = [("code", [])]
    for line in source.split("\n"):
        match = _CELL.match(line)
        if match:
            cells.append(("markdown" if match.group(1) == "markdown" else "code", []))
        else:
            cells[-1][1].append(line)
    out = []
    for kind, lines in cells:
        if kind == "markdown":
            lines = [re.sub(r"^# ?", "", line) for line in lines]
        text = "\n".join(lines).strip("\n")
        if text.strip():
            out.append((kind, text))
    return out


def to_notebook(source: str, *, title: str, checker_cell: str | None = None) -> str:
    """The notebook JSON (nbformat 4) for a percent-format script."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "title": title,
    }
    cells = split_cells(source)
    if checker_cell:
        cells.append(("code", checker_cell))
    grade_ids: set[str] = set()
    for index, (kind, text) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        grading = nbgrader.cell_metadata(kind, text, index, grade_ids)
        cell = make(nbgrader.mark_solution_regions(text) if grading["solution"] else text)
        cell["id"] = f"cell-{index:03d}"
        cell["metadata"] = {**nbgrader.jupyter_metadata(grading), "nbgrader": grading}
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"
