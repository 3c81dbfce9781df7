"""The short plain-text report: what fits in an LMS comment box (at most ``LIMIT`` characters).

Scores first, then, per function that lost points, the first distinct problems and the hints;
what does not fit is counted and left to the HTML report.
"""

from __future__ import annotations

from autograder.gradebook.final import MISSING, PENDING
from autograder.reports.messages import Messages, format_points
from autograder.reports.student import FunctionScore, StudentReport

LIMIT = 1500
MESSAGE_CHARS = 150
HINT_CHARS = 200
MESSAGES_PER_FUNCTION = 2


def student_text(report: StudentReport, t: Messages) -> str:
    head = _head(report, t)
    sections = [_function_section(function, t) for function in report.functions if function.score < function.max_score]
    lines = list(head)
    budget = LIMIT - len(t("more_failed", count=999)) - 1
    shown = 0
    for section in sections:
        if _length(lines + section) > budget:
            break
        lines += section
        shown += 1
    left_out = sum(len([x for x in f.tests if x.status != "passed"]) for f in
                   [f for f in report.functions if f.score < f.max_score][shown:])
    if left_out:
        lines.append(t("more_failed", count=left_out))
    elif report.failed_tests:
        lines.append(t("full_report"))
    text = "\n".join(lines)
    return text if len(text) <= LIMIT else text[:LIMIT - 1] + "…"


def _head(report: StudentReport, t: Messages) -> list[str]:
    lines = [t("report_title", assignment=report.title),
             f"{t('student')}: {report.name} ({report.student_id})",
             f"{t('total')}: {format_points(report.total)} / {format_points(report.total_max)} "
             f"({report.percent:.1f}%)"]
    if report.status == MISSING:
        lines.append(t("status_missing"))
    elif report.status == PENDING:
        lines.append(t("status_pending"))
    else:
        late = (t("late_penalty", days=report.days_late, multiplier=format_points(report.late_multiplier))
                if report.days_late else t("on_time"))
        lines.append(f"{t('autograded')}: {t('raw_score', score=format_points(report.auto_score), max=format_points(report.auto_max))}"
                     f" → {format_points(report.auto_points)} / {format_points(report.points)}; {late}")
    for manual in report.manual:
        score = format_points(manual.score) if manual.score is not None else t("not_graded_yet")
        lines.append(f"{t('manual_component', component=manual.component)}: {score} / {format_points(manual.max_score)}"
                     + (f" ({_clip(manual.comment, MESSAGE_CHARS)})" if manual.comment else ""))
    if report.load_messages:
        lines.append(f"{t('load_messages')}: " + "; ".join(_clip(m, MESSAGE_CHARS) for m in report.load_messages[:2]))
    if report.grader_failed:
        lines.append(t("grader_failed_banner"))
    if report.functions:
        lines.append(f"{t('by_function')}: " + "; ".join(
            f"{f.name} {format_points(f.score)}/{format_points(f.max_score)}" for f in report.functions))
    return lines


def _function_section(function: FunctionScore, t: Messages) -> list[str]:
    failed = [test for test in function.tests if test.status != "passed"]
    lines = [f"✗ {function.name} {format_points(function.score)}/{format_points(function.max_score)} "
             f"({t('tests_passed', passed=function.passed, count=len(function.tests))})"]
    seen = []
    for test in failed:
        first_line = next((line for line in test.message.splitlines() if line.strip()), "")
        if first_line and first_line not in seen and len(seen) < MESSAGES_PER_FUNCTION:
            seen.append(first_line)
            lines.append(f"  - {test.name}: {_clip(first_line, MESSAGE_CHARS)}")
    hints = []
    for test in failed:
        for hint in test.hints:
            if hint.mistake_id not in hints:
                hints.append(hint.mistake_id)
                lines.append(f"  {t('hint')}: {_clip(hint.text(t.lang), HINT_CHARS)}")
    return lines


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _length(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)
