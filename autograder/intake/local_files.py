"""Files on the instructor's disk: listing folders and reading files within the caps.

The submissions folder may hold what an archive left behind after someone unpacked it, so the
disk gets the same care as an archive:

- symbolic links are never followed (a link to ``~/.ssh/id_rsa`` must not become a
  "submission"): they are listed as not placed, like FIFOs, sockets and devices (reading a FIFO
  would block for ever);
- a file is read with ``O_NOFOLLOW`` and at most
  :data:`~autograder.intake.archives.MAX_ENTRY_BYTES` bytes;
- hidden files, ``__pycache__`` and ``__MACOSX`` are skipped silently
  (:func:`~autograder.intake.choose_file.is_ignored`).

Listings are sorted in natural order (``attempt2`` before ``attempt10``) so that every run sees
the same order.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from autograder.intake import archives
from autograder.intake.attempt import Intake, Unplaced
from autograder.intake.choose_file import is_ignored
from autograder.intake.context import IntakeContext


class UnreadableFile(ValueError):
    """A file on disk that intake will not read (too large, or not a regular file)."""


@dataclass
class Listing:
    """A folder's entries, sorted naturally and without the ignored ones.

    Attributes:
        files: regular files.
        folders: folders.
        others: symbolic links and special files (never followed, never read).
    """

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    others: list[Path] = field(default_factory=list)


def list_folder(folder: Path) -> Listing:
    """The entries of ``folder`` (not recursive)."""
    listing = Listing()
    for path in sorted(folder.iterdir(), key=lambda p: natural_key(p.name)):
        if is_ignored(path.name):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISREG(mode):
            listing.files.append(path)
        elif stat.S_ISDIR(mode):
            listing.folders.append(path)
        else:
            listing.others.append(path)
    return listing


def every_file(folder: Path) -> list[Path]:
    """Every non-ignored file, link or special file under ``folder``, at any depth, in order."""
    listing = list_folder(folder)
    found = listing.files + listing.others
    for sub in listing.folders:
        found.extend(every_file(sub))
    return found


def read_file(path: Path, limit: int | None = None) -> bytes:
    """Read a regular file without following links, refusing one larger than ``limit`` bytes.

    ``limit`` defaults to :data:`autograder.intake.archives.MAX_ENTRY_BYTES`.
    """
    limit = archives.MAX_ENTRY_BYTES if limit is None else limit
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile("not a regular file")
        # The size is checked before reading and again after: the file may grow meanwhile.
        data = b"" if status.st_size > limit else handle.read(limit + 1)
    if status.st_size > limit or len(data) > limit:
        shown = f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"
        raise UnreadableFile(f"larger than {shown}, the most intake reads")
    return data


def not_followed_reason(path: Path) -> str:
    """Why a link or special file is not read."""
    if path.is_symlink():
        return "a symbolic link: links are never followed; put the file itself here"
    return "not a regular file (FIFO, socket or device)"


def natural_key(name: str) -> list:
    """Sort key that orders digit runs by value: ``attempt2`` < ``attempt10``."""
    return [(0, int(part), part) if part.isdigit() else (1, 0, part.casefold())
            for part in re.split(r"(\d+)", name) if part]


def unplace_all(folder: Path, reason: str, ctx: IntakeContext) -> Intake:
    """Every file under ``folder`` as not placed, for ``reason``; the folder itself when it is empty."""
    files = every_file(folder)
    if not files:
        return Intake(unplaced=[Unplaced(ctx.origin(folder), f"{reason} (an empty folder)")])
    return Intake(unplaced=[Unplaced(ctx.origin(path), reason) for path in files])
