"""``autograder mistakes ASSIGNMENT [NAME ...]``: grade each catalogued mistake, for authors.

Every mistake of the catalogue is spliced into the reference and graded on the tests of the
function it replaces, as ``make test`` does (``tests/assignments``), but with a line per mistake
to read while writing a catalogue: the score it gets, whether its hint reached the student, and
how long it took. Exit status 1 when a mistake keeps full marks or its hint never shows.
"""

from __future__ import annotations

import time

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. ch02_transformer")
    parser.add_argument("names", nargs="*", help="only these mistakes (default: the whole catalogue)")


def run(args) -> int:
    from autograder.assignment import load_assignment
    from autograder.checks.mistakes import splice
    from autograder.judge.reference import ReferenceModule
    from autograder.judge.runner import grade_submission
    from autograder.sandbox.session import ForkServer
    from autograder.submission import load_submission_bytes

    assignment = load_assignment(args.assignment)
    catalogue = ReferenceModule(assignment).catalogue
    mistakes = [m for m in catalogue.mistakes if not args.names or m.id in args.names]
    unknown = set(args.names) - {m.id for m in mistakes}
    if unknown:
        raise SystemExit(f"autograder mistakes: no mistake named {', '.join(sorted(unknown))} in {assignment.id}")
    source = assignment.reference_path.read_text(encoding="utf-8")
    status = ExitStatus.SUCCESS
    with ForkServer() as server:
        for mistake in mistakes:
            started = time.perf_counter()
            submission = load_submission_bytes(f"{assignment.module}.py", splice(source, mistake).encode())
            results = grade_submission(assignment, submission=submission, server=server, only={mistake.replaces})
            maximum = results["extra_data"]["max_score"]
            hinted = any(mistake.hint in test["output"] for test in results["tests"])
            verdict = "ok" if results["score"] < maximum and hinted else "NOT CAUGHT" if results["score"] >= maximum \
                else "NO HINT"
            if verdict != "ok":
                status = ExitStatus.ERROR
            print(f"{mistake.id:34} {mistake.replaces:28} {results['score']:6g}/{maximum:<6g} {verdict:10} "
                  f"{time.perf_counter() - started:5.1f} s", flush=True)
    return status
