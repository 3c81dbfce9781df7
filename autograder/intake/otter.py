"""otter-grader's export zip as a submission: the notebook inside is graded.

``otter.Notebook.export()`` (otter-grader 7) writes ``<notebook>_<timestamp>.zip`` holding:

- the notebook (at the path it was exported from, usually just ``attention.ipynb``);
- optionally a PDF of it, a ``*.otter`` configuration and files the student added;
- ``__zip_filename__``, a text file with the zip's own name, which every export has;
- ``.OTTER_LOG``, otter's log, a pickle: never read here (hidden files are skipped anyway).

A ``.zip`` in an attempt folder with ``__zip_filename__`` at its top is taken for an export: its
files replace it in the attempt, without otter's bookkeeping (``__zip_filename__``, ``*.otter``),
so the notebook is chosen like any other submission (:mod:`autograder.intake.choose_file`) and
the PDF or extra files are listed as not the submission. The zip is read like every archive
(:mod:`autograder.intake.archives`): in memory, within the caps, refused entries listed. Any
other zip stays a file of the attempt, as before.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from autograder.intake.archives import ArchiveError, EntryError, open_archive
from autograder.intake.attempt import Unplaced
from autograder.intake.attempt_files import FoundFile
from autograder.intake.context import IntakeContext

MARKER = "__zip_filename__"
BOOKKEEPING_SUFFIXES = (".otter",)


def is_otter_export(entry_names: list[str]) -> bool:
    """Do these archive entries look like otter's export (``__zip_filename__`` at the top)?"""
    return MARKER in entry_names


def otter_export_files(path: Path, ctx: IntakeContext) -> tuple[list[FoundFile], list[Unplaced]] | None:
    """The files inside ``path`` and its refused entries if it is an otter export zip, else None."""
    if not path.name.lower().endswith(".zip"):
        return None
    origin = ctx.origin(path)
    try:
        with open_archive(path, origin) as archive:
            if not is_otter_export([entry.name for entry in archive.entries]):
                return None
            files = [FoundFile(entry.name, archive.entry_origin(entry.name),
                               partial(_read_entry, path, origin, entry.name), container=origin)
                     for entry in archive.entries if not is_bookkeeping(entry.name)]
            return files, list(archive.refused)
    except (ArchiveError, OSError):
        return None  # not a zip we can read: it stays a plain file of the attempt


def is_bookkeeping(name: str) -> bool:
    """Is this file (a path inside an export) otter's own record, not the student's work?"""
    return name.rsplit("/", 1)[-1] == MARKER or name.lower().endswith(BOOKKEEPING_SUFFIXES)


def _read_entry(path: Path, origin: str, name: str) -> bytes:
    with open_archive(path, origin) as archive:
        for entry in archive.entries:
            if entry.name == name:
                return archive.read(entry)
    raise EntryError(f"{name} is no longer in {origin}")
