"""``autograder check [PATH]``: run an assignment's public tests on your file, in the sandbox.

The student's command (see :mod:`autograder.student`); in the instructor's repository it also
takes ``--assignment ID`` to check any file against an assignment's public tests.
"""

from __future__ import annotations


def add_arguments(parser) -> None:
    from autograder.student.cli import add_arguments as add_check_arguments

    add_check_arguments(parser)


def run(args) -> int:
    from autograder.student.cli import run as run_check

    return run_check(args)
