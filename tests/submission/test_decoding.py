import codecs

import pytest

from autograder.submission.decoding import UndecodableError, decode_source

SOURCE = "# 注意力\ndef f(x):\n    return x  # 返回\n"


@pytest.mark.parametrize("encoded", [
    SOURCE.encode("utf-8"),
    codecs.BOM_UTF8 + SOURCE.encode("utf-8"),
    SOURCE.encode("gbk"),
    SOURCE.encode("gb18030"),
    SOURCE.replace("\n", "\r\n").encode("utf-8"),
    SOURCE.replace("\n", "\r\n").encode("gbk"),
    SOURCE.encode("utf-16"),
], ids=["utf8", "utf8-bom", "gbk", "gb18030", "crlf", "gbk-crlf", "utf16-bom"])
def test_every_encoding_students_use_decodes_to_the_same_text(encoded):
    """Do UTF-8 (with or without BOM), GBK, GB18030, UTF-16 and CRLF files all give the same text?"""
    text, _ = decode_source(encoded)
    assert text == SOURCE


def test_binary_file_is_refused_with_a_message():
    """Is a binary file (NUL bytes) refused with a message, not decoded as garbage?"""
    with pytest.raises(UndecodableError, match="binary"):
        decode_source(b"\x7fELF\x00\x01\x02")


def test_lone_carriage_returns_become_newlines():
    """Do old-Mac CR line ends become LF?"""
    assert decode_source(b"a = 1\rb = 2\r")[0] == "a = 1\nb = 2\n"
