"""Run the public tests on a student's file in the grader's sandbox.

The student's code is loaded the way the grader loads it (same keep rule, same chunks) into a
child forked from the warm fork server and isolated as for grading
(:mod:`autograder.sandbox.session`). The public tests run *in that child* with pytest: they are
not secret, they import the student's module by name, and they may hand it anything a test can
(a lambda, a model whose parameters they iterate), which only a test living beside the code can
do. To get them there, the checker adds one definition to what the child loads,
``__autograder_check__(runner_source, request)``, which executes the source of
:mod:`autograder.student.child_runner` and runs one request; the child cannot read the
checker's files, so the runner travels as text. Outcomes come back as data over the wire.

All tests run in one call, each under an alarm, so an endless loop costs only its own test. A
call that crashes the child (``os._exit``, a segfault) or outlasts its time (a hang inside C
code) is retried one test per call: the culprit fails alone, with the sandbox's message, and
each test after it gets a freshly loaded child.
"""

from __future__ import annotations

import dataclasses
import inspect

from autograder.sandbox.isolation import Limits, package_folder
from autograder.sandbox.session import ForkServer, Sandbox, StudentCodeError
from autograder.student import child_runner
from autograder.student.assignment_folder import AssignmentFolder
from autograder.student.report import TestOutcome, TestRun
from autograder.submission import Submission
from autograder.submission.statements import Chunk

FORK_SERVER = "autograder.student.forkserver"
RUNNER = "__autograder_check__"
RUNNER_FILE = "<autograder check>"
BATCH_TESTS = 10
"""The call running every test may take this many test timeouts before the tests run one by one."""
BOOTSTRAP = f'''def {RUNNER}(runner_source, request):
    namespace = {{"__name__": "autograder_check_runner"}}
    exec(compile(runner_source, "<autograder check runner>", "exec"), namespace)
    return namespace["run"](request)
'''


class SandboxUnavailable(RuntimeError):
    """The sandbox could not start student code on this machine at all."""


def run_public_tests(assignment: AssignmentFolder, submission: Submission, test_source: str,
                     server: ForkServer | None = None, progress=None) -> TestRun:
    """Run every public test on ``submission`` in the sandbox; see the module docstring.

    Raises:
        SandboxUnavailable: when no child could be started (on a system where the sandbox's
            isolation does not work), so the caller can fall back to a plain subprocess.
    """
    limits = Limits(**{k: v for k, v in assignment.limits.items() if k in Limits.__dataclass_fields__})
    own_server = server is None
    server = server or ForkServer(module=FORK_SERVER)
    # The course's data layer, where this Python has it (the bundle ships it), may be imported.
    data_layer = package_folder("coursedata")
    sandbox = Sandbox(server, with_runner(submission), assignment.module, limits, list(assignment.protected),
                      [data_layer] if data_layer else [])
    runner = _Runner(sandbox, inspect.getsource(child_runner), {
        "test_file": assignment.public_tests.name, "test_source": test_source, "timeout": assignment.test_timeout})
    result = TestRun()
    try:
        try:
            sandbox.ensure()
        except StudentCodeError as exc:
            raise SandboxUnavailable(exc.message) from None
        try:
            if progress:
                progress(0, 1, "all public tests")
            reply = runner.call("run", None, "running the public tests", BATCH_TESTS * assignment.test_timeout)
        except StudentCodeError:
            reply = _one_by_one(runner, result, assignment.test_timeout, progress)
        if reply is not None:
            result.device = reply.get("device", "")
            result.problems += [f"the public tests could not be loaded:\n{e}" for e in reply.get("errors", [])]
            for test in reply.get("tests", []):
                result.tests.append(_outcome(test, reply.get("outcomes", {}).get(test["nodeid"])))
        try:
            result.problems += sandbox.load_errors()
        except StudentCodeError as exc:
            result.problems.append(str(exc))
        result.isolation = sandbox.isolation.get("summary", "")
        return result
    finally:
        sandbox.close()
        if own_server:
            server.close()


def _one_by_one(runner: _Runner, result: TestRun, timeout: float, progress) -> dict | None:
    """Collect, then run each test in its own call; return what a whole run would have."""
    try:
        collected = runner.call("collect", None, "collecting the public tests", timeout)
    except StudentCodeError as exc:
        result.problems.append(str(exc))
        return None
    outcomes = {}
    for index, test in enumerate(collected.get("tests", [])):
        if progress:
            progress(index, len(collected["tests"]), test["name"])
        try:
            reply = runner.call("run", [test["nodeid"]], f"public test {test['name']}", timeout)
            outcomes.update(reply.get("outcomes", {}))
        except StudentCodeError as exc:
            outcomes[test["nodeid"]] = {"outcome": "error", "message": exc.message, "detail": str(exc),
                                        "output": exc.output,
                                        "error_type": "Timeout" if exc.kind == "timeout" else "Crash"}
    return {**collected, "outcomes": outcomes}


def _outcome(test: dict, reply: dict | None) -> TestOutcome:
    outcome = TestOutcome(test["nodeid"], test["name"], test["function"])
    if reply is None:
        outcome.message = "this test did not run (pytest stopped before it)"
        return outcome
    for key in ("outcome", "message", "detail", "error_type", "duration", "output"):
        setattr(outcome, key, reply.get(key, getattr(outcome, key)))
    return outcome


class _Runner:
    """Calls ``__autograder_check__`` in the child with the runner's source and one request."""

    def __init__(self, sandbox: Sandbox, source: str, request: dict):
        self.sandbox = sandbox
        self.source = source
        self.request = request

    def call(self, op: str, nodeids: list[str] | None, what: str, timeout: float) -> dict:
        message = {"op": "call", "target": RUNNER, "kwargs": {}, "seed": 0,
                   "args": [self.source, {**self.request, "op": op, "nodeids": nodeids}]}
        try:
            reply = self.sandbox.request(message, what, timeout)
        finally:
            # The sandbox shortens later calls to a target that once timed out; every call here
            # is to the runner, and one endless loop must not shorten the others.
            self.sandbox.timed_out.discard(RUNNER)
        if not isinstance(reply, dict):
            raise StudentCodeError("protocol", f"{what}: the checker's runner sent back {type(reply).__name__}")
        return reply


def with_runner(submission: Submission) -> Submission:
    """``submission`` with the runner's one definition loaded before the student's code."""
    bootstrap = Chunk(RUNNER_FILE, 1, BOOTSTRAP, "function", (RUNNER,))
    return dataclasses.replace(submission, chunks=[bootstrap, *submission.chunks],
                               sources={RUNNER_FILE: BOOTSTRAP, **submission.sources})
