"""The course configuration: one TOML file.

::

    [course]
    name = "Transformer 与前沿深度学习"
    timezone = "Asia/Shanghai"        # default; due dates without an offset are in this zone

    [late_policy]
    grace_minutes = 10                # late by at most this much counts as on time
    percent_per_day = 10              # per day or part of a day
    max_days = 5                      # later than this: zero (the attempt stays on record)

    [[assignments]]
    id = "ch01_attention"
    points = 100                      # the suite's score is scaled to this
    due = "2026-10-20 23:59"
    report_points = 20                # optional hand-graded lab report (实验报告)
    canvas_id = "1234"                # optional LMS ids
    blackboard_id = "_5678_1"
    public_tests = ["masked_softmax: signature"]   # test names students may see in full

    [extensions]                      # per student, per assignment
    "2024007" = { ch01_attention = "2026-10-22 23:59" }
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class LatePolicy:
    grace_minutes: float = 0.0
    percent_per_day: float = 10.0
    max_days: int = 7

    def days_late(self, submitted: datetime, due: datetime) -> int:
        """Whole days late, counting a part day as a day; 0 when on time or within the grace."""
        late = submitted - due
        if late <= timedelta(minutes=self.grace_minutes):
            return 0
        return -(-late // timedelta(days=1))  # ceiling division of timedeltas

    def multiplier(self, days_late: int) -> float:
        """The fraction of the score kept after ``days_late`` days (0 past ``max_days``)."""
        if days_late <= 0:
            return 1.0
        if days_late > self.max_days:
            return 0.0
        return max(0.0, 1.0 - self.percent_per_day * days_late / 100.0)

    def cutoff(self, due: datetime) -> datetime:
        """The last moment an attempt can still earn points."""
        return due + timedelta(days=self.max_days)


@dataclass(frozen=True)
class AssignmentConfig:
    id: str
    due: datetime | None = None
    points: float | None = None
    report_points: float = 0.0
    canvas_id: str = ""
    blackboard_id: str = ""
    public_tests: tuple[str, ...] = ()


@dataclass(frozen=True)
class CourseConfig:
    name: str = "Course"
    timezone: str = DEFAULT_TIMEZONE
    late_policy: LatePolicy = field(default_factory=LatePolicy)
    assignments: dict[str, AssignmentConfig] = field(default_factory=dict)
    extensions: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def due_for(self, assignment_id: str, student_id: str) -> datetime | None:
        """The student's own due date: an extension when there is one."""
        extension = self.extensions.get((student_id, assignment_id))
        return extension or self.assignments[assignment_id].due


def parse_time(value, timezone: str) -> datetime:
    """A TOML datetime or an ISO string; a naive time is read in the course's time zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(f"not a date and time: {value!r} (write e.g. '2026-10-20 23:59')") from None
    if not isinstance(value, datetime):
        raise ConfigError(f"not a date and time: {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))


def load_config(path: str | Path) -> CourseConfig:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    course = data.get("course", {})
    timezone = course.get("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except Exception:
        raise ConfigError(f"{path}: unknown time zone {timezone!r}") from None
    late = LatePolicy(**data.get("late_policy", {}))
    assignments = {}
    for entry in data.get("assignments", []):
        entry = dict(entry)
        if "id" not in entry:
            raise ConfigError(f"{path}: an [[assignments]] entry has no id")
        if entry.get("due") is not None:
            entry["due"] = parse_time(entry["due"], timezone)
        entry["public_tests"] = tuple(entry.get("public_tests", ()))
        for key in ("canvas_id", "blackboard_id"):
            if key in entry:
                entry[key] = str(entry[key])
        assignments[entry["id"]] = AssignmentConfig(**entry)
    extensions = {}
    for student_id, per_assignment in data.get("extensions", {}).items():
        for assignment_id, when in per_assignment.items():
            if assignment_id not in assignments:
                raise ConfigError(f"{path}: extension for unknown assignment {assignment_id!r}")
            extensions[(str(student_id), assignment_id)] = parse_time(when, timezone)
    return CourseConfig(course.get("name", "Course"), timezone, late, assignments, extensions)
