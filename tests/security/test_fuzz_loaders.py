"""Fuzzing what reads untrusted bytes: source decoding, notebooks, the loader, archives, the wire.

No input may crash the grader (only the documented exceptions, or ``Submission.fatal``) or hang
it (each call runs under an alarm). Runs are derandomized, so the suite is deterministic, and
bounded: under 30 s in all on this machine.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import signal
import socket
import struct
import time
import zipfile
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.intake.archives import ArchiveError, EntryError, open_archive
from autograder.sandbox import wire
from autograder.submission import Submission, load_submission_bytes
from autograder.submission.decoding import UndecodableError, decode_source
from autograder.submission.notebook import UnreadableNotebookError, read_code_cells
from autograder.submission.statements import split_source

FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECONDS_PER_INPUT = 10

# Fuzzed notebooks lack cell ids; nbformat warns about every one.
pytestmark = pytest.mark.filterwarnings("ignore:Cell is missing an id field")


@contextlib.contextmanager
def no_hang(seconds: int = SECONDS_PER_INPUT):
    """Fail instead of hanging: SIGALRM after ``seconds``."""
    def expired(signum, frame):
        raise AssertionError(f"no answer within {seconds} s: the input hangs the grader")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30)

cells = st.fixed_dictionaries({
    "cell_type": st.sampled_from(["code", "markdown", "raw", "weird", 3]),
    "source": st.one_of(st.text(max_size=200), st.lists(st.text(max_size=40), max_size=5), json_values),
    "metadata": st.one_of(st.just({}), json_values),
}, optional={"outputs": st.lists(json_values, max_size=3), "execution_count": st.one_of(st.none(), st.integers())})

notebooks = st.fixed_dictionaries({
    "nbformat": st.one_of(st.just(4), st.integers(-2, 6), st.text(max_size=3)),
    "nbformat_minor": st.one_of(st.integers(0, 6), st.none()),
    "metadata": st.one_of(st.just({}), json_values),
    "cells": st.one_of(st.lists(cells, max_size=6), json_values),
})

python_like = st.lists(st.sampled_from([
    "def f(x):", "    return x", "class A:", "    pass", "import torch", "if True:", "x = (", ")", "@dec",
    "%matplotlib inline", "!pip install x", "try:", "except Exception:", "else:", "\t", "'''", '"""', "#",
    "lambda: 0", "async def g():", "    await x", "def (", "\x00", "é = 1", "    ", "x = [1,\n", "]",
]), max_size=40).map("\n".join)


@FUZZ
@given(st.binary(max_size=3000) | st.text(max_size=500).map(lambda t: t.encode("utf-16")) |
       st.text(max_size=500).map(lambda t: t.encode("gb18030", errors="replace")) |
       st.binary(max_size=30).map(lambda b: codecs.BOM_UTF16_BE + b))
def test_decoding_any_bytes_gives_text_or_the_documented_error(data):
    """Does decode_source return text or raise UndecodableError, for any bytes at all?"""
    with no_hang():
        try:
            text, encoding = decode_source(data)
        except UndecodableError:
            return
    assert isinstance(text, str) and "\r" not in text and "\x00" not in text and encoding


