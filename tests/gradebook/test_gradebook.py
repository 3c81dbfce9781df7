import multiprocessing
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autograder.course.config import AssignmentConfig, CourseConfig, LatePolicy
from autograder.course.roster import Roster, Student
from autograder.gradebook import open_gradebook
from autograder.gradebook.attempts import counted_attempts, record_attempts
from autograder.gradebook.final import final_grades
from autograder.gradebook.gradings import forget_gradings, has_grading, record_grading
from autograder.gradebook.manual import ManualScore, audit_trail, merge_manual_scores, read_rubric
from autograder.intake import Attempt

TZ = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 10, 20, 23, 59, tzinfo=TZ)
COURSE = CourseConfig(late_policy=LatePolicy(grace_minutes=10, percent_per_day=10, max_days=5),
                      assignments={"a": AssignmentConfig("a", due=DUE, points=100, report_points=20)})
ROSTER = Roster([Student("s1", "张伟"), Student("s2", "李娜"), Student("s3", "王芳")])


def attempt(student, data, when=None):
    return Attempt("a", student, "attention.py", data, when, "folder", f"{student}/attention.py")


def results(score, max_score=90.0):
    return {"score": score, "execution_time": 1.0, "tests": [], "output": "",
            "extra_data": {"max_score": max_score, "suite_version": "v1"}}


@pytest.fixture
def gradebook(tmp_path):
    with open_gradebook(tmp_path / "gradebook.sqlite") as gb:
        yield gb


def test_attempts_are_recorded_once(gradebook):
    """Does recording the same attempt twice keep one copy (re-running intake adds nothing)?"""
    items = [attempt("s1", b"x = 1", DUE)]
    assert record_attempts(gradebook, items) == 1
    assert record_attempts(gradebook, items) == 0


def test_latest_attempt_before_the_cutoff_counts(gradebook):
    """Is the latest attempt before the cut-off chosen, with later ones kept on record but not counted?"""
    record_attempts(gradebook, [
        attempt("s1", b"first", datetime(2026, 10, 15, tzinfo=TZ)),
        attempt("s1", b"second", datetime(2026, 10, 20, 23, tzinfo=TZ)),
        attempt("s1", b"after cutoff", datetime(2026, 10, 30, tzinfo=TZ)),
        attempt("s2", b"only late", datetime(2026, 10, 30, tzinfo=TZ)),
    ])
    counted = counted_attempts(gradebook, COURSE, "a")
    rows = gradebook.connection.execute("SELECT id, content FROM attempts").fetchall()
    content = {r["id"]: bytes(r["content"]) for r in rows}
    assert content[counted["s1"]["id"]] == b"second"
    assert content[counted["s2"]["id"]] == b"only late"  # nothing in time: the latest, scored 0 below
    assert len(rows) == 4


def test_final_grades_apply_late_policy_and_manual_scores(gradebook):
    """Are scores scaled to the points, multiplied by the late policy, and the report added; missing is 0?"""
    record_attempts(gradebook, [attempt("s1", b"on time", datetime(2026, 10, 20, 12, tzinfo=TZ)),
                                attempt("s2", b"two days late", datetime(2026, 10, 22, 12, tzinfo=TZ))])
    counted = counted_attempts(gradebook, COURSE, "a")
    record_grading(gradebook, counted["s1"]["id"], "v1", results(90.0), "test")
    record_grading(gradebook, counted["s2"]["id"], "v1", results(45.0), "test")
    merge_manual_scores(gradebook, [ManualScore("a", "s1", "report", 18, 20, "good")], actor="ta")
    rows = {r.student.student_id: r for r in final_grades(gradebook, COURSE, ROSTER, {"a": "v1"}, {"a": 90.0})}
    assert (rows["s1"].status, rows["s1"].total, rows["s1"].total_max) == ("graded", 118.0, 120.0)
    assert (rows["s2"].days_late, rows["s2"].late_multiplier, rows["s2"].total) == (2, 0.8, 40.0)
    assert (rows["s3"].status, rows["s3"].total) == ("missing", 0.0)


