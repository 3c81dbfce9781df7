"""Convergence calibration: every convergence test, passed by the reference from five seeds.

A convergence threshold must leave the reference a margin whatever its training seed, or correct
students fail by bad luck. The sandbox seeds torch, ``random`` and NumPy with 0 before each call,
so the plain grade of the reference is seed 0; for seeds 1-4 the reference's training function is
wrapped to reseed with that seed on entry, and the reference is graded again on that function's
tests only, through the real suite and sandbox. A convergence test records its measured value
next to ``"<value> threshold"`` (``checks.at_least``/``at_most``); those pairs are collected.
"""

from __future__ import annotations

import time

from autograder.assignment import Assignment
from autograder.judge.runner import grade_submission
from autograder.sandbox.session import ForkServer
from autograder.submission import load_submission_bytes

SEEDS = range(5)

RESEED = '''

def _reseeded_for_calibration(train, seed):
    import functools
    import random

    import numpy

    @functools.wraps(train)
    def reseeded(*args, **kwargs):
        torch.manual_seed(seed)
        random.seed(seed)
        numpy.random.seed(seed)
        return train(*args, **kwargs)
    return reseeded


{name} = _reseeded_for_calibration({name}, {seed})
'''


def convergence_tests(results: dict) -> dict[str, list[dict]]:
    """The convergence tests of a results document, by the function they train."""
    found: dict[str, list[dict]] = {}
    for test in results["tests"]:
        if "convergence" in test.get("tags", ()):
            found.setdefault(test["extra_data"]["function"], []).append(test)
    return found


def measured(test: dict) -> dict:
    """``{value name: (value, threshold)}`` from what a convergence test recorded."""
    record = test["extra_data"].get("record", {})
    return {name: (value, record[f"{name} threshold"]) for name, value in record.items()
            if f"{name} threshold" in record and isinstance(value, (int, float))}


def calibrate(assignment: Assignment, server: ForkServer, seed0_results: dict) -> dict:
    """Each convergence test of ``assignment`` on the reference from seeds 0-4 (0: ``seed0_results``)."""
    source = assignment.reference_path.read_text(encoding="utf-8")
    out = {}
    for function, tests in convergence_tests(seed0_results).items():
        runs = {0: seed0_results}
        for seed in SEEDS:
            if seed == 0:
                continue
            patched = source + RESEED.format(name=function, seed=seed)
            # "all": the keep rule for definitions would drop the rebinding of the function.
            submission = load_submission_bytes(f"{assignment.module}.py", patched.encode(), keep="all")
            runs[seed] = grade_submission(assignment, submission=submission, server=server, only={function})
        for test in tests:
            entry = {"seeds": {}}
            for seed, results in runs.items():
                same = next(t for t in results["tests"] if t["name"] == test["name"])
                values = measured(same)
                entry["seeds"][seed] = {"passed": same["status"] == "passed", "seconds": same["extra_data"]["duration"],
                                        **{name: round(value, 4) for name, (value, _) in values.items()}}
                for name, (_, threshold) in values.items():
                    entry.setdefault("thresholds", {})[name] = threshold
            entry["all_passed"] = all(s["passed"] for s in entry["seeds"].values())
            out[test["name"]] = entry
    return out


def bench_calibration(assignment_ids: list[str], graded: dict | None = None) -> dict:
    """:func:`calibrate` for each assignment, from its reference's results document in ``graded``
    (the budgets part fills it) or from a fresh grade of its reference."""
    from autograder.assignment import load_assignment

    out = {}
    graded = graded or {}
    with ForkServer() as server:
        for assignment_id in assignment_ids:
            assignment = load_assignment(assignment_id)
            started = time.perf_counter()
            results = graded.get(assignment_id) or grade_submission(assignment, assignment.reference_path, server=server)
            out[assignment_id] = calibrate(assignment, server, results)
            out[assignment_id]["wall_s"] = round(time.perf_counter() - started, 1)
    return out
