"""File names as text (autograder.intake.file_names) and submission times (autograder.intake.submission_times)."""

import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from autograder.intake.file_names import decode_name_bytes, disk_name, printable
from autograder.intake.submission_times import parse_submission_time, zip_entry_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("raw,text", [("作业1.py".encode("utf-8"), "作业1.py"),
                                      ("作业1.py".encode("gbk"), "作业1.py"), (b"plain.py", "plain.py")])
def test_name_bytes_decode_as_utf8_then_gbk(raw, text):
    """Are UTF-8 and GBK name bytes both decoded to the right characters?"""
    assert decode_name_bytes(raw) == text


def test_name_bytes_that_are_neither_still_decode():
    """Do bytes that are neither UTF-8 nor GBK decode (CP437) instead of raising?"""
    assert decode_name_bytes(b"\xff\xfe.py").endswith(".py")


def test_disk_names_with_undecodable_bytes_are_recovered():
    """Does a GBK name the file system handed over as surrogates come back as Chinese?"""
    assert disk_name(os.fsdecode("作业1.py".encode("gbk"))) == "作业1.py"


def test_printable_escapes_terminal_escapes_and_bidi_overrides():
    """Are ANSI escapes, newlines and right-to-left overrides escaped, and Chinese left alone?"""
    assert printable("a\x1b[31mb\nc\u202eyp.exe张") == "a\\x1b[31mb\\x0ac\\u202eyp.exe张"


@pytest.mark.parametrize("text,expected", [
    ("2026-10-20 23:59", datetime(2026, 10, 20, 23, 59, tzinfo=SHANGHAI)),
    ("2026-10-20T15:59:00+00:00", datetime(2026, 10, 20, 15, 59, tzinfo=timezone.utc)),
    ("2026-10-20T15:59:00Z\n", datetime(2026, 10, 20, 15, 59, tzinfo=timezone.utc)),
    ("2026-10-20 13:45:01.123456 UTC", datetime(2026, 10, 20, 13, 45, 1, 123456, tzinfo=timezone.utc)),
    ("2026-10-20 13:45:01 GMT", datetime(2026, 10, 20, 13, 45, 1, tzinfo=timezone.utc)),
    ("2026-10-20 21:45:01.5 CST", datetime(2026, 10, 20, 21, 45, 1, 500000, tzinfo=SHANGHAI)),
    ("2026-10-20 21:45:01 +0800", datetime(2026, 10, 20, 13, 45, 1, tzinfo=timezone.utc)),
    ("2026-10-20 21:45:01 Asia/Shanghai", datetime(2026, 10, 20, 21, 45, 1, tzinfo=SHANGHAI)),
])
def test_time_files_in_iso_and_nbgrader_forms(text, expected):
    """Are ISO times (naive = course zone) and nbgrader's 'date time ZONE' read to the same instant?"""
    parsed = parse_submission_time(text, "Asia/Shanghai")
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("text,message", [("yesterday", "not a date and time"),
                                          ("2026-10-20 13:45:01 EST", "ambiguous"),
                                          ("2026-10-20 13:45:01 Mars/Olympus", "unknown time zone")])
def test_unreadable_times_raise_with_the_text(text, message):
    """Is a time that cannot be read refused with a message saying what is wrong?"""
    with pytest.raises(ValueError, match=message):
        parse_submission_time(text, "Asia/Shanghai")


def test_zip_dos_time_is_read_in_the_course_zone():
    """Is a zip entry's DOS time taken as course-zone local time?"""
    expected = datetime(2026, 10, 20, 23, tzinfo=SHANGHAI)
    assert zip_entry_time((2026, 10, 20, 23, 0, 0), None, "Asia/Shanghai") == expected


def test_zip_extended_utc_timestamp_wins_over_dos_time():
    """When an entry carries a UTC timestamp, is it used rather than the zone-less DOS time?"""
    moment = datetime(2026, 10, 20, 15, 0, tzinfo=timezone.utc)
    assert zip_entry_time((1999, 1, 1, 0, 0, 0), int(moment.timestamp()), "Asia/Shanghai") == moment


def test_impossible_dos_date_gives_no_time():
    """Does a DOS date with month 0 give 'no time' instead of an exception?"""
    assert zip_entry_time((2026, 0, 0, 0, 0, 0), None, "Asia/Shanghai") is None
