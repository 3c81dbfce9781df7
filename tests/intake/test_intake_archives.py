"""Reading hostile zips safely (autograder.intake.archives), entry by entry."""

import stat
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from intake_builders import SCRIPT, RawEntry, deflated_zeros, make_zip, raw_zip

from autograder.intake import archives
from autograder.intake.archives import ArchiveError, EntryError, open_archive


def listing(path):
    """(readable names, {refused origin: reason}) of the archive at path."""
    with open_archive(path, "a.zip") as archive:
        return [e.name for e in archive.entries], {u.origin: u.reason for u in archive.refused}


@pytest.mark.parametrize("name,reason", [
    ("../../etc/passwd", "climbs out"), ("a/../../x.py", "climbs out"), ("..\\..\\x.py", "climbs out"),
    ("/etc/passwd", "absolute"), ("\\\\server\\share\\x.py", "absolute"), ("C:\\Windows\\x.py", "absolute"),
    ("c:/x.py", "absolute"),
])
def test_escaping_names_are_refused(tmp_path, name, reason):
    """Are traversal, absolute, UNC and drive-letter names refused while a good entry is kept?"""
    path = make_zip(tmp_path / "a.zip", {name: SCRIPT, "ok/attention.py": SCRIPT})
    names, refused = listing(path)
    assert names == ["ok/attention.py"]
    assert reason in refused[f"a.zip::{name}"]


def test_backslash_separated_names_that_stay_inside_are_kept(tmp_path):
    """Is a Windows-style 'folder\\file.py' read as a path inside the archive?"""
    names, refused = listing(make_zip(tmp_path / "a.zip", {"folder\\attention.py": SCRIPT}))
    assert names == ["folder/attention.py"] and not refused


def test_symlink_entries_are_refused(tmp_path):
    """Is an entry whose Unix mode says 'symbolic link' refused, not read as its target path?"""
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo("attention.py")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/home/instructor/.ssh/id_rsa")
        archive.writestr("other.py", SCRIPT)
    names, refused = listing(path)
    assert names == ["other.py"] and "symbolic link" in refused["a.zip::attention.py"]


def test_nested_archives_are_not_opened(tmp_path):
    """Is a zip inside the zip refused as a nested archive?"""
    names, refused = listing(make_zip(tmp_path / "a.zip", {"inner.zip": b"PK\x05\x06" + bytes(18), "x.py": SCRIPT}))
    assert names == ["x.py"] and refused["a.zip::inner.zip"].startswith("nested archive")


def test_junk_and_folders_are_skipped_silently(tmp_path):
    """Are __MACOSX, hidden files and folder entries skipped without a record?"""
    path = make_zip(tmp_path / "a.zip", {"__MACOSX/._x.py": b"", ".DS_Store": b"", "dir/": b"", "dir/x.py": SCRIPT})
    assert listing(path) == (["dir/x.py"], {})


def test_declared_size_over_the_cap_is_refused_unread(tmp_path):
    """Is an entry declaring 1 GiB refused from its header, without decompressing anything?"""
    bomb = deflated_zeros(1024)
    path = raw_zip(tmp_path / "a.zip", [RawEntry(b"bomb.py", bomb, size=2**30, crc=0, method=8)])
    names, refused = listing(path)
    assert names == [] and "1024.0 MiB" in refused["a.zip::bomb.py"]


def test_high_compression_ratio_is_refused_as_a_bomb(tmp_path):
    """Is an honest 8 MiB entry of zeros (ratio near 1000:1) refused as a zip bomb?"""
    data = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = data.compress(bytes(8 * 2**20)) + data.flush()
    path = raw_zip(tmp_path / "a.zip", [RawEntry(b"bomb.py", stream, size=8 * 2**20,
                                                 crc=zlib.crc32(bytes(8 * 2**20)), method=8)])
    _, refused = listing(path)
    assert "zip bomb" in refused["a.zip::bomb.py"] and "200:1" in refused["a.zip::bomb.py"]


