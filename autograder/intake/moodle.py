"""Moodle bulk downloads ("Download all submissions"): entry names, students, attempts.

Moodle's assignment module names the files it zips (``mod/assign/locallib.php``)::

    {Full Name}_{participant id}_assignsubmission_file_/{file}     folders (Moodle 3.1 and later;
    {Full Name}_{participant id}_assignsubmission_file/{file}       newer versions drop the last _)
    {Full Name}_{participant id}_assignsubmission_file_{file}      flat ("download as folders" off)

- ``Full Name`` is the student's full name as Moodle shows it, with ``_`` turned into spaces. It
  is matched to the roster with :meth:`~autograder.course.roster.Roster.by_name` (Unicode-,
  case- and space-insensitive). No match, or several students of that name, is listed as not
  placed with the reason: the participant id is Moodle's per-assignment pseudonym, not a user id,
  so it cannot help. Blind marking (``Participant_...``) and group submissions
  (``Group A-Full Name_...``) therefore cannot be placed automatically.
- ``assignsubmission_onlinetext`` entries (text typed into Moodle) are not files: listed as not
  placed. Other submission plugins likewise.
- Files in subfolders of a student's folder (Moodle lets students make folders) are listed as not
  placed; the submission is chosen among the files directly in it.

The files of one student in one download make one attempt. Its time is the latest entry time
(:func:`~autograder.intake.submission_times.zip_entry_time`): depending on the Moodle version,
either the stored file's modification time (about when it was uploaded) or the moment the zip
was built; approximate either way, and read in the course time zone. An extracted download (the
folders on disk) carries no time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from autograder.course.roster import name_key
from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.attempt_files import Draft, FoundFile, latest_time, place
from autograder.intake.context import IntakeContext, absorb
from autograder.intake.file_names import printable

_FOLDER = re.compile(r"(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_?", re.IGNORECASE)
_FLAT = re.compile(r"(?P<name>.+)_(?P<pid>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)",
                   re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class MoodleName:
    """What a Moodle entry path says: whose, which plugin, and the path inside the student's part."""

    full_name: str
    participant_id: str
    plugin: str
    inner: str


def is_moodle_folder(name: str) -> bool:
    """Is this a student's folder of an (extracted) Moodle download?"""
    return _FOLDER.fullmatch(name) is not None


def parse_moodle_path(path: str) -> MoodleName | None:
    """Read a Moodle bulk-download path; None when it is not one."""
    first, _, rest = path.partition("/")
    folder = _FOLDER.fullmatch(first)
    if folder and rest:
        return MoodleName(folder["name"], folder["pid"], folder["plugin"].lower(), rest)
    flat = _FLAT.fullmatch(first) if not rest else None
    if flat:
        return MoodleName(flat["name"], flat["pid"], flat["plugin"].lower(), flat["file"])
    return None


def moodle_attempts(found: list[tuple[FoundFile, MoodleName]], assignment: str, ctx: IntakeContext) -> Intake:
    """The attempts in Moodle-named files of one assignment, and the files that cannot be placed."""
    total = Intake()
    groups: dict[tuple[str, str, str], list[FoundFile]] = {}
    for file, name in found:
        reason = _unreadable_part(name)
        if reason:
            total.unplaced.append(Unplaced(file.origin, reason))
        else:
            groups.setdefault((file.container, name.full_name, name.participant_id), []).append(
                replace(file, path=name.inner))
    drafts = []
    for (container, full_name, participant_id), files in groups.items():
        student_id, reason = _student(full_name, ctx)
        if student_id is None:
            total.unplaced.extend(Unplaced(file.origin, reason) for file in files)
            continue
        where = f"{container}::{printable(full_name)}_{participant_id}_assignsubmission_file"
        drafts.append(Draft(assignment, student_id, "moodle", where, latest_time(files), files))
    for draft in drafts:
        absorb(total, place(draft, ctx.assignments[assignment]))
    return total


def _unreadable_part(name: MoodleName) -> str | None:
    if name.plugin == "onlinetext":
        return "Moodle online text (typed into Moodle), not a file: grade it by hand"
    if name.plugin != "file":
        return f"Moodle submission plugin {printable(name.plugin)!r} is not read; only file submissions are"
    if "/" in name.inner:
        return "in a subfolder of the student's Moodle submission; only files directly in it are read"
    return None


def _student(full_name: str, ctx: IntakeContext) -> tuple[str | None, str]:
    student = ctx.roster.by_name(full_name)
    if student is not None:
        return student.student_id, ""
    shown = printable(full_name)
    same = sum(name_key(s.name) == name_key(full_name) for s in ctx.roster)
    if same > 1:
        return None, f"{same} students in the roster are named {shown!r}; place the file by hand"
    blind = full_name.casefold() == "participant"
    hint = " (blind marking hides names: reveal identities before downloading)" if blind else ""
    return None, f"no student named {shown!r} in the roster{hint}"
