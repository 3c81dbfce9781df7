"""Fixtures of the attack corpus: grading with the bars checked (see :mod:`grading_bars`).

Every attack is graded with the session's warm fork server (``fork_server``, shared with the
rest of the project's tests, as one grading worker shares it between students), so that an
attack that damaged it would show in the next grading.
"""

from __future__ import annotations

import time

import pytest
from grading_bars import ASSIGNMENT_ID, sandbox_processes, scores


@pytest.fixture(scope="session")
def graded(grade, fork_server):
    """graded(source, only, limits=None, name=None, others=()) -> results, checking that the grader
    finished: every test has a status, the grader reported no error of its own, the fork server
    is alive and no process of the sandbox outlives the grading (but ``others``, the pids of
    another student's sandbox running alongside)."""

    def grade_and_check(source, only, limits=None, name=None, seconds: float = 90.0, others=()) -> dict:
        started = time.monotonic()
        results = grade(ASSIGNMENT_ID, source, name=name, only=set(only), limits=limits)
        elapsed = time.monotonic() - started
        assert results["tests"], "no test ran"
        assert {t["status"] for t in results["tests"]} <= {"passed", "failed"}
        assert {t["extra_data"]["function"] for t in results["tests"]} == set(only)
        assert results["extra_data"]["grader_errors"] == [], results["extra_data"]["grader_errors"]
        assert elapsed < seconds, f"grading took {elapsed:.1f} s"
        assert fork_server.process.poll() is None, "the fork server died"
        assert sandbox_processes(fork_server.process.pid, frozenset(others)) == []
        return results

    return grade_and_check


@pytest.fixture(scope="session")
def honest_scores(graded):
    """honest_scores(source, only) -> scores of an attack-free submission, graded once per pair."""
    cache: dict = {}

    def lookup(source: str, only) -> dict[str, tuple[float, float]]:
        key = (source, frozenset(only))
        if key not in cache:
            cache[key] = scores(graded(source, only))
        return cache[key]

    return lookup


@pytest.fixture(scope="session")
def next_student_unaffected(grade):
    """next_student_unaffected() grades a correct submission with the same warm fork server, right
    after an attack, and checks that it still earns every point."""
    from attack_sources import MASKS, REFERENCE

    def check() -> None:
        results = grade(ASSIGNMENT_ID, REFERENCE, only=set(MASKS))
        assert results["score"] == results["extra_data"]["max_score"] == 5, results["output"]

    return check
