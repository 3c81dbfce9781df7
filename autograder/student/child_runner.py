"""Runs an assignment's public tests inside the process that holds the student's code.

The checker does not import this module where student code runs: it sends this file's source
text to the sandboxed child (which may not read the checker's files) and executes it there, in a
namespace of its own, through one function of the student's module (see
:mod:`autograder.student.sandboxed`). So this file imports only the standard library and pytest,
keeps no state between calls, and returns plain data (strings, numbers, lists, dicts) that the
wire format carries back.

Each call handles one request:

- ``{"op": "collect", "test_file", "test_source"}``: the tests of the public test file, as
  ``{"tests": [{"nodeid", "name", "function"}], "errors": [...], "device": ...}``;
- ``{"op": "run", "test_file", "test_source", "nodeid"}``: run that one test and return its
  outcome (``passed``, ``failed``, ``error``, ``skipped``), message, traceback, error type,
  duration and captured output.

One test per call is what makes a crash or an endless loop in one function cost only its own
tests: the checker restarts the child and goes on with the next test.

The public tests import the student's module by name (``importlib.import_module("attention")``);
the module is already in ``sys.modules`` under that name, loaded from the student's file.
"""

from __future__ import annotations

import contextlib
import io
import os

import pytest

MAX_TEXT = 6000


def run(request: dict) -> dict:
    """Handle one request; see the module docstring."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugin sees student code
    os.environ.pop("PYTEST_ADDOPTS", None)
    folder = os.getcwd()
    path = _write(folder, request["test_file"], request["test_source"])
    ini = _write(folder, "pytest.ini", "[pytest]\n")
    recorder = _Recorder()
    target = path if request["op"] == "collect" else f"{path}::{request['nodeid'].split('::', 1)[-1]}"
    args = [target, "-c", ini, "--rootdir", folder, "-p", "no:cacheprovider", "-p", "no:stepwise", "-q",
            "--tb=short", "--no-header", "--import-mode=importlib"]
    if request["op"] == "collect":
        args.append("--collect-only")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main(args, plugins=[recorder])
    if request["op"] == "collect":
        return {"tests": recorder.items, "errors": recorder.errors, "device": _device()}
    if recorder.outcome is None:
        errors = recorder.errors or [f"pytest ended with {code!r} before running the test"]
        return {"outcome": "error", "message": _first_line(errors[0]), "detail": _clip(errors[0]),
                "error_type": "", "duration": 0.0, "output": ""}
    return recorder.outcome


class _Recorder:
    """A pytest plugin that keeps, as plain data, what one run collected and how its test ended."""

    def __init__(self):
        self.items: list[dict] = []
        self.errors: list[str] = []
        self.outcome: dict | None = None
        self.error_type = ""

    def pytest_collection_modifyitems(self, items):
        self.items = [{"nodeid": item.nodeid, "name": item.name,
                       "function": getattr(item, "originalname", item.name)} for item in items]

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(_clip(report.longreprtext))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.excinfo is not None and not self.error_type and report.failed:
            self.error_type = call.excinfo.typename
        return report

    def pytest_runtest_logreport(self, report):
        if report.when == "setup" and report.failed:
            self._set("error", report)
        elif report.when == "setup" and report.skipped:
            self._set("skipped", report)
        elif report.when == "call":
            self._set("passed" if report.passed else "skipped" if report.skipped else "failed", report)
        elif report.when == "teardown" and report.failed and self.outcome and self.outcome["outcome"] == "passed":
            self._set("error", report)

    def _set(self, outcome: str, report) -> None:
        text = report.longreprtext if outcome != "passed" else ""
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash is not None else _first_line(text)
        if outcome == "skipped" and isinstance(report.longrepr, tuple):
            message = str(report.longrepr[-1])
        output = "".join(part for part in (report.capstdout, report.capstderr) if part)
        self.outcome = {"outcome": outcome, "message": _clip(message), "detail": _clip(text),
                        "error_type": self.error_type if outcome in ("failed", "error") else "",
                        "duration": round(float(getattr(report, "duration", 0.0)), 4), "output": _clip(output)}


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, os.path.basename(name))
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return path
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def _device() -> str:
    try:
        import torch

        if torch.cuda.is_available():
            return f"cuda ({torch.cuda.get_device_name(0)})"
    except Exception:  # a broken CUDA set-up is not the student's problem here
        pass
    return "cpu"


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().split("\n") if line.strip()]
    return lines[-1] if lines else ""


def _clip(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT // 2] + "\n[...]\n" + text[-MAX_TEXT // 2:]
