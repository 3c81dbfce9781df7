"""When an attempt was submitted: time files and zip entry times.

- ``submitted_at.txt`` (plain folders) and nbgrader's ``timestamp.txt`` hold one time. Accepted:
  ISO 8601 (``2026-10-20 23:59``, ``2026-10-20T23:59:30+08:00``, ``...Z``), where a time without
  an offset is in the course time zone (:func:`autograder.course.config.parse_time`); and
  nbgrader's ``%Y-%m-%d %H:%M:%S[.%f] %Z`` (``2026-10-20 13:45:01.123456 UTC``). The zone word
  may be ``UTC``/``GMT``/``Z``, an offset (``+0800``, ``+08:00``), an IANA name
  (``Asia/Shanghai``), or the course zone's own abbreviation at that moment (``CST`` for
  Asia/Shanghai, which is what nbgrader writes when configured with that zone); any other
  abbreviation is refused because abbreviations are ambiguous (``CST`` is also US Central).
- A zip entry carries a time. When it has the Info-ZIP extended-timestamp field (UTC seconds),
  that is used as is. Otherwise the entry's MS-DOS date and time is read in the course time zone:
  DOS times have no zone (they are the local time of whatever made the zip) and a two-second
  resolution, so such times are approximate. An impossible DOS date (month 0) gives no time.
  What the time *means* depends on the LMS: see :mod:`autograder.intake.canvas` and
  :mod:`autograder.intake.moodle`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as fixed_zone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from autograder.course.config import ConfigError, parse_time

TIME_FILE = "submitted_at.txt"
NBGRADER_TIME_FILE = "timestamp.txt"

# A time file longer than this is not a time file.
MAX_TIME_FILE_BYTES = 1024

_ZONED = re.compile(r"(?P<moment>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s+(?P<zone>\S+)")
_OFFSET = re.compile(r"(?:UTC|GMT)?(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})")
_UTC_WORDS = {"UTC", "GMT", "Z"}


def parse_submission_time(text: str, course_timezone: str) -> datetime:
    """Read one time (ISO 8601, or nbgrader's ``2026-10-20 13:45:01.123456 UTC``) as an aware datetime.

    Raises:
        ValueError: when the text is not a time in one of those forms; the message shows it.
    """
    text = text.strip()
    try:
        return parse_time(text, course_timezone)
    except ConfigError:
        pass
    match = _ZONED.fullmatch(text)
    if not match:
        raise ValueError(f"not a date and time: {text[:80]!r} (write e.g. 2026-10-20 23:59:00 or "
                         f"2026-10-20T23:59:00+08:00)")
    moment = datetime.fromisoformat(match["moment"])
    return moment.replace(tzinfo=_zone(match["zone"], moment, course_timezone))


def zip_entry_time(date_time: tuple, utc_seconds: int | None, course_timezone: str) -> datetime | None:
    """The time of a zip entry: its extended UTC timestamp if any, else its DOS time in the course zone."""
    if utc_seconds is not None:
        return datetime.fromtimestamp(utc_seconds, fixed_zone.utc)
    try:
        return datetime(*date_time, tzinfo=ZoneInfo(course_timezone))
    except (TypeError, ValueError):  # month 0, day 0, second 60: written by a broken tool
        return None


def _zone(word: str, moment: datetime, course_timezone: str):
    if word.upper() in _UTC_WORDS:
        return fixed_zone.utc
    offset = _OFFSET.fullmatch(word)
    if offset:
        delta = timedelta(hours=int(offset["hours"]), minutes=int(offset["minutes"]))
        return fixed_zone(-delta if offset["sign"] == "-" else delta)
    if "/" in word:
        try:
            return ZoneInfo(word)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {word!r}") from None
    course_zone = ZoneInfo(course_timezone)
    if moment.replace(tzinfo=course_zone).tzname() == word:
        return course_zone
    raise ValueError(f"time zone abbreviation {word!r} is ambiguous and not the course zone's "
                     f"({course_timezone}); write the time in UTC or with an offset")
