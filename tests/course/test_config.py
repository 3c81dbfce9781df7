from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from autograder.course.config import ConfigError, LatePolicy, load_config
from autograder.course.roster import RosterError, load_roster

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_due_dates_default_to_shanghai_time(tmp_path):
    """Is a due date without an offset read in Asia/Shanghai, and an extension applied per student?"""
    (tmp_path / "course.toml").write_text(
        '[[assignments]]\nid = "a"\ndue = "2026-10-20 23:59"\n[extensions]\n"s1" = { a = "2026-10-22 23:59" }\n')
    course = load_config(tmp_path / "course.toml")
    assert course.assignments["a"].due == datetime(2026, 10, 20, 23, 59, tzinfo=SHANGHAI)
    assert course.due_for("a", "s1") == datetime(2026, 10, 22, 23, 59, tzinfo=SHANGHAI)
    assert course.due_for("a", "s2") == course.assignments["a"].due


def test_unknown_time_zone_and_bad_dates_are_clear_errors(tmp_path):
    """Are a misspelt time zone and an unparseable due date refused with a message?"""
    (tmp_path / "a.toml").write_text('[course]\ntimezone = "Asia/Shangai"\n')
    with pytest.raises(ConfigError, match="unknown time zone"):
        load_config(tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text('[[assignments]]\nid = "a"\ndue = "next friday"\n')
    with pytest.raises(ConfigError, match="not a date"):
        load_config(tmp_path / "b.toml")


@pytest.mark.parametrize(("late", "days", "multiplier"), [
    (timedelta(minutes=-5), 0, 1.0),
    (timedelta(minutes=9), 0, 1.0),          # within the grace
    (timedelta(minutes=11), 1, 0.9),         # a part day counts as a day
    (timedelta(days=1), 1, 0.9),
    (timedelta(days=1, seconds=1), 2, 0.8),
    (timedelta(days=5), 5, 0.5),
    (timedelta(days=5, hours=1), 6, 0.0),    # past max_days: zero
])
def test_late_policy_counts_part_days_and_stops_at_max_days(late, days, multiplier):
    """Are days late counted up per part day after the grace, with 10% per day and 0 after 5 days?"""
    policy = LatePolicy(grace_minutes=10, percent_per_day=10, max_days=5)
    due = datetime(2026, 10, 20, 23, 59, tzinfo=SHANGHAI)
    assert policy.days_late(due + late, due) == days
    assert policy.multiplier(days) == pytest.approx(multiplier)


def test_roster_reads_chinese_names_and_a_bom(tmp_path):
    """Does a UTF-8-with-BOM roster with Chinese names load, with look-ups by Canvas id and by name?"""
    (tmp_path / "r.csv").write_bytes("\ufeffstudent_id,name,canvas_id\n1,张伟,101\n2,Li  Na,102\n".encode())
    roster = load_roster(tmp_path / "r.csv")
    assert roster.get("1").name == "张伟" and roster.by_canvas_id("102").student_id == "2"
    assert roster.by_name("li na").student_id == "2"


def test_roster_rejects_duplicate_ids(tmp_path):
    """Is a student id listed twice an error, not a silent overwrite?"""
    (tmp_path / "r.csv").write_text("student_id,name\n1,A\n1,B\n")
    with pytest.raises(RosterError, match="twice"):
        load_roster(tmp_path / "r.csv")
