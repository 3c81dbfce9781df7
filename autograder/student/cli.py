"""``autograder check [PATH]`` (and ``python -m autograder check`` in an unzipped bundle).

Exit status: 0 when every public test passes, 1 when some fail or are still TODO, 2 when there is
nothing to check (no assignment folder, no file).
"""

from __future__ import annotations

import argparse
import sys

ALL_PASSED, SOME_FAILED, NOTHING_TO_CHECK = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="your .py or .ipynb file, or the assignment folder "
                                                "(default: the current folder; the newer of <module>.py and .ipynb)")
    parser.add_argument("--assignment", metavar="ID", help="the assignment id (in the instructor's repository)")
    parser.add_argument("--details", action="store_true", help="show whole tracebacks and what your code printed")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the tests in a plain subprocess (what happens anyway where the sandbox cannot run)")


def run(args: argparse.Namespace) -> int:
    from autograder.student.assignment_folder import AssignmentNotFound
    from autograder.student.checking import run_check
    from autograder.student.render import to_text

    _tolerant_output()
    print("Starting the sandbox (importing PyTorch takes a few seconds) · 正在启动沙箱……", file=sys.stderr, flush=True)
    try:
        report = run_check(args.path, assignment_id=args.assignment, mode="process" if args.no_sandbox else "auto",
                           progress=_progress if sys.stderr.isatty() else None)
    except AssignmentNotFound as exc:
        print(f"autograder check: {exc}", file=sys.stderr)
        return NOTHING_TO_CHECK
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    print(to_text(report, details=args.details))
    return ALL_PASSED if report.all_passed else SOME_FAILED


def main(argv: list[str] | None = None) -> int:
    """The bundle's ``python -m autograder [check] [PATH]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        argv = argv[1:]
    parser = argparse.ArgumentParser(prog="python -m autograder check",
                                     description="Run the public tests of this assignment on your file.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def _progress(index: int, total: int, name: str) -> None:
    print(f"\r\033[Kpublic test {index + 1}/{total}: {name}", end="", file=sys.stderr, flush=True)


def _tolerant_output() -> None:
    """A console that cannot show Chinese (or a redirected GBK stdout) gets '?' instead of a crash."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
