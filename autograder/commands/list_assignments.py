"""``autograder list``: the assignments this grader knows, with their suite versions."""

from __future__ import annotations

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    from autograder.assignment import all_assignment_ids, load_assignment

    for assignment_id in all_assignment_ids():
        assignment = load_assignment(assignment_id)
        print(f"{assignment.id:28} {assignment.module + '.py':20} {assignment.suite_version}  {assignment.title}")
    return ExitStatus.SUCCESS
