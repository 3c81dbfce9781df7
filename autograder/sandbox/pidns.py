"""A PID namespace per student process, made by the fork server, with a keeper as its init.

``unshare(CLONE_NEWPID)`` puts the *next* child of the caller into a new PID namespace, so the
fork server unshares right before it forks and returns to its own namespace right after (with
``setns``), leaving its later children unaffected. The child it forks is PID 1 of the new
namespace, the **keeper**: it forks the student process, waits for it, reports how it
ended, and exits. Why a keeper rather than the student as PID 1: PID 1 ignores every signal it
sends itself, so ``os.kill(os.getpid(), SIGSEGV)`` would not end it, and a crash would read
differently from one outside a namespace. ``keep`` takes no argument the student could reach:
the keeper closes every descriptor but its status pipe.

What the namespace gives: the student sees only its keeper and itself (``/proc`` is mounted
fresh by :mod:`namespaces`), ``os.getppid()`` is 1, no other process can be named in ``kill``,
and when the keeper dies (killed by the fork server at a timeout, or because the fork server
itself died: the keeper asks for ``SIGKILL`` when its parent dies) the kernel kills everything
left in the namespace.

Needs ``CAP_SYS_ADMIN`` in the fork server (root, outside a restricted container).
"""

from __future__ import annotations

import os
import platform
import signal
import struct

from autograder.sandbox import environment, namespaces
from autograder.sandbox.libc import libc

_PR_SET_PDEATHSIG = 1
_STATUS = struct.Struct("!ii")  # exit code, signal (-1 where not applicable)


class PidNamespaces:
    """The fork server's handle on its own PID namespace, to come back to after each fork."""

    def __init__(self):
        self.problem: str | None = None
        self._own: int | None = None
        try:
            self._own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
            namespaces.unshare(namespaces.CLONE_NEWPID)
            namespaces.setns(self._own, namespaces.CLONE_NEWPID)
        except OSError as exc:
            self.problem = f"{exc.strerror or exc} (needs CAP_SYS_ADMIN in the fork server, i.e. root)"
            if self._own is not None:
                os.close(self._own)
                self._own = None

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def own_fd(self) -> int | None:
        """The descriptor the child must close (it must not keep a way back)."""
        return self._own

    def fork(self) -> tuple[int, bool]:
        """``os.fork()``, the child in a new PID namespace when available: ``(pid, in_new_namespace)``."""
        if not self.available:
            return os.fork(), False
        namespaces.unshare(namespaces.CLONE_NEWPID)
        pid = -1
        try:
            pid = os.fork()
        finally:
            if pid != 0:  # the fork server (or a failed fork) goes back; the child must not
                namespaces.setns(self._own, namespaces.CLONE_NEWPID)
        return pid, True

    def close(self) -> None:
        if self._own is not None:
            os.close(self._own)
            self._own = None


def die_with_parent() -> bool:
    """Ask the kernel to SIGKILL this process when the thread that forked it exits (Linux only)."""
    if platform.system() != "Linux":
        return False
    return libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0


def keep(status_fd: int, marker: str) -> None:
    """In PID 1 of a new namespace: fork the student process and return in it; in PID 1, wait
    for it, write how it ended to ``status_fd`` and exit. Never returns in PID 1."""
    die_with_parent()
    os.setsid()  # the keeper leads the group the fork server kills
    student = os.fork()
    if student == 0:
        return
    environment.scrub_inherited_block(marker)  # /proc/1/environ shows nothing of the grader's either
    for fd in _open_fds():
        if fd != status_fd:
            try:
                os.close(fd)
            except OSError:
                pass
    code, sig = -1, -1
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid == student:
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1
            break
    try:
        os.write(status_fd, _STATUS.pack(code, sig))
    finally:
        os._exit(0)


def read_status(status_fd: int) -> dict | None:
    """How the student process ended, as its keeper reported it (None when it did not)."""
    try:
        data = os.read(status_fd, _STATUS.size)
    except (BlockingIOError, OSError):
        return None
    if len(data) != _STATUS.size:
        return None
    code, sig = _STATUS.unpack(data)
    return {"exit_code": code if code >= 0 else None, "signal": sig if sig >= 0 else None}


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 1024))
