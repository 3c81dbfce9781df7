"""Runs an assignment's public tests inside the process that holds the student's code.

The checker does not import this module where student code runs: it sends this file's source
text to the sandboxed child (which may not read the checker's files) and executes it there, in a
namespace of its own, through one function of the student's module (see
:mod:`autograder.student.sandboxed`). So this file imports only the standard library and pytest,
keeps no state between calls, and returns plain data (strings, numbers, lists, dicts) that the
wire format carries back.

Each call handles one request, ``{"op", "test_file", "test_source", "nodeids", "timeout"}``:

- ``collect``: the tests of the public test file, as ``{"tests": [{"nodeid", "name",
  "function"}], "errors": [...], "device": ...}``;
- ``run``: run the tests ``nodeids`` (all of them when None) in one pytest session and return
  the same, plus ``"outcomes"``: for each test run, its outcome (``passed``, ``failed``,
  ``error``, ``skipped``), message, traceback, error type, duration and captured output.

A test running longer than ``timeout`` seconds is interrupted by an alarm (where the system has
one) and fails with a timeout, so an endless loop costs only its own test. What an alarm cannot
stop (a hang inside C code, a crash) ends the call; the checker then runs the tests one per call
in fresh children.

The public tests import the student's module by name (``importlib.import_module("attention")``);
the module is already in ``sys.modules`` under that name, loaded from the student's file.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal

import pytest

MAX_TEXT = 6000


def run(request: dict) -> dict:
    """Handle one request; see the module docstring."""
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugin sees student code
    os.environ.pop("PYTEST_ADDOPTS", None)
    folder = os.getcwd()
    path = _write(folder, request["test_file"], request["test_source"])
    ini = _write(folder, "pytest.ini", "[pytest]\n")
    recorder = _Recorder(float(request.get("timeout") or 0))
    nodeids = request.get("nodeids")
    targets = [path] if nodeids is None else [f"{path}::{nodeid.split('::', 1)[-1]}" for nodeid in nodeids]
    args = [*targets, "-c", ini, "--rootdir", folder, "-p", "no:cacheprovider", "-p", "no:stepwise", "-q",
            "--tb=short", "--no-header", "--import-mode=importlib"]
    if request["op"] == "collect":
        args.append("--collect-only")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        pytest.main(args, plugins=[recorder])
    reply = {"tests": recorder.items, "errors": recorder.errors, "device": _device()}
    if request["op"] == "run":
        reply["outcomes"] = recorder.outcomes
    return reply


class TestTimeout(Exception):
    """Raised by the alarm in a test that ran too long."""

    __test__ = False


class _Recorder:
    """A pytest plugin that keeps, as plain data, what one run collected and how its test ended."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.items: list[dict] = []
        self.errors: list[str] = []
        self.outcomes: dict[str, dict] = {}
        self.error_types: dict[str, str] = {}

    def pytest_collection_modifyitems(self, items):
        self.items = [{"nodeid": item.nodeid, "name": item.name,
                       "function": getattr(item, "originalname", item.name)} for item in items]

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(_clip(report.longreprtext))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        alarm = self.timeout > 0 and hasattr(signal, "setitimer")
        if alarm:
            previous = signal.signal(signal.SIGALRM, self._interrupt)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            return (yield)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

    def _interrupt(self, signum, frame):
        raise TestTimeout(f"did not finish within {self.timeout:g} s (an endless loop, or far too much work?); "
                          "it was stopped")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.excinfo is not None and report.failed and item.nodeid not in self.error_types:
            self.error_types[item.nodeid] = call.excinfo.typename
        return report

    def pytest_runtest_logreport(self, report):
        current = self.outcomes.get(report.nodeid, {}).get("outcome")
        if report.when == "setup" and report.failed:
            self._set("error", report)
        elif report.when == "setup" and report.skipped:
            self._set("skipped", report)
        elif report.when == "call":
            self._set("passed" if report.passed else "skipped" if report.skipped else "failed", report)
        elif report.when == "teardown" and report.failed and current == "passed":
            self._set("error", report)

    def _set(self, outcome: str, report) -> None:
        text = report.longreprtext if outcome != "passed" else ""
        crash = getattr(report.longrepr, "reprcrash", None)
        message = crash.message if crash is not None else _first_line(text)
        if outcome == "skipped" and isinstance(report.longrepr, tuple):
            message = str(report.longrepr[-1])
        output = "".join(part for part in (report.capstdout, report.capstderr) if part)
        error_type = self.error_types.get(report.nodeid, "") if outcome in ("failed", "error") else ""
        if error_type == "TestTimeout":
            message = message.split(": ", 1)[-1]
        self.outcomes[report.nodeid] = {
            "outcome": outcome, "message": _clip(message), "detail": _clip(text),
            "error_type": "Timeout" if error_type == "TestTimeout" else error_type,
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
