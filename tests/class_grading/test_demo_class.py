"""The demo class, graded end to end as `make grade` does (the class-grading issue's bars)."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib

import pytest

from autograder.assignment import REPO_ROOT
from autograder.course.locations import DEMO_CLASS

pytestmark = pytest.mark.slow

MANIFEST = tomllib.loads((DEMO_CLASS / "manifest.toml").read_text(encoding="utf-8"))


def grade(output, *extra, check=True):
    command = [sys.executable, "-m", "autograder", "grade", "--class-dir", str(DEMO_CLASS), "--output", str(output),
               "--quiet", *extra]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=1200)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def final_table(output) -> dict:
    """(assignment, student) -> (status, total, per-test statuses), as the wide and long CSVs say."""
    table = {}
    with open(output / "exports" / "grades_wide.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            for assignment in MANIFEST:
                table[(assignment, row["student_id"])] = [row[f"{assignment} status"], row[f"{assignment} total"]]
    with open(output / "exports" / "grades_long.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            key = (row["assignment"], row["student_id"])
            table[key].append((row["test"], row["status"], row["score"]))
    return table


def gradebook_rows(output) -> list:
    db = sqlite3.connect(output / "gradebook.sqlite")
    rows = db.execute("SELECT a.assignment, a.student_id, a.sha256, g.suite_version, g.score, g.max_score FROM "
                      "attempts a LEFT JOIN gradings g ON g.attempt_id = a.id ORDER BY 1, 2, 3").fetchall()
    db.close()
    return rows


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The demo class graded once, uninterrupted, with two local workers; and the times of two runs."""
    output = tmp_path_factory.mktemp("demo")
    started = time.monotonic()
    first = grade(output, "--workers", "2")
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    second = grade(output, "--workers", "2")
    return output, first, first_seconds, second, time.monotonic() - started


def test_every_student_gets_what_the_manifest_says(graded):
    """Does each demo student's status, raw score and total equal the manifest?"""
    output = graded[0]
    for assignment, spec in MANIFEST.items():
        for student_id, expected in spec["students"].items():
            path = output / "results" / assignment / f"{student_id}.json"
            status, total = final_table(output)[(assignment, student_id)][:2]
            assert status == expected["status"], (student_id, expected["why"])
            assert float(total or 0) == pytest.approx(expected["total"], abs=0.01), (student_id, expected["why"])
            if "score" in expected:
                results = json.loads(path.read_text(encoding="utf-8"))
                assert results["score"] == expected["score"], (student_id, expected["why"])
                assert results["extra_data"]["max_score"] == spec["max_score"]


def test_immediate_rerun_grades_nothing(graded):
    """Does running `grade` again on an unchanged class grade no submission again?"""
    _, _, first_seconds, second, second_seconds = graded
    assert "graded 0 submission(s) this run (0 new attempt(s))" in second.stdout
    assert "results, exports and reports were up to date" in second.stdout
    print(f"first run {first_seconds:.1f} s, immediate re-run {second_seconds:.1f} s")


def test_a_changed_hand_graded_score_republishes(graded, tmp_path):
    """Are exports and reports rebuilt when only something they show changed (a hand-graded
    report score merged after grading), though nothing is graded again?"""
    import shutil

    from autograder.class_grading import PUBLISHED_STAMP

    output = tmp_path / "copy"
    shutil.copytree(graded[0], output)  # the module's class stays as the other tests expect it
    before = (output / PUBLISHED_STAMP).read_text(encoding="utf-8")
    rubric = tmp_path / "rubric.csv"
    rubric.write_text("student_id,assignment,component,score,max_score,comment\n"
                      "2024001,ch01_attention,report,17,20,clear write-up\n", encoding="utf-8")
    merged = subprocess.run([sys.executable, "-m", "autograder", "merge-scores", str(rubric), "--class-dir",
                             str(DEMO_CLASS), "--output", str(output)], capture_output=True, text=True, cwd=REPO_ROOT)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    again = grade(output)
    assert "graded 0 submission(s)" in again.stdout and "were up to date" not in again.stdout
    assert (output / PUBLISHED_STAMP).read_text(encoding="utf-8") != before


def test_summary_says_where_everything_is(graded):
    """Does the run print the summary table and where the gradebook, results and exports are?"""
    stdout = graded[1].stdout
    assert "ch01_attention" in stdout and "gradebook:" in stdout and "exports:" in stdout


def test_canvas_export_neutralises_a_formula_name(graded):
    """Does the roster name beginning with '=' arrive in the Canvas export as text, not a formula?"""
    text = (graded[0] / "exports" / "canvas_gradebook.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip().startswith("Points Possible")
    eve = next(r for r in rows if r[1] == "10012")
    assert eve[0].startswith("'=")


def test_kill_minus_nine_then_rerun_equals_an_uninterrupted_run(graded, tmp_path):
    """After `kill -9` in the middle of grading and a second run, is the gradebook the uninterrupted one's?"""
    output = tmp_path / "interrupted"
    command = [sys.executable, "-m", "autograder", "grade", "--class-dir", str(DEMO_CLASS), "--output", str(output),
               "--quiet", "--workers", "2"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if (output / "gradebook.sqlite").exists() and len([r for r in gradebook_rows(output) if r[4] is not None]) >= 3:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    graded_before = len([r for r in gradebook_rows(output) if r[4] is not None])
    assert graded_before < len(gradebook_rows(output)), "the run finished before it could be interrupted"
    grade(output, "--workers", "2")
    assert gradebook_rows(output) == gradebook_rows(graded[0])
    assert final_table(output) == final_table(graded[0])


def test_dask_local_cluster_gives_identical_scores(graded, tmp_path):
    """Does grading with --executor dask on a LocalCluster give the same gradebook as the local pool?"""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        grade(tmp_path / "dask", "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert gradebook_rows(tmp_path / "dask") == gradebook_rows(graded[0])
    assert final_table(tmp_path / "dask") == final_table(graded[0])
