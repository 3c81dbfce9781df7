"""A seccomp filter: the system calls student code has no business making.

The filter is an allow-by-default list of refusals, in the spirit of Docker's default profile but
narrower where a grading sandbox can afford it:

- **no new processes**: ``fork``, ``vfork`` and ``clone`` without ``CLONE_THREAD`` fail with
  EPERM; ``clone3`` fails with ENOSYS so that the C library falls back to ``clone`` for threads.
  Threads stay allowed (PyTorch and OpenMP need them). This bounds a fork bomb even as root,
  where ``RLIMIT_NPROC`` is ignored, and keeps a student from leaving a process behind.
  ``subprocess``, ``os.system`` and DataLoader workers therefore fail with ``PermissionError``.
- **no new programs**: ``execve`` and ``execveat``.
- **no new sockets**: ``socket`` (the child's one socket to the grader is made before the filter;
  ``socketpair`` stays allowed). No TCP, UDP, netlink or connections to a named UNIX socket
  such as ``/run/docker.sock``, with or without a network namespace.
- **no reaching other processes**: ``kill``, ``tgkill``, ``rt_sigqueueinfo``,
  ``rt_tgsigqueueinfo`` and ``pidfd_open`` only for the process itself; ``tkill``,
  ``pidfd_send_signal``, ``pidfd_getfd``, ``ptrace``, ``process_vm_readv``/``writev`` and
  ``kcmp`` never; ``fcntl`` and ``ioctl`` requests that make the kernel signal another process
  (``F_SETOWN``, ``F_SETOWN_EX``, ``F_SETSIG``, ``FIOSETOWN``, ``SIOCSPGRP``, ``TIOCSPGRP``)
  or type into a terminal (``TIOCSTI``, ``TIOCLINUX``); ``setpriority`` on anything but itself.
- **no changing the system or the sandbox**: mounts (old and new API), ``pivot_root``,
  ``chroot``, ``unshare``, ``setns``, ``open_by_handle_at``, BPF, perf events, userfaultfd,
  keyrings, kernel modules, kexec, reboot, swap, accounting, clocks, host names, I/O ports,
  io_uring (whose operations would bypass this filter).
- **no other system-call ABI**: a call through the i386 ABI (``int 0x80``) or the x32 ABI from
  the 64-bit process kills it; otherwise they would bypass every rule above.

``pid`` is the process's own pid as it sees it (1 or 2 inside a PID namespace).
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
from dataclasses import dataclass

from autograder.sandbox.libc import libc

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_RET_KILL_PROCESS = 0x80000000
_CLONE_THREAD = 0x00010000
_X32_SYSCALL_BIT = 0x40000000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

# fcntl and ioctl requests that signal another process or inject terminal input.
_F_SETOWN, _F_SETSIG, _F_SETOWN_EX = 8, 10, 15
_TIOCSPGRP, _TIOCSTI, _TIOCLINUX, _FIOSETOWN, _SIOCSPGRP = 0x5410, 0x5412, 0x541C, 0x8901, 0x8902


@dataclass(frozen=True)
class _Arch:
    audit: int
    numbers: dict[str, int]
    x32_bit: bool  # whether syscall numbers with the x32 bit reach this ABI


# System-call numbers per architecture (from the kernel's unistd tables). A name missing from an
# architecture's table does not exist there (aarch64 has no fork: it uses clone).
_COMMON_GENERIC = {
    "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "kill": 129, "tkill": 130, "tgkill": 131,
    "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "pidfd_open": 434, "pidfd_send_signal": 424,
    "pidfd_getfd": 438, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272,
    "socket": 198, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "name_to_handle_at": 264, "open_by_handle_at": 265, "bpf": 280,
    "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217, "request_key": 218,
    "kexec_load": 104, "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
    "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89, "quotactl": 60, "quotactl_fd": 443,
    "syslog": 116, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171, "sethostname": 161,
    "setdomainname": 162, "vhangup": 58, "lookup_dcookie": 18, "fcntl": 25, "ioctl": 29, "setpriority": 140,
    "ioprio_set": 30,
}
_X86_64 = {
    "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322, "kill": 62, "tkill": 200,
    "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297, "pidfd_open": 434, "pidfd_send_signal": 424,
    "pidfd_getfd": 438, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312,
    "socket": 41, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "name_to_handle_at": 303, "open_by_handle_at": 304, "bpf": 321,
    "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248, "request_key": 249,
    "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "quotactl": 179, "quotactl_fd": 443,
    "syslog": 103, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "sethostname": 170,
    "setdomainname": 171, "vhangup": 153, "lookup_dcookie": 212, "fcntl": 72, "ioctl": 16, "setpriority": 141,
    "ioprio_set": 251, "iopl": 172, "ioperm": 173, "modify_ldt": 154, "uselib": 134, "_sysctl": 156,
    "ustat": 136, "sysfs": 139, "nfsservctl": 180,
}
_ARCHES = {
    "x86_64": _Arch(0xC000003E, _X86_64, x32_bit=True),
    "aarch64": _Arch(0xC00000B7, _COMMON_GENERIC, x32_bit=False),
}

_DENIED = (
    "execve", "execveat", "tkill", "pidfd_send_signal", "pidfd_getfd", "ptrace", "process_vm_readv",
    "process_vm_writev", "kcmp", "socket", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "name_to_handle_at",
    "open_by_handle_at", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "quotactl", "quotactl_fd", "syslog", "io_uring_setup", "io_uring_enter", "io_uring_register", "settimeofday",
    "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "vhangup", "lookup_dcookie",
    "ioprio_set", "iopl", "ioperm", "modify_ldt", "uselib", "_sysctl", "ustat", "sysfs", "nfsservctl",
    "fork", "vfork",
)
_ONLY_SELF = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")  # first argument: a pid

SUMMARY = ("no new processes, programs or sockets; no signals, ptrace or memory access to other processes; "
           "no mounts, namespaces or kernel administration; other system-call ABIs kill the process")


class SeccompUnavailable(OSError):
    pass


def _instruction(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _arg_low(index: int) -> int:
    """Offset of the low 32 bits of argument ``index`` in ``struct seccomp_data`` (little-endian)."""
    return 16 + 8 * index


def _deny(code: int = errno.EPERM) -> list[bytes]:
    return [_instruction(_RET_K, 0, 0, _RET_ERRNO | code)]


def _allow_if_all(conditions: list[tuple[int, int]]) -> list[bytes]:
    """Allow when every ``(argument, value)`` matches (low 32 bits, as the kernel reads an int); else EPERM."""
    body = []
    for i, (arg, value) in enumerate(conditions):
        remaining = len(conditions) - 1 - i
        body.append(_instruction(_LD_W_ABS, 0, 0, _arg_low(arg)))
        body.append(_instruction(_JEQ_K, 0, 2 * remaining + 1, value))  # mismatch: jump to the refusal
    return body + [_instruction(_RET_K, 0, 0, _RET_ALLOW)] + _deny()


def _deny_if_any(arg: int, values: tuple[int, ...]) -> list[bytes]:
    """EPERM when argument ``arg`` equals one of ``values``; else allow."""
    body = [_instruction(_LD_W_ABS, 0, 0, _arg_low(arg))]
    for i, value in enumerate(values):
        body.append(_instruction(_JEQ_K, len(values) - i, 0, value))  # match: jump past the allow
    return body + [_instruction(_RET_K, 0, 0, _RET_ALLOW)] + _deny()


def _threads_only() -> list[bytes]:
    return [_instruction(_LD_W_ABS, 0, 0, _arg_low(0)),                  # clone's flags
            _instruction(_JSET_K, 0, 1, _CLONE_THREAD),
            _instruction(_RET_K, 0, 0, _RET_ALLOW)] + _deny()


def rules(numbers: dict[str, int], pid: int) -> list[tuple[int, list[bytes]]]:
    """``(syscall number, body)`` pairs; every body ends in a return."""
    out = [(numbers[name], _deny()) for name in _DENIED if name in numbers]
    out.append((numbers["clone"], _threads_only()))
    out.append((numbers["clone3"], _deny(errno.ENOSYS)))
    out += [(numbers[name], _allow_if_all([(0, pid)])) for name in _ONLY_SELF]
    out.append((numbers["setpriority"], _allow_if_all([(0, 0), (1, 0)])))  # PRIO_PROCESS, who = 0 (itself)
    out.append((numbers["fcntl"], _deny_if_any(1, (_F_SETOWN, _F_SETSIG, _F_SETOWN_EX))))
    out.append((numbers["ioctl"], _deny_if_any(1, (_TIOCSPGRP, _TIOCSTI, _TIOCLINUX, _FIOSETOWN, _SIOCSPGRP))))
    return out


def program(arch: _Arch, pid: int) -> list[bytes]:
    """The BPF program for ``arch``, for a process whose own pid is ``pid``."""
    prog = [_instruction(_LD_W_ABS, 0, 0, 4),                              # A = arch
            _instruction(_JEQ_K, 1, 0, arch.audit),
            _instruction(_RET_K, 0, 0, _RET_KILL_PROCESS),                 # another ABI (i386 int 0x80)
            _instruction(_LD_W_ABS, 0, 0, 0)]                              # A = syscall number
    if arch.x32_bit:
        prog += [_instruction(_JGE_K, 0, 1, _X32_SYSCALL_BIT),
                 _instruction(_RET_K, 0, 0, _RET_KILL_PROCESS)]            # the x32 ABI
    for number, body in rules(arch.numbers, pid):
        if len(body) > 255:
            raise ValueError("a seccomp rule body is too long for a BPF jump")
        prog.append(_instruction(_JEQ_K, 0, len(body), number))
        prog += body
    prog.append(_instruction(_RET_K, 0, 0, _RET_ALLOW))
    return prog


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def available() -> str | None:
    """None when a filter can be built for this machine, else the reason."""
    if platform.system() != "Linux":
        return f"seccomp is Linux-only (this is {platform.system()})"
    if platform.machine() not in _ARCHES:
        return f"no seccomp filter for {platform.machine()}"
    return None


def restrict(pid: int) -> str:
    """Install the filter in the calling process (inherited by its threads); return a report line.

    Raises:
        SeccompUnavailable: on another OS or architecture, or when the kernel refuses the filter.
    """
    reason = available()
    if reason is not None:
        raise SeccompUnavailable(reason)
    code = b"".join(program(_ARCHES[platform.machine()], pid))
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(NO_NEW_PRIVS): {errno.errorcode.get(ctypes.get_errno())}")
    if libc().prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(SECCOMP): {errno.errorcode.get(ctypes.get_errno())}")
    return SUMMARY
