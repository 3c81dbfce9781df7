"""The checksummed cache: builds once, verifies on load, rebuilds what is corrupt."""

from __future__ import annotations

import numpy as np
import pytest

from coursedata import cache


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEDATA_CACHE", str(tmp_path))
    return tmp_path


class CountingBuilder:
    """A build function that remembers how often it ran."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"images": np.arange(1000, dtype=np.uint8).reshape(10, 100), "labels": np.arange(10)}


def test_folder_follows_the_environment_variable(cache_folder):
    """Does COURSEDATA_CACHE choose the folder, read at call time?"""
    assert cache.cache_dir() == cache_folder


def test_default_folder_is_next_to_the_package(monkeypatch):
    """Without the variable, is the cache <datasets>/.cache (the git-ignored folder)?"""
    monkeypatch.delenv("COURSEDATA_CACHE", raising=False)
    assert cache.cache_dir().name == ".cache"
    assert (cache.cache_dir().parent / "coursedata" / "cache.py").is_file()


def test_second_load_reads_the_file_instead_of_building(cache_folder):
    """Is the build run once, and the second call served, identical, from the verified file?"""
    build = CountingBuilder()
    first = cache.cached_arrays("demo", build)
    second = cache.cached_arrays("demo", build)
    assert build.calls == 1 and (cache_folder / "demo.npz").is_file()
    assert all(np.array_equal(first[k], second[k]) and first[k].dtype == second[k].dtype for k in first)


def test_the_file_stores_the_sha256_of_its_arrays(cache_folder):
    """Does the file carry a sha256 digest equal to the digest of its arrays?"""
    arrays = cache.cached_arrays("demo", CountingBuilder())
    with np.load(cache_folder / "demo.npz") as stored:
        digest = str(stored[cache.DIGEST_KEY])
    assert len(digest) == 64 and digest == cache.digest(arrays)


def test_scrambled_file_is_rebuilt(cache_folder):
    """Is a file with overwritten bytes detected and rebuilt, never returned?"""
    build = CountingBuilder()
    expected = cache.cached_arrays("demo", build)
    path = cache_folder / "demo.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match="sha256"):
        again = cache.cached_arrays("demo", build)
    assert build.calls == 2 and np.array_equal(again["images"], expected["images"])
    assert cache.cached_arrays("demo", build) and build.calls == 2  # the rebuilt file is good again


def test_consistently_tampered_file_fails_its_checksum(cache_folder):
    """Is a well-formed .npz whose arrays no longer match the stored digest rebuilt?"""
    build = CountingBuilder()
    arrays = cache.cached_arrays("demo", build)
    path = cache_folder / "demo.npz"
    with np.load(path) as stored:
        digest = stored[cache.DIGEST_KEY]
    tampered = dict(arrays, labels=arrays["labels"][::-1].copy())
    np.savez(path, **tampered, **{cache.DIGEST_KEY: digest})
    with pytest.warns(UserWarning, match="sha256"):
        again = cache.cached_arrays("demo", build)
    assert build.calls == 2 and np.array_equal(again["labels"], np.arange(10))


def test_truncated_file_is_rebuilt(cache_folder):
    """Is a half-written file (a crash mid-write elsewhere) rebuilt?"""
    build = CountingBuilder()
    cache.cached_arrays("demo", build)
    path = cache_folder / "demo.npz"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(UserWarning):
        cache.cached_arrays("demo", build)
    assert build.calls == 2


def test_unwritable_cache_location_still_returns_the_data(tmp_path, monkeypatch):
    """When the cache path is blocked (a file where the folder should be), does the loader still work?"""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("COURSEDATA_CACHE", str(blocker / "cache"))
    with pytest.warns(UserWarning, match="could not write"):
        arrays = cache.cached_arrays("demo", CountingBuilder())
    assert arrays["labels"].tolist() == list(range(10))


def test_no_temporary_files_are_left_behind(cache_folder):
    """After building, does the folder hold only the final file (the write was atomic)?"""
    cache.cached_arrays("demo", CountingBuilder())
    assert sorted(p.name for p in cache_folder.iterdir()) == ["demo.npz"]


def test_loaders_use_the_cache(cache_folder):
    """Does a real loader (digits) write its checksummed file into the cache folder?"""
    import coursedata

    coursedata.digits()
    assert any(p.name.startswith("digits-") and p.suffix == ".npz" for p in cache_folder.iterdir())
