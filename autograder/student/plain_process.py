"""Run the public tests in a plain subprocess, where the sandbox cannot run (Windows; a system whose
kernel refuses its isolation).

Only the process boundary and a time limit per test remain: the student's code is loaded (same
keep rule and chunks as the grader's) into a fresh Python process that runs the public tests
with :mod:`autograder.student.child_runner` and writes one JSON line per event to a file. A test
that runs past its time has the process killed; a new process goes on with the next test. On a
student's own machine this is about their own code, so it is enough for checking; grading
always uses the sandbox.

Run as ``python -m autograder.student.plain_process REQUEST.json EVENTS.jsonl``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from autograder.student.assignment_folder import AssignmentFolder
from autograder.student.report import TestOutcome, TestRun
from autograder.submission import Submission

STARTUP_SECONDS = 120.0
MARGIN_SECONDS = 5.0
ISOLATION = "plain subprocess (no sandbox on this system): process boundary and a time limit per test"


def run_public_tests(assignment: AssignmentFolder, submission: Submission, test_source: str, timeout: float,
                     progress=None):
    """Like :func:`autograder.student.sandboxed.run_public_tests`, without the sandbox."""
    result = TestRun(isolation=ISOLATION)
    request = {"module": assignment.module, "test_file": assignment.public_tests.name, "test_source": test_source,
               "chunks": [{"filename": c.filename, "lineno": c.lineno, "source": c.source} for c in submission.chunks],
               "timeout": timeout, "start": 0}
    with tempfile.TemporaryDirectory(prefix="autograder-check-") as folder:
        collected: list[dict] | None = None
        while True:
            events, finished, ended = _run_once(Path(folder), request, timeout)
            for event in events:
                if event["event"] == "collected" and collected is None:
                    collected = event["tests"]
                    result.device = event.get("device", "")
                    result.problems += [f"the public tests could not be loaded:\n{e}" for e in event["errors"]]
                elif event["event"] == "loaded" and request["start"] == 0:
                    result.problems += event["errors"]
                elif event["event"] == "test":
                    test = collected[event["index"]]
                    if progress:
                        progress(event["index"], len(collected), test["name"])
                    outcome = TestOutcome(test["nodeid"], test["name"], test["function"])
                    for key, value in event["outcome"].items():
                        setattr(outcome, key, value)
                    result.tests.append(outcome)
            if finished:
                return result
            if collected is None:
                result.problems.append(f"the public tests could not be started: {ended}")
                return result
            index = len(result.tests)
            if index >= len(collected):
                return result
            test = collected[index]
            result.tests.append(TestOutcome(test["nodeid"], test["name"], test["function"], outcome="error",
                                            message=f"public test {test['name']} {ended}", error_type="Timeout"
                                            if "did not finish" in ended else "Crash"))
            request["start"] = index + 1


def _run_once(folder: Path, request: dict, timeout: float) -> tuple[list[dict], bool, str]:
    """One process from ``request["start"]`` on: its events, whether it finished, and if not, why."""
    request_path, events_path = folder / "request.json", folder / "events.jsonl"
    request_path.write_text(json.dumps(request), encoding="utf-8")
    events_path.write_text("", encoding="utf-8")
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=package_root + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    process = subprocess.Popen([sys.executable, "-m", "autograder.student.plain_process", str(request_path),
                                str(events_path)], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Until the tests are collected the process is starting (Python, the student's imports, torch);
    # after that each test has `timeout` (its own alarm usually stops it first) and a margin.
    seen, deadline = 0, time.monotonic() + STARTUP_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        events = _events(events_path)
        if len(events) != seen:
            seen = len(events)
            collected = any(e["event"] == "collected" for e in events)
            deadline = time.monotonic() + (timeout + MARGIN_SECONDS if collected else STARTUP_SECONDS)
    if process.poll() is None:
        process.kill()
        process.wait()
        events = _events(events_path)
        return events, False, (f"did not finish within {timeout:g} s (an endless loop, or far too much work?); "
                               "it was stopped")
    events = _events(events_path)
    finished = any(e["event"] == "done" for e in events)
    why = "" if finished else f"ended the process running your code (exit status {process.returncode})"
    return events, finished, why


def _events(path: Path) -> list[dict]:
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            break  # a line still being written
    return events


def main(request_path: str, events_path: str) -> None:
    """The subprocess: load the student's code, then run the tests from ``start`` on."""
    from autograder.student import child_runner

    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    events = open(events_path, "a", encoding="utf-8", buffering=1)

    def emit(**event) -> None:
        events.write(json.dumps(event) + "\n")

    module = types.ModuleType(request["module"])
    module.__file__ = request["module"] + ".py"
    sys.modules[request["module"]] = module
    errors = []
    for chunk in request["chunks"]:
        try:
            exec(compile("\n" * (chunk["lineno"] - 1) + chunk["source"], chunk["filename"], "exec"), module.__dict__)
        except BaseException as exc:  # a student's top level may raise anything, SystemExit included
            errors.append(f"{chunk['filename']}, line {chunk['lineno']}: {type(exc).__name__}: {exc}")
    emit(event="loaded", errors=errors)
    base = {"test_file": request["test_file"], "test_source": request["test_source"], "timeout": request["timeout"]}
    collected = child_runner.run({"op": "collect", **base})
    emit(event="collected", **collected)
    for index, test in enumerate(collected["tests"]):
        if index >= request["start"]:
            reply = child_runner.run({"op": "run", "nodeids": [test["nodeid"]], **base})
            outcome = reply["outcomes"].get(test["nodeid"]) or {"outcome": "error", "message": "the test did not run"}
            emit(event="test", index=index, outcome=outcome)
    emit(event="done")
    events.close()
    os._exit(0)  # the student's threads or atexit handlers do not keep the process alive


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
