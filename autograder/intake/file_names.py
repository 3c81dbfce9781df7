"""File names as text: raw name bytes decoded, and names made safe to print and to store.

File names reach intake in three shapes:

- from a zip entry whose UTF-8 flag (general-purpose bit 11) is set: already Unicode;
- from a zip entry without the flag: raw bytes. The ZIP standard says CP437, but in practice they
  are UTF-8 (rubyzip, which Canvas uses, writes UTF-8 without the flag) or GBK (zips made on
  Chinese-locale Windows). We try UTF-8, then GB18030 (a superset of GBK), and only then CP437,
  which decodes any bytes;
- from the disk: Python hands undecodable bytes over as lone surrogates; they are recovered the
  same way.

A name is only ever *data* here: intake never builds a path on disk from it and never passes it
to a shell, so shell metacharacters (``$(...)``, backticks, ``;``) are harmless. What is not
harmless is printing it: control characters (ANSI escapes, newlines) and Unicode format
characters (the right-to-left override that disguises ``yp.exe`` as ``exe.py``) are escaped by
:func:`printable` before a name goes into an origin or a message.
"""

from __future__ import annotations

import os
import unicodedata

# Tried in order on raw name bytes; CP437 never fails, so decoding always succeeds.
NAME_ENCODINGS = ("utf-8", "gb18030", "cp437")

# Unicode categories escaped when printing: controls, format characters (bidi overrides,
# zero-width characters), surrogates, and the line and paragraph separators.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def decode_name_bytes(raw: bytes) -> str:
    """Decode a file name's raw bytes: UTF-8, else GB18030/GBK, else CP437."""
    for encoding in NAME_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("unreachable: cp437 decodes any bytes")


def disk_name(name: str) -> str:
    """A name read from the disk, with bytes the file system encoding could not decode recovered."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        return decode_name_bytes(os.fsencode(name))
    return name


def printable(text: str) -> str:
    """``text`` with control and format characters escaped (``\\x1b``, ``\\u202e``), safe to print."""
    return "".join(_escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if unicodedata.category(ch) not in _ESCAPED_CATEGORIES:
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
