"""Grading a whole class: the pipeline behind ``autograder grade`` and ``make grade``.

The steps, in order (each a small function of the :class:`ClassRun`):

1. ``collect``  read the submissions folder (plain folders, Canvas and Moodle bulk downloads,
   nbgrader's ``submitted/``) and map files to roster students; list what could not be placed;
2. ``record``   store every attempt in the gradebook (new ones only: the record is append-only);
3. ``plan``     per assignment, the attempt that counts for each student (latest before the
   cut-off), and of those, the ones without a grading under the current suite version;
4. ``grade``    run those jobs on the executor, storing each grading the moment it arrives
   (so ``kill -9`` loses only what was in flight, and the next run grades just that);
5. ``tabulate`` the final grades (late policy, hand-graded components);
6. ``publish``  one results document per student, the LMS exports, the reports and dashboards.

Order matters: ``plan`` reads what ``record`` wrote, and ``tabulate`` reads what ``grade`` wrote.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment import all_assignment_ids, load_assignment
from autograder.course.config import CourseConfig
from autograder.course.roster import Roster
from autograder.execution.jobs import GradingJob, JobOutcome
from autograder.execution.progress import Progress
from autograder.gradebook import Gradebook
from autograder.gradebook.attempts import attempt_content, counted_attempts, record_attempts
from autograder.gradebook.final import FinalGrade, final_grades
from autograder.gradebook.gradings import has_grading, record_grading
from autograder.intake import Intake
from autograder.reports.paths import safe_file_name


@dataclass
class ClassRun:
    """Everything one class-grading run needs and produces."""

    course: CourseConfig
    roster: Roster
    submissions: Path
    output: Path
    gradebook: Gradebook
    executor: object
    assignment_ids: list[str]
    quiet: bool = False
    intake: Intake | None = None
    new_attempts: int = 0
    jobs: list[GradingJob] = field(default_factory=list)
    outcomes: list[JobOutcome] = field(default_factory=list)
    grades: list[FinalGrade] = field(default_factory=list)
    export_paths: list[Path] = field(default_factory=list)
    export_unplaced: list[str] = field(default_factory=list)
    reports: object = None
    lang: str = "zh"
    seconds: float = 0.0
    republished: bool = True  # False when results, exports and reports were already up to date


def select_assignments(course: CourseConfig, wanted: list[str]) -> list[str]:
    """The assignments to grade: those asked for, else every configured one that has a suite."""
    known = set(all_assignment_ids())
    chosen = wanted or [a for a in course.assignments if a in known]
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise ValueError(f"no hidden suite for {unknown} (known: {sorted(known)})")
    return chosen


def collect(run: ClassRun) -> None:
    from autograder.intake import collect as collect_submissions

    modules = {a: load_assignment(a).module for a in run.assignment_ids}
    run.intake = collect_submissions(run.submissions, run.roster, run.course, modules)


def record(run: ClassRun) -> None:
    run.new_attempts = record_attempts(run.gradebook, run.intake.attempts)


def plan(run: ClassRun) -> None:
    for assignment_id in run.assignment_ids:
        version = load_assignment(assignment_id).suite_version
        for student_id, attempt in sorted(counted_attempts(run.gradebook, run.course, assignment_id).items()):
            if student_id in run.roster and not has_grading(run.gradebook, attempt["id"], version):
                file_name, data = attempt_content(run.gradebook, attempt["id"])
                run.jobs.append(GradingJob(attempt["id"], assignment_id, student_id, file_name, data, version))


def grade(run: ClassRun) -> None:
    progress = Progress(len(run.jobs), stream=_Silent() if run.quiet else None)
    if hasattr(run.executor, "progress"):
        run.executor.progress = progress

    def store(outcome: JobOutcome) -> None:
        if outcome.results is not None:
            version = outcome.results["extra_data"]["suite_version"]
            record_grading(run.gradebook, outcome.attempt_id, version, outcome.results, outcome.worker)
        run.outcomes.append(outcome)
        progress.finished(failed=outcome.error is not None)

    if run.jobs:
        run.executor.run(run.jobs, store)
    progress.close()


def tabulate(run: ClassRun) -> None:
    run.grades = tabulate_from_gradebook(run.gradebook, run.course, run.roster, run.assignment_ids)


def tabulate_from_gradebook(gradebook, course, roster, assignment_ids: list[str]) -> list[FinalGrade]:
    """The final grades as the gradebook holds them now (used by ``grade`` and by ``export``)."""
    from autograder.judge.collect import suite_points

    assignments = [load_assignment(a) for a in assignment_ids]
    versions = {a.id: a.suite_version for a in assignments}
    maxima = {a.id: suite_points(a) for a in assignments}
    return final_grades(gradebook, course, roster, versions, maxima)


def publish(run: ClassRun) -> None:
    """Write results, exports and reports, unless nothing they are made from has changed since
    the last run wrote them (an immediate re-run then costs no matplotlib and no Jinja)."""
    titles = {a: load_assignment(a).title for a in run.assignment_ids}
    fingerprint = publication_fingerprint(run, titles)
    stamp = run.output / PUBLISHED_STAMP
    previous = _read_json(stamp)
    if previous.get("fingerprint") == fingerprint:
        from autograder.reports.build import BuildSummary

        reports = BuildSummary(run.output / "reports", previous["student_reports"])
        export_paths = [Path(p) for p in previous["export_paths"]]
        if all(p.exists() for p in [*export_paths, reports.course_dashboard]):
            run.export_paths, run.export_unplaced, run.reports = export_paths, previous["export_unplaced"], reports
            run.republished = False
            return
    _write_publication(run, titles)
    stamp.write_text(json.dumps({"fingerprint": fingerprint,
                                 "export_paths": [str(p) for p in run.export_paths],
                                 "export_unplaced": run.export_unplaced,
                                 "student_reports": run.reports.student_reports}, ensure_ascii=False),
                     encoding="utf-8")


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def publication_fingerprint(run: ClassRun, titles: dict[str, str]) -> str:
    """A digest of everything results, exports and reports are made from: each final grade
    (with its grading's suite version and time, so a regrade with the same score still counts
    as a change), the course, the language, the titles, and this grader's own report and export
    code."""
    digest = hashlib.sha256()
    for row in run.grades:
        extra = (row.results or {}).get("extra_data", {})
        digest.update(repr((dataclasses.replace(row, results=None), extra.get("suite_version"),
                            (row.results or {}).get("execution_time"))).encode())
    digest.update(repr((run.course, run.lang, sorted(titles.items()))).encode())
    package = Path(__file__).parent
    for folder in ("reports", "exports"):
        for path in sorted((package / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(package)}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()


# In the output folder: what the last publication was made from, and what it wrote.
PUBLISHED_STAMP = ".published.json"


def _write_publication(run: ClassRun, titles: dict[str, str]) -> None:
    results_dir = run.output / "results"
    for grade_row in run.grades:
        if grade_row.results is not None:
            path = results_dir / grade_row.assignment / f"{safe_file_name(grade_row.student.student_id)}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(grade_row.results, ensure_ascii=False, indent=1), encoding="utf-8")
    from autograder.exports import export_all
    from autograder.reports import build_reports

    for name, result in export_all(run.grades, run.course, run.output / "exports", titles).items():
        run.export_paths += result.paths
        run.export_unplaced += [f"{name}: {item}" for item in result.unplaced]
    run.reports = build_reports(run.grades, run.output / "reports", course=run.course.name, titles=titles,
                                lang=run.lang)


STEPS = (collect, record, plan, grade, tabulate, publish)


def run_class(run: ClassRun) -> ClassRun:
    started = time.perf_counter()
    for step in STEPS:
        step(run)
    run.seconds = time.perf_counter() - started
    return run


class _Silent:
    def write(self, text):
        pass

    def flush(self):
        pass
