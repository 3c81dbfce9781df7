"""Each assignment's hidden suite grading its reference on one worker: the 60 s budget."""

from __future__ import annotations

import time

from autograder.assignment import all_assignment_ids, load_assignment
from autograder.judge.runner import grade_submission
from autograder.sandbox.session import ForkServer

BUDGET_S = 60.0


def bench_budgets(graded: dict | None = None) -> dict:
    """Each reference's grading time; its results document goes into ``graded`` (by assignment id)
    when given, so the calibration need not grade the references again."""
    out = {}
    with ForkServer() as server:
        for assignment_id in all_assignment_ids():
            assignment = load_assignment(assignment_id)
            started = time.perf_counter()
            results = grade_submission(assignment, assignment.reference_path, server=server)
            wall = time.perf_counter() - started
            if graded is not None:
                graded[assignment_id] = results
            out[assignment_id] = {"wall_s": round(wall, 2), "score": results["score"],
                                  "max_score": results["extra_data"]["max_score"], "over_budget": wall > BUDGET_S}
    return out
