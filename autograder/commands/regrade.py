"""``autograder regrade ASSIGNMENT [--student ID]``: forget gradings so the next ``grade`` redoes them.

Changing a hidden test changes the suite version, and every submission of that assignment is
re-graded on the next run anyway; use this after fixing something outside the suite, or to
re-run one student.
"""

from __future__ import annotations

import getpass

from autograder.commands import ExitStatus
from autograder.commands.grade import add_class_arguments


def add_arguments(parser) -> None:
    parser.add_argument("assignment")
    parser.add_argument("--student", help="only this student (default: everyone)")
    add_class_arguments(parser)


def run(args) -> int:
    from autograder.course.locations import resolve
    from autograder.gradebook import open_gradebook
    from autograder.gradebook.gradings import forget_gradings

    paths = resolve(args.class_dir, args.course, args.roster, args.submissions, args.output)
    with open_gradebook(paths.gradebook) as gradebook:
        removed = forget_gradings(gradebook, args.assignment, args.student, getpass.getuser())
    print(f"removed {removed} grading(s); run `autograder grade` (or `make grade`) to grade again")
    return ExitStatus.SUCCESS
