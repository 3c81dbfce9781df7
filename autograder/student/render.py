"""A check report as a terminal table and as HTML for the notebook.

Both show the same things in the same order: one row per function (status, public tests
passed, what is still TODO), then what is wrong with each failed test (the message, where in the
student's code, the hint), then problems found while loading the file, then a summary line with
the isolation that held and the device. Failures that are only a TODO are not repeated below the
table: the row already says so.
"""

from __future__ import annotations

import html
import re

from autograder.student.report import FAILED, MISSING, PASSED, TODO, UNCHECKED, CheckReport, FunctionRow, TestOutcome

LABELS = {PASSED: "PASS", FAILED: "FAIL", TODO: "TODO", UNCHECKED: "ok", MISSING: "MISSING"}
COLOURS = {PASSED: "#1a7f37", FAILED: "#cf222e", TODO: "#9a6700", UNCHECKED: "#57606a", MISSING: "#cf222e"}
MESSAGE_LINES = 8
CAVEAT = ("通过公开测试不等于满分：正式评分还包括隐藏测试（随机输入上的数值、梯度、训练收敛、设备无关性）。\n"
          "Passing the public tests does not mean full marks: the grade also runs hidden tests (numerics on random "
          "inputs, gradients, training, device-agnostic code).")


def row_summary(row: FunctionRow) -> str:
    """What the table says about one function, after its status label."""
    parts = []
    if row.total:
        parts.append(f"{row.passed}/{row.total} public tests passed")
    if row.status == TODO:
        todo = f"TODO: {', '.join(row.todo_methods)}" if row.todo_methods else "not written yet"
        parts.append(f"{todo} · 尚未完成")
    elif row.todo_methods:
        parts.append(f"still TODO: {', '.join(row.todo_methods)}")
    if row.status == UNCHECKED:
        parts.append("written; no public test (the hidden tests check it) · 已编写，由隐藏测试检查")
    if row.status == MISSING:
        parts.append("not defined in your file · 文件中没有定义")
    return "; ".join(parts)


def failures_to_show(report: CheckReport) -> list[tuple[FunctionRow, TestOutcome]]:
    return [(row, test) for row in report.functions if row.status != TODO for test in row.failures]


def summary_line(report: CheckReport) -> str:
    if report.fatal:
        return "Your file could not be checked · 无法读取你的文件"
    todo = report.count(TODO)
    parts = [f"{report.passed} of {report.total} public tests passed"]
    if todo:
        parts.append(f"{todo} of {len(report.functions)} functions still TODO")
    return " · ".join(parts)


def where_in_code(test: TestOutcome, file_name: str) -> str:
    """The innermost line of the student's own file in the test's traceback (pytest's short form)."""
    found = ""
    for line in test.detail.split("\n"):
        match = re.match(rf"^({re.escape(file_name)}(?:, cell \d+)?):(\d+): in (\S+)", line.strip())
        if match:
            found = f"{match.group(1)}, line {match.group(2)}, in {match.group(3)}"
    return found


def message_lines(test: TestOutcome) -> list[str]:
    """The failure's message, without pytest's advice to run it with -v."""
    lines = [line.rstrip().replace("Use -v to get more diff", "") for line in test.message.strip().split("\n")]
    lines = [line for line in lines if line.strip()]
    if len(lines) > MESSAGE_LINES:
        lines = lines[:MESSAGE_LINES] + ["..."]
    return lines


