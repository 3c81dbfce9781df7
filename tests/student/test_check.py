"""The checker on a tiny assignment: statuses per function, failures, hints, endless loops, crashes."""

from __future__ import annotations

import argparse
import json
import sys

import pytest
from tiny_assignment import CRASH, ENDLESS, SOLVED, WRONG, with_functions

from autograder.student.checking import run_check
from autograder.student.render import to_html, to_text
from autograder.student.report import FAILED, MISSING, PASSED, TODO, UNCHECKED

pytestmark = pytest.mark.slow


def statuses(report) -> dict[str, str]:
    return {row.name: row.status for row in report.functions}


def test_the_template_reports_every_todo(tiny, fork_server):
    """Does the untouched template show every function as TODO, in order, without a crash or a traceback?"""
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert [row.name for row in report.functions] == ["add", "Scale", "count_up", "untested"]
    assert set(statuses(report).values()) == {TODO}
    assert report.total == 4 and report.passed == 0 and not report.all_passed
    assert report.problems == [] and not report.fatal
    text = to_text(report)
    assert "Traceback" not in text and "哪里不对" not in text  # a TODO is not a failure to explain
    assert "landlock" in report.isolation or "rlimits" in report.isolation


def test_one_function_filled_in_passes_and_a_wrong_one_explains(tiny, fork_server):
    """Does a solved function pass, and does a wrong one fail with the test's message as its hint?"""
    (tiny / "tiny.py").write_text(with_functions(SOLVED, WRONG), encoding="utf-8")
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert statuses(report) == {"add": FAILED, "Scale": TODO, "count_up": PASSED, "untested": TODO}
    (failure,) = [t for t in report.tests if t.function == "add"]
    assert "-1 == 5" in failure.message and failure.hint.en == "2 + 3 should be 5"
    text = to_text(report)
    assert "FAIL     add" in text and "PASS     count_up" in text and "2 + 3 should be 5" in text


def test_an_endless_loop_costs_only_its_own_test(tiny, fork_server):
    """Is an endless loop stopped after the check timeout, with the other tests still run?"""
    (tiny / "tiny.py").write_text(with_functions(SOLVED, ENDLESS), encoding="utf-8")
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert statuses(report)["add"] == PASSED and statuses(report)["count_up"] == FAILED
    (loop,) = [t for t in report.tests if t.function == "count_up"]
    assert loop.error_type == "Timeout" and "did not finish within 5 s" in loop.message
    assert "endless loop" in loop.hint.en


def test_a_crash_costs_only_its_own_test(tiny, fork_server):
    """Does os._exit in one function fail that test alone, with the exit status, and the rest still pass?"""
    (tiny / "tiny.py").write_text(with_functions(SOLVED, CRASH), encoding="utf-8")
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert statuses(report)["add"] == PASSED
    (crash,) = [t for t in report.tests if t.function == "count_up"]
    assert crash.outcome == "error" and "status 3" in crash.message
    assert "exit()" in crash.hint.en


def test_syntax_error_and_missing_name(tiny, fork_server):
    """Is a syntax error reported with its line, the other functions still checked, and a deleted one missing?"""
    source = with_functions(SOLVED).replace("def untested(x):", "def untested(x)")  # no colon
    source = source.replace("class Scale:", "class Scaler:")
    (tiny / "tiny.py").write_text(source, encoding="utf-8")
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert statuses(report) == {"add": PASSED, "Scale": MISSING, "count_up": PASSED, "untested": MISSING}
    assert any("SyntaxError" in p and "untested" in p for p in report.problems)
    assert "name is missing" in report.tests[1].hint.en


def test_a_notebook_is_checked_like_a_script(tiny, fork_server):
    """Is tiny.ipynb (code split over cells, with a stray top-level call) checked, and the newer file chosen?"""
    cells = [{"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Tiny"}]
    for index, code in enumerate((SOLVED["add"], SOLVED["count_up"], "print(add(1, 2))")):
        cells.append({"cell_type": "code", "id": f"code-{index}", "metadata": {}, "execution_count": None,
                      "outputs": [], "source": code})
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    (tiny / "tiny.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    report = run_check(tiny, server=fork_server, prefer_notebook=True)
    assert report.file_name == "tiny.ipynb"
    assert statuses(report) == {"add": PASSED, "Scale": MISSING, "count_up": PASSED, "untested": MISSING}


def test_without_the_sandbox(tiny, monkeypatch):
    """Where the sandbox cannot even be imported (Windows), do the tests run in a plain subprocess, with
    the same verdicts, an endless loop stopped, and the reason shown?"""
    import autograder.student

    monkeypatch.setitem(sys.modules, "autograder.student.sandboxed", None)  # importing it raises ImportError
    monkeypatch.delattr(autograder.student, "sandboxed", raising=False)  # as if never imported
    (tiny / "tiny.py").write_text(with_functions(SOLVED, WRONG, ENDLESS), encoding="utf-8")
    report = run_check(tiny / "tiny.py")
    assert statuses(report) == {"add": FAILED, "Scale": TODO, "count_up": FAILED, "untested": TODO}
    assert "plain subprocess" in report.isolation and "the sandbox needs Linux or macOS" in report.isolation
    (loop,) = [t for t in report.tests if t.function == "count_up"]
    assert loop.error_type == "Timeout"


def test_html_is_escaped_and_complete(tiny, fork_server):
    """Does the notebook's HTML hold every function and escape what student code printed?"""
    source = with_functions({"add": "def add(a, b):\n    raise ValueError('<script>alert(1)</script>')\n"})
    (tiny / "tiny.py").write_text(source, encoding="utf-8")
    page = to_html(run_check(tiny / "tiny.py", server=fork_server))
    assert "<script>" not in page and "&lt;script&gt;" in page
    for name in ("add", "Scale", "count_up", "untested"):
        assert f"<code>{name}</code>" in page


def test_unchecked_when_written_but_untested(tiny, fork_server):
    """Is a written function without a public test shown as checked by the hidden tests only?"""
    (tiny / "tiny.py").write_text(with_functions({"untested": "def untested(x):\n    return x\n"}), encoding="utf-8")
    report = run_check(tiny / "tiny.py", server=fork_server)
    assert statuses(report)["untested"] == UNCHECKED


def test_the_check_command(tiny, capsys):
    """Does `autograder check FILE` print the table and exit 1 while tests fail, and 2 with nothing to check?"""
    from autograder.commands import check

    parser = argparse.ArgumentParser()
    check.add_arguments(parser)
    assert check.run(parser.parse_args([str(tiny / "tiny.py"), "--no-sandbox"])) == 1
    assert "TODO     add" in capsys.readouterr().out
    assert check.run(parser.parse_args([str(tiny.parent)])) == 2  # no assignment.toml there
    assert "not an assignment folder" in capsys.readouterr().err


def test_check_in_a_notebook_stays_quiet_while_nbgrader_grades(tiny, monkeypatch, capsys):
    """Does check() do nothing (and start no sandbox) while nbgrader executes the notebook?"""
    from autograder.student import check

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check(tiny) is None
    assert "skipped while nbgrader" in capsys.readouterr().out
