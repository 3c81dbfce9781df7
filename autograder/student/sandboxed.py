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

One test per call: a test that crashes the child or runs past its time fails alone, with the
sandbox's message; the next test gets a freshly loaded child.
"""

from __future__ import annotations

import dataclasses
import inspect

from autograder.sandbox.isolation import Limits
from autograder.sandbox.session import ForkServer, Sandbox, StudentCodeError
from autograder.student import child_runner
from autograder.student.assignment_folder import AssignmentFolder
from autograder.student.report import TestOutcome, TestRun
from autograder.submission import Submission
from autograder.submission.statements import Chunk

RUNNER = "__autograder_check__"
RUNNER_FILE = "<autograder check>"
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
    runner_source = inspect.getsource(child_runner)
    loaded = with_runner(submission)
    own_server = server is None
    server = server or ForkServer()
    sandbox = Sandbox(server, loaded, assignment.module, limits, list(assignment.protected))
    result = TestRun()
    try:
        try:
            sandbox.ensure()
        except StudentCodeError as exc:
            raise SandboxUnavailable(exc.message) from None
        request = {"test_file": assignment.public_tests.name, "test_source": test_source}
        try:
            collected = _call(sandbox, runner_source, {"op": "collect", **request}, "collecting the public tests",
                              assignment.test_timeout)
        except StudentCodeError as exc:
            result.problems.append(str(exc))
            return result
        result.device = collected.get("device", "")
        result.problems += [f"the public tests could not be loaded:\n{e}" for e in collected.get("errors", [])]
        for index, test in enumerate(collected.get("tests", [])):
            if progress:
                progress(index, len(collected["tests"]), test["name"])
            outcome = TestOutcome(test["nodeid"], test["name"], test["function"])
            try:
                reply = _call(sandbox, runner_source, {"op": "run", "nodeid": test["nodeid"], **request},
                              f"public test {test['name']}", assignment.test_timeout)
                for key in ("outcome", "message", "detail", "error_type", "duration", "output"):
                    setattr(outcome, key, reply.get(key, getattr(outcome, key)))
            except StudentCodeError as exc:
                outcome.outcome, outcome.message = "error", exc.message
                outcome.detail, outcome.output = str(exc), exc.output
                outcome.error_type = "Timeout" if exc.kind == "timeout" else "Crash"
            result.tests.append(outcome)
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


def with_runner(submission: Submission) -> Submission:
    """``submission`` with the runner's one definition loaded before the student's code."""
    bootstrap = Chunk(RUNNER_FILE, 1, BOOTSTRAP, "function", (RUNNER,))
    return dataclasses.replace(submission, chunks=[bootstrap, *submission.chunks],
                               sources={RUNNER_FILE: BOOTSTRAP, **submission.sources})


def _call(sandbox: Sandbox, runner_source: str, request: dict, what: str, timeout: float) -> dict:
    message = {"op": "call", "target": RUNNER, "args": [runner_source, request], "kwargs": {}, "seed": 0}
    try:
        reply = sandbox.request(message, what, timeout)
    finally:
        # The sandbox shortens later calls to a target that once timed out; every test is a call
        # to the runner, and one endless loop must not shorten the others.
        sandbox.timed_out.discard(RUNNER)
    if not isinstance(reply, dict):
        raise StudentCodeError("protocol", f"{what}: the checker's runner sent back {type(reply).__name__}")
    return reply
