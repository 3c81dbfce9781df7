"""The student process's environment: small, predictable, and without the grader's.

A forked process inherits two copies of the environment: ``os.environ`` (replaced here) and the
block of memory the kernel filled when the fork server was started, which ``/proc/self/environ``
shows whatever ``os.environ`` says. That block holds the instructor's whole shell environment
(paths, and perhaps an LMS token), so it is overwritten too, with a marker that tells a process
descended from a sandbox apart (tests use it to prove that nothing outlives a grading).
"""

from __future__ import annotations

import ctypes
import os
import tempfile

MARKER = "AUTOGRADER_SANDBOX"
_KEPT = ("PATH", "LANG", "LC_ALL", "TZ")


def set_child_environment(workdir: str, marker: str) -> None:
    """Replace ``os.environ``: a few locale settings, the working folder as home and temp."""
    keep = {k: os.environ[k] for k in _KEPT if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    os.environ.update({"HOME": workdir, "TMPDIR": workdir, "MPLCONFIGDIR": workdir, "MPLBACKEND": "Agg",
                       "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", MARKER: marker})
    tempfile.tempdir = workdir


def scrub_inherited_block(marker: str) -> str:
    """Overwrite the environment block the kernel shows in ``/proc/self/environ``.

    Call after :func:`set_child_environment`, which leaves the C library no pointer into the
    block. Returns a report line; never raises (there is no such block outside Linux).
    """
    try:
        with open("/proc/self/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        # Fields counted from 1 in proc(5): env_start is 50, env_end 51; after the ")" the list
        # starts at field 3.
        start, end = int(fields[50 - 3]), int(fields[51 - 3])
    except (OSError, ValueError, IndexError):
        return "inherited environment block not found (not Linux?)"
    if not 0 < start < end or end - start > 2**24:
        return "inherited environment block not found"
    text = f"{MARKER}={marker}".encode()[: end - start - 1]
    ctypes.memset(start, 0, end - start)
    ctypes.memmove(start, text, len(text))
    return "replaced; the grader's environment is not visible (only PATH, LANG, LC_ALL, TZ are kept)"
