"""``autograder release [ASSIGNMENT ...] [--check]``: regenerate ``assignments/``."""

from __future__ import annotations

import sys

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--check", action="store_true", help="write nothing; fail if assignments/ is stale")


def run(args) -> int:
    from autograder.assignment import all_assignment_ids, load_assignment
    from autograder.release.publish import publish, stale_files

    status = ExitStatus.SUCCESS
    for assignment_id in args.assignments or all_assignment_ids():
        assignment = load_assignment(assignment_id)
        if args.check:
            stale = stale_files(assignment)
            if stale:
                print(f"{assignment_id}: stale {stale}; run `make release`", file=sys.stderr)
                status = ExitStatus.ERROR
            else:
                print(f"{assignment_id}: up to date")
        else:
            print(f"{assignment_id}: wrote {publish(assignment)}")
    return status
