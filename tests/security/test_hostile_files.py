"""Hostile files rather than hostile code: a notebook carrying 100 MB of output, a notebook over
the size limit, a Canvas download with path traversal, links and zip bombs, and a file name made of
shell syntax. Each goes through the real intake or loader and then the grader, which must grade
the honest files fully and refuse the rest, writing nothing and running nothing.
"""

from __future__ import annotations

import json
import stat
import struct
import zlib
from pathlib import Path

import pytest
from attack_sources import ASSIGNMENT, MASKS, REFERENCE, TEMPLATE
from grading_bars import outputs, sandbox_processes, scores

from autograder.course.config import CourseConfig
from autograder.course.roster import Roster, Student
from autograder.intake import collect
from autograder.judge.runner import grade_submission

pytestmark = pytest.mark.slow


def _notebook(cells: list[dict]) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells}).encode()


def _code_cell(source: str, outputs: list[dict] = ()) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": source, "outputs": list(outputs)}


def test_notebook_with_100_mib_of_output_is_graded(graded, honest_scores):
    """Is the reference, saved in a notebook that carries 90 MiB of printed output and a 10 MiB
    image, graded in full and promptly?"""
    notebook = _notebook([
        _code_cell(REFERENCE, [{"output_type": "stream", "name": "stdout", "text": "x" * (90 * 2**20)}]),
        _code_cell("print('done')", [{"output_type": "display_data", "metadata": {},
                                      "data": {"image/png": "iVBOR" + "A" * (10 * 2**20)}}]),
    ])
    assert len(notebook) > 100 * 2**20
    results = graded(notebook, MASKS, name="attention.ipynb", seconds=60)
    assert scores(results) == honest_scores(REFERENCE, MASKS)


def test_notebook_over_the_size_limit_scores_zero_without_being_read(fork_server, tmp_path):
    """Is a 201 MiB notebook refused before it is read, scoring 0 with the reason on every test?"""
    path = tmp_path / "attention.ipynb"
    with open(path, "wb") as handle:
        handle.truncate(201 * 2**20)  # sparse: nothing is written to the disk
    results = grade_submission(ASSIGNMENT, path, server=fork_server, only=set(MASKS))
    assert results["score"] == 0 and results["tests"]
    assert all("201.0 MiB" in t["output"] for t in results["tests"])
    assert sandbox_processes(fork_server.process.pid) == []


# -- a Canvas download with hostile entries ------------------------------------------------------

def _raw_zip(path: Path, entries: list[tuple[bytes, bytes, dict]]) -> Path:
    """A zip written byte by byte: ``(name, stored bytes, {size, crc, method, mode})`` per entry."""
    body, directory = bytearray(), bytearray()
    for name, data, extra in entries:
        crc = extra.get("crc", zlib.crc32(data))
        size = extra.get("size", len(data))
        fields = (0x800, extra.get("method", 0), 0, (46 << 9) | (10 << 5) | 20, crc, len(data), size, len(name))
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, *fields, 0, 0, 0, 0,
                                 extra.get("mode", 0o100644) << 16, len(body)) + name
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields, 0) + name + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(body + directory + end))
    return path


def _deflated_zeros(mebibytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(2**20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush()


def _tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_canvas_download_with_traversal_links_and_bombs(graded, honest_scores, tmp_path):
    """Through intake.collect: are entries that climb out ('..', absolute paths), links, zip bombs
    (declared huge, or declared small and inflating past it) and nested archives each refused with
    a reason, nothing written anywhere, and the honest entries graded as they deserve?"""
    bomb = _deflated_zeros(64)
    canary = tmp_path / "escaped-attention.py"
    entries = [
        (b"zhangwei_10001_501_attention.py", REFERENCE.encode(), {}),
        (b"smithalice_10002_502_attention.py", TEMPLATE.encode(), {}),
        (b"../../../../" + str(canary).lstrip("/").encode() + b"_10003_503_attention.py", REFERENCE.encode(), {}),
        (b"/tmp/leebob_10003_504_attention.py", REFERENCE.encode(), {}),
        (b"leebob_10003_505_attention.py", b"/etc/shadow", {"mode": stat.S_IFLNK | 0o777}),
        (b"leebob_10003_506_attention.py", bomb, {"size": 64 * 2**20, "crc": 0, "method": 8}),
        (b"leebob_10003_507_attention.py", bomb, {"size": 900, "crc": zlib.crc32(bytes(900)), "method": 8}),
        (b"leebob_10003_508_attention.zip", b"PK\x05\x06" + bytes(18), {}),
    ]
    submissions = tmp_path / "submissions"
    _raw_zip(submissions / "ch01_attention" / "canvas.zip", entries)
    before = _tree(tmp_path)
    roster = Roster([Student("2024001", "Zhang Wei", canvas_id="10001"), Student("2024002", "Alice Smith", canvas_id="10002"),
                     Student("2024003", "Bob Lee", canvas_id="10003")])
    intake = collect(submissions, roster, CourseConfig(timezone="Asia/Shanghai"), {"ch01_attention": "attention"})
    assert _tree(tmp_path) == before and not canary.exists()
    reasons = " | ".join(u.reason for u in intake.unplaced)
    for expected in ("climbs out", "absolute", "symbolic link", "zip bomb", "nested archive"):
        assert expected in reasons, reasons
    assert len(intake.unplaced) == 6
    placed = {a.student_id: a for a in intake.attempts}
    assert sorted(placed) == ["2024001", "2024002"]
    assert scores(graded(placed["2024001"].data, MASKS, name=placed["2024001"].file_name)) \
        == honest_scores(REFERENCE, MASKS)
    assert graded(placed["2024002"].data, MASKS, name=placed["2024002"].file_name)["score"] == 0


def test_a_file_name_made_of_shell_syntax_is_only_a_name(graded, honest_scores, fork_server, tmp_path):
    """Is a submission named with command substitutions, back-ticks, ';' and a newline collected
    and graded like any other, with none of it run?"""
    name = "attention $(touch pwned-1) `touch pwned-2`; touch pwned-3 #\n|x>pwned-4.py"
    folder = tmp_path / "submissions" / "ch01_attention" / "2024001"
    folder.mkdir(parents=True)
    (folder / name).write_text(REFERENCE)
    roster = Roster([Student("2024001", "Zhang Wei")])
    intake = collect(tmp_path / "submissions", roster, CourseConfig(timezone="Asia/Shanghai"),
                     {"ch01_attention": "attention"})
    [attempt] = intake.attempts
    assert scores(graded(attempt.data, MASKS, name=attempt.file_name)) == honest_scores(REFERENCE, MASKS)
    results = grade_submission(ASSIGNMENT, folder / name, server=fork_server, only=set(MASKS))
    assert results["score"] == results["extra_data"]["max_score"] == 5, outputs(results)
    for place in (Path.cwd(), folder, tmp_path, Path("/tmp")):
        assert not list(place.glob("pwned-*")), place
