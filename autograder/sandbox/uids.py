"""A separate uid per concurrent student process, when the grader runs as root.

A child that keeps uid 0 can read every file root owns unless another layer (Landlock, the
mount namespace) hides it. Running it as a uid of its own, one per concurrent child, closes that
for good: root's files, the grader's memory and other students' folders all become another
user's. It works only when that uid can read the Python installation, since student code may
import standard modules the fork server did not preload; a Python under ``/root`` (mode 0700),
as pyenv installs it for root, cannot be read, so the layer is reported as unavailable with the
path that stops it.

Slots are claimed with ``flock`` on files in a root-only folder, so that several fork servers
(one per grading worker) never hand out the same uid at the same time. The fork server, not the
child, holds the lock, and releases it only after the child is reaped.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import stat
import sys
import sysconfig
from dataclasses import dataclass
from typing import Callable, Iterable

from autograder.sandbox.libc import libc

UID_BASE = 61000
"""The first sandbox uid. Chosen inside the 16-bit range (containers often map no more) and
away from the ranges distributions give to people and to system services; uids that the
password database knows are skipped."""

UID_COUNT = 1000
LOCK_DIR = "/run/autograder-sandbox-uids"
_PR_SET_DUMPABLE = 4


def python_paths() -> list[str]:
    """What a process running student code reads from the Python installation."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(path)
    roots = {os.path.realpath(p) for p in roots if p}
    paths = set(roots)
    # A sample of the files inside: every module already imported from the installation.
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and os.path.isabs(path):
            real = os.path.realpath(path)
            if any(real.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
                paths.add(real)
    return sorted(paths)


def unreadable_reason(paths: Iterable[str], stat_fn: Callable[[str], os.stat_result] = os.stat,
                      bound: Iterable[str] | None = None) -> str | None:
    """Why a uid that owns nothing could not read ``paths``, or None when it could.

    Every folder on the way must be searchable by others (``o+x``), every file and folder
    readable by others (``o+r``). With ``bound`` (the folders a new root binds, see
    :mod:`namespaces`), only what lies inside them counts: the folders above them are made
    afresh, readable, in the new root. ``stat_fn`` is injectable so the rule can be tested on a
    made-up layout.
    """
    roots = None if bound is None else [os.path.abspath(b).rstrip(os.sep) for b in bound]
    checked: set[str] = set()
    for path in paths:
        path = os.path.abspath(path)
        parts = path.split(os.sep)
        for depth in range(1, len(parts) + 1):
            current = os.sep + os.path.join(*parts[1:depth]) if depth > 1 else os.sep
            if current in checked:
                continue
            checked.add(current)
            if roots is not None and not any(current == r or current.startswith(r + os.sep) for r in roots):
                continue
            try:
                mode = stat_fn(current).st_mode
            except FileNotFoundError:
                break
            except OSError as exc:
                return f"{current} cannot be examined ({exc.strerror})"
            is_last = depth == len(parts)
            need = stat.S_IXOTH if stat.S_ISDIR(mode) else 0
            if is_last or not stat.S_ISDIR(mode):
                need |= stat.S_IROTH
            if mode & need != need:
                return (f"{current} is {stat.filemode(mode)} ({stat.S_IMODE(mode):04o}): another uid could not read "
                        f"the Python installation under it")
    return None


@dataclass
class Slot:
    uid: int
    gid: int
    lock_fd: int


class UidPool:
    """Hands out uids ``UID_BASE .. UID_BASE + UID_COUNT - 1``, one per live child."""

    def __init__(self, base: int = UID_BASE, count: int = UID_COUNT, lock_dir: str = LOCK_DIR):
        self.base = base
        self.count = count
        self.lock_dir = lock_dir
        os.makedirs(lock_dir, mode=0o700, exist_ok=True)
        info = os.lstat(lock_dir)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o022:
            raise PermissionError(f"{lock_dir} must be a folder owned by uid {os.geteuid()} and writable only by it")

    def claim(self) -> Slot | None:
        """A free uid with its lock held, or None when every one is in use."""
        for uid in range(self.base, self.base + self.count):
            if _known_uid(uid):
                continue
            fd = os.open(os.path.join(self.lock_dir, f"{uid}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return Slot(uid, uid, fd)
        return None

    @staticmethod
    def release(slot: Slot) -> None:
        os.close(slot.lock_fd)  # closing the descriptor releases the flock


def _known_uid(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
        return True
    except KeyError:
        return False


def switch(slot_uid: int, slot_gid: int) -> str:
    """Become ``slot_uid``/``slot_gid`` with no supplementary groups (drops every capability).

    Changing uid makes the kernel mark the process not dumpable, which hands its own ``/proc``
    entries to root; it is marked dumpable again, since no other process has its uid.
    """
    os.setgroups([])
    os.setresgid(slot_gid, slot_gid, slot_gid)
    os.setresuid(slot_uid, slot_uid, slot_uid)
    if os.getuid() != slot_uid or os.geteuid() != slot_uid:
        raise OSError(0, "the uid did not change")
    libc().prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)
    return f"switched to uid {slot_uid} (one per concurrent student process)"
