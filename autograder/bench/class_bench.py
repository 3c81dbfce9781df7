"""Grading a synthetic class: per-submission time, memory, scaling, incremental re-run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.assignment import REPO_ROOT
from autograder.bench.synthetic_class import build_class


def _grade_in_process(class_dir: Path, output: Path, workers: int) -> dict:
    from autograder.class_grading import ClassRun, run_class, select_assignments
    from autograder.course.config import load_config
    from autograder.course.roster import load_roster
    from autograder.execution.local import LocalExecutor
    from autograder.gradebook import open_gradebook

    course, roster = load_config(class_dir / "course.toml"), load_roster(class_dir / "roster.csv")
    with open_gradebook(output / "gradebook.sqlite") as gradebook:
        run = ClassRun(course, roster, class_dir / "submissions", output, gradebook, LocalExecutor(workers),
                       select_assignments(course, []), quiet=True)
        started = time.perf_counter()
        run_class(run)
        wall = time.perf_counter() - started
    graded = [o for o in run.outcomes if o.results is not None]
    return {
        "workers": workers,
        "submissions": len(run.outcomes),
        "wall_s": round(wall, 2),
        "throughput_s_per_submission": round(wall / max(1, len(run.outcomes)), 3),
        "per_submission_job_s_median": round(statistics.median(o.seconds for o in graded), 3) if graded else None,
        "grader_errors": sum(o.error is not None for o in run.outcomes),
        "worker_peak_mb": round(max((o.worker_peak_mb for o in run.outcomes), default=0), 1),
        "fork_server_peak_mb": round(max((o.fork_server_peak_mb for o in run.outcomes), default=0), 1),
    }


def _grade_command(class_dir: Path, output: Path, workers: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "grade", "--class-dir", str(class_dir), "--output", str(output),
                    "--workers", str(workers), "--quiet"], cwd=REPO_ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_class(size: int = 24) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        tmp = Path(tmp)
        class_dir = build_class(tmp / "class", size)
        one = _grade_in_process(class_dir, tmp / "one", 1)
        two = _grade_in_process(class_dir, tmp / "two", 2)
        first_command = _grade_command(class_dir, tmp / "cmd", 2)
        rerun_command = _grade_command(class_dir, tmp / "cmd", 2)
    return {
        "class_size": size,
        "one_worker": one,
        "two_workers": two,
        "speedup_two_over_one": round(one["wall_s"] / two["wall_s"], 2),
        "make_grade_first_s": round(first_command, 2),
        "make_grade_rerun_s": round(rerun_command, 2),
        "rerun_fraction": round(rerun_command / first_command, 4),
    }
