"""Building every report: the layout on disk, languages, and one failure not stopping the rest."""

from __future__ import annotations

import dataclasses
import re

from autograder.reports import build, build_reports
from autograder.reports.bench import bench_reports
from autograder.reports.messages import messages
from autograder.reports.paths import safe_file_name
from autograder.reports.render import render

TITLES = {"ch01_attention": "第 1 章 注意力机制 · Attention mechanisms"}


def test_writes_the_promised_layout(grades, tmp_path):
    """Are there <assignment>/<student>.html and .txt per student, <assignment>/index.html and index.html?"""
    summary = build_reports(grades, tmp_path, course="Transformer 与前沿深度学习", titles=TITLES)
    assert summary.failures == [] and summary.student_reports == len(grades)
    folder = tmp_path / "ch01_attention"
    for row in grades:
        stem = safe_file_name(row.student.student_id)
        assert (folder / f"{stem}.html").is_file() and (folder / f"{stem}.txt").is_file()
    assert (folder / "index.html").is_file() and (tmp_path / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.name.startswith(".")) == []  # no partial files left
    assert not (tmp_path.parent / "2024").exists()  # the '../2024/104' id wrote inside the folder


def test_dashboards_link_to_the_files_written(grades, tmp_path):
    """Does every link on the dashboards point to a file that exists?"""
    build_reports(grades, tmp_path, titles=TITLES)
    for page in (tmp_path / "index.html", tmp_path / "ch01_attention" / "index.html"):
        for href in re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_course_with_two_assignments(grades, tmp_path):
    """With two assignments, does each get its folder and dashboard, and the course page a row and column each?"""
    second = [dataclasses.replace(row, assignment="ch02_transformer") for row in grades]
    build_reports(grades + second, tmp_path, titles={**TITLES, "ch02_transformer": "第 2 章 Transformer"})
    assert (tmp_path / "ch02_transformer" / "index.html").is_file()
    course = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="ch01_attention/index.html"' in course and 'href="ch02_transformer/index.html"' in course
    assert 'href="ch02_transformer/2024101.html"' in course


def test_english_reports(grades, tmp_path):
    """With lang='en', are the pages in English (html lang, labels)?"""
    build_reports(grades, tmp_path, titles=TITLES, lang="en")
    page = (tmp_path / "ch01_attention" / "2024101.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Score by function" in page and "按函数得分" not in page
    assert '<html lang="zh-CN">' in render("base.html.j2", messages("zh"))


def test_one_students_failure_does_not_stop_the_others(grades, tmp_path, monkeypatch):
    """When one student's report fails to build, is it recorded while every other report is written?"""
    real = build.student_report

    def fragile(row, title, t):
        if row.student.student_id == "2024101":
            raise RuntimeError("broken row")
        return real(row, title, t)

    monkeypatch.setattr(build, "student_report", fragile)
    summary = build_reports(grades, tmp_path, titles=TITLES)
    assert summary.failures == ["ch01_attention/2024101: RuntimeError: broken row"]
    assert summary.student_reports == len(grades) - 1
    assert (tmp_path / "ch01_attention" / "2024102.html").is_file() and (tmp_path / "index.html").is_file()


def test_benchmark_runs_and_reports_its_numbers():
    """Does bench_reports build a synthetic class without failures and say how long it took?"""
    result = bench_reports(20)
    assert result["students"] == 20 and result["failures"] == 0
    assert result["files"] == 2 * 20 + 2 and result["seconds"] > 0
