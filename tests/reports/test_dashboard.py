"""The class and course dashboards: what the class did not understand, and what went wrong."""

from __future__ import annotations

import pytest

from autograder.reports.dashboard import assignment_dashboard, count_mistakes, course_dashboard
from autograder.reports.messages import messages
from autograder.reports.render import render

TITLE = "第 1 章 注意力机制 · Attention mechanisms"


@pytest.fixture
def dashboard(grades):
    links = {row.student.student_id: f"{i}.html" for i, row in enumerate(grades)}
    return assignment_dashboard("ch01_attention", TITLE, grades, links, messages("en"))


def test_counts_graded_late_and_missing(dashboard):
    """Are graded, late and missing submissions counted and listed?"""
    assert len(dashboard.graded) == 3
    assert [r.student.student_id for r in dashboard.late] == ["2024102"]
    assert [r.student.student_id for r in dashboard.with_status("missing")] == ["../2024/104"]
    assert dashboard.mean_percent == pytest.approx(sum(r.percent for r in dashboard.graded) / 3)


def test_pass_rates_are_sorted_hardest_first(dashboard):
    """Are per-test pass rates sorted from the hardest test to the easiest?"""
    rates = [r.rate for r in dashboard.test_rates]
    assert rates == sorted(rates) and rates[0] < rates[-1]
    by_name = {r.name: r for r in dashboard.test_rates}
    assert (by_name["causal_mask: is bool square"].passed, by_name["causal_mask: is bool square"].attempted) == (2, 2)


def test_mistakes_are_counted_by_students_not_by_tests(kit, students):
    """Is a mistake seen in many tests of one student counted once for that student?"""
    hint = "\nHint (common mistake `no_scaling`): 没有缩放 / not scaled"
    other = "\nHint (common mistake `inverted_mask`): 掩码反了 / inverted"
    rows = [kit.graded_row(students[0], kit.make_results("a", [
                kit.make_test(f"sdpa: t{i}", "sdpa", passed=False, output="differs" + hint) for i in range(5)])),
            kit.graded_row(students[1], kit.make_results("b", [
                kit.make_test("sdpa: t0", "sdpa", passed=False, output="differs" + hint),
                kit.make_test("sdpa: t1", "sdpa", passed=False, output="differs" + other)])),
            kit.graded_row(students[2], kit.make_results("c", [
                kit.make_test("sdpa: t0", "sdpa", passed=False, output="differs" + other)]))]
    rows.append(kit.graded_row(students[3], kit.make_results("d", [
        kit.make_test("sdpa: t0", "sdpa", passed=False, output="differs" + other)])))
    counts = count_mistakes("ch01_attention", rows)
    assert [(m.hint.mistake_id, m.students, m.tests) for m in counts] == [("inverted_mask", 3, 3), ("no_scaling", 2, 6)]
    assert counts[0].functions == ("sdpa",)


def test_grading_time_and_grader_errors(dashboard, grades):
    """Are grading times summarised and grader failures listed with their test and last line?"""
    assert dashboard.timing.count == 3 and dashboard.timing.longest >= dashboard.timing.median
    assert dashboard.grader_errors == ()
    grades[2].results["extra_data"]["grader_errors"] = [
        "test_x.py::T::test_y: Traceback (most recent call last):\n  File \"x\", line 1\nAttributeError: no such thing"]
    again = assignment_dashboard("ch01_attention", TITLE, grades, dashboard.links, messages("en"))
    assert [(e.test, e.summary) for e in again.grader_errors] == [("test_x.py::T::test_y",
                                                                   "AttributeError: no such thing")]
    html = render("assignment.html.j2", messages("en"), d=again)
    assert "The grader failed in 1 test(s)" in html and "AttributeError: no such thing" in html


def test_dashboard_page_escapes_names_and_shows_everything(dashboard):
    """Does the page show every section, with student names escaped?"""
    html = render("assignment.html.j2", messages("en"), d=dashboard)
    for heading in ("Score distribution", "Pass rate per test", "Most frequent catalogued mistakes",
                    "Late submissions", "Missing submissions", "Grading time per submission",
                    "Failures of the grader itself", "None, as it should be."):
        assert heading in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "softmax_over_queries" in html and 'src="data:image/png;base64,' in html


def test_course_dashboard_totals_every_student(dashboard):
    """Does the course dashboard give each student a course total and link each cell to its report?"""
    course = course_dashboard("Course", [dashboard], {"ch01_attention": "ch01_attention"}, messages("zh"))
    totals = {s.student.student_id: s for s in course.students}
    assert totals["2024102"].percent == pytest.approx(47 / 120 * 100)
    assert totals["../2024/104"].cells[0][0] == "missing"
    assert totals["2024101"].cells[0][2] == "ch01_attention/0.html"
    html = render("course.html.j2", messages("zh"), c=course)
    assert "课程概览" in html and 'href="ch01_attention/index.html"' in html


def test_empty_class_still_renders():
    """Does a dashboard with nobody graded yet render, saying there is no data?"""
    empty = assignment_dashboard("ch01_attention", TITLE, [], {}, messages("en"))
    html = render("assignment.html.j2", messages("en"), d=empty)
    assert "no data yet" in html
    course = course_dashboard("Course", [empty], {"ch01_attention": "ch01_attention"}, messages("en"))
    assert "course dashboard" in render("course.html.j2", messages("en"), c=course)
