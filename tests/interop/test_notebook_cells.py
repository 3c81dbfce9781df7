"""A notebook is graded by function, not by cell: deleted, duplicated and reordered cells change nothing else."""

from __future__ import annotations

import copy
import json

import pytest

from autograder.assignment import load_assignment
from autograder.release.notebook import to_notebook
from autograder.release.publish import CHECK_CELL
from autograder.release.templates import make_template

pytestmark = pytest.mark.slow

A = "ch01_attention"


def notebooks() -> tuple[dict, dict]:
    """The ch01 reference and template as notebooks with the released cells (same grade ids)."""
    assignment = load_assignment(A)
    reference = assignment.reference_path.read_text(encoding="utf-8")
    check = CHECK_CELL.replace("MODULE", assignment.module)
    return (json.loads(to_notebook(reference, title=assignment.title, checker_cell=check)),
            json.loads(to_notebook(make_template(reference), title=assignment.title, checker_cell=check)))


def by_grade_id(notebook: dict) -> dict[str, dict]:
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell for cell in notebook["cells"]}


def test_shuffled_and_duplicated_cells_still_get_full_marks(grade):
    """With every markdown cell and the check cell deleted, the code cells in reverse order, a stale TODO copy
    of a cell before its solution and a solved cell run twice, is the reference still worth full marks?"""
    reference, template = notebooks()
    code = [c for c in reference["cells"]
            if c["cell_type"] == "code" and "autograder.student" not in "".join(c["source"])]
    imports, definitions = code[0], code[1:]
    stale = dict(copy.deepcopy(by_grade_id(template)["masked_softmax"]), id="stale-copy")
    again = dict(copy.deepcopy(by_grade_id(reference)["causal_mask"]), id="run-twice")  # Jupyter gives copies new ids
    cells = [imports, stale] + definitions[::-1] + [again]
    shuffled = dict(reference, cells=cells)
    results = grade(A, json.dumps(shuffled, ensure_ascii=False), name="attention.ipynb")
    assert results["score"] == results["extra_data"]["max_score"] > 0, results["output"]


def test_a_deleted_cell_costs_only_its_functions(grade):
    """Without the cell of the sparse masks, do only the mask tests fail, and masked_softmax still pass?"""
    reference, _ = notebooks()
    kept = [c for c in reference["cells"] if c["metadata"]["nbgrader"]["grade_id"] != "causal_mask"]
    results = grade(A, json.dumps(dict(reference, cells=kept), ensure_ascii=False), name="attention.ipynb",
                    only={"causal_mask", "masked_softmax"})
    by_function = {}
    for test in results["tests"]:
        by_function.setdefault(test["extra_data"]["function"], set()).add(test["status"])
    assert by_function["masked_softmax"] == {"passed"}
    assert by_function["causal_mask"] == {"failed"}
    failed = next(t for t in results["tests"] if t["extra_data"]["function"] == "causal_mask")
    assert "causal_mask" in failed["output"]