def test_new_suite_version_means_pending(gradebook):
    """After the hidden suite changes, is an old grading no longer counted (pending until re-graded)?"""
    record_attempts(gradebook, [attempt("s1", b"code", DUE)])
    attempt_id = counted_attempts(gradebook, COURSE, "a")["s1"]["id"]
    record_grading(gradebook, attempt_id, "v1", results(90.0), "test")
    assert has_grading(gradebook, attempt_id, "v1") and not has_grading(gradebook, attempt_id, "v2")
    row = final_grades(gradebook, COURSE, ROSTER, {"a": "v2"}, {"a": 90.0})[0]
    assert row.status == "pending"


def test_duplicate_grading_is_ignored(gradebook):
    """When two graders finish the same attempt, is the second grading a no-op?"""
    record_attempts(gradebook, [attempt("s1", b"code", DUE)])
    attempt_id = counted_attempts(gradebook, COURSE, "a")["s1"]["id"]
    assert record_grading(gradebook, attempt_id, "v1", results(90.0), "one")
    assert not record_grading(gradebook, attempt_id, "v1", results(10.0), "two")
    assert gradebook.connection.execute("SELECT score FROM gradings").fetchone()["score"] == 90.0


def test_manual_scores_are_audited(gradebook, tmp_path):
    """Does merging a rubric record who changed what, and skip unchanged rows on a re-merge?"""
    rubric = tmp_path / "rubric.csv"
    rubric.write_text("student_id,assignment,component,score,max_score,comment\ns1,a,report,15,20,ok\n", encoding="utf-8")
    assert merge_manual_scores(gradebook, read_rubric(rubric), actor="ta1") == 1
    assert merge_manual_scores(gradebook, read_rubric(rubric), actor="ta1") == 0
    rubric.write_text("student_id,assignment,component,score,max_score,comment\ns1,a,report,17,20,regraded\n")
    assert merge_manual_scores(gradebook, read_rubric(rubric), actor="ta2") == 1
    trail = [e for e in audit_trail(gradebook) if e["action"] == "manual_score"]
    assert [e["actor"] for e in trail] == ["ta1", "ta2"]
    assert '"old": {"score": 15.0' in trail[1]["detail"] and '"score": 17.0' in trail[1]["detail"]


def test_regrade_forgets_and_audits(gradebook):
    """Does `regrade` remove one student's gradings and leave an audit entry?"""
    record_attempts(gradebook, [attempt("s1", b"one", DUE), attempt("s2", b"two", DUE)])
    for row in counted_attempts(gradebook, COURSE, "a").values():
        record_grading(gradebook, row["id"], "v1", results(90.0), "test")
    assert forget_gradings(gradebook, "a", "s1", actor="ta") == 1
    assert gradebook.connection.execute("SELECT COUNT(*) FROM gradings").fetchone()[0] == 1
    assert audit_trail(gradebook)[-1]["action"] == "regrade"


def _hammer(path, worker):
    with open_gradebook(path) as gb:
        for i in range(40):
            record_attempts(gb, [Attempt("a", f"s{worker}", "f.py", f"{worker}-{i}".encode(), None, "folder", "x")])
            attempt_id = gb.connection.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
            record_grading(gb, attempt_id, "v1", results(float(i)), f"w{worker}")


def test_two_writers_at_once_do_not_corrupt(tmp_path):
    """Do two processes writing the same gradebook at once leave it intact, with every write present?"""
    path = tmp_path / "gradebook.sqlite"
    open_gradebook(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(path, w)) for w in (1, 2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    with open_gradebook(path) as gb:
        assert gb.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert gb.connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 80


def test_attempt_without_a_time_is_recorded_once(gradebook):
    """Is an attempt with no known submission time recorded only once across runs?"""
    items = [attempt("s1", b"x = 1", None)]
    assert record_attempts(gradebook, items) == 1
    assert record_attempts(gradebook, items) == 0
