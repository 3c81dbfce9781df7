"""Plain folders: ``submissions/<assignment>/<student_id>/``, one attempt or several.

Layout::

    submissions/ch01_attention/2024001/attention.ipynb         one attempt
    submissions/ch01_attention/2024001/submitted_at.txt        optional: its time
    submissions/ch01_attention/2024002/try1/attention.py       several attempts, one folder each,
    submissions/ch01_attention/2024002/try1/submitted_at.txt   each with its own optional time
    submissions/ch01_attention/2024002/try2/attention (1).py

Rules:

- Every attempt becomes an Attempt; the gradebook later counts the latest before the cut-off and
  keeps the rest on record. Files directly in the student folder are one attempt; each subfolder
  is another (named as you like). Deeper files are listed as not placed.
- ``submitted_at.txt`` holds one time (:mod:`autograder.intake.submission_times`); without it
  the attempt has no time (it counts as on time, and as older than any timed attempt). A time
  file that cannot be read is listed with the reason and the attempt is kept without a time. A
  time file with no files beside it is listed too.
- The submission in an attempt is chosen by :mod:`autograder.intake.choose_file`; every other
  file is listed with the reason. An otter-grader export zip counts as the files inside it
  (:mod:`autograder.intake.otter`).
- A student folder must be named by a ``student_id`` of the roster; any other folder is listed
  file by file as not placed, unless it holds an extracted LMS download.
- Also read in an assignment folder: ``*.zip`` bulk downloads from Canvas or Moodle, and
  extracted ones (Moodle's student folders, or Canvas/Moodle-named files, loose or in a folder
  of their own): :mod:`autograder.intake.bulk_download`. Other archives (``.tar``, ``.7z``,
  ``.rar``, ...) are listed as not read. Any other loose file is listed as not placed.
- Hidden files, ``__pycache__``, ``.ipynb_checkpoints`` and ``__MACOSX`` are ignored silently;
  symbolic links are never followed and are listed as not placed.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from autograder.intake.archives import is_archive_name
from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.attempt_files import Draft, FoundFile, place
from autograder.intake.bulk_download import looks_like_download, read_downloads
from autograder.intake.context import IntakeContext, absorb, guarded
from autograder.intake.file_names import disk_name, printable
from autograder.intake.local_files import list_folder, not_followed_reason, read_file, unplace_all
from autograder.intake.moodle import is_moodle_folder
from autograder.intake.otter import otter_export_files
from autograder.intake.submission_times import MAX_TIME_FILE_BYTES, TIME_FILE, parse_submission_time

LOOSE_FILE = "a loose file in the assignment folder: put it in <assignment>/<student_id>/"
OTHER_ARCHIVE = "an archive intake does not read (only .zip bulk downloads are read): unpack it"


def read_assignment_folder(folder: Path, ctx: IntakeContext) -> Intake:
    """Everything in ``submissions/<assignment>/``: student folders, bulk downloads, stray files."""
    assignment = disk_name(folder.name)
    total = Intake()
    listing = list_folder(folder)
    total.unplaced += [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    zips, extracted = [], []
    for path in listing.files:
        name = disk_name(path.name)
        if name.lower().endswith(".zip"):
            zips.append(path)
        elif is_archive_name(name):
            total.unplaced.append(Unplaced(ctx.origin(path), OTHER_ARCHIVE))
        elif looks_like_download(name):
            extracted.append(path)
        else:
            total.unplaced.append(Unplaced(ctx.origin(path), LOOSE_FILE))
    for sub in listing.folders:
        name = disk_name(sub.name)
        if is_moodle_folder(name):
            extracted.append(sub)
        elif name in ctx.roster:
            absorb(total, guarded(ctx.origin(sub), partial(read_student_folder, sub, assignment, ctx)))
        elif _holds_download(sub):
            inside = list_folder(sub)
            paths = inside.files + inside.folders + inside.others
            absorb(total, guarded(ctx.origin(sub), partial(read_downloads, [], paths, sub, assignment, ctx)))
        else:
            reason = f"folder {printable(name)!r} is not a student id in the roster"
            absorb(total, guarded(ctx.origin(sub), partial(unplace_all, sub, reason, ctx)))
    if zips or extracted:
        absorb(total, guarded(ctx.origin(folder), partial(read_downloads, zips, extracted, folder, assignment, ctx)))
    return total


def read_student_folder(folder: Path, assignment: str, ctx: IntakeContext) -> Intake:
    """Every attempt in ``submissions/<assignment>/<student_id>/``."""
    student_id = disk_name(folder.name)
    total = Intake()
    listing = list_folder(folder)
    total.unplaced += [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    time_paths = [path for path in listing.files if path.name == TIME_FILE]
    files = [path for path in listing.files if path.name != TIME_FILE]
    drafts = []
    if files:
        draft, problems = _draft(folder, files, time_paths, assignment, student_id, "folder", ctx)
        drafts.append(draft)
        total.unplaced += problems
    elif time_paths:
        total.unplaced.append(Unplaced(ctx.origin(time_paths[0]), f"a time with no files beside it: each attempt "
                                       f"folder needs its own {TIME_FILE}"))
    for sub in listing.folders:
        draft, problems = read_attempt_folder(sub, assignment, student_id, "folder", TIME_FILE, ctx)
        drafts.append(draft)
        total.unplaced += problems
    if not drafts and not listing.others and not time_paths:
        total.unplaced.append(Unplaced(ctx.origin(folder), "empty: no submission in this student's folder"))
    for draft in drafts:  # collect puts them in time order; untimed ones keep this natural order
        absorb(total, place(draft, ctx.assignments[assignment]))
    return total


def read_attempt_folder(folder: Path, assignment: str, student_id: str, source: str, time_file: str,
                        ctx: IntakeContext) -> tuple[Draft, list[Unplaced]]:
    """One attempt folder: its files and time file; files in its subfolders are listed as not placed."""
    listing = list_folder(folder)
    unplaced = [Unplaced(ctx.origin(path), not_followed_reason(path)) for path in listing.others]
    for sub in listing.folders:
        unplaced += unplace_all(sub, "nested too deep: an attempt's files sit directly in its folder", ctx).unplaced
    time_paths = [path for path in listing.files if path.name == time_file]
    files = [path for path in listing.files if path.name != time_file]
    draft, problems = _draft(folder, files, time_paths, assignment, student_id, source, ctx)
    return draft, unplaced + problems


def _draft(folder: Path, files: list[Path], time_paths: list[Path], assignment: str, student_id: str,
           source: str, ctx: IntakeContext) -> tuple[Draft, list[Unplaced]]:
    submitted_at, problems = _read_time(time_paths[0], ctx) if time_paths else (None, [])
    found = []
    for path in files:
        export = otter_export_files(path, ctx)  # an otter export zip counts as the files inside it
        if export is None:
            found.append(FoundFile(disk_name(path.name), ctx.origin(path), partial(read_file, path)))
        else:
            found += export[0]
            problems += export[1]
    return Draft(assignment, student_id, source, ctx.origin(folder), submitted_at, found), problems


def _read_time(path: Path, ctx: IntakeContext) -> tuple[datetime | None, list[Unplaced]]:
    try:
        text = read_file(path, MAX_TIME_FILE_BYTES).decode("utf-8-sig")
        return parse_submission_time(text, ctx.timezone), []
    except (ValueError, OSError) as exc:  # UnicodeDecodeError is a ValueError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, [Unplaced(ctx.origin(path), f"not read as a time ({printable(reason)}); the attempt beside it "
                               f"is recorded without a time, which counts as on time")]


def _holds_download(folder: Path) -> bool:
    inside = list_folder(folder)
    return any(looks_like_download(disk_name(path.name)) for path in inside.files + inside.folders)
