"""``check()`` in a running Jupyter kernel: the bundle's notebook shows the checker's table as HTML."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from venvs import run_in

from autograder.assignment import load_assignment
from autograder.release.bundle import build_bundle

A = "ch01_attention"


@pytest.mark.slow
def test_the_notebooks_last_cell_shows_the_table(nbgrader_venv, tmp_path):
    """Executed by Jupyter in the unzipped bundle, with masked_softmax solved, does the check cell display an
    HTML table that passes masked_softmax and lists the rest as TODO, without an error?"""
    zipfile.ZipFile(io.BytesIO(build_bundle(load_assignment(A)))).extractall(tmp_path)
    folder = tmp_path / A
    reference = load_assignment(A).reference_path.read_text(encoding="utf-8")
    solution = re.search(r"def masked_softmax\(.*?### END SOLUTION\n", reference, re.S).group(0)
    notebook = json.loads((folder / "attention.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if c["metadata"]["nbgrader"]["grade_id"] == "masked_softmax"]
    cell["source"] = solution
    (folder / "attention.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    run_in(nbgrader_venv, str(nbgrader_venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
           "--ExecutePreprocessor.timeout=600", "--output", "executed.ipynb", "attention.ipynb", cwd=folder)
    executed = json.loads((folder / "executed.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    (page,) = ["".join(o["data"]["text/html"]) for o in outputs if "text/html" in o.get("data", {})]
    assert "<table>" in page and "<code>masked_softmax</code>" in page
    assert "2/2 public tests passed" in page and "11 of 12 functions still TODO" in page, page
