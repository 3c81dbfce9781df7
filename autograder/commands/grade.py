"""``autograder grade``: grade a whole class (what ``make grade`` runs)."""

from __future__ import annotations

import sys

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("--assignment", action="append", default=[], metavar="ID",
                        help="grade only this assignment (repeatable; default: every configured one)")
    add_class_arguments(parser)
    parser.add_argument("--workers", type=int, default=None, help="local worker processes (default: one per core)")
    parser.add_argument("--executor", choices=["local", "dask"], default="local")
    parser.add_argument("--scheduler", help="Dask scheduler address, with --executor dask")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the reports (default: zh)")


def add_class_arguments(parser) -> None:
    """Where the class lives; shared by every command that reads or writes a gradebook."""
    parser.add_argument("--class-dir", help="folder with course.toml, roster.csv and submissions/ "
                                            "(default: the repository root if it has submissions/, else the demo class)")
    parser.add_argument("--submissions", help="the submissions folder (default: <class-dir>/submissions)")
    parser.add_argument("--roster", help="the roster CSV (default: <class-dir>/roster.csv)")
    parser.add_argument("--course", help="the course TOML (default: <class-dir>/course.toml)")
    parser.add_argument("--output", help="where the gradebook, results and exports go (default: grading_reports/)")


def run(args) -> int:
    from autograder.class_grading import ClassRun, run_class, select_assignments
    from autograder.commands.summary import print_summary
    from autograder.course.config import load_config
    from autograder.course.locations import resolve
    from autograder.course.roster import load_roster
    from autograder.execution import make_executor
    from autograder.gradebook import open_gradebook

    paths = resolve(args.class_dir, args.course, args.roster, args.submissions, args.output)
    if paths.is_demo:
        print(f"No submissions/ folder here: grading the demo class in {paths.submissions.parent}", file=sys.stderr)
    course = load_config(paths.course)
    roster = load_roster(paths.roster)
    options = {"workers": args.workers}
    if args.executor == "dask":
        options["scheduler"] = args.scheduler
    executor = make_executor(args.executor, **options)
    with open_gradebook(paths.gradebook) as gradebook:
        run = ClassRun(course, roster, paths.submissions, paths.output, gradebook, executor,
                       select_assignments(course, args.assignment), quiet=args.quiet, lang=args.lang)
        run_class(run)
        print_summary(run, paths)
    return ExitStatus.ERROR if any(o.error for o in run.outcomes) else ExitStatus.SUCCESS
