"""Writing export files: whole or not at all, every cell through :mod:`cells`.

A file is written beside its final name and renamed over it, so an interrupted export leaves the
previous file, never half of a new one (an instructor may be uploading the old one right then).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from autograder.exports.cells import cell

Row = Sequence[str | int | float | None]

UTF8_BOM = "utf-8-sig"   # Excel reads UTF-8 (Chinese names) only with the byte-order mark
UTF8 = "utf-8"
UTF16_BOM = "utf-16-bom"  # little-endian with its mark, as Blackboard's own .xls downloads


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_table(path: Path, rows: Sequence[Row], *, encoding: str = UTF8_BOM, delimiter: str = ",",
                quote_all: bool = False) -> Path:
    """Write ``rows`` (the header first) as delimited text; every row must be as wide as the header.

    Cells go through :func:`autograder.exports.cells.cell`: ``None`` is blank, numbers are
    written plainly, text is neutralised. Lines end with CRLF, as RFC 4180 and Excel expect.
    """
    width = len(rows[0])
    for line, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(f"{path.name}, row {line}: {len(row)} cells, the header has {width}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows([cell(value) for value in row] for row in rows)
    content = buffer.getvalue()
    if encoding == UTF16_BOM:
        data = b"\xff\xfe" + content.encode("utf-16-le")
    else:
        data = content.encode(encoding)
    return write_atomic(path, data)
