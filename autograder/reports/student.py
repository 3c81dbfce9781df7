"""One student's report for one assignment, as data the templates lay out.

:func:`student_report` reads only that student's :class:`~autograder.gradebook.final.FinalGrade`
row (so no other student's data can reach the page) and decides what the student sees: scores per
function, each test's verdict and message, the catalogued-mistake hints pulled out of the messages,
and pictures (loss curves, heatmaps, shape diagrams). What a hidden test's record may show is
decided by :func:`autograder.reports.records.read_record`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from autograder.gradebook.final import GRADED, FinalGrade
from autograder.gradebook.manual import ManualScore
from autograder.reports import svg
from autograder.reports.hints import Hint, split_hints
from autograder.reports.messages import Messages, format_points
from autograder.reports.records import Map, read_record
from autograder.reports.shapes import find_shape_mismatches

OTHER_FUNCTION = "—"
MAX_MESSAGE_CHARS = 4000  # a hostile submission can raise an exception with a megabyte of text


@dataclass(frozen=True)
class Picture:
    caption: str
    images: tuple[Markup, ...]  # inline SVGs, shown side by side (stacked on a phone)


@dataclass(frozen=True)
class TestView:
    name: str
    function: str
    status: str  # passed, partial or failed
    score: float
    max_score: float
    visible: bool
    tags: tuple[str, ...]
    message: str
    hints: tuple[Hint, ...]
    pictures: tuple[Picture, ...]
    measurements: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FunctionScore:
    name: str
    score: float
    max_score: float
    tests: tuple[TestView, ...]

    @property
    def passed(self) -> int:
        return sum(t.status == "passed" for t in self.tests)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def hints(self) -> list[tuple[Hint, int]]:
        """Each mistake matched in this function's tests, once, with how many tests showed it."""
        counts: dict[str, list] = {}
        for test in self.tests:
            for hint in test.hints:
                counts.setdefault(hint.mistake_id, [hint, 0])[1] += 1
        return [(hint, count) for hint, count in counts.values()]


@dataclass(frozen=True)
class StudentReport:
    student_id: str
    name: str
    assignment: str
    title: str
    status: str  # graded, pending or missing
    total: float
    total_max: float
    auto_score: float
    auto_max: float
    points: float
    auto_points: float
    days_late: int
    late_multiplier: float
    manual: tuple[ManualScore, ...]
    functions: tuple[FunctionScore, ...]
    load_messages: tuple[str, ...] = ()
    dropped_statements: tuple[str, ...] = ()
    skipped_tests: tuple[str, ...] = ()
    grader_failed: bool = False
    about: tuple[tuple[str, str], ...] = ()  # the footer: how it was graded

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.total_max if self.total_max else 0.0

    @property
    def has_footer(self) -> bool:
        return bool(self.load_messages or self.dropped_statements or self.skipped_tests or self.about)

    @property
    def failed_tests(self) -> list[TestView]:
        return [test for function in self.functions for test in function.tests if test.status != "passed"]


def student_report(row: FinalGrade, title: str, t: Messages) -> StudentReport:
    results = row.results if row.status == GRADED else None
    extra = (results or {}).get("extra_data") or {}
    tests = [_test_view(test, t) for test in (results or {}).get("tests", [])]
    return StudentReport(
        student_id=row.student.student_id, name=row.student.name, assignment=row.assignment, title=title,
        status=row.status, total=row.total, total_max=row.total_max, auto_score=row.auto_score,
        auto_max=row.auto_max, points=row.points, auto_points=row.auto_points, days_late=row.days_late,
        late_multiplier=row.late_multiplier, manual=tuple(row.manual), functions=_by_function(tests),
        load_messages=tuple(map(str, extra.get("load_messages") or ())),
        dropped_statements=tuple(map(str, extra.get("dropped_statements") or ())),
        skipped_tests=tuple(f"{s.get('name')}: {s.get('reason')}" for s in extra.get("skipped_tests") or ()
                            if isinstance(s, dict)),
        # the count only: a grader error's traceback shows the hidden suite's source
        grader_failed=bool(extra.get("grader_errors")),
        about=_about(results, t) if results else (),
    )


