"""Spreadsheet cells: numbers written plainly, text that cannot run as a formula.

Every exported file may be opened in Excel, LibreOffice or Google Sheets before it reaches the
LMS, and a roster name such as ``=HYPERLINK("http://x","y")`` or ``=cmd|' /C calc'!A0`` would run
there as a formula (CSV injection). Following OWASP's advice, :func:`text` prefixes a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return with an apostrophe, which
the spreadsheet shows as plain text. Numbers are never touched: :func:`number` writes them with a
``.`` decimal point and no thousands separator, and a text cell that is exactly such a number
(``-3``, ``12.5``) is left as it is, since it cannot be a formula.

Choices rather than laws: the full-width forms ``＝ ＋ － ＠`` are treated like their ASCII
cousins (some spreadsheet input methods turn them into formulas), and leading spaces do not hide
a formula (`` =1+1`` is prefixed too). Control characters are removed; tabs, line breaks and the
Unicode line separators become spaces, so a cell never spans lines or shifts a tab-separated column.
"""

from __future__ import annotations

import math
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def clean(value: str) -> str:
    """``value`` with line breaks and tabs as spaces and other control characters removed."""
    return _CONTROLS.sub("", _BREAKS.sub(" ", value))


def text(value: str) -> str:
    """A text cell that a spreadsheet shows as text and never evaluates.

    Idempotent: ``text(text(v)) == text(v)``, since a neutralised cell starts with ``'``.
    """
    cleaned = clean(value)
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return cleaned
    if value[:1] in ("\t", "\r") or cleaned.lstrip()[:1] in FORMULA_STARTS:
        return "'" + cleaned
    return cleaned


def number(value: int | float, places: int = 2) -> str:
    """``value`` rounded to ``places`` decimals, without trailing zeros: ``85.0`` -> ``85``.

    Never an exponent, a thousands separator or ``-0``. Raises ``ValueError`` for NaN and
    infinities, which no LMS accepts as a grade.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"not a number: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if isinstance(value, int):
        return str(value)
    written = f"{value:.{places}f}"
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return "0" if written == "-0" else written


def cell(value: str | int | float | None) -> str:
    """Any cell as written: ``None`` blank, numbers by :func:`number`, text by :func:`text`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return text(value)
    return number(value)
