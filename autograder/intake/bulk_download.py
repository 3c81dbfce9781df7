"""An LMS bulk download, zipped or extracted: which LMS named each file, and the attempts they make.

A zip inside ``submissions/<assignment>/`` is read safely (:mod:`autograder.intake.archives`),
never extracted. Each entry is recognised by its name, Moodle's (which always contains
``_assignsubmission_``) first, then Canvas's; so one zip may even mix both. Leading folders that
are neither are skipped (an instructor who unpacked a download and zipped it again adds one), so
``export/zhangwei_10001_55501_attention.py`` is read as Canvas's. An entry with neither kind of
name is listed as not placed. An extracted download (loose files and Moodle folders in the
assignment folder, or a folder of them) is read the same way, from disk and without times.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial
from pathlib import Path

from autograder.intake.archives import ArchiveError, open_archive
from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.attempt_files import FoundFile
from autograder.intake.canvas import CanvasName, canvas_attempts, parse_canvas_name
from autograder.intake.context import IntakeContext, absorb
from autograder.intake.file_names import disk_name
from autograder.intake.local_files import every_file, not_followed_reason, read_file
from autograder.intake.moodle import MoodleName, is_moodle_folder, moodle_attempts, parse_moodle_path
from autograder.intake.submission_times import zip_entry_time

NOT_A_DOWNLOAD_NAME = ("not a Canvas or Moodle bulk-download name (Canvas: name_userid_fileid_file.py; "
                       "Moodle: Full Name_id_assignsubmission_file_/file.py)")


def looks_like_download(name: str) -> bool:
    """Is this file or folder name one that Canvas or Moodle gives in a bulk download?"""
    return is_moodle_folder(name) or parse_moodle_path(name) is not None or parse_canvas_name(name) is not None


def read_downloads(zips: list[Path], extracted: list[Path], base: Path, assignment: str,
                   ctx: IntakeContext) -> Intake:
    """The attempts in an assignment's bulk downloads, read together.

    Args:
        zips: the ``.zip`` files of the assignment folder.
        extracted: files and folders of extracted downloads, directly inside ``base``.
        base: the folder ``extracted`` paths are relative to.
        assignment: the assignment id.
        ctx: the intake context.

    All archives stay open until every attempt is placed, so that the same Canvas upload found
    in two downloads is recognised (:mod:`autograder.intake.canvas`).
    """
    total = Intake()
    with ExitStack() as open_archives:
        files = []
        for path in zips:
            origin = ctx.origin(path)
            try:
                archive = open_archives.enter_context(open_archive(path, origin))
            except ArchiveError as exc:
                total.unplaced.append(Unplaced(origin, str(exc)))
                continue
            total.unplaced += archive.refused
            files += [FoundFile(entry.name, archive.entry_origin(entry.name), partial(archive.read, entry),
                                zip_entry_time(entry.date_time, entry.utc_seconds, ctx.timezone), origin)
                      for entry in archive.entries]
        files += _extracted_files(extracted, base, ctx, total)
        absorb(total, read_download(files, assignment, ctx))  # reads happen here, while the zips are open
    return total


def _extracted_files(paths: list[Path], base: Path, ctx: IntakeContext, total: Intake) -> list[FoundFile]:
    files = []
    for top in paths:
        for path in every_file(top) if top.is_dir() and not top.is_symlink() else [top]:
            if path.is_symlink() or not path.is_file():
                total.unplaced.append(Unplaced(ctx.origin(path), not_followed_reason(path)))
                continue
            relative = "/".join(disk_name(part) for part in path.relative_to(base).parts)
            files.append(FoundFile(relative, ctx.origin(path), partial(read_file, path), None, ctx.origin(base)))
    return files


def read_download(files: list[FoundFile], assignment: str, ctx: IntakeContext) -> Intake:
    """Route each file to the LMS whose name it carries; list the others as not placed."""
    total = Intake()
    moodle: list[tuple[FoundFile, MoodleName]] = []
    canvas: list[tuple[FoundFile, CanvasName]] = []
    for file in files:
        name = _recognise(file.path)
        if isinstance(name, MoodleName):
            moodle.append((file, name))
        elif isinstance(name, CanvasName):
            canvas.append((file, name))
        else:
            total.unplaced.append(Unplaced(file.origin, NOT_A_DOWNLOAD_NAME))
    absorb(total, canvas_attempts(canvas, assignment, ctx))
    absorb(total, moodle_attempts(moodle, assignment, ctx))
    return total


def _recognise(path: str) -> MoodleName | CanvasName | None:
    """The LMS name in ``path``, skipping leading folders that carry none."""
    parts = path.split("/")
    for start in range(len(parts)):
        rest = "/".join(parts[start:])
        name = parse_moodle_path(rest) or parse_canvas_name(rest)
        if name is not None:
            return name
    return None