@pytest.mark.parametrize("data", [codecs.BOM_UTF16_BE + b"\x00\x00\x00", codecs.BOM_UTF8 + b"\xff",
                                  codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00"])
def test_a_byte_order_mark_over_undecodable_bytes_is_fatal_not_a_crash(data):
    """Is a file whose byte-order mark promises an encoding its bytes break read as unreadable
    (``Submission.fatal``), rather than raising out of the loader?"""
    assert load_submission_bytes("attention.py", data).fatal


@FUZZ
@given(st.one_of(notebooks.map(json.dumps), json_values.map(json.dumps), st.text(max_size=300)))
def test_reading_any_notebook_gives_cells_or_the_documented_error(text):
    """Does read_code_cells return code cells or raise UnreadableNotebookError, for any text?"""
    with no_hang():
        try:
            result = read_code_cells(text)
        except UnreadableNotebookError:
            return
    assert all(isinstance(cell.source, str) for cell in result)


@FUZZ
@given(st.sampled_from(["attention.py", "attention.ipynb", "作业.PY", "x.IPYNB"]),
       st.one_of(st.binary(max_size=2000), notebooks.map(lambda n: json.dumps(n).encode()),
                 python_like.map(str.encode), python_like.map(lambda t: t.encode("utf-16"))))
def test_loading_any_file_gives_a_submission(name, data):
    """Does load_submission_bytes return a Submission (its ``fatal`` set when unreadable) and
    never raise, whatever the file holds?"""
    with no_hang():
        submission = load_submission_bytes(name, data)
    assert isinstance(submission, Submission)
    assert submission.fatal is not None or all(isinstance(c.source, str) for c in submission.chunks)


@FUZZ
@given(python_like)
def test_splitting_any_source_never_raises(text):
    """Does split_source account for any text as chunks, dropped code or problems, never raising?"""
    with no_hang():
        result = split_source(text, "attention.py")
    assert all(problem.message for problem in result.problems)


def _zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


entry_names = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=20)
valid_zips = st.lists(st.tuples(entry_names, st.binary(max_size=200)), max_size=4,
                      unique_by=lambda entry: entry[0]).map(_zip_bytes)


@st.composite
def mutated_zips(draw):
    data = bytearray(draw(valid_zips))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@FUZZ
@given(st.one_of(st.binary(max_size=2000), valid_zips, mutated_zips()))
def test_opening_any_archive_gives_entries_or_the_documented_errors(tmp_path_factory, data):
    """Does open_archive raise only ArchiveError, and reading each entry only EntryError, for any
    bytes, including valid zips with random bytes changed or cut short?"""
    path = Path(tmp_path_factory.mktemp("zips")) / "download.zip"
    path.write_bytes(data)
    with no_hang():
        try:
            archive = open_archive(path, "download.zip")
        except ArchiveError:
            return
        with archive:
            for entry in archive.entries:
                try:
                    assert isinstance(archive.read(entry), bytes)
                except EntryError:
                    pass
    assert all(u.reason for u in archive.refused)


# -- the wire: what the student's process sends is untrusted ----------------------------------------

TAGS = ("$float", "$tuple", "$dict", "$tensor", "$ndarray", "$bytes", "$dtype", "$device", "$handle", "$probe", "$x")

tagged = st.recursive(
    json_values,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.builds(lambda tag, body: {tag: body}, st.sampled_from(TAGS), children),
        st.builds(lambda dtype, shape, buffer, device: {"$tensor": {"dtype": dtype, "shape": shape, "buffer": buffer,
                                                                    "device": device}},
                  st.sampled_from(list(wire.TORCH_DTYPES) + ["float128", 3]),
                  st.one_of(st.lists(st.integers(-2, 5), max_size=4), json_values),
                  st.integers(-1, 3), st.sampled_from(["cpu", "meta", "cuda:x", "cuda:0", 7])),
        st.builds(lambda dtype, shape, buffer: {"$ndarray": {"dtype": dtype, "shape": shape, "buffer": buffer}},
                  st.sampled_from(list(wire.NUMPY_DTYPES) + ["object"]), st.lists(st.integers(-1, 5), max_size=3),
                  st.integers(-1, 3)),
        st.builds(lambda pairs: {"$dict": pairs}, st.lists(st.lists(children, min_size=0, max_size=3), max_size=3)),
        st.builds(lambda key: {"$dict": [[{"$tuple": [key]}, 1]]}, children),
        st.builds(lambda device: {"$device": device}, st.sampled_from(["cuda:x", "cpu:0", "meta", "cuda:-1", "mps:1e3",
                                                                       "cuda:٣", "cpu" * 10, ""])),
    ),
    max_leaves=25)


def _resolve(tag, body):
    raise LookupError("this object no longer exists in your process")


@FUZZ
@given(tagged, st.lists(st.binary(max_size=64), max_size=4))
def test_decoding_any_message_gives_values_or_a_wire_error(header, buffers):
    """Does the decoder turn any JSON header and buffers into values or a WireError, nothing else?"""
    with no_hang():
        try:
            wire.decode(header, buffers, _resolve)
        except wire.WireError:
            pass


def _frame(header: bytes, buffers: list[bytes], lie: int) -> bytes:
    lengths = b"".join(struct.pack("!Q", max(0, len(b) + (lie if i == 0 else 0))) for i, b in enumerate(buffers))
    return struct.pack("!4sII", b"AGW1", len(header), len(buffers)) + lengths + header + b"".join(buffers)


frames = st.one_of(
    st.binary(max_size=300),
    st.builds(_frame, st.one_of(tagged.map(lambda v: json.dumps(v).encode()), st.binary(max_size=100),
                                st.just(b"1" * 5000), st.just(b"[" * 5000)),
              st.lists(st.binary(max_size=32), max_size=3), st.integers(-3, 3)),
)


@FUZZ
@given(frames)
def test_receiving_any_bytes_gives_a_value_or_a_documented_error(data):
    """Does receive() on any bytes (then end of stream) return a value or raise WireError,
    EOFError or TimeoutError, never anything else and never hang?"""
    a, b = socket.socketpair()
    with a, b, no_hang():
        a.sendall(data)
        a.shutdown(socket.SHUT_WR)
        try:
            wire.receive(b, 2**20, _resolve, deadline=time.monotonic() + 5)
        except (wire.WireError, EOFError, TimeoutError):
            pass


@pytest.mark.parametrize("payload", [
    b"1" * 5000, b"[" * 100_000, b'{"$device": "cuda:x"}', b'{"$dict": [[{"$tuple": [[1]]}, 2]]}',
    b'{"$tensor": {"dtype": "float32", "shape": [1099511627775, 1099511627775, 1099511627775], "device": "meta"}}',
    b'{"$tensor": {"dtype": "bool", "shape": [2], "buffer": 0}}'])
def test_known_nasty_headers_are_wire_errors_or_clean_values(payload):
    """Are a 5,000-digit integer, 100,000 open brackets, a malformed device, an unhashable key, a
    meta tensor of 2**120 elements, and a bool tensor made of bytes 0 and 7 all handled?"""
    a, b = socket.socketpair()
    with a, b:
        buffers = [b"\x00\x07"] if b"$tensor" in payload else []
        a.sendall(_frame(payload, buffers, 0))
        try:
            value = wire.receive(b, 2**20)
        except wire.WireError:
            return
    assert value.tolist() == [False, True]  # any non-zero byte is True, and only 0 and 1 are stored
    assert value.view(torch.uint8).tolist() == [0, 1]
