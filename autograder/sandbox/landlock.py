"""Landlock, through its three system calls: an allow-list of what a process may touch.

Landlock (Linux 5.13+) lets an unprivileged process give up access to everything outside a list
of folders, to TCP ports (ABI 4+), and to signalling processes outside its own domain (ABI 6+).
Once applied it cannot be undone by the process or its children. Access is checked on the real
file, so a path through ``/proc/<pid>/cwd``, a symlink or ``..`` does not get around it.
"""

from __future__ import annotations

import ctypes
import os
import platform

from autograder.sandbox.libc import libc as _libc

# The syscall numbers are the same on every architecture (they were added after the tables
# were unified), but we only claim the ones we have seen work.
_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}

_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_RULE_NET_PORT = 2
_PR_SET_NO_NEW_PRIVS = 38

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13      # ABI 2
TRUNCATE = 1 << 14   # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5

NET_BIND_TCP = 1 << 0     # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4

SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1                # ABI 6

READ = EXECUTE | READ_FILE | READ_DIR
_WRITE = (WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_SYM | MAKE_SOCK
          | MAKE_FIFO | REFER | TRUNCATE)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockUnavailable(OSError):
    """The kernel or architecture offers no Landlock."""


def abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 when Landlock is unavailable."""
    numbers = _SYSCALLS.get(platform.machine())
    if numbers is None:
        return 0
    version = _libc().syscall(numbers[0], None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(version), 0)


def _fs_access(abi: int) -> int:
    handled = READ | _WRITE | MAKE_CHAR | MAKE_BLOCK
    if abi < 2:
        handled &= ~REFER
    if abi < 3:
        handled &= ~TRUNCATE
    if abi >= 5:
        handled |= IOCTL_DEV
    return handled


def restrict(read_paths: list[str], write_paths: list[str], *, device_paths: list[str] = ()) -> dict:
    """Allow reading ``read_paths``, reading and writing ``write_paths``, nothing else.

    Also denies TCP bind and connect (ABI 4+) and signals or abstract sockets reaching outside
    the sandbox (ABI 6+). Paths that do not exist are skipped.

    Returns:
        A report: the ABI version and which of the rules are in force.

    Raises:
        LandlockUnavailable: when the kernel offers no Landlock.
    """
    abi = abi_version()
    if abi < 1:
        raise LandlockUnavailable("Landlock is not available on this kernel")
    create, add_rule, restrict_self = _SYSCALLS[platform.machine()]
    libc = _libc()
    handled = _fs_access(abi)
    attr = _RulesetAttr(handled, (NET_BIND_TCP | NET_CONNECT_TCP) if abi >= 4 else 0,
                        (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        rules = [(p, READ) for p in read_paths] + [(p, handled & ~(MAKE_CHAR | MAKE_BLOCK)) for p in write_paths]
        rules += [(p, READ | WRITE_FILE | (IOCTL_DEV if abi >= 5 else 0) | (TRUNCATE if abi >= 3 else 0))
                  for p in device_paths]
        allowed = []
        for path, access in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                if not os.path.isdir(path):
                    access &= WRITE_FILE | READ_FILE | EXECUTE | TRUNCATE | IOCTL_DEV
                rule = _PathBeneathAttr(access & handled, fd)
                if libc.syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                                ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                    raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
                allowed.append(path)
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if libc.syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)
    return {
        "abi": abi,
        "filesystem": "allow-list",
        "tcp": "denied" if abi >= 4 else "not handled (ABI < 4)",
        "signals_outside": "denied" if abi >= 6 else "not handled (ABI < 6)",
        "allowed_paths": len(allowed),
    }
