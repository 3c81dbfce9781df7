"""The command line: one module per subcommand, imported only when it runs.

Each command module defines ``add_arguments(parser)`` and ``run(args) -> int``. ``main`` is the
one place that turns exceptions into messages and exit statuses; ``--verbose`` shows tracebacks.
``autograder --help`` imports none of the commands, and so not torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from enum import IntEnum


class ExitStatus(IntEnum):
    SUCCESS = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


# name -> (module, one-line summary)
COMMANDS = {
    "grade": ("autograder.commands.grade", "grade a whole class: submissions, gradebook, exports"),
    "grade-one": ("autograder.commands.grade_one", "grade one submission file and print its results"),
    "merge-scores": ("autograder.commands.merge_scores", "merge hand-graded scores (lab report rubric CSV)"),
    "regrade": ("autograder.commands.regrade", "forget gradings of an assignment or a student"),
    "export": ("autograder.commands.export", "write LMS exports from the gradebook"),
    "report": ("autograder.commands.report", "rebuild student reports and class dashboards from the gradebook"),
    "release": ("autograder.commands.release", "generate student templates and notebooks into assignments/"),
    "check": ("autograder.commands.check", "run an assignment's public tests on your file, in the sandbox"),
    "gradescope": ("autograder.commands.gradescope", "build the autograder.zip a Gradescope assignment runs"),
    "bench": ("autograder.commands.bench", "measure grading speed and memory (make bench)"),
    "list": ("autograder.commands.list_assignments", "list the assignments this grader knows"),
    "mistakes": ("autograder.commands.mistakes", "grade each catalogued mistake of an assignment (for authors)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Sandboxed autograder for the deep-learning course.")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, summary) in COMMANDS.items():
        sub.add_parser(name, help=summary, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    verbose = "--verbose" in argv
    argv = [a for a in argv if a != "--verbose"]
    if not argv or argv[0] not in COMMANDS:
        if argv and not argv[0].startswith("-"):
            parser.print_usage(sys.stderr)
            print(f"autograder: unknown command {argv[0]!r}", file=sys.stderr)
            return ExitStatus.USAGE
        parser.parse_args(argv or ["--help"])
        return ExitStatus.SUCCESS
    name = argv[0]
    module = importlib.import_module(COMMANDS[name][0])
    command_parser = argparse.ArgumentParser(prog=f"autograder {name}", description=COMMANDS[name][1])
    module.add_arguments(command_parser)
    args = command_parser.parse_args(argv[1:])
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except Exception as exc:  # the one place that turns errors into an exit status
        if verbose:
            traceback.print_exc()
        print(f"autograder {name}: error: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