def test_a_bomb_whose_header_lies_small_is_refused_while_reading_in_little_memory(tmp_path):
    """Is 1 GiB of zeros declared as 1000 bytes caught by the running cap, with memory staying small?"""
    bomb = deflated_zeros(1024)
    path = raw_zip(tmp_path / "a.zip", [RawEntry(b"bomb.py", bomb, size=1000, crc=zlib.crc32(bytes(1000)), method=8)])
    with open_archive(path, "a.zip") as archive:
        (entry,) = archive.entries
        tracemalloc.start()
        with pytest.raises(EntryError, match="more than the 1000 bytes its header declares"):
            archive.read(entry)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 16 * 2**20


def test_crc_mismatch_is_a_corrupt_entry(tmp_path):
    """Is an entry whose data does not match its CRC refused as corrupt?"""
    path = raw_zip(tmp_path / "a.zip", [RawEntry(b"x.py", SCRIPT, crc=12345)])
    with open_archive(path, "a.zip") as archive, pytest.raises(EntryError, match="corrupt"):
        archive.read(archive.entries[0])


def test_archive_budget_stops_reading_once_spent(tmp_path, monkeypatch):
    """Once an archive has delivered its total cap, is the next entry refused with the reason?"""
    monkeypatch.setattr(archives, "MAX_ARCHIVE_BYTES", len(SCRIPT) + 10)
    path = make_zip(tmp_path / "a.zip", {"a.py": SCRIPT, "b.py": SCRIPT})
    with open_archive(path, "a.zip") as archive:
        assert archive.read(archive.entries[0]) == SCRIPT
        with pytest.raises(EntryError, match="most one archive may deliver"):
            archive.read(archive.entries[1])


def test_too_many_entries_refuse_the_archive(tmp_path):
    """Is an archive of 10,001 entries refused as a whole, before its directory is parsed?"""
    entries = [RawEntry(f"f{i}.txt".encode(), b"") for i in range(archives.MAX_ENTRIES + 1)]
    path = raw_zip(tmp_path / "a.zip", entries)
    with pytest.raises(ArchiveError, match="10001 entries"):
        open_archive(path, "a.zip")


def test_entry_count_that_lies_small_is_checked_again_after_parsing(tmp_path, monkeypatch):
    """If the end record understates the count, is the real count still enforced?"""
    monkeypatch.setattr(archives, "MAX_ENTRIES", 3)
    path = raw_zip(tmp_path / "a.zip", [RawEntry(f"f{i}.txt".encode(), b"") for i in range(5)])
    data = bytearray(path.read_bytes())
    struct.pack_into("<HH", data, len(data) - 22 + 8, 1, 1)
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="5 entries"):
        open_archive(path, "a.zip")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + bytes(100)])
def test_corrupt_files_refuse_the_archive(tmp_path, content):
    """Is a file that is not a readable zip one clear error, not a crash?"""
    path = tmp_path / "a.zip"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match="not a readable zip"):
        open_archive(path, "a.zip")


def test_names_without_the_utf8_flag_are_decoded_as_utf8_or_gbk(tmp_path):
    """Are flag-less names in GBK (Chinese Windows) and UTF-8 (rubyzip) both read as Chinese?"""
    path = raw_zip(tmp_path / "a.zip", [RawEntry("作业一.py".encode("gbk"), SCRIPT),
                                        RawEntry("作业二.py".encode("utf-8"), SCRIPT),
                                        RawEntry("作业三.py".encode("utf-8"), SCRIPT, flags=0x800)])
    assert listing(path) == (["作业一.py", "作业二.py", "作业三.py"], {})


def test_encrypted_entries_are_refused(tmp_path):
    """Is a password-protected entry refused with the reason?"""
    _, refused = listing(raw_zip(tmp_path / "a.zip", [RawEntry(b"x.py", SCRIPT, flags=0x1)]))
    assert "encrypted" in refused["a.zip::x.py"]


def test_extended_utc_timestamp_is_read(tmp_path):
    """Is the Info-ZIP UTC timestamp of an entry picked up?"""
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("x.py", (2026, 1, 1, 0, 0, 0))
        info.extra = struct.pack("<HHBi", 0x5455, 5, 1, 1_800_000_000)
        archive.writestr(info, SCRIPT)
    with open_archive(path, "a.zip") as archive:
        assert archive.entries[0].utc_seconds == 1_800_000_000