def to_text(report: CheckReport, details: bool = False) -> str:
    """The report as the terminal shows it; ``details`` adds each failure's whole traceback."""
    out = [report.title, f"checking {report.file_name} with the public tests · 用公开测试检查 {report.file_name}", ""]
    if report.fatal:
        out += [f"  {report.fatal}", ""]
    width = max([len(row.name) for row in report.functions] + [8])
    for row in report.functions:
        out.append(f"  {LABELS[row.status]:<8} {row.name:<{width}}  {row_summary(row)}")
    failures = failures_to_show(report)
    if failures:
        out += ["", "哪里不对 · What is wrong"]
        for row, test in failures:
            out += ["", f"  {row.name} · {test.name}"]
            out += [f"      {line}" for line in message_lines(test)]
            where = where_in_code(test, report.file_name)
            if where:
                out.append(f"      your code · 你的代码: {where}")
            if test.hint:
                out.append(f"      hint · 提示: {test.hint.text()}")
            if details and test.detail:
                out += [f"      | {line}" for line in test.detail.rstrip().split("\n")]
            if details and test.output:
                out.append("      your code printed · 你的代码输出:")
                out += [f"      > {line}" for line in test.output.rstrip().split("\n")]
        if not details:
            out += ["", "  (--details shows whole tracebacks and what your code printed · 显示完整回溯和输出)"]
    if report.problems:
        out += ["", "加载时发现的问题 · Problems found while loading your file"]
        out += [f"  - {line}" for problem in report.problems for line in _indent_rest(problem)]
    out += ["", summary_line(report), CAVEAT, _footer(report)]
    return "\n".join(out)


def to_html(report: CheckReport) -> str:
    """The report as one self-contained HTML fragment (the notebook shows it)."""
    e = html.escape
    rows = "".join(
        f"<tr><td><span style='{_chip(row.status)}'>{LABELS[row.status]}</span></td>"
        f"<td><code>{e(row.name)}</code></td><td>{e(row_summary(row))}</td></tr>"
        for row in report.functions)
    parts = [f"<div class='autograder-check'><p><b>{e(report.title)}</b><br>"
             f"checking <code>{e(report.file_name)}</code> with the public tests · 用公开测试检查</p>"]
    if report.fatal:
        parts.append(f"<p style='color:{COLOURS[FAILED]}'>{e(report.fatal)}</p>")
    parts.append("<table><thead><tr><th></th><th style='text-align:left'>function · 函数</th>"
                 f"<th style='text-align:left'>public tests · 公开测试</th></tr></thead><tbody>{rows}</tbody></table>")
    failures = failures_to_show(report)
    if failures:
        parts.append("<p><b>哪里不对 · What is wrong</b></p><ul>")
        for row, test in failures:
            item = [f"<li><code>{e(row.name)}</code> · {e(test.name)}<pre>{e(chr(10).join(message_lines(test)))}</pre>"]
            where = where_in_code(test, report.file_name)
            if where:
                item.append(f"your code · 你的代码: <code>{e(where)}</code><br>")
            if test.hint:
                item.append(f"hint · 提示: {e(test.hint.text())}")
            if test.detail:
                item.append(f"<details><summary>traceback</summary><pre>{e(test.detail)}</pre></details>")
            parts.append("".join(item) + "</li>")
        parts.append("</ul>")
    if report.problems:
        parts.append("<p><b>加载时发现的问题 · Problems found while loading your file</b></p><ul>")
        parts += [f"<li><pre>{e(problem)}</pre></li>" for problem in report.problems]
        parts.append("</ul>")
    parts.append(f"<p><b>{e(summary_line(report))}</b><br><small>{e(CAVEAT).replace(chr(10), '<br>')}<br>"
                 f"{e(_footer(report))}</small></p></div>")
    return "".join(parts)


def _chip(status: str) -> str:
    return (f"background:{COLOURS[status]};color:white;border-radius:3px;padding:1px 6px;"
            "font-family:monospace;font-size:90%")


def _footer(report: CheckReport) -> str:
    parts = [f"isolation: {report.isolation}" if report.isolation else "", f"device: {report.device}" if report.device
             else "", f"{report.seconds:.1f} s" if report.seconds else ""]
    return " · ".join(p for p in parts if p)


def _indent_rest(text: str) -> list[str]:
    lines = text.rstrip().split("\n")
    return lines[:1] + [f"  {line}" for line in lines[1:]]
