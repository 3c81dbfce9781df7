import json

import pytest

from autograder.assignment import all_assignment_ids, load_assignment
from autograder.release.notebook import split_cells
from autograder.release.publish import release_files, stale_files
from autograder.release.templates import MarkerError, make_template, solution_lines


def test_solution_block_becomes_a_todo_at_its_indentation():
    """Is a solution block replaced by a TODO and raise NotImplementedError, indented like the marker?"""
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    template = make_template(source)
    assert "return x + y" not in template
    assert "    raise NotImplementedError('f')" in template and "    y = 1" in template


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx = 1\n",
    "x = 1\n### END SOLUTION\n",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
])
def test_unbalanced_markers_are_errors(source):
    """Are unclosed, unopened and nested solution markers refused?"""
    with pytest.raises(MarkerError):
        make_template(source)


def test_percent_cells_become_markdown_and_code():
    """Do `# %% [markdown]` and `# %%` cells split into markdown (comment marks removed) and code?"""
    cells = split_cells("# %% [markdown]\n# # Title\n# text\n\n# %%\nimport torch\n")
    assert cells == [("markdown", "# Title\ntext"), ("code", "import torch")]


@pytest.mark.parametrize("assignment_id", all_assignment_ids())
def test_released_material_is_up_to_date(assignment_id):
    """Is assignments/<id>/ exactly what `make release` generates from reference/<id>/ now?"""
    assert stale_files(load_assignment(assignment_id)) == [], "run `make release` and commit assignments/"


@pytest.mark.parametrize("assignment_id", all_assignment_ids())
def test_released_material_holds_no_solution_line(assignment_id):
    """Does no released file contain any line of a solution block?"""
    assignment = load_assignment(assignment_id)
    reference = assignment.reference_path.read_text(encoding="utf-8")
    public = {line.strip() for line in make_template(reference).split("\n")}
    # Short lines such as `return x` and lines the reference also has outside its solution blocks
    # say nothing about the solution; compare the rest, whole statement by whole statement.
    secret = {line for line in solution_lines(reference) if len(line) > 12} - public
    for name, text in release_files(assignment).items():
        lines = text.split("\n")
        if name.endswith(".ipynb"):
            lines = [line for cell in json.loads(text)["cells"] for line in "".join(cell["source"]).split("\n")]
        leaked = secret & {line.strip() for line in lines}
        assert not leaked, f"{name} leaks {sorted(leaked)[:3]}"
