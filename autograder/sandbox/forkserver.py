"""The warm process that forks one isolated child per student.

Importing PyTorch costs seconds and hundreds of megabytes; forking a process that has already
imported it costs milliseconds, and the child shares those pages copy-on-write. This process
imports torch and everything student code commonly needs, then waits for requests on a control
socket. It never runs a torch operation: a child forked after a multithreaded op can hang on a
lock held by a thread that no longer exists, and a child forked after CUDA initialised cannot use
CUDA at all.

Requests (``wire`` frames on the control socket):

- ``spawn`` with two file descriptors attached (the student socket, the output pipe): fork a
  child into a fresh folder, isolate it, serve the student code; reply with its pid.
- ``kill``: kill a child's process group and reap it; reply with how it ended.
- ``status``: whether a child is still running, and how it ended if not.

When the grader closes the control socket (or dies), every child is killed and every folder
removed before this process exits.

Run as ``python -m autograder.sandbox.forkserver FD SANDBOX_ROOT``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402  (pre-imported so that children inherit it)
import matplotlib.pyplot  # noqa: E402,F401
import numpy  # noqa: E402,F401
import torch  # noqa: E402,F401
import torch.nn  # noqa: E402,F401
import torch.nn.functional  # noqa: E402,F401

from autograder.sandbox import child, isolation, wire  # noqa: E402

# Modules students import often; importing them here saves each child the time, and children
# could not import them later from folders Landlock hides.
_PRELOAD = ("math", "random", "collections", "itertools", "functools", "typing", "dataclasses", "copy",
            "time", "json", "string", "re", "heapq", "bisect", "statistics", "scipy", "scipy.optimize",
            "torchvision", "torchvision.ops", "torch.utils.data", "torch.optim", "torch.distributions",
            "matplotlib.figure", "matplotlib.colors")


def _preload() -> None:
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional package missing here is not our problem
            pass


class ForkServer:
    def __init__(self, control: socket.socket, root: str):
        self.control = control
        self.root = root
        self.children: dict[int, str] = {}     # pid -> working folder
        self.ended: dict[int, dict] = {}       # pid -> how it ended

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
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                self.control.close()
                sock = socket.socket(fileno=fds[0])
                limits = isolation.Limits(**request["limits"])
                paths = isolation.SandboxPaths(workdir, request["protected"], request.get("readable", []))
                os.chdir(workdir)
                _child_environment(workdir)
                report = isolation.apply(limits, paths)
                child.serve(sock, fds[1], {"isolation": report, "reply_bytes": limits.reply_bytes})
            finally:
                os._exit(70)
        self.children[pid] = workdir
        return {"pid": pid}

    def kill(self, pid: int) -> dict:
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
        self.ended[pid] = ended
        shutil.rmtree(self.children.pop(pid), ignore_errors=True)

    def shutdown(self) -> None:
        for pid in list(self.children):
            self.kill(pid)
        shutil.rmtree(self.root, ignore_errors=True)


def _child_environment(workdir: str) -> None:
    """A small, predictable environment: nothing that points at the grader's files."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    os.environ.update({"HOME": workdir, "TMPDIR": workdir, "MPLCONFIGDIR": workdir, "MPLBACKEND": "Agg",
                       "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    tempfile.tempdir = workdir


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[1]))
    root = argv[2]
    os.makedirs(root, exist_ok=True)
    _preload()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the grader decides when we stop
    ForkServer(control, root).serve()


if __name__ == "__main__":
    main(sys.argv)
