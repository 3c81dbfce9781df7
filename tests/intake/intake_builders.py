"""Builders for the intake tests: files, zips made with zipfile, and zips made byte by byte.

Zips are built in ``tmp_path``: with :mod:`zipfile` where it can write what a test needs, and
byte by byte (:func:`raw_zip`) where it cannot: names in GBK without the UTF-8 flag, headers
that lie about sizes.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ASSIGNMENTS = {"ch01_attention": "attention"}
ZHANG, ALICE, BOB, MARIA = "2024001", "2024002", "2024003", "2024004"
SCRIPT = b"import torch\n\ndef masked_softmax(x, lens):\n    return x\n"
NOTEBOOK = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
     "source": "def masked_softmax(x, lens):\n    return x\n"}]}).encode()


def put(path: Path, data: bytes | str = SCRIPT) -> Path:
    """Write a file, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def make_zip(path: Path, entries: dict[str, bytes], date_time=(2026, 10, 20, 23, 0, 0)) -> Path:
    """A deflated zip of ``entries`` (name -> bytes), every entry stamped ``date_time``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time), data)
    return path


@dataclass
class RawEntry:
    """One entry for :func:`raw_zip`: bytes exactly as they go into the archive."""

    name: bytes
    data: bytes                      # stored as is (already deflated when method is 8)
    size: int | None = None          # declared uncompressed size; default len(data)
    crc: int | None = None           # default crc32(data)
    method: int = 0
    flags: int = 0                   # 0x800: the name is UTF-8
    external_attr: int = 0o100644 << 16
    date_time: tuple = (2026, 10, 20, 23, 0, 0)


def raw_zip(path: Path, entries: list[RawEntry]) -> Path:
    """Write a zip byte by byte, so that names and sizes are whatever the entries say."""
    body, directory = bytearray(), bytearray()
    for entry in entries:
        year, month, day, hour, minute, second = entry.date_time
        dos_time, dos_date = (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
        crc = zlib.crc32(entry.data) if entry.crc is None else entry.crc
        size = len(entry.data) if entry.size is None else entry.size
        fields = (entry.flags, entry.method, dos_time, dos_date, crc, len(entry.data), size, len(entry.name))
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, *fields, 0, 0, 0, 0,
                                 entry.external_attr, len(body)) + entry.name
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields, 0) + entry.name + entry.data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(body + directory + end))
    return path


def deflated_zeros(mebibytes: int) -> bytes:
    """A raw deflate stream of ``mebibytes`` MiB of zeros, built in milliseconds.

    After a full flush the compressor starts afresh, so one flushed MiB of zeros compresses to
    the same bytes every time and can be repeated (1 GiB becomes about 1 MB).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(2**20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush()


def attempts_of(intake, student_id: str) -> list:
    return [a for a in intake.attempts if a.student_id == student_id]


def reasons_for(intake, fragment: str) -> list[str]:
    """The reasons of the unplaced records whose origin contains ``fragment``."""
    return [u.reason for u in intake.unplaced if fragment in u.origin]
