"""The class dashboards: what the class did not understand, per assignment and for the course.

Per assignment: the score distribution, each test's pass rate (hardest first), the catalogued
mistakes students made most, late, missing and not-yet-graded submissions, grading time per
submission, and failures of the grader itself (there should be none). For the course: one line
per assignment, the distribution of course totals, the most frequent mistakes overall and every
student's totals. Only the instructor reads these; they hold every student's data.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from autograder.course.roster import Student
from autograder.gradebook.final import GRADED, MISSING, FinalGrade
from autograder.reports.charts import histogram_png
from autograder.reports.hints import Hint, split_hints
from autograder.reports.messages import Messages

TOP_MISTAKES = 10
SLOWEST = 5


@dataclass(frozen=True)
class TestRate:
    name: str
    function: str
    tags: tuple[str, ...]
    passed: int
    attempted: int

    @property
    def rate(self) -> float:
        return self.passed / self.attempted if self.attempted else 0.0


@dataclass(frozen=True)
class MistakeCount:
    assignment: str
    hint: Hint
    functions: tuple[str, ...]
    students: int  # how many students' submissions showed it
    tests: int  # in how many failed tests, over all those submissions


@dataclass(frozen=True)
class GraderError:
    student: Student
    test: str
    summary: str  # the traceback's last line
    detail: str


@dataclass(frozen=True)
class Timing:
    count: int
    median: float
    p90: float
    longest: float
    total: float
    slowest: tuple[tuple[Student, float], ...]


@dataclass(frozen=True)
class AssignmentDashboard:
    assignment: str
    title: str
    rows: tuple[FinalGrade, ...]
    links: dict[str, str]  # student_id -> the student's report, relative to the dashboard
    histogram: str | None
    test_rates: tuple[TestRate, ...]
    mistakes: tuple[MistakeCount, ...]
    timing: Timing | None
    grader_errors: tuple[GraderError, ...]
    load_problems: tuple[tuple[Student, tuple[str, ...]], ...]

    def with_status(self, status: str) -> list[FinalGrade]:
        return [row for row in self.rows if row.status == status]

    @property
    def graded(self) -> list[FinalGrade]:
        return self.with_status(GRADED)

    @property
    def late(self) -> list[FinalGrade]:
        return [row for row in self.rows if row.status != MISSING and row.days_late > 0]

    @property
    def percents(self) -> list[float]:
        return [row.percent for row in self.graded]

    @property
    def mean_percent(self) -> float | None:
        return statistics.fmean(self.percents) if self.percents else None

    @property
    def median_percent(self) -> float | None:
        return statistics.median(self.percents) if self.percents else None


@dataclass(frozen=True)
class StudentTotals:
    student: Student
    percent: float
    cells: tuple[tuple[str, float | None, str], ...]  # per assignment: (status, percent, link)


@dataclass(frozen=True)
class CourseDashboard:
    course: str
    assignments: tuple[AssignmentDashboard, ...]
    folders: dict[str, str]  # assignment id -> its folder, relative to the course dashboard
    histogram: str | None
    mistakes: tuple[MistakeCount, ...]
    students: tuple[StudentTotals, ...]

    @property
    def grader_error_count(self) -> int:
        return sum(len(a.grader_errors) for a in self.assignments)


def assignment_dashboard(assignment: str, title: str, rows: list[FinalGrade], links: dict[str, str],
                         t: Messages) -> AssignmentDashboard:
    graded = [row for row in rows if row.status == GRADED and row.results]
    percents = [row.percent for row in graded]
    histogram = histogram_png(percents, t=t, x_label_key="percent_of_total") if percents else None
    return AssignmentDashboard(
        assignment=assignment, title=title, rows=tuple(rows), links=links, histogram=histogram,
        test_rates=_test_rates(graded), mistakes=tuple(count_mistakes(assignment, graded)[:TOP_MISTAKES]),
        timing=_timing(graded), grader_errors=tuple(_grader_errors(graded)),
        load_problems=tuple((row.student, tuple(map(str, row.results["extra_data"].get("load_messages") or ())))
                            for row in graded if (row.results.get("extra_data") or {}).get("load_messages")))


def course_dashboard(course: str, dashboards: list[AssignmentDashboard], folders: dict[str, str],
                     t: Messages) -> CourseDashboard:
    students: dict[str, Student] = {}
    cells: dict[str, dict[str, FinalGrade]] = defaultdict(dict)
    for dashboard in dashboards:
        for row in dashboard.rows:
            students.setdefault(row.student.student_id, row.student)
            cells[row.student.student_id][dashboard.assignment] = row
    totals = []
    for student_id, student in students.items():
        rows = cells[student_id]
        earned = sum(row.total for row in rows.values())
        possible = sum(row.total_max for row in rows.values())
        totals.append(StudentTotals(student, 100.0 * earned / possible if possible else 0.0, tuple(
            (rows[d.assignment].status, rows[d.assignment].percent, f"{folders[d.assignment]}/{d.links[student_id]}")
            if d.assignment in rows else (MISSING, None, "") for d in dashboards)))
    percents = [s.percent for s in totals]
    graded_any = any(d.graded for d in dashboards)
    histogram = histogram_png(percents, t=t, x_label_key="percent_of_total") if percents and graded_any else None
    mistakes = [m for d in dashboards for m in count_mistakes(d.assignment, d.graded)]
    mistakes.sort(key=lambda m: (-m.students, -m.tests, m.assignment, m.hint.mistake_id))
    return CourseDashboard(course, tuple(dashboards), folders, histogram, tuple(mistakes[:TOP_MISTAKES * 2]),
                           tuple(totals))


def count_mistakes(assignment: str, graded: list[FinalGrade]) -> list[MistakeCount]:
    """Catalogued mistakes by how many students made them (then by how many tests showed them)."""
    students: Counter[str] = Counter()
    tests: Counter[str] = Counter()
    hints: dict[str, Hint] = {}
    functions: dict[str, list[str]] = defaultdict(list)
    for row in graded:
        seen = set()
        for test in row.results.get("tests", []):
            if test.get("status") == "passed":
                continue
            for hint in split_hints(str(test.get("output") or ""))[1]:
                hints.setdefault(hint.mistake_id, hint)
                tests[hint.mistake_id] += 1
                function = str((test.get("extra_data") or {}).get("function") or "")
                if function and function not in functions[hint.mistake_id]:
                    functions[hint.mistake_id].append(function)
                seen.add(hint.mistake_id)
        students.update(seen)
    counts = [MistakeCount(assignment, hints[i], tuple(functions[i]), students[i], tests[i]) for i in hints]
    return sorted(counts, key=lambda m: (-m.students, -m.tests, m.hint.mistake_id))


def _test_rates(graded: list[FinalGrade]) -> tuple[TestRate, ...]:
    passed: Counter[str] = Counter()
    attempted: Counter[str] = Counter()
    about: dict[str, tuple[str, tuple[str, ...]]] = {}
    for row in graded:
        for test in row.results.get("tests", []):
            name = str(test.get("name"))
            attempted[name] += 1
            passed[name] += test.get("status") == "passed"
            about.setdefault(name, (str((test.get("extra_data") or {}).get("function") or ""),
                                    tuple(map(str, test.get("tags") or ()))))
    rates = [TestRate(name, *about[name], passed[name], attempted[name]) for name in attempted]
    return tuple(sorted(rates, key=lambda r: (r.rate, r.name)))


def _timing(graded: list[FinalGrade]) -> Timing | None:
    times = [(row.student, float(row.results["execution_time"])) for row in graded
             if isinstance(row.results.get("execution_time"), (int, float))]
    if not times:
        return None
    seconds = sorted(s for _, s in times)
    p90 = seconds[min(len(seconds) - 1, int(round(0.9 * (len(seconds) - 1))))]
    slowest = tuple(sorted(times, key=lambda pair: -pair[1])[:SLOWEST])
    return Timing(len(seconds), statistics.median(seconds), p90, seconds[-1], sum(seconds), slowest)


def _grader_errors(graded: list[FinalGrade]) -> list[GraderError]:
    errors = []
    for row in graded:
        for error in (row.results.get("extra_data") or {}).get("grader_errors") or ():
            text = str(error)
            test, _, detail = text.partition(": ")
            last = next((line for line in reversed(text.strip().splitlines()) if line.strip()), text)
            errors.append(GraderError(row.student, test if detail else "", last.strip(), text))
    return errors

