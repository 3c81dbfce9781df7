"""``autograder gradescope ASSIGNMENT [--output DIR]``: build the ``autograder.zip`` Gradescope runs."""

from __future__ import annotations

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. ch01_attention")
    parser.add_argument("--output", help="where to write <assignment>_gradescope.zip "
                                         "(default: grading_reports/gradescope/)")


def run(args) -> int:
    from pathlib import Path

    from autograder.assignment import load_assignment
    from autograder.interop.gradescope_package import DEFAULT_OUTPUT, write_package

    assignment = load_assignment(args.assignment)
    path = write_package(assignment, Path(args.output) if args.output else DEFAULT_OUTPUT)
    print(f"{assignment.id}: wrote {path}")
    print("Upload it as the autograder of a Gradescope programming assignment (base image: Ubuntu 22.04 or 24.04).")
    return ExitStatus.SUCCESS
