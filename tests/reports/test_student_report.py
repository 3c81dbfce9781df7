"""One student's HTML report: what it shows, what it must never show, and that it stands alone."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from autograder.assignment import load_assignment
from autograder.reports.messages import messages
from autograder.reports.render import render
from autograder.reports.student import student_report

TITLE = "第 1 章 注意力机制 · Attention mechanisms"


def html_of(row, lang="zh") -> str:
    t = messages(lang)
    return render("student.html.j2", t, r=student_report(row, TITLE, t))


def test_scores_are_grouped_by_function_in_suite_order(row_of):
    """Does the report sum each function's tests, in the order the suite ran them?"""
    report = student_report(row_of("2024101"), TITLE, messages("zh"))
    names = [f.name for f in report.functions]
    assert names[:3] == ["AdditiveAttention", "scaled_dot_product_attention", "hard_attention"]
    tests = row_of("2024101").results["tests"]
    for function in report.functions:
        mine = [t for t in tests if t["extra_data"]["function"] == function.name]
        assert function.score == pytest.approx(sum(t["score"] for t in mine))
        assert function.max_score == pytest.approx(sum(t["max_score"] for t in mine))
    assert sum(f.score for f in report.functions) == pytest.approx(row_of("2024101").auto_score)


def test_shows_the_total_and_the_late_penalty(row_of):
    """Does a late student's page show the total, the days late and the multiplier?"""
    html = html_of(row_of("2024102"))
    assert "47 / 120" in html  # 32/90 of 100 points x0.9 = 32, plus 15 for the lab report
    assert "迟交 1 天" in html and "×0.9" in html
    english = html_of(row_of("2024102"), "en")
    assert "1 day(s) late" in english and "47 / 120" in english


def test_each_test_shows_its_verdict_and_message(row_of):
    """Is every test listed with its status and, when it failed, its message?"""
    row = row_of("2024102")
    html = html_of(row)
    for test in row.results["tests"]:
        assert _escaped(test["name"]) in html
    assert "is not implemented yet (it raised NotImplementedError: TODO)" in html
    assert html.count('class="chip failed"') + html.count('class="chip passed"') >= len(row.results["tests"])


def test_catalogued_mistake_hint_is_highlighted(row_of):
    """Is a matched mistake's hint pulled out of the message and shown in a highlighted box?"""
    html = html_of(row_of("2024101"))
    assert '<div class="hint">' in html
    assert "softmax_over_queries" in html and "你的权重在查询轴（dim=1）上归一化了" in html
    assert "Hint (common mistake" not in html  # the raw line is replaced by the box


def test_shape_mismatch_gets_a_diagram(row_of):
    """Does 'has shape [2, 5, 3], expected [2, 3, 5]' come with an SVG of the two shapes?"""
    report = student_report(row_of("2024103"), TITLE, messages("en"))
    test = next(t for f in report.functions for t in f.tests if t.name == "masked_softmax: sums to one")
    diagram = next(p for p in test.pictures if "Shapes of output" in p.caption)
    assert "<svg" in diagram.images[0] and ">5<" in diagram.images[0]


def test_visible_heatmap_shows_student_and_expected(row_of):
    """Does a visible test's heatmap record give two maps side by side, the student's and the expected?"""
    report = student_report(row_of("2024103"), TITLE, messages("en"))
    test = next(t for f in report.functions for t in f.tests if t.name == "attention: heatmap")
    picture = next(p for p in test.pictures if p.caption == "Attention heatmap")
    assert len(picture.images) == 2
    assert "0.88" in picture.images[1] and "0.75" in picture.images[0]


def test_hidden_test_shows_verdict_message_and_own_curve_only(row_of, kit):
    """Does a hidden test show its verdict, message and the student's curve, and nothing else of its record?"""
    report = student_report(row_of("2024103"), TITLE, messages("en"))
    test = next(t for f in report.functions for t in f.tests if not t.visible)
    assert test.status == "failed" and "held-out accuracy is 0.41" in test.message
    assert [p.caption for p in test.pictures] == ["Training loss"]
    assert test.measurements == ()
    html = html_of(row_of("2024103"), "en")
    section = html[html.index("train: converges (hidden)"):html.index("attention: heatmap")]
    assert "reference" not in section
    assert f"{kit.HIDDEN_EXPECTED_VALUE}" not in html and "0.8765" not in html
    for value in kit.HIDDEN_REFERENCE_CURVE:
        assert str(value) not in html and f"{value:.3g}" not in section


