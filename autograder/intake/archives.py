"""Reading zip archives that may be hostile: never to disk, always within caps.

An archive is opened in two steps. Opening lists its entries and refuses, each with a reason,
the entries that must not be read; reading an entry then streams it into memory under a running
cap. Nothing is ever extracted to disk, so no entry name can write anywhere. Intake reads only
the entries chosen as submissions; every other entry is judged from its header alone.

Refused with a reason (the rest of the archive is still read):

- a name with a NUL byte, an absolute name (``/etc/passwd``, ``\\\\server\\x``, ``C:\\x``), or a
  ``..`` component, with ``/`` and ``\\`` both taken as separators (so ``..\\..\\x`` is caught);
- a symbolic link, or any other non-regular file, by the Unix mode in ``external_attr`` (checked
  whatever system the entry claims to come from);
- a nested archive (``.zip``, ``.tar``, ``.gz``, ``.7z``, ``.rar``, ...): not opened;
- an encrypted entry, or one compressed with a method the standard library cannot read;
- an entry whose declared size exceeds :data:`MAX_ENTRY_BYTES`, or whose declared compression
  ratio exceeds :data:`MAX_RATIO` (a zip bomb) once it is larger than :data:`RATIO_FLOOR_BYTES`;
- while reading: an entry that decompresses to more than its header declares (the header lied:
  a bomb trick), to fewer bytes, or whose CRC does not match; and any entry once the archive has
  delivered :data:`MAX_ARCHIVE_BYTES` in total.

Refused as a whole (one reason for the archive): a file that is not a readable zip, and an
archive with more than :data:`MAX_ENTRIES` entries (counted from the end-of-central-directory
record before the directory is parsed, and again after).

Directory entries are skipped; hidden files, ``__MACOSX/`` and ``__pycache__/`` are skipped
silently (see :func:`autograder.intake.choose_file.is_ignored`). Entry names are decoded as
:mod:`autograder.intake.file_names` describes.
"""

from __future__ import annotations

import copy
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.intake.attempt import Unplaced
from autograder.intake.choose_file import is_ignored
from autograder.intake.file_names import decode_name_bytes, printable

MAX_ENTRY_BYTES = 50 * 2**20
"""The largest file intake reads (from an archive or a folder), in bytes once decompressed."""

MAX_ARCHIVE_BYTES = 500 * 2**20
"""The most bytes one archive may deliver in total; only the entries that are read count."""

MAX_RATIO = 200
"""The highest compression ratio (uncompressed / compressed) accepted; real code and notebooks
stay far below it, a zip bomb is far above (deflate reaches about 1000:1)."""

RATIO_FLOOR_BYTES = 2**20
"""Entries smaller than this are not held to :data:`MAX_RATIO`: a short file of blanks can
compress 300:1 and is harmless at that size."""

MAX_ENTRIES = 10_000
"""The most entries an archive may hold; more is refused before its directory is parsed."""

READ_CHUNK_BYTES = 2**20
"""How much is decompressed at a time while reading an entry."""

NESTED_ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar", ".jar", ".whl")

_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_EXTENDED_TIMESTAMP = 0x5455
_END_OF_DIRECTORY = b"PK\x05\x06"
_DRIVE = re.compile(r"[A-Za-z]:")


class ArchiveError(ValueError):
    """The archive as a whole cannot be read; the message says why."""


class EntryError(ValueError):
    """One entry cannot be read; the message says why."""


@dataclass(frozen=True)
class ArchiveEntry:
    """A file inside an archive that passed the listing checks.

    Attributes:
        name: its path in the archive, decoded, ``/``-separated, without ``.`` or empty parts.
        size: the uncompressed size its header declares (verified when it is read).
        date_time: its MS-DOS modification time, ``(year, month, day, hour, minute, second)``.
        utc_seconds: its Info-ZIP extended timestamp (UTC, seconds since the epoch), if present.
        info: the zipfile record, for reading.
    """

    name: str
    size: int
    date_time: tuple
    utc_seconds: int | None
    info: zipfile.ZipInfo


