"""``autograder grade-one ASSIGNMENT PATH [--json]``: grade one file, print its results."""

from __future__ import annotations

import json
import sys

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. ch01_attention")
    parser.add_argument("path", help="the submitted .py or .ipynb file")
    parser.add_argument("--json", action="store_true", help="print the results document (results.json) only")
    parser.add_argument("--student-id", default="", help="recorded in extra_data.student_id")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="grade only the tests covering this student function or class (repeatable)")


def run(args) -> int:
    from autograder.assignment import load_assignment
    from autograder.judge.runner import grade_submission

    assignment = load_assignment(args.assignment)
    results = grade_submission(assignment, args.path, student_id=args.student_id, only=set(args.only))
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print_table(results)
    return ExitStatus.SUCCESS


def print_table(results: dict) -> None:
    extra = results["extra_data"]
    print(results["output"])
    print()
    for test in results["tests"]:
        mark = "PASS" if test["status"] == "passed" else "FAIL"
        print(f"[{mark}] {test['score']:g}/{test['max_score']:g}  {test['name']}")
        if test["status"] != "passed":
            for line in test["output"].splitlines()[:12]:
                print(f"         {line}")
    print()
    print(f"score {results['score']:g} / {extra['max_score']:g}   isolation: {extra['isolation'].get('summary')}   "
          f"parity mode: {extra['parity_mode']}   time {results['execution_time']:.1f} s")
