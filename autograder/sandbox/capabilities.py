"""Dropping every Linux capability of the calling process, for good.

A process forked from a grader running as root is root with every capability: it could unmount
the empty folders that hide the reference, open files by handle past a mount namespace
(``CAP_DAC_READ_SEARCH``), read raw devices and other processes' memory, or signal any process.
After :func:`drop_all` it keeps uid 0 (and so the file permissions of root's own files, which is
why a separate uid is better when it can be had) but none of the privileges: the bounding set is
emptied first, so that not even ``execve`` of a set-uid program could give them back.
"""

from __future__ import annotations

import ctypes
import os

from autograder.sandbox.libc import libc as _libc

_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_CAP_LAST_CAP_FILE = "/proc/sys/kernel/cap_last_cap"


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _last_cap() -> int:
    try:
        with open(_CAP_LAST_CAP_FILE) as handle:
            return int(handle.read())
    except (OSError, ValueError):
        return 63


def effective() -> int:
    """The effective capability set of the calling process, as a bit mask (0 where unknown)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16)
    except (OSError, ValueError):
        pass
    return 0


CAP_SYS_ADMIN = 21
CAP_SETUID = 7
CAP_SETGID = 6
CAP_SETPCAP = 8


def has(capability: int) -> bool:
    return bool(effective() >> capability & 1)


def drop_all() -> str:
    """Empty the bounding, ambient, inheritable, permitted and effective sets; return a report line.

    Raises:
        OSError: when the kernel refuses (the caller reports the layer as not in force).
    """
    libc = _libc()
    if effective() and has(CAP_SETPCAP):
        for cap in range(_last_cap() + 1):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() != 22:  # EINVAL: no such cap
                raise OSError(ctypes.get_errno(), f"prctl(PR_CAPBSET_DROP, {cap}) failed")
    libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # fails harmlessly before Linux 4.3
    header = _Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_Data * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    left = effective()
    if left:
        raise OSError(0, f"capabilities {left:#x} remain after dropping them")
    return "all dropped (bounding set emptied)" if os.geteuid() == 0 else "none held (all dropped)"