class Archive:
    """An open zip archive: its readable entries, the refused ones, and a capped reader.

    Use as a context manager; entries can be read until it is closed.
    """

    def __init__(self, path: Path, origin: str):
        self.origin = origin
        self.entries: list[ArchiveEntry] = []
        self.refused: list[Unplaced] = []
        self.bytes_read = 0
        _check_entry_count(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except Exception as exc:  # BadZipFile, bad UTF-8 names, truncated files, struct errors, ...
            raise ArchiveError(f"not a readable zip archive ({type(exc).__name__}: {exc})") from None
        try:
            infos = self._zip.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ArchiveError(f"holds {len(infos)} entries; at most {MAX_ENTRIES} are read")
            for info in infos:
                self._list(info)
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def entry_origin(self, name: str) -> str:
        """How messages point at an entry: ``<archive>::<name>``."""
        return f"{self.origin}::{printable(name)}"

    def read(self, entry: ArchiveEntry) -> bytes:
        """The entry's bytes, streamed under the caps; raises :class:`EntryError` with the reason."""
        limit = min(MAX_ENTRY_BYTES, MAX_ARCHIVE_BYTES - self.bytes_read)
        if entry.size > limit:
            raise EntryError(f"not read: the archive has already delivered {self.bytes_read // 2**20} MiB, "
                             f"and {MAX_ARCHIVE_BYTES // 2**20} MiB is the most one archive may deliver")
        data = _read_capped(self._zip, entry, limit)
        self.bytes_read += len(data)
        return data

    def _list(self, info: zipfile.ZipInfo) -> None:
        raw_name = info.orig_filename
        if not info.flag_bits & _UTF8_FLAG:
            raw_name = decode_name_bytes(raw_name.encode("cp437"))
        try:
            entry = _checked_entry(info, raw_name)
        except EntryError as exc:
            self.refused.append(Unplaced(self.entry_origin(raw_name), str(exc)))
            return
        if entry is not None:
            self.entries.append(entry)


def open_archive(path: Path, origin: str) -> Archive:
    """Open ``path`` as a zip archive; raises :class:`ArchiveError` when it cannot be read at all."""
    try:
        return Archive(path, origin)
    except ArchiveError:
        raise
    except Exception as exc:  # a directory record nobody foresaw: refuse the archive, not the run
        raise ArchiveError(f"could not be listed ({type(exc).__name__}: {exc})") from None


def is_archive_name(name: str) -> bool:
    """Does this name look like an archive (which intake never opens when nested)?"""
    return name.lower().endswith(NESTED_ARCHIVE_SUFFIXES)


def _checked_entry(info: zipfile.ZipInfo, name: str) -> ArchiveEntry | None:
    """The entry if it may be read, None if it is skipped silently; raises EntryError if refused."""
    if "\x00" in name:
        raise EntryError("refused: the entry name contains a NUL byte")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise EntryError("refused: a symbolic link (links are never followed)")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise EntryError("refused: not a regular file (device, FIFO or socket)")
    parts = _safe_parts(name)
    if any(is_ignored(part) for part in parts) or not parts:
        return None
    if name.endswith(("/", "\\")) or stat.S_ISDIR(mode):
        return None
    if is_archive_name(parts[-1]):
        raise EntryError("nested archive: not opened; unpack it and put the file in "
                         "<assignment>/<student_id>/ by hand")
    _check_readable(info)
    return ArchiveEntry("/".join(parts), info.file_size, info.date_time, _utc_seconds(info.extra), info)


def _safe_parts(name: str) -> list[str]:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise EntryError("refused: an absolute path")
    parts = [part for part in re.split(r"[/\\]", name) if part not in ("", ".")]
    if ".." in parts:
        raise EntryError("refused: the path climbs out of the archive ('..')")
    return parts


def _check_readable(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise EntryError("refused: encrypted (password-protected)")
    if info.compress_type not in _READABLE_METHODS:
        raise EntryError(f"refused: compression method {info.compress_type} is not supported")
    if info.file_size > MAX_ENTRY_BYTES:
        raise EntryError(f"refused: declares {info.file_size / 2**20:.1f} MiB uncompressed; "
                         f"the limit is {MAX_ENTRY_BYTES // 2**20} MiB per file")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
        raise EntryError(f"refused as a zip bomb: compression ratio {ratio:.0f}:1 "
                         f"(the limit is {MAX_RATIO}:1)")


def _read_capped(archive: zipfile.ZipFile, entry: ArchiveEntry, limit: int) -> bytes:
    # zipfile stops at the size the header declares; give it a larger one so that data beyond
    # the declared size shows up here (and is refused) instead of passing as a short file.
    info = copy.copy(entry.info)
    info.file_size = limit + 1
    data = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(READ_CHUNK_BYTES):
                data += chunk
                if len(data) > entry.size:
                    raise EntryError(f"refused as a zip bomb: decompresses to more than the "
                                     f"{entry.size} bytes its header declares")
    except EntryError:
        raise
    except Exception as exc:  # BadZipFile (CRC), EOFError (truncated), zlib.error, ...
        raise EntryError(f"corrupt entry ({type(exc).__name__}: {exc})") from None
    if len(data) != entry.size:
        raise EntryError(f"corrupt entry: {len(data)} bytes where the header declares {entry.size}")
    return bytes(data)


def _utc_seconds(extra: bytes) -> int | None:
    """The modification time from an Info-ZIP extended-timestamp field (0x5455), if present."""
    at = 0
    while at + 4 <= len(extra):
        field_id, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4:at + 4 + size]
        if field_id == _EXTENDED_TIMESTAMP and len(body) >= 5 and body[0] & 1:
            return struct.unpack_from("<i", body, 1)[0]
        at += 4 + size
    return None


def _check_entry_count(path: Path) -> None:
    """Refuse an archive whose end-of-central-directory record counts too many entries.

    Done before zipfile parses the central directory, which costs memory per entry. When the
    record cannot be found, zipfile's own parsing decides (and the count is checked again).
    """
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - (22 + 0xFFFF)))
            tail = handle.read()
    except OSError as exc:
        raise ArchiveError(f"could not be read: {exc.strerror or exc}") from None
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or at + 22 > len(tail):
        return
    (count,) = struct.unpack_from("<H", tail, at + 10)
    if count > MAX_ENTRIES:
        shown = "65535 or more" if count == 0xFFFF else str(count)
        raise ArchiveError(f"holds {shown} entries; at most {MAX_ENTRIES} are read")
