"""``autograder export [--format NAME ...]``: write LMS exports from the gradebook, without grading."""

from __future__ import annotations

from autograder.commands import ExitStatus
from autograder.commands.grade import add_class_arguments


def add_arguments(parser) -> None:
    parser.add_argument("--format", action="append", default=[], metavar="NAME",
                        help="canvas, moodle, blackboard, gradescope or csv (repeatable; default: all)")
    parser.add_argument("--assignment", action="append", default=[], metavar="ID")
    add_class_arguments(parser)


def run(args) -> int:
    from autograder.class_grading import select_assignments, tabulate_from_gradebook
    from autograder.course.config import load_config
    from autograder.course.locations import resolve
    from autograder.course.roster import load_roster
    from autograder.assignment import load_assignment
    from autograder.exports import export_all
    from autograder.gradebook import open_gradebook

    paths = resolve(args.class_dir, args.course, args.roster, args.submissions, args.output)
    course, roster = load_config(paths.course), load_roster(paths.roster)
    assignment_ids = select_assignments(course, args.assignment)
    with open_gradebook(paths.gradebook) as gradebook:
        grades = tabulate_from_gradebook(gradebook, course, roster, assignment_ids)
    titles = {a: load_assignment(a).title for a in assignment_ids}
    for name, result in export_all(grades, course, paths.output / "exports", titles, args.format or None).items():
        for path in result.paths:
            print(f"{name}: {path}")
        for item in result.unplaced:
            print(f"{name}: warning: {item}")
    return ExitStatus.SUCCESS
