"""``autograder bench``: the speed and memory figures of ``make bench`` (see autograder.bench)."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

from autograder.commands import ExitStatus


def add_arguments(parser) -> None:
    parser.add_argument("--class-size", type=int, default=24, help="students in the synthetic class")
    parser.add_argument("--tool-students", type=int, default=7, help="notebooks per tool in the tool comparison")
    parser.add_argument("--skip", action="append", default=[], choices=["budgets", "calibration", "class", "tools", "reports"],
                        help="leave out a part (repeatable)")
    parser.add_argument("--output", default=None, help="JSON file for the figures (default: grading_reports/bench.json)")


def run(args) -> int:
    from autograder.assignment import REPO_ROOT

    figures = {"machine": {"platform": platform.platform(), "cpus": _cpus(), "python": platform.python_version()},
               "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    graded: dict = {}  # the references' results documents, graded once by budgets for calibration
    parts = {
        "budgets": lambda: _budgets(graded),
        "calibration": lambda: _calibration(graded),
        "class": lambda: _class(args.class_size),
        "tools": lambda: _tools(args.tool_students),
        "reports": lambda: _reports(),
    }
    status = ExitStatus.SUCCESS
    for name, part in parts.items():
        if name in args.skip:
            continue
        print(f"== {name}", flush=True)
        try:
            figures[name] = part()
        except Exception as exc:  # one part failing (a tool that will not install) leaves the others
            figures[name] = {"error": f"{type(exc).__name__}: {exc}"}
            status = ExitStatus.ERROR
        print(json.dumps(figures[name], indent=1, ensure_ascii=False), flush=True)
    path = Path(args.output) if args.output else REPO_ROOT / "grading_reports" / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")
    _print_verdicts(figures)
    print(f"\nfigures written to {path}")
    return status


def _budgets(graded):
    from autograder.bench.budgets import bench_budgets

    return bench_budgets(graded)


def _calibration(graded):
    from autograder.assignment import all_assignment_ids
    from autograder.bench.calibration import bench_calibration

    return bench_calibration(all_assignment_ids(), graded)


def _class(size):
    from autograder.bench.class_bench import bench_class

    return bench_class(size)


def _tools(students):
    from autograder.bench.tools_bench import bench_tools

    return bench_tools(students)


def _reports():
    try:
        from autograder.reports.bench import bench_reports
    except ImportError:
        return {"skipped": "reports are not built yet"}
    return bench_reports()


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _print_verdicts(figures: dict) -> None:
    print("\n== verdicts")
    for assignment, entry in figures.get("budgets", {}).items():
        if isinstance(entry, dict) and "wall_s" in entry:
            flag = "OVER BUDGET" if entry["over_budget"] else "ok"
            print(f"{assignment:28} reference graded in {entry['wall_s']:6.1f} s on one worker  [{flag}]")
    for assignment, tests in figures.get("calibration", {}).items():
        for name, entry in tests.items() if isinstance(tests, dict) else ():
            if isinstance(entry, dict) and "seeds" in entry:
                flag = "ok" if entry["all_passed"] else "FAILS ON SOME SEED"
                for measure, threshold in entry.get("thresholds", {}).items():
                    values = ", ".join(str(run.get(measure)) for run in entry["seeds"].values())
                    print(f"{assignment:28} {name}: {measure} {values} on seeds 0-4 (threshold {threshold})  [{flag}]")
    cls = figures.get("class", {})
    if "speedup_two_over_one" in cls:
        print(f"two workers / one worker speed-up: {cls['speedup_two_over_one']}x (bar: >= 1.7)")
        print(f"immediate re-run: {cls['rerun_fraction'] * 100:.1f}% of the first run (bar: < 5%)")
        print(f"peak memory: worker {cls['two_workers']['worker_peak_mb']} MiB, fork server "
              f"{cls['two_workers']['fork_server_peak_mb']} MiB (bar: worker < 1 GiB)")
    tools = figures.get("tools", {})
    if "nbgrader_over_ours" in tools:
        print(f"per submission: ours {tools['ours']['per_submission_s']} s, nbgrader {tools['nbgrader']['per_submission_s']} s "
              f"({tools['nbgrader_over_ours']}x, bar >= 10x), otter {tools['otter']['per_submission_s']} s "
              f"({tools['otter_over_ours']}x, bar >= 30x)")
