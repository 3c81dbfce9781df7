"""``autograder merge-scores RUBRIC.csv``: merge hand-graded scores (the lab report) into the gradebook."""

from __future__ import annotations

import getpass

from autograder.commands import ExitStatus
from autograder.commands.grade import add_class_arguments


def add_arguments(parser) -> None:
    parser.add_argument("rubric", help="CSV with student_id,assignment,component,score,max_score,comment")
    parser.add_argument("--actor", default=None, help="who is merging (recorded in the audit trail; default: your login)")
    add_class_arguments(parser)


def run(args) -> int:
    from autograder.course.locations import resolve
    from autograder.course.roster import load_roster
    from autograder.gradebook import open_gradebook
    from autograder.gradebook.manual import merge_manual_scores, read_rubric

    paths = resolve(args.class_dir, args.course, args.roster, args.submissions, args.output)
    roster = load_roster(paths.roster)
    scores = read_rubric(args.rubric)
    unknown = sorted({s.student_id for s in scores if s.student_id not in roster})
    if unknown:
        print(f"not in the roster, not merged: {', '.join(unknown)}")
        scores = [s for s in scores if s.student_id in roster]
    with open_gradebook(paths.gradebook) as gradebook:
        changed = merge_manual_scores(gradebook, scores, args.actor or getpass.getuser())
    print(f"merged {changed} changed score(s) of {len(scores)} into {paths.gradebook}")
    return ExitStatus.SUCCESS
