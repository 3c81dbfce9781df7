"""The short plain-text report for an LMS comment box."""

from __future__ import annotations

from autograder.reports.messages import messages
from autograder.reports.plaintext import LIMIT, student_text
from autograder.reports.student import student_report

TITLE = "第 1 章 注意力机制 · Attention mechanisms"


def text_of(row, lang="zh") -> str:
    t = messages(lang)
    return student_text(student_report(row, TITLE, t), t)


def test_fits_an_lms_comment_box(grades):
    """Is every student's text at most LIMIT characters, however much failed?"""
    for row in grades:
        for lang in ("zh", "en"):
            assert len(text_of(row, lang)) <= LIMIT


def test_leads_with_the_score_and_carries_the_hints(row_of):
    """Does the text start with the score, late penalty included, and carry the catalogued hints?"""
    text = text_of(row_of("2024101"), "en")
    assert text.splitlines()[2] == "Total: 56.89 / 120 (47.4%)"
    assert "Your weights are normalised over the query axis" in text
    assert "All passed: hard_attention" in text
    late = text_of(row_of("2024102"))
    assert "迟交 1 天" in late and "总分：47 / 120" in late


def test_what_does_not_fit_is_counted(row_of, kit, students):
    """When the failures do not fit, does the text say how many more the HTML report has?"""
    tests = [kit.make_test(f"f{i}: property", f"f{i}", passed=False, output="x" * 300) for i in range(40)]
    text = text_of(kit.graded_row(students[0], kit.make_results("2024101", tests)), "en")
    assert len(text) <= LIMIT
    assert "more failed test(s); see the HTML report." in text.splitlines()[-1]


def test_missing_student_gets_a_short_note(row_of):
    """Does a student with no submission get their total and a one-line explanation?"""
    assert text_of(row_of("../2024/104"), "en").splitlines()[-1] == "No submission was received from you."
