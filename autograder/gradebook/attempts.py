"""Attempts: every submitted file on record, and which one counts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from autograder.course.config import CourseConfig
from autograder.gradebook.store import Gradebook
from autograder.intake import Attempt


def utc_text(moment: datetime | None) -> str | None:
    """A sortable text form: UTC, ISO 8601 (so that string order is time order)."""
    return None if moment is None else moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now_text() -> str:
    return utc_text(datetime.now(timezone.utc))


def record_attempts(gradebook: Gradebook, attempts: list[Attempt]) -> int:
    """Store attempts not seen before (same assignment, student, bytes and time); return how many were new."""
    new = 0
    with gradebook.transaction() as db:
        for attempt in attempts:
            cursor = db.execute(
                "INSERT OR IGNORE INTO attempts (assignment, student_id, sha256, file_name, submitted_at, source, "
                "origin, content, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (attempt.assignment, attempt.student_id, hashlib.sha256(attempt.data).hexdigest(), attempt.file_name,
                 utc_text(attempt.submitted_at), attempt.source, attempt.origin, attempt.data, now_text()))
            new += cursor.rowcount
    return new


def counted_attempts(gradebook: Gradebook, course: CourseConfig, assignment_id: str) -> dict[str, dict]:
    """Per student, the attempt that counts: the latest submitted before the student's cut-off.

    An attempt without a time counts as on time and as older than any timed one. Attempts after the
    cut-off stay on record but do not count; a student with only such attempts gets their latest,
    which the late policy then scores 0.
    """
    rows = gradebook.connection.execute(
        "SELECT id, student_id, sha256, file_name, submitted_at, source, origin FROM attempts WHERE assignment = ? "
        "ORDER BY submitted_at IS NOT NULL, submitted_at, id", (assignment_id,)).fetchall()  # oldest first
    by_student: dict[str, list[dict]] = {}
    for row in rows:
        by_student.setdefault(row["student_id"], []).append(dict(row))
    chosen = {}
    for student, attempts in by_student.items():
        due = course.due_for(assignment_id, student) if assignment_id in course.assignments else None
        cutoff = utc_text(course.late_policy.cutoff(due)) if due else None
        in_time = [a for a in attempts if cutoff is None or a["submitted_at"] is None or a["submitted_at"] <= cutoff]
        chosen[student] = (in_time or attempts)[-1]
    return chosen


def attempt_content(gradebook: Gradebook, attempt_id: int) -> tuple[str, bytes]:
    row = gradebook.connection.execute("SELECT file_name, content FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
    return row["file_name"], bytes(row["content"])


def attempt_history(gradebook: Gradebook, assignment_id: str, student_id: str) -> list[dict]:
    rows = gradebook.connection.execute(
        "SELECT id, sha256, file_name, submitted_at, source, origin, recorded_at FROM attempts "
        "WHERE assignment = ? AND student_id = ? ORDER BY submitted_at IS NOT NULL, submitted_at, id",
        (assignment_id, student_id)).fetchall()
    return [dict(r) for r in rows]
