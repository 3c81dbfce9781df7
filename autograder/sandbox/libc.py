"""The C library, for the system calls Python does not wrap (namespaces, Landlock, seccomp, prctl).

Loaded once and kept: ``ctypes.util.find_library`` starts ``ldconfig`` (a new process) on every
call, which cost a forked child tens of milliseconds per layer, and under seccomp a child may not
start a process at all. The fork server loads it before forking, so children inherit the handle.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
