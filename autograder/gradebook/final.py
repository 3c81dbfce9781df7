"""The table of final grades: one row per roster student and configured assignment.

This is what reports and exports read. ``total`` is the autograded score, scaled to the
assignment's points and multiplied by the late-policy multiplier, plus the hand-graded
components. A student with no attempt is ``missing`` (total 0); an attempt not graded yet under
the current suite version is ``pending``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from autograder.course.config import CourseConfig
from autograder.course.roster import Roster, Student
from autograder.gradebook.attempts import counted_attempts
from autograder.gradebook.gradings import grading_for
from autograder.gradebook.manual import ManualScore, manual_scores
from autograder.gradebook.store import Gradebook

MISSING, PENDING, GRADED = "missing", "pending", "graded"


@dataclass(frozen=True)
class FinalGrade:
    """One student's grade for one assignment.

    Attributes:
        status: ``graded``, ``pending`` (not graded under the current suite) or ``missing``.
        auto_score, auto_max: the suite's raw score and maximum.
        points: what the autograded part is worth in the course (``auto_max`` unless configured).
        days_late, late_multiplier: from the late policy (1.0 when on time).
        auto_points: ``auto_score / auto_max * points * late_multiplier``.
        manual: hand-graded components.
        total, total_max: ``auto_points`` plus manual scores; the maximum likewise.
        results: the results document of the counted attempt, when graded.
    """

    student: Student
    assignment: str
    status: str
    auto_score: float = 0.0
    auto_max: float = 0.0
    points: float = 0.0
    days_late: int = 0
    late_multiplier: float = 1.0
    auto_points: float = 0.0
    manual: tuple[ManualScore, ...] = ()
    total: float = 0.0
    total_max: float = 0.0
    submitted_at: str | None = None
    sha256: str = ""
    results: dict | None = field(default=None, compare=False)

    @property
    def late(self) -> bool:
        return self.days_late > 0

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.total_max if self.total_max else 0.0


def final_grades(gradebook: Gradebook, course: CourseConfig, roster: Roster, suite_versions: dict[str, str],
                 suite_max: dict[str, float]) -> list[FinalGrade]:
    """Rows for every student in ``roster`` and assignment in ``suite_versions``, in roster order."""
    rows = []
    for assignment_id, version in suite_versions.items():
        config = course.assignments.get(assignment_id)
        points = config.points if config and config.points is not None else suite_max[assignment_id]
        counted = counted_attempts(gradebook, course, assignment_id)
        manual = manual_scores(gradebook, assignment_id)
        for student in roster:
            rows.append(_row(gradebook, course, student, assignment_id, version, points, suite_max[assignment_id],
                             counted.get(student.student_id), tuple(manual.get(student.student_id, ()))))
    return rows


def _row(gradebook, course, student, assignment_id, version, points, suite_max, attempt, manual) -> FinalGrade:
    manual_points = sum(m.score or 0.0 for m in manual)
    manual_max = sum(m.max_score for m in manual)
    config = course.assignments.get(assignment_id)
    report_max = max(manual_max, config.report_points if config else 0.0)
    if attempt is None:
        return FinalGrade(student, assignment_id, MISSING, auto_max=suite_max, points=points, manual=manual,
                          total=manual_points, total_max=points + report_max)
    results = grading_for(gradebook, attempt["id"], version)
    due = course.due_for(assignment_id, student.student_id) if config else None
    days_late = 0
    if due is not None and attempt["submitted_at"] is not None:
        days_late = course.late_policy.days_late(datetime.fromisoformat(attempt["submitted_at"]), due)
    multiplier = course.late_policy.multiplier(days_late)
    common = dict(student=student, assignment=assignment_id, auto_max=suite_max, points=points, days_late=days_late,
                  late_multiplier=multiplier, manual=manual, total_max=points + report_max,
                  submitted_at=attempt["submitted_at"], sha256=attempt["sha256"])
    if results is None:
        return FinalGrade(status=PENDING, total=manual_points, **common)
    auto_max = results["extra_data"]["max_score"] or suite_max
    auto_points = round(results["score"] / auto_max * points * multiplier, 4) if auto_max else 0.0
    common["auto_max"] = auto_max
    return FinalGrade(status=GRADED, auto_score=results["score"], auto_points=auto_points,
                      total=round(auto_points + manual_points, 4), results=results, **common)
