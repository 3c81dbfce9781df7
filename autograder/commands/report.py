"""``autograder report``: rebuild the reports and dashboards from the gradebook, without grading.

Writes ``<output>/reports/<assignment>/<student>.html`` and ``.txt`` (each student's report),
``<output>/reports/<assignment>/index.html`` (the assignment's dashboard) and
``<output>/reports/index.html`` (the course dashboard).
"""

from __future__ import annotations

import sys

from autograder.commands import ExitStatus
from autograder.commands.grade import add_class_arguments


def add_arguments(parser) -> None:
    parser.add_argument("--assignment", action="append", default=[], metavar="ID",
                        help="report on this assignment only (repeatable; default: every configured one)")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the reports (default: zh)")
    add_class_arguments(parser)


def run(args) -> int:
    from autograder.assignment import load_assignment
    from autograder.class_grading import select_assignments, tabulate_from_gradebook
    from autograder.course.config import load_config
    from autograder.course.locations import resolve
    from autograder.course.roster import load_roster
    from autograder.gradebook import open_gradebook
    from autograder.reports import build_reports

    paths = resolve(args.class_dir, args.course, args.roster, args.submissions, args.output)
    if not paths.gradebook.is_file():  # opening would create an empty one
        raise FileNotFoundError(f"no gradebook at {paths.gradebook}: run `autograder grade` first")
    course, roster = load_config(paths.course), load_roster(paths.roster)
    assignment_ids = select_assignments(course, args.assignment)
    with open_gradebook(paths.gradebook) as gradebook:
        grades = tabulate_from_gradebook(gradebook, course, roster, assignment_ids)
    titles = {a: load_assignment(a).title for a in assignment_ids}
    summary = build_reports(grades, paths.output / "reports", course=course.name, titles=titles, lang=args.lang)
    print(f"{summary.student_reports} student report(s) in {summary.seconds:.1f} s")
    for path in summary.dashboards:
        print(f"dashboard: {path}")
    for failure in summary.failures:
        print(f"report: error: {failure}", file=sys.stderr)
    return ExitStatus.ERROR if summary.failures else ExitStatus.SUCCESS
