"""nbgrader cell metadata for released notebooks, so a course on JupyterHub can use nbgrader's tools.

nbgrader (schema version 3) reads three kinds of cells here:

- a **solution cell**: a code cell with a TODO, which students edit. Its TODO lines sit between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``, because nbgrader's ``generate_assignment``
  replaces a solution cell *without* such a region by its stub whole, signature and docstring
  included; with the region, only the TODO lines become nbgrader's ``# YOUR CODE HERE`` stub.
- a **read-only cell**: every markdown cell (the statement) and every code cell without a TODO
  (imports, given code, the check cell): ``locked``, and not editable or deletable in Jupyter.
- nothing is a grade cell: our hidden suite grades, by function, not by cell.

``grade_id``s are stable across releases: a solution cell is named after the first function or
class it defines (``masked_softmax``), other cells after their kind and position.
"""

from __future__ import annotations

import re

from autograder.release.templates import TODO

SCHEMA_VERSION = 3
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"

_RAISE_TODO = re.compile(r"^\s*raise NotImplementedError\(.*\)\s*$")
_DEFINITION = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)", re.MULTILINE)


def is_solution_cell(kind: str, text: str) -> bool:
    """Is this a code cell students edit: one with the template's TODO line, or (in a notebook made
    from the reference, an nbgrader source notebook) one with a solution region?"""
    return kind == "code" and any(line.strip() in (TODO, BEGIN) for line in text.split("\n"))


def mark_solution_regions(text: str) -> str:
    """Put each TODO (its comment and the ``raise NotImplementedError`` under it) between nbgrader's markers."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == TODO and i + 1 < len(lines) and _RAISE_TODO.match(lines[i + 1]):
            indent = line[:len(line) - len(line.lstrip())]
            out += [indent + BEGIN, line, lines[i + 1], indent + END]
            i += 2
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def cell_metadata(kind: str, text: str, index: int, taken: set[str]) -> dict:
    """The ``nbgrader`` metadata of cell number ``index``; ``taken`` collects grade ids already used."""
    solution = is_solution_cell(kind, text)
    if solution:
        names = _DEFINITION.findall(text)
        base = names[0] if names else f"solution-{index:03d}"
    else:
        base = f"{'text' if kind == 'markdown' else 'given'}-{index:03d}"
    grade_id, n = base, 2
    while grade_id in taken:
        grade_id, n = f"{base}-{n}", n + 1
    taken.add(grade_id)
    return {"grade": False, "grade_id": grade_id, "locked": not solution, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}


def jupyter_metadata(nbgrader: dict) -> dict:
    """Jupyter's own flags, as nbgrader's LockCells sets them: read-only cells cannot be edited or
    deleted, solution cells cannot be deleted."""
    if nbgrader["locked"]:
        return {"deletable": False, "editable": False}
    return {"deletable": False}
