"""The warm process that forks one isolated child per student.

Importing PyTorch costs seconds and hundreds of megabytes; forking a process that has already
imported it costs milliseconds, and the child shares those pages copy-on-write. This process
imports torch and everything student code commonly needs, then waits for requests on a control
socket. It never runs a torch operation: a child forked after a multithreaded op can hang on a
lock held by a thread that no longer exists, and a child forked after CUDA initialised cannot use
CUDA at all.

Requests (``wire`` frames on the control socket):

- ``spawn`` with two file descriptors attached (the student socket, the output pipe): fork a
  child into a fresh folder, isolate it, serve the student code; reply with its pid and the
  isolation report the child wrote before any student code ran (so a student cannot forge it).
  In a PID namespace (root), the pid is the child's keeper's (see :mod:`pidns`).
- ``kill``: kill a child's process group and reap it; reply with how it ended.
- ``status``: whether a child is still running, and how it ended if not.

When the grader closes the control socket (or dies), every child is killed and every folder
removed before this process exits. If this process itself is killed, its children die with it
(each asks for SIGKILL when its parent dies, and a keeper's death ends its PID namespace).

Run as ``python -m autograder.sandbox.forkserver FD SANDBOX_ROOT``.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402  (pre-imported so that children inherit it)
import matplotlib.pyplot  # noqa: E402,F401
import numpy  # noqa: E402,F401
import torch  # noqa: E402,F401
import torch.nn  # noqa: E402,F401
import torch.nn.functional  # noqa: E402,F401

from autograder.sandbox import child, isolation, pidns, uids, wire  # noqa: E402

# Modules students import often; importing them here saves each child the time, and children
# could not import them later from folders Landlock hides.
_PRELOAD = ("math", "random", "collections", "itertools", "functools", "typing", "dataclasses", "copy",
            "time", "json", "string", "re", "heapq", "bisect", "statistics", "scipy", "scipy.optimize",
            "torchvision", "torchvision.ops", "torch.utils.data", "torch.optim", "torch.distributions",
            "matplotlib.figure", "matplotlib.colors")

REPORT_TIMEOUT = 60.0
"""How long a child may take to isolate itself and report (seconds); a bug, not a student, is slow."""


def _preload() -> None:
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional package missing here is not our problem
            pass


@dataclass
class _Child:
    workdir: str
    view_root: str
    status_fd: int | None          # where the keeper reports (PID namespace only)
    slot: uids.Slot | None
    student_pid: int | None = None  # the student process under a keeper, as this process sees it


class ForkServer:
    def __init__(self, control: socket.socket, root: str):
        self.control = control
        self.root = root
        self.children: dict[int, _Child] = {}  # pid -> what to clean up after it
        self.ended: dict[int, dict] = {}       # pid -> how it ended
        self.pid_namespaces = pidns.PidNamespaces()
        self.host = isolation.probe_host(self.pid_namespaces.problem)
        self.uid_pool: uids.UidPool | None = None
        if self.host.uid_problem is None:  # the children decide, knowing whether their new root held
            try:
                self.uid_pool = uids.UidPool()
                os.chmod(root, 0o711)  # the sandbox uids must reach their own folders inside
            except OSError as exc:
                self.host.uid_problem = f"no folder for the uid locks ({exc})"

    def serve(self) -> None:
        while True:
            try:
                _, fds, _, _ = socket.recv_fds(self.control, 1, 2)
                request = wire.receive(self.control, 2**26)
            except (EOFError, ConnectionError, OSError):
                break
            op = request.get("op")
            if op == "spawn":
                reply = self.spawn(request, fds)
            elif op == "kill":
                reply = self.kill(request["pid"])
            elif op == "status":
                reply = self.status(request["pid"])
            else:
                reply = {"error": f"unknown op {op!r}"}
            for fd in fds:
                os.close(fd)
            wire.send(self.control, reply)
        self.shutdown()

    def spawn(self, request: dict, fds: list[int]) -> dict:
        self.reap()
        workdir = tempfile.mkdtemp(prefix="student-", dir=self.root)
        view_root = workdir + ".root"
        os.mkdir(view_root, 0o700)
        slot = self.uid_pool.claim() if self.uid_pool is not None else None
        if slot is not None:
            os.chown(workdir, slot.uid, slot.gid)
        report_r, report_w = os.pipe()
        status_r, status_w = os.pipe()
        setup = isolation.ChildSetup(
            limits=isolation.Limits(**request["limits"]),
            paths=isolation.SandboxPaths(workdir, request["protected"], request.get("readable", []), view_root),
            host=self.host, marker=str(os.getpid()),
            uid=slot.uid if slot else None, gid=slot.gid if slot else None)
        pid, in_namespace = self.pid_namespaces.fork()
        if pid == 0:  # the child: never returns
            try:
                self.control.detach()  # closed below with every other inherited descriptor
                if in_namespace:
                    pidns.keep(status_w, setup.marker)   # returns only in the student process
                setup.in_pid_namespace = in_namespace
                _close_all_but({fds[0], fds[1], report_w})
                sock = socket.socket(fileno=fds[0])
                report = isolation.apply(setup)
                os.write(report_w, isolation.encode_report(report))
                os.close(report_w)
                child.serve(sock, fds[1], {"isolation": report, "reply_bytes": setup.limits.reply_bytes})
            finally:
                os._exit(70)
        os.close(report_w)
        os.close(status_w)
        if not in_namespace:
            os.close(status_r)
        record = _Child(workdir, view_root, status_r if in_namespace else None, slot)
        self.children[pid] = record
        report = _read_report(report_r)
        if in_namespace:
            record.student_pid = _only_child(pid)
        return {"pid": pid, "isolation": report}

    def kill(self, pid: int) -> dict:
        record = self.children.get(pid)
        if record is not None and record.status_fd is not None and _gone(record.student_pid):
            # The student process already ended (a crash, an exit): let its keeper report how,
            # instead of killing the keeper before it could.
            select.select([record.status_fd], [], [], 1.0)
        if pid in self.children:
            for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    target()
                except (ProcessLookupError, PermissionError):
                    pass
            self._wait(pid, block=True)
        return self.status(pid)

    def status(self, pid: int) -> dict:
        self.reap()
        if pid in self.ended:
            return {"running": False, **self.ended[pid]}
        return {"running": pid in self.children}

    def reap(self) -> None:
        for pid in list(self.children):
            self._wait(pid, block=False)

    def _wait(self, pid: int, block: bool) -> None:
        try:
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done == 0:
            return
        try:  # whatever the child left behind in its process group goes too
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        ended = {"exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                 "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}
        record = self.children.pop(pid)
        if record.status_fd is not None:  # the keeper knows how the student process ended
            ended = pidns.read_status(record.status_fd) or ended
            os.close(record.status_fd)
        self.ended[pid] = ended
        shutil.rmtree(record.workdir, ignore_errors=True)
        shutil.rmtree(record.view_root, ignore_errors=True)
        if record.slot is not None:
            uids.UidPool.release(record.slot)

    def shutdown(self) -> None:
        for pid in list(self.children):
            self.kill(pid)
        self.pid_namespaces.close()
        shutil.rmtree(self.root, ignore_errors=True)


def _read_report(fd: int) -> dict:
    """The child's isolation report, written before any student code ran."""
    data = bytearray()
    deadline = time.monotonic() + REPORT_TIMEOUT
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return {"summary": "no isolation report (the child did not send one in time)"}
            piece = os.read(fd, 65536)
            if not piece:
                break
            data += piece
    finally:
        os.close(fd)
    try:
        report = json.loads(data)
    except ValueError:
        report = None
    if not isinstance(report, dict):
        return {"summary": "no isolation report (the child could not isolate itself)"}
    return report


def _only_child(pid: int) -> int | None:
    """The one child of ``pid`` (a keeper's student process), or None if it cannot be told."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = handle.read().split()
    except OSError:
        return None
    return int(children[0]) if len(children) == 1 else None


_PF_EXITING = 0x4


def _gone(pid: int | None) -> bool:
    """Is process ``pid`` ending or ended (exiting, a zombie, reaped)? False when unknown.

    A crashed process closes its socket (which is how the grader notices) before it becomes a
    zombie; the kernel marks it exiting before either.
    """
    if pid is None:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        state, flags = fields[0], int(fields[9 - 3])
    except (OSError, IndexError, ValueError):
        return True
    return state in (b"Z", b"X") or bool(flags & _PF_EXITING)


def _close_all_but(keep: set[int]) -> None:
    """Close every inherited descriptor except ``keep`` (and 0, 1, 2, which serve replaces)."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[1]))
    root = argv[2]
    os.makedirs(root, exist_ok=True)
    _preload()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when we stop
    ForkServer(control, root).serve()


if __name__ == "__main__":
    main(sys.argv)
