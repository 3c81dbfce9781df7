"""The short plain-text report: what fits in an LMS comment box (at most ``LIMIT`` characters).

Scores first; then, per function that lost points, its catalogued-mistake hints, or else its first
problem; then the functions that passed. What does not fit is counted and left to the HTML report.
"""

from __future__ import annotations

from autograder.gradebook.final import MISSING, PENDING
from autograder.reports.messages import Messages, format_points
from autograder.reports.student import FunctionScore, StudentReport

LIMIT = 1500
MESSAGE_CHARS = 140
HINT_CHARS = 160


def student_text(report: StudentReport, t: Messages) -> str:
    lines = _head(report, t)
    lost = [f for f in report.functions if f.score < f.max_score]
    passed = [f.name for f in report.functions if f.score >= f.max_score]
    tail = [t.label("all_passed") + ", ".join(passed)] if passed else []
    budget = LIMIT - len(t("more_failed", count=999)) - 1 - _length(tail)
    left_out = 0
    for function in lost:  # in the suite's order; a section that does not fit is counted, not cut
        section = _function_section(function, t)
        if _length(lines + section) <= budget:
            lines += section
        else:
            left_out += sum(test.status != "passed" for test in function.tests)
    lines += tail
    if left_out:
        lines.append(t("more_failed", count=left_out))
    elif lost:
        lines.append(t("full_report"))
    text = "\n".join(lines)
    return text if len(text) <= LIMIT else text[:LIMIT - 1] + "…"


def _head(report: StudentReport, t: Messages) -> list[str]:
    lines = [t("report_title", assignment=report.title),
             f"{t.label('student')}{report.name} ({report.student_id})",
             f"{t.label('total')}{format_points(report.total)} / {format_points(report.total_max)} "
             f"({report.percent:.1f}%)"]
    if report.status == MISSING:
        lines.append(t("status_missing"))
    elif report.status == PENDING:
        lines.append(t("status_pending"))
    else:
        late = (t("late_penalty", days=report.days_late, multiplier=format_points(report.late_multiplier))
                if report.days_late else t("on_time"))
        raw = t("raw_score", score=format_points(report.auto_score), max=format_points(report.auto_max))
        lines.append(f"{t.label('autograded')}{raw} → {format_points(report.auto_points)} / "
                     f"{format_points(report.points)}; {late}")
    for manual in report.manual:
        score = format_points(manual.score) if manual.score is not None else t("not_graded_yet")
        comment = f" ({_clip(manual.comment, MESSAGE_CHARS)})" if manual.comment else ""
        lines.append(f"{t.label('manual_component', component=manual.component)}{score} / "
                     f"{format_points(manual.max_score)}{comment}")
    if report.load_messages:
        lines.append(t.label("load_messages") + "; ".join(_clip(m, MESSAGE_CHARS) for m in report.load_messages[:2]))
    if report.grader_failed:
        lines.append(t("grader_failed_banner"))
    return lines


def _function_section(function: FunctionScore, t: Messages) -> list[str]:
    lines = [f"✗ {function.name} {format_points(function.score)}/{format_points(function.max_score)} "
             f"({t('tests_passed', passed=function.passed, count=len(function.tests))})"]
    hints = function.hints
    if hints:
        lines += [f"  {t.label('hint')}{_clip(hint.primary(t.lang), HINT_CHARS)}" for hint, _ in hints]
        return lines
    failed = next((test for test in function.tests if test.status != "passed"), None)
    if failed is not None:
        first_line = next((line for line in failed.message.splitlines() if line.strip()), "")
        name = failed.name.removeprefix(f"{function.name}: ")
        lines.append(f"  - {name}: {_clip(first_line, MESSAGE_CHARS)}")
    return lines


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _length(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)