def test_grader_error_tracebacks_stay_off_the_student_page(row_of):
    """Does a grader failure show a neutral note but not its traceback (which quotes the hidden suite)?"""
    row = row_of("2024103")
    row.results["extra_data"]["grader_errors"] = [
        'test_hidden.py::TestX::test_y: Traceback (most recent call last):\n  File "/srv/suites/test_hidden.py", '
        'line 75\n    expected = SECRET_EXPECTED_TENSOR\nNameError: boom']
    html = html_of(row, "en")
    assert "The grader itself failed on some tests" in html
    assert "SECRET_EXPECTED_TENSOR" not in html and "test_hidden.py" not in html


def test_load_messages_and_isolation_are_in_the_footer(row_of):
    """Are load problems, dropped statements, the isolation summary and the parity mode shown?"""
    html = html_of(row_of("2024103"), "en")
    footer = html[html.index("<footer"):]
    assert "SyntaxError at line 9" in footer and "line 40: if" in footer
    assert "process group, rlimits, seccomp" in footer and "meta" in footer
    assert 'href="#load-messages"' in html  # and a banner at the top points there


def test_student_controlled_text_is_escaped(row_of, bystander_results, students, kit):
    """Are a script-like name and a message with markup escaped, never live markup?"""
    html = html_of(row_of("2024102"))
    assert kit.SCRIPT_NAME not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    bystander_results["tests"][0]["status"] = "failed"
    bystander_results["tests"][0]["output"] = '<img src=x onerror=alert(2)> and </pre><b>bold</b>'
    html = html_of(kit.graded_row(students[2], bystander_results))
    assert "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html.lower()


def test_a_report_holds_no_other_students_data(grades, row_of):
    """Rendering student A's report from a class with B: does nothing of B appear?"""
    html = html_of(row_of("2024101")) + html_of(row_of("2024101"), "en")
    bob = row_of("2024103")
    assert bob.student.name not in html and bob.student.student_id not in html
    assert "BYSTANDER-ONLY MESSAGE" not in html and "bystander_mistake" not in html
    assert "held-out accuracy is 0.41" not in html


def test_no_line_of_the_reference_solution_appears(grades):
    """Does no line of reference/ch01_attention/attention.py's solution blocks reach any report?"""
    assignment = load_assignment("ch01_attention")
    template = assignment.release_dir / f"{assignment.module}.py"
    public = {line.strip() for line in template.read_text(encoding="utf-8").splitlines()}
    # a solution line the released template also has (a given line that repeats) is no secret
    solution = [line for line in _solution_lines(assignment.reference_path.read_text(encoding="utf-8"))
                if line not in public]
    assert len(solution) > 20
    for row in grades:
        for lang in ("zh", "en"):
            html = html_of(row, lang)
            leaked = [line for line in solution if line in html or _escaped(line) in html]
            assert not leaked, (row.student.student_id, leaked[:3])


def test_page_is_self_contained(grades):
    """Does a report load nothing from elsewhere: no script, no URL but data: and in-page anchors, a strict CSP?"""
    for row in grades:
        html = html_of(row)
        assert "default-src 'none'" in html
        for tag, attrs in tags_of(html):
            assert tag != "script" and tag != "link"
            for name in ("src", "href"):
                value = attrs.get(name)
                if value is not None:
                    assert value.startswith(("data:", "#")), (tag, name, value[:60])


def test_a_huge_message_is_cut(kit, students):
    """Is a megabyte-long message (a hostile exception text) cut to a readable length, hints kept?"""
    output = "x" * 1_000_000 + "\nHint (common mistake `m`): 提示 / hint"
    row = kit.graded_row(students[0], kit.make_results("2024101", [kit.make_test("f: t", "f", passed=False,
                                                                                  output=output)]))
    html = html_of(row, "en")
    assert len(html) < 50_000 and "more characters)" in html and "<code>m</code>" in html


def test_missing_student_is_told_so(row_of):
    """Does a student without a submission read that nothing was received, with the total?"""
    html = html_of(row_of("../2024/104"), "en")
    assert "No submission was received from you." in html and "0 / 120" in html
    assert "<footer" not in html


def _solution_lines(source: str) -> list[str]:
    """The non-trivial lines between ### BEGIN SOLUTION and ### END SOLUTION."""
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("### BEGIN SOLUTION"):
            inside = True
        elif stripped.startswith("### END SOLUTION"):
            inside = False
        elif inside and len(stripped) >= 12 and not stripped.startswith("#"):
            lines.append(stripped)
    return lines


def _escaped(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags

