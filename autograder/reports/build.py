"""Build every report from the final grades: students' pages and texts, then the dashboards.

The steps, in order (the dashboards link to the students' files, so names come first):

1. name every file (:mod:`autograder.reports.paths`);
2. per student and assignment, the HTML report and its plain-text version;
3. per assignment, the class dashboard;
4. the course dashboard.

One student's failure is recorded and the build moves on; each file is written atomically.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograder.gradebook.final import FinalGrade
from autograder.reports.dashboard import assignment_dashboard, course_dashboard
from autograder.reports.messages import DEFAULT_LANGUAGE, messages
from autograder.reports.paths import (DASHBOARD, assignment_folder, safe_file_name, student_report_paths,
                                      write_atomically)
from autograder.reports.plaintext import student_text
from autograder.reports.render import render
from autograder.reports.student import student_report


@dataclass
class BuildSummary:
    reports_dir: Path
    student_reports: int = 0
    dashboards: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def course_dashboard(self) -> Path:
        return self.reports_dir / DASHBOARD


def build_reports(grades: list[FinalGrade], reports_dir: str | Path, *, course: str = "",
                  titles: dict[str, str] | None = None, lang: str = DEFAULT_LANGUAGE) -> BuildSummary:
    """Write ``<reports_dir>/<assignment>/<student>.html|.txt``, the dashboards and ``index.html``."""
    started = time.perf_counter()
    t = messages(lang)
    reports_dir = Path(reports_dir)
    titles = titles or {}
    summary = BuildSummary(reports_dir)
    by_assignment: dict[str, list[FinalGrade]] = defaultdict(list)
    for row in grades:
        by_assignment[row.assignment].append(row)

    dashboards = []
    for assignment, rows in by_assignment.items():
        title = titles.get(assignment, assignment)
        links = {}
        for row in rows:
            html_path, text_path = student_report_paths(reports_dir, assignment, row.student.student_id)
            links[row.student.student_id] = html_path.name
            try:
                report = student_report(row, title, t)
                write_atomically(html_path, render("student.html.j2", t, r=report))
                write_atomically(text_path, student_text(report, t))
                summary.student_reports += 1
            except Exception as exc:  # one student's failure must not cost the others their reports
                summary.failures.append(f"{assignment}/{row.student.student_id}: {type(exc).__name__}: {exc}")
        dashboard = assignment_dashboard(assignment, title, rows, links, t)
        path = assignment_folder(reports_dir, assignment) / DASHBOARD
        write_atomically(path, render("assignment.html.j2", t, d=dashboard))
        summary.dashboards.append(path)
        dashboards.append(dashboard)

    folders = {assignment: safe_file_name(assignment) for assignment in by_assignment}
    course_view = course_dashboard(course or "", dashboards, folders, t)
    write_atomically(summary.course_dashboard, render("course.html.j2", t, c=course_view))
    summary.dashboards.append(summary.course_dashboard)
    summary.seconds = time.perf_counter() - started
    return summary
