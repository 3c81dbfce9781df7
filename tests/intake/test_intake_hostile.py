"""Hostile archives: each is refused with a reason, nothing touches the disk, and the other students come through."""

import stat
import zipfile
import zlib

import pytest
from intake_builders import ALICE, BOB, MARIA, SCRIPT, ZHANG, RawEntry, deflated_zeros, make_zip, put, raw_zip

A = "ch01_attention"
OTHERS = {"smithalice_10002_501_attention.py": SCRIPT, "leebob_10003_502_attention.py": SCRIPT,
          "garciamaria_10004_503_attention.py": SCRIPT}


def canvas_zip_with(path, hostile: list[RawEntry]):
    """A Canvas download: the three other students' good files, then the hostile entries."""
    good = [RawEntry(name.encode(), data, flags=0x800) for name, data in OTHERS.items()]
    return raw_zip(path, good + hostile)


def tree(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


BOMB = deflated_zeros(1024)
HOSTILE = {
    "traversal": ([RawEntry(b"../../zhangwei_10001_1_attention.py", SCRIPT)], "climbs out"),
    "backslash traversal": ([RawEntry(b"..\\..\\zhangwei_10001_1_attention.py", SCRIPT)], "climbs out"),
    "absolute path": ([RawEntry(b"/tmp/zhangwei_10001_1_attention.py", SCRIPT)], "absolute"),
    "symlink": ([RawEntry(b"zhangwei_10001_1_attention.py", b"/etc/passwd",
                          external_attr=(stat.S_IFLNK | 0o777) << 16)], "symbolic link"),
    "bomb declared huge": ([RawEntry(b"zhangwei_10001_1_attention.py", BOMB, size=2**30, crc=0, method=8)],
                           "1024.0 MiB"),
    "bomb declared small": ([RawEntry(b"zhangwei_10001_1_attention.py", BOMB, size=1000,
                                      crc=zlib.crc32(bytes(1000)), method=8)], "zip bomb"),
    "nested zip": ([RawEntry(b"zhangwei_10001_1_attention.zip", b"PK\x05\x06" + bytes(18))], "nested archive"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_entry_is_refused_and_the_others_come_through(case, run, submissions, tmp_path):
    """Is the hostile entry listed with its reason, is nothing written, and are the other three graded?"""
    entries, reason = HOSTILE[case]
    canvas_zip_with(submissions / A / "canvas.zip", entries)
    before = tree(tmp_path)
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ALICE, BOB, MARIA]
    assert len(intake.unplaced) == 1 and reason in intake.unplaced[0].reason
    assert tree(tmp_path) == before


@pytest.mark.parametrize("content", [b"PK\x03\x04 truncated garbage", b"\x00" * 64])
def test_a_corrupt_zip_is_one_record_and_the_others_come_through(content, run, submissions):
    """Is a corrupt zip one Unplaced record for the archive, with another download and a folder still read?"""
    put(submissions / A / "broken.zip", content)
    make_zip(submissions / A / "good.zip", OTHERS)
    put(submissions / A / ZHANG / "attention.py")
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ZHANG, ALICE, BOB, MARIA]
    (unplaced,) = intake.unplaced
    assert unplaced.origin == f"{A}/broken.zip" and "not a readable zip" in unplaced.reason


def test_too_many_entries_is_one_record_and_the_others_come_through(run, submissions):
    """Is a zip of 10,001 entries refused as a whole while another download is still read?"""
    raw_zip(submissions / A / "flood.zip", [RawEntry(f"x_1_{i}_f.py".encode(), b"") for i in range(10_001)])
    make_zip(submissions / A / "good.zip", OTHERS)
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ALICE, BOB, MARIA]
    (unplaced,) = intake.unplaced
    assert unplaced.origin == f"{A}/flood.zip" and "at most 10000" in unplaced.reason


def test_a_gbk_entry_name_is_decoded_and_placed(run, submissions):
    """Is a flag-less GBK entry name decoded, so 张伟's renamed file is graded beside the others?"""
    canvas_zip_with(submissions / A / "canvas.zip", [RawEntry("张伟_10001_1_作业1.py".encode("gbk"), SCRIPT)])
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ZHANG, ALICE, BOB, MARIA]
    zhang = next(a for a in intake.attempts if a.student_id == ZHANG)
    assert zhang.origin == f"{A}/canvas.zip::张伟_10001_1_作业1.py" and intake.unplaced == []


def test_shell_metacharacters_and_escapes_in_an_entry_name_are_only_data(run, submissions, tmp_path):
    """Is a name full of shell syntax and terminal escapes graded as attention.py, printed escaped, and inert?"""
    name = "zhangwei_10001_1_$(touch pwned); `touch pwned2` | rm -rf ~ & \x1b[2J.py"
    canvas_zip_with(submissions / A / "canvas.zip", [RawEntry(name.encode(), SCRIPT, flags=0x800)])
    before = tree(tmp_path)
    intake = run()
    zhang = next(a for a in intake.attempts if a.student_id == ZHANG)
    assert zhang.file_name == "attention.py" and zhang.data == SCRIPT
    assert "\x1b" not in zhang.origin and "\\x1b[2J.py" in zhang.origin
    assert len(intake.attempts) == 4 and tree(tmp_path) == before


def test_an_unsupported_or_encrypted_entry_leaves_the_others(run, submissions):
    """Are an encrypted entry and a Deflate64 entry refused while the others are graded?"""
    canvas_zip_with(submissions / A / "canvas.zip", [RawEntry(b"zhangwei_10001_1_attention.py", SCRIPT, flags=0x1),
                                                     RawEntry(b"zhangwei_10001_2_attention.py", SCRIPT, method=9)])
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ALICE, BOB, MARIA]
    assert sorted(u.reason.split(":")[0] for u in intake.unplaced) == ["refused", "refused"]
    assert {("encrypted" in u.reason) or ("method 9" in u.reason) for u in intake.unplaced} == {True}


def test_symlink_made_by_zipfile_with_unix_host_is_refused(run, submissions):
    """Is a symlink entry written the usual way (create_system 3) refused too?"""
    path = submissions / A / "canvas.zip"
    make_zip(path, OTHERS)
    with zipfile.ZipFile(path, "a") as archive:
        link = zipfile.ZipInfo("zhangwei_10001_1_attention.py")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "../../../../home/instructor/.ssh/id_rsa")
    intake = run()
    assert sorted(a.student_id for a in intake.attempts) == [ALICE, BOB, MARIA]
    assert "symbolic link" in intake.unplaced[0].reason
