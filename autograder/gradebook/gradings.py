"""Gradings: one results document per attempt and suite version."""

from __future__ import annotations

import json

from autograder.gradebook.attempts import now_text
from autograder.gradebook.store import Gradebook


def has_grading(gradebook: Gradebook, attempt_id: int, suite_version: str) -> bool:
    return gradebook.connection.execute(
        "SELECT 1 FROM gradings WHERE attempt_id = ? AND suite_version = ?", (attempt_id, suite_version)).fetchone() is not None


def record_grading(gradebook: Gradebook, attempt_id: int, suite_version: str, results: dict, worker: str) -> bool:
    """Store a finished grading; False when one was already there (another grader was faster)."""
    with gradebook.transaction() as db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO gradings (attempt_id, suite_version, score, max_score, results, graded_at, "
            "duration, worker) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (attempt_id, suite_version, float(results["score"]), float(results["extra_data"]["max_score"]),
             json.dumps(results, ensure_ascii=False, sort_keys=True), now_text(),
             float(results.get("execution_time", 0.0)), worker))
        return cursor.rowcount == 1


def grading_for(gradebook: Gradebook, attempt_id: int, suite_version: str) -> dict | None:
    row = gradebook.connection.execute(
        "SELECT results FROM gradings WHERE attempt_id = ? AND suite_version = ?", (attempt_id, suite_version)).fetchone()
    return json.loads(row["results"]) if row else None


def forget_gradings(gradebook: Gradebook, assignment_id: str, student_id: str | None, actor: str) -> int:
    """Delete gradings (of one student, or of everyone) so that the next run grades again; audited."""
    with gradebook.transaction() as db:
        where = "attempt_id IN (SELECT id FROM attempts WHERE assignment = ?" + (" AND student_id = ?)" if student_id else ")")
        params = (assignment_id, student_id) if student_id else (assignment_id,)
        cursor = db.execute(f"DELETE FROM gradings WHERE {where}", params)
        db.execute("INSERT INTO audit (at, actor, action, assignment, student_id, detail) VALUES (?, ?, 'regrade', ?, ?, ?)",
                   (now_text(), actor, assignment_id, student_id, json.dumps({"gradings_removed": cursor.rowcount})))
        return cursor.rowcount
