import json

import nbformat

from autograder.submission import load_submission_bytes


def notebook(*cells: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 作业")] + [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb).encode()


def test_notebook_magics_and_shell_lines_are_neutralised():
    """Do %magics, !shell lines and %%cell magics disappear without breaking the cell's code?"""
    data = notebook("%matplotlib inline\n!pip install foo\nimport torch", "%%time\nx = train()",
                    "def f(x):\n    !echo hi\n    return x")
    submission = load_submission_bytes("a.ipynb", data)
    assert submission.fatal is None
    assert [c.names for c in submission.chunks if c.kind != "import"] == [("f",)]
    assert submission.chunks[0].filename == "a.ipynb, cell 2"


def test_broken_notebook_json_is_fatal_with_a_clear_message():
    """Is a truncated notebook a fatal, explained error rather than a crash?"""
    data = notebook("def f():\n    return 1")[:-40]
    submission = load_submission_bytes("a.ipynb", data)
    assert submission.fatal and "not valid JSON" in submission.fatal


def test_json_that_is_not_a_notebook_is_fatal():
    """Is a JSON file that is not a notebook refused with a message?"""
    submission = load_submission_bytes("a.ipynb", json.dumps({"cells": 3}).encode())
    assert submission.fatal and "nbformat" in submission.fatal


def test_syntax_error_in_one_cell_costs_only_that_cell():
    """Does a syntax error in one cell leave the definitions in other cells intact?"""
    submission = load_submission_bytes("a.ipynb", notebook("def f():\n    return 1", "def g(:\n  pass", "def h():\n    return 3"))
    assert [c.names for c in submission.chunks] == [("f",), ("h",)]
    assert submission.problem_for("g").filename == "a.ipynb, cell 3"


def test_gbk_script_loads():
    """Does a GBK-encoded script with Chinese comments load and record its encoding?"""
    submission = load_submission_bytes("a.py", "# 中文注释\ndef f():\n    return '你好'\n".encode("gbk"))
    assert submission.fatal is None and submission.encoding == "gb18030"
    assert submission.chunks[0].names == ("f",)


def test_sha256_identifies_the_bytes():
    """Do identical bytes give identical digests and different bytes different ones?"""
    a, b = load_submission_bytes("a.py", b"x = 1\n"), load_submission_bytes("a.py", b"x = 2\n")
    assert a.sha256 != b.sha256 and a.sha256 == load_submission_bytes("b.py", b"x = 1\n").sha256
