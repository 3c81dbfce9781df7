"""Bytes to text: the encodings student files really arrive in.

Students on Chinese-locale Windows machines save scripts as GBK; editors add a UTF-8 byte-order
mark; files cross Windows and Unix and keep CRLF line ends. All of them decode here to one ``str``
with ``\\n`` line ends, and the caller learns which encoding was used.
"""

from __future__ import annotations

import codecs

# Tried in order after the BOM checks. GB18030 is a superset of GBK and GB2312, so one entry
# covers all three; it comes after UTF-8 because valid UTF-8 is almost never valid-looking GBK
# by accident, while the reverse is common.
_FALLBACK_ENCODINGS = ("utf-8", "gb18030")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept."""


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode a submitted file to text with ``\\n`` line ends.

    Args:
        data: the raw file contents.

    Returns:
        ``(text, encoding)`` where ``encoding`` names the codec that succeeded.

    Raises:
        UndecodableError: when no accepted encoding decodes the bytes, or the text holds NUL
            characters (a binary file renamed to ``.py``).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise UndecodableError(f"the file starts with a {encoding.upper()} byte-order mark but its bytes are "
                                       "not valid in that encoding; save it as UTF-8 and submit again") from None
            break
    else:
        for encoding in _FALLBACK_ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UndecodableError(
                "the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 and submit again"
            )
    if "\x00" in text:
        raise UndecodableError("the file contains NUL bytes: it looks binary, not like source code")
    if text.startswith("\ufeff"):  # a BOM that survived because it was encoded twice
        text = text[1:]
    return normalise_newlines(text), encoding


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR line ends into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
