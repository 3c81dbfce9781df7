"""How long building every report takes for a large class (what ``make bench`` calls).

``python -m autograder.reports.bench [N_STUDENTS]`` prints one JSON object (the build includes
matplotlib's first import, as ``autograder report`` does). The class is
synthetic but shaped like a real one: about fifty tests per submission, a 400-step loss curve and
its reference, an 8x8 attention heatmap, shape mismatches and catalogued-mistake hints, some late,
pending and missing students.
"""

from __future__ import annotations

import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from autograder.course.roster import Student
from autograder.gradebook.final import GRADED, MISSING, PENDING, FinalGrade
from autograder.gradebook.manual import ManualScore

ASSIGNMENT = "ch01_attention"
FUNCTIONS = ("masked_softmax", "scaled_dot_product_attention", "MultiHeadAttention", "causal_mask", "hard_attention",
             "AdditiveAttention", "CrossModalAttention", "train_retrieval_model")
TESTS_PER_FUNCTION = 6
HINTS = {"masked_softmax": ("softmax_over_queries", "你的权重在查询轴上归一化了。", "Normalised over queries, not keys."),
         "scaled_dot_product_attention": ("no_scaling", "分数没有除以 sqrt(d)。", "The scores are not divided by sqrt(d).")}


def synthetic_grades(n_students: int, seed: int = 0) -> list[FinalGrade]:
    """One row per student for one assignment: mostly graded, a few late, pending or missing."""
    rng = random.Random(seed)
    rows = []
    for i in range(n_students):
        student = Student(f"2025{i:04d}", f"学生{i:04d}")
        manual = (ManualScore(ASSIGNMENT, student.student_id, "report", float(rng.randint(10, 20)), 20.0, "实验报告"),)
        kind = i % 20
        if kind == 18:
            rows.append(FinalGrade(student, ASSIGNMENT, MISSING, auto_max=90.0, points=100.0, total=0.0,
                                   total_max=120.0))
            continue
        if kind == 19:
            rows.append(FinalGrade(student, ASSIGNMENT, PENDING, auto_max=90.0, points=100.0, manual=manual,
                                   total=manual[0].score, total_max=120.0))
            continue
        results = synthetic_results(student.student_id, rng)
        days_late = 1 if kind == 7 else 0
        multiplier = 0.9 if days_late else 1.0
        auto_points = round(results["score"] / 90.0 * 100.0 * multiplier, 4)
        rows.append(FinalGrade(student, ASSIGNMENT, GRADED, auto_score=results["score"], auto_max=90.0, points=100.0,
                               days_late=days_late, late_multiplier=multiplier, auto_points=auto_points, manual=manual,
                               total=round(auto_points + manual[0].score, 4), total_max=120.0, results=results))
    return rows


def synthetic_results(student_id: str, rng: random.Random) -> dict:
    skill = rng.random()
    tests = []
    for function in FUNCTIONS:
        for k in range(TESTS_PER_FUNCTION):
            passed = rng.random() < 0.35 + 0.6 * skill
            points = 90.0 / (len(FUNCTIONS) * TESTS_PER_FUNCTION)
            output = "Does it match the reference?"
            record: dict = {}
            if not passed:
                output = (f"{function}(float32[2, 4, 8]): output[0] has shape [2, 8, 4], expected [2, 4, 8]" if k == 1
                          else f"{function}(float32[2, 4, 8]): output: 12 of 64 elements differ; worst at index "
                               f"[0, 1, 2]: absolute error 0.3")
                if function in HINTS and k != 1:
                    mistake, zh, en = HINTS[function]
                    output += f"\nHint (common mistake `{mistake}`): {zh} / {en}"
            if function == "train_retrieval_model" and k == 0:
                rate = 0.005 + 0.02 * skill
                record = {"loss_curve": [2.8 * math.exp(-rate * s) + 0.05 * rng.random() for s in range(400)],
                          "reference_loss_curve": [2.8 * math.exp(-0.025 * s) for s in range(400)],
                          "held-out accuracy": round(skill, 3), "held-out accuracy threshold": 0.9}
            if function == "masked_softmax" and k == 0:
                record = {"heatmap": {"student": [[rng.random() for _ in range(8)] for _ in range(8)],
                                      "expected": [[rng.random() for _ in range(8)] for _ in range(8)]}}
            tests.append({"name": f"{function}: property {k}", "score": points if passed else 0.0, "max_score": points,
                          "status": "passed" if passed else "failed", "output": output,
                          "visibility": "visible" if k < 4 else "after_published", "tags": ["numerics"],
                          "extra_data": {"function": function, "outcome": "passed" if passed else "failed",
                                         "duration": 0.01, "record": record}})
    score = round(sum(t["score"] for t in tests), 6)
    return {"score": score, "execution_time": round(2 + 20 * rng.random(), 3), "output": "", "tests": tests,
            "extra_data": {"assignment": ASSIGNMENT, "student_id": student_id, "max_score": 90.0,
                           "isolation": {"summary": "process group, rlimits, network namespace"},
                           "parity_mode": "meta", "device": "cpu", "torch_version": "2.14.1", "load_messages": [],
                           "grader_errors": []}}


def bench_reports(n_students: int = 300, out_dir: str | Path | None = None) -> dict:
    """Build every report of a synthetic class of ``n_students``; the timings, as a dict."""
    from autograder.reports import build_reports

    grades = synthetic_grades(n_students)
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(out_dir) if out_dir else Path(scratch) / "reports"
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = build_reports(grades, target, course="Benchmark", titles={ASSIGNMENT: "Attention"})
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        files = [p for p in target.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
    return {"students": n_students, "tests_per_student": len(FUNCTIONS) * TESTS_PER_FUNCTION,
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 3),  # wall time suffers on a busy machine
            "ms_per_student": round(1000 * seconds / max(n_students, 1), 2),
            "files": len(files), "megabytes": round(size / 1e6, 2), "failures": len(summary.failures)}


if __name__ == "__main__":
    print(json.dumps(bench_reports(int(sys.argv[1]) if len(sys.argv) > 1 else 300)))