def _test_view(test: dict, t: Messages) -> TestView:
    extra = test.get("extra_data") or {}
    visible = test.get("visibility", "visible") == "visible"
    score, max_score = float(test.get("score") or 0.0), float(test.get("max_score") or 0.0)
    if test.get("status") == "passed":
        status = "passed"
    else:
        status = "partial" if 0 < score < max_score else "failed"
    message, hints = split_hints(str(test.get("output") or ""))
    if len(message) > MAX_MESSAGE_CHARS:
        message = f"{message[:MAX_MESSAGE_CHARS]}\n… ({len(message) - MAX_MESSAGE_CHARS:,} more characters)"
    record = read_record(extra.get("record"), visible)
    pictures = []
    if record.curves:
        pictures.append(_curve_picture(record.curves, t))
    pictures += [_map_picture(m, t) for m in record.maps]
    if status != "passed":
        pictures += [Picture(t("shape_diagram", what=m.what),
                             (svg.shape_diagram_svg(m, title=t("shape_diagram", what=m.what),
                                                    got_label=t("your_shape"), expected_label=t("expected_shape")),))
                     for m in find_shape_mismatches(message)]
    name = str(test.get("name") or "")
    return TestView(name=name, function=str(extra.get("function") or _function_from_name(name)), status=status,
                    score=score, max_score=max_score, visible=visible, tags=tuple(map(str, test.get("tags") or ())),
                    message=message, hints=tuple(hints), pictures=tuple(pictures),
                    measurements=record.measurements)


def _by_function(tests: list[TestView]) -> tuple[FunctionScore, ...]:
    groups: dict[str, list[TestView]] = {}
    for test in tests:  # in the suite's order: first appearance decides the function's place
        groups.setdefault(test.function, []).append(test)
    return tuple(FunctionScore(name, sum(t.score for t in group), sum(t.max_score for t in group), tuple(group))
                 for name, group in groups.items())


def _function_from_name(name: str) -> str:
    head, separator, _ = name.partition(":")
    return head.strip() if separator and head.strip() else OTHER_FUNCTION


def _curve_picture(curves, t: Messages) -> Picture:
    series = []
    if curves.student:
        series.append((t("your_curve"), curves.student, svg.STUDENT_COLOUR))
    if curves.reference:
        series.append((t("reference_curve"), curves.reference, svg.REFERENCE_COLOUR))
    chart = svg.loss_curves_svg(series, title=t("loss_curve"), x_label=t("step"), y_label=t("loss"),
                                log_label=t("log_scale"), not_finite_label=t("not_finite_at", step="{step}"))
    return Picture(t("loss_curve"), (chart,))


def _map_picture(picture: Map, t: Messages) -> Picture:
    matrices = [picture.student] + ([picture.expected] if picture.expected else [])
    values = [v for matrix in matrices for row in matrix for v in row if math.isfinite(v)] or [0.0, 1.0]
    low, high = min(values), max(values)
    images = [svg.heatmap_svg(matrix, title=t(label), low=low, high=high, x_labels=picture.x_labels,
                              y_labels=picture.y_labels)
              for matrix, label in zip(matrices, ("yours", "expected"))]
    return Picture(t(picture.kind), tuple(images))


def _about(results: dict, t: Messages) -> tuple[tuple[str, str], ...]:
    extra = results.get("extra_data") or {}
    isolation = extra.get("isolation")
    summary = isolation.get("summary") if isinstance(isolation, dict) else isolation
    versions = ", ".join(f"{name} {extra[key]}" for name, key in (
        ("torch", "torch_version"), ("Python", "python_version"), ("autograder", "autograder_version"),
        ("suite", "suite_version")) if extra.get(key))
    submission = " · ".join(str(part) for part in (extra.get("submission_name"),
                                                   (extra.get("submission_sha256") or "")[:12]) if part)
    rows = [(t("isolation"), summary), (t("parity_mode"), extra.get("parity_mode")), (t("device"), extra.get("device")),
            (t("versions"), versions), (t("submission"), submission)]
    seconds = results.get("execution_time")
    if isinstance(seconds, (int, float)):
        rows.append((t("grading_time"), t("seconds", value=format_points(seconds))))
    return tuple((label, str(value)) for label, value in rows if value)
