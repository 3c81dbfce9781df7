"""A seccomp filter that stops the student's process from creating processes.

Threads stay allowed (PyTorch and OpenMP need them): ``clone`` with ``CLONE_THREAD`` passes;
``fork``, ``vfork`` and ``clone`` without it fail with EPERM, and ``clone3`` fails with ENOSYS so
that the C library falls back to ``clone`` for threads. This is what bounds a fork bomb when the
grader runs as root, where ``RLIMIT_NPROC`` is ignored, and what keeps a student from leaving a
background process behind. ``subprocess``, ``os.system`` and DataLoader workers therefore fail
inside the sandbox, with ``PermissionError``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import platform
import struct

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_CLONE_THREAD = 0x00010000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JSET_K = 0x45
_RET_K = 0x06

# (audit arch, clone, clone3, process-creating syscalls that never make threads)
_ARCHES = {
    "x86_64": (0xC000003E, 56, 435, (57, 58)),   # fork, vfork
    "aarch64": (0xC00000B7, 220, 435, ()),
}


class SeccompUnavailable(OSError):
    pass


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(arch: int, clone: int, clone3: int, forks: tuple[int, ...]) -> list[bytes]:
    deny = _RET_ERRNO | errno.EPERM
    program = [_instruction(_LD_W_ABS, 0, 0, 4)]                       # A = arch
    program.append(_instruction(_JEQ_K, 1, 0, arch))                   # our arch? skip the next
    program.append(_instruction(_RET_K, 0, 0, _RET_ALLOW))             # another ABI: leave it be
    program.append(_instruction(_LD_W_ABS, 0, 0, 0))                   # A = syscall number
    for number in forks:
        program.append(_instruction(_JEQ_K, 0, 1, number))
        program.append(_instruction(_RET_K, 0, 0, deny))
    program.append(_instruction(_JEQ_K, 0, 1, clone3))
    program.append(_instruction(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS))
    program.append(_instruction(_JEQ_K, 1, 0, clone))                  # clone: check its flags
    program.append(_instruction(_RET_K, 0, 0, _RET_ALLOW))             # anything else: allowed
    program.append(_instruction(_LD_W_ABS, 0, 0, 16))                  # A = low 32 bits of flags
    program.append(_instruction(_JSET_K, 0, 1, _CLONE_THREAD))
    program.append(_instruction(_RET_K, 0, 0, _RET_ALLOW))             # a thread
    program.append(_instruction(_RET_K, 0, 0, deny))                   # a process
    return program


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_new_processes() -> str:
    """Install the filter in the calling process (inherited by its threads); return a report line."""
    spec = _ARCHES.get(platform.machine())
    if spec is None:
        raise SeccompUnavailable(f"no seccomp filter for {platform.machine()}")
    program = b"".join(_program(*spec))
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(NO_NEW_PRIVS): {errno.errorcode.get(ctypes.get_errno())}")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(SECCOMP): {errno.errorcode.get(ctypes.get_errno())}")
    return "no new processes (fork, vfork, clone without CLONE_THREAD denied)"
