"""The grader's side of the sandbox: a fork server per worker, a student process per submission.

``ForkServer`` starts the warm process once. ``StudentProcess`` is one forked child with one
submission loaded. ``Sandbox`` is what the judge uses: it keeps a live ``StudentProcess`` for a
submission, restarts it after a crash or a timeout, and turns every failure into a
:class:`StudentCodeError` whose message is meant for the student.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from autograder.sandbox import wire
from autograder.sandbox.isolation import Limits
from autograder.submission import Submission


class StudentCodeError(Exception):
    """Student code failed: raised, timed out, crashed, or returned something unreadable.

    ``kind`` is one of ``missing``, ``not_implemented``, ``exit``, ``exception``, ``timeout``,
    ``crash``, ``protocol``; ``message`` is for the student and already names what failed.
    """

    def __init__(self, kind: str, message: str, traceback: str = "", output: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.traceback = traceback
        self.output = output

    def __str__(self) -> str:
        parts = [self.message]
        if self.traceback:
            parts.append("Traceback (your code):\n" + self.traceback.rstrip())
        if self.output:
            parts.append("Output of your code:\n" + self.output.rstrip())
        return "\n".join(parts)


class OutputCapture:
    """Drains a child's stdout/stderr pipe in a thread, keeping its head and tail.

    Draining matters: a child that floods its output would otherwise block on a full pipe.
    """

    def __init__(self, fd: int, limit: int):
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.recent = bytearray()
        self.total = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, args=(fd,), daemon=True)
        self._thread.start()

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while True:
                data = pipe.read(65536)
                if not data:
                    return
                with self._lock:
                    self.total += len(data)
                    self.recent = (self.recent + data)[-2000:]
                    room = self.limit // 2 - len(self.head)
                    if room > 0:
                        self.head += data[:room]
                        data = data[room:]
                    self.tail = (self.tail + data)[-(self.limit // 2):]

    def take_recent(self) -> str:
        """The tail of what was printed since the last call, decoded for a message."""
        time.sleep(0.005)  # let the drain thread catch up with what the call just printed
        with self._lock:
            recent, self.recent = bytes(self.recent), bytearray()
        return recent.decode("utf-8", errors="replace")

    def text(self) -> str:
        with self._lock:
            skipped = self.total - len(self.head) - len(self.tail)
            middle = f"\n[... {skipped} bytes of output skipped ...]\n" if skipped > 0 else ""
            return (bytes(self.head).decode("utf-8", "replace") + middle + bytes(self.tail).decode("utf-8", "replace"))


class ForkServer:
    """The warm process (see :mod:`autograder.sandbox.forkserver`) and its control socket."""

    def __init__(self, python: str = sys.executable, module: str = "autograder.sandbox.forkserver"):
        """``module`` is the fork server's entry point; tests pass one that fakes a missing layer."""
        self.root = tempfile.mkdtemp(prefix="autograder-sandbox-")
        self._control, remote = socket.socketpair()
        env = dict(os.environ, PYTHONPATH=_package_root() + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.process = subprocess.Popen(
            [python, "-m", module, str(remote.fileno()), self.root],
            pass_fds=[remote.fileno()], stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,  # Ctrl-C in the grader's terminal reaches the grader only
        )
        remote.close()
        self._lock = threading.Lock()

    def request(self, message: dict, fds: list[int] = ()) -> dict:
        with self._lock:
            socket.send_fds(self._control, [b"R"], list(fds))
            wire.send(self._control, message)
            return wire.receive(self._control, 2**26)

    def spawn(self, limits: Limits, protected: list[str], readable: list[str]) -> Spawned:
        """Fork a child; return its pid, the grader's end of its socket and of its output pipe, and
        the isolation report it wrote before running any student code."""
        ours, theirs = socket.socketpair()
        read_fd, write_fd = os.pipe()
        try:
            reply = self.request({"op": "spawn", "limits": asdict(limits), "protected": protected,
                                  "readable": readable}, [theirs.fileno(), write_fd])
        finally:
            theirs.close()
            os.close(write_fd)
        isolation = reply.get("isolation")
        return Spawned(reply["pid"], ours, read_fd, isolation if isinstance(isolation, dict) else {})

    def kill(self, pid: int) -> dict:
        return self.request({"op": "kill", "pid": pid})

    def status(self, pid: int) -> dict:
        return self.request({"op": "status", "pid": pid})

    def close(self) -> None:
        try:
            self._control.close()
        finally:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class Spawned:
    pid: int
    sock: socket.socket
    output_fd: int
    isolation: dict


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class StudentProcess:
    """One child with one submission loaded; ``generation`` tells restarts apart."""

    def __init__(self, server: ForkServer, submission: Submission, module: str, limits: Limits,
                 protected: list[str], skip: set[int], generation: int, readable: list[str] = ()):
        self.server = server
        self.limits = limits
        self.generation = generation
        spawned = server.spawn(limits, protected, list(readable))
        self.pid, self.sock, self.isolation = spawned.pid, spawned.sock, spawned.isolation
        self.output = OutputCapture(spawned.output_fd, limits.output_bytes)
        self.alive = True
        self.last_output = ""
        self.load_report: dict = {}
        self.stuck_chunk: int | None = None
        chunks = [
            {"filename": c.filename, "lineno": c.lineno, "source": c.source}
            for i, c in enumerate(submission.chunks) if i not in skip
        ]
        self.chunk_index = [i for i in range(len(submission.chunks)) if i not in skip]
        self._load(module, chunks, submission.sources)

    def _load(self, module: str, chunks: list[dict], sources: dict[str, str]) -> None:
        """Send the code, follow its chunks running, keep the report. Everything the child sends
        is checked: student code runs in that process and may have rewritten the reply."""
        deadline = time.monotonic() + self.limits.load_timeout
        current = None
        try:
            wire.send(self.sock, {"module": module, "chunks": chunks, "sources": sources})
            while True:
                message = wire.receive(self.sock, LOAD_REPLY_BYTES, _resolve_handle(self), deadline=deadline)
                if not isinstance(message, dict):
                    raise wire.WireError("the loading report was malformed")
                if message.get("event") == "chunk":
                    index = message.get("index")
                    if type(index) is not int or not 0 <= index < len(self.chunk_index):
                        raise wire.WireError("the loading report was malformed")
                    current = index
                    continue
                self.load_report = {"event": "loaded", "defined": _names(message.get("defined")),
                                    "errors": self._load_errors(message.get("errors"))}
                return
        except (TimeoutError, EOFError, OSError, wire.WireError) as exc:
            self.stuck_chunk = self.chunk_index[current] if current is not None else None
            self.kill()
            self.load_report = {"failed": _clip(f"{type(exc).__name__}: {exc}")}

    def _load_errors(self, errors: Any) -> list[dict]:
        if not isinstance(errors, list):
            return []
        checked = []
        for error in errors[:len(self.chunk_index)]:
            if not isinstance(error, dict) or type(error.get("index")) is not int:
                continue
            if not 0 <= error["index"] < len(self.chunk_index):
                continue
            checked.append({"index": self.chunk_index[error["index"]], "type": _clip(error.get("type"), 200),
                            "message": _clip(error.get("message"))})
        return checked

    def request(self, message: dict, timeout: float, what: str) -> Any:
        """Send one request and return the decoded ``ok`` value, or raise StudentCodeError."""
        if not self.alive:
            raise StudentCodeError("crash", f"{what}: your code's process is not running")
        deadline = time.monotonic() + timeout
        try:
            wire.send(self.sock, message)
            reply = wire.receive(self.sock, self.limits.reply_bytes, _resolve_handle(self), deadline=deadline)
        except TimeoutError:
            self.kill()
            raise StudentCodeError(
                "timeout", f"{what} did not finish within {timeout:g} s (an infinite loop, or far too much work?); "
                "it was stopped", output=self.output.take_recent()) from None
        except (EOFError, ConnectionError, BrokenPipeError):
            ended = self.kill()
            raise StudentCodeError("crash", f"{what}: {describe_exit(ended)}", output=self.output.take_recent()) from None
        except wire.WireError as exc:
            self.kill()
            raise StudentCodeError("protocol", f"{what}: {_clip(exc)}") from None
        if not isinstance(reply, dict) or ("ok" not in reply and "error" not in reply):
            self.kill()
            raise StudentCodeError("protocol", f"{what}: the reply was malformed")
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {}
            raise student_error(what, error, self.output.take_recent())
        self.last_output = self.output.take_recent()
        return reply["ok"]

    def kill(self) -> dict:
        if not self.alive:
            return {}
        self.alive = False
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            return self.server.kill(self.pid)
        except (OSError, EOFError, wire.WireError):
            return {}


def describe_exit(ended: dict) -> str:
    """Why a child went away, in a student's words."""
    sig = ended.get("signal")
    if sig == signal.SIGKILL:
        return "the process running your code was killed (out of memory, or over the CPU time limit)"
    if sig == signal.SIGXCPU:
        return "the process running your code used up its CPU time limit"
    if sig is not None:
        return f"the process running your code crashed with signal {signal.Signals(sig).name}"
    code = ended.get("exit_code")
    if code is not None:
        return (f"the process running your code exited with status {code} (os._exit() or exit() called "
                "while the grader was waiting for a result); return a value instead")
    return "the process running your code stopped unexpectedly"


MESSAGE_CHARS = 4000
"""The most characters of a message, traceback or exception type the child may put in a result:
the child formats them, and student code can rewrite what it sends."""

LOAD_REPLY_BYTES = 2**24


def _clip(value: Any, limit: int = MESSAGE_CHARS) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + f" [... {len(text) - limit} characters cut]"


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v[:200] for v in value[:10_000] if isinstance(v, str)]


_ERROR_KINDS = ("missing", "not_implemented", "exit", "exception")


def student_error(what: str, error: dict, output: str) -> StudentCodeError:
    kind = error.get("kind", "exception")
    if kind not in _ERROR_KINDS:
        kind = "exception"  # "timeout" or "crash" come from the grader's own observations only
    message = _clip(error.get("message", ""))
    traceback = _clip(error.get("traceback", ""))
    if kind == "missing":
        return StudentCodeError(kind, f"{what}: {message}")
    if kind == "not_implemented":
        return StudentCodeError(kind, f"{what} is not implemented yet (it raised NotImplementedError: TODO)",
                                traceback)
    if kind == "exit":
        return StudentCodeError(kind, f"{what} called sys.exit()/exit({_clip(message, 200)}); return a value instead",
                                traceback, output)
    return StudentCodeError(kind, f"{what} raised {_clip(error.get('type', 'an error'), 200)}: {message}",
                            traceback, output)


def _resolve_handle(process: StudentProcess):
    def resolve(tag: str, body: Any) -> Any:
        if tag != "$handle" or not isinstance(body, list) or len(body) != 2 or type(body[0]) is not int \
                or not isinstance(body[1], str):
            raise wire.WireError(f"unexpected {tag} from student code")
        return RemoteRef(process, body[0], body[1][:200])
    return resolve


class RemoteRef:
    """A decoded handle: which child, which object. The judge wraps it for tests."""

    def __init__(self, process: StudentProcess, handle_id: int, type_name: str):
        self.process = process
        self.handle = wire.Handle(handle_id, type_name)


REPEAT_TIMEOUT = 2.0


def _target_key(message: dict) -> str | None:
    target = message.get("target")
    if isinstance(target, str):
        return target
    if isinstance(target, wire.Handle):
        return f"<{target.type_name}>"
    return None


class Sandbox:
    """A submission's code running in a child, restarted as needed, for one grading run.

    A chunk whose loading timed out or killed the process is skipped in the next child, so a
    ``while True`` or an ``os._exit()`` at top level costs only that chunk.
    """

    def __init__(self, server: ForkServer, submission: Submission, module: str, limits: Limits | None = None,
                 protected: list[str] = (), readable: list[str] = ()):
        self.server = server
        self.submission = submission
        self.module = module
        self.limits = limits or Limits()
        self.protected = [os.path.abspath(p) for p in protected]
        self.readable = [os.path.abspath(p) for p in readable]  # beyond the Python installation, read-only
        self.skipped: dict[int, str] = {}
        self.process: StudentProcess | None = None
        self.generation = 0
        self.isolation: dict = {}
        self.timed_out: set[str] = set()

    def ensure(self) -> StudentProcess:
        if self.process is not None and self.process.alive:
            return self.process
        for _ in range(len(self.submission.chunks) + 1):
            self.generation += 1
            process = StudentProcess(self.server, self.submission, self.module, self.limits, self.protected,
                                     set(self.skipped), self.generation, self.readable)
            self.isolation = process.isolation or self.isolation  # from the fork server, not the student
            if process.alive:
                self.process = process
                return process
            if process.stuck_chunk is None:
                raise StudentCodeError("crash", f"your code could not be started: {process.load_report.get('failed')}")
            chunk = self.submission.chunks[process.stuck_chunk]
            self.skipped[process.stuck_chunk] = (
                f"{chunk.filename}, line {chunk.lineno}: running this top-level code timed out or ended the "
                f"process, so it was skipped")
        raise StudentCodeError("crash", "your code could not be started")

    def load_errors(self) -> list[str]:
        """Messages about top-level code that failed when it ran (not syntax errors)."""
        process = self.ensure()
        messages = list(self.skipped.values())
        for error in process.load_report.get("errors", []):
            chunk = self.submission.chunks[error["index"]]
            messages.append(f"{chunk.filename}, line {chunk.lineno}: {error.get('type')}: {error.get('message')}")
        return messages

    def request(self, message: dict, what: str, timeout: float | None = None) -> Any:
        """Send a request to the student's process (started if needed); see StudentProcess.request.

        Once a call to some function has timed out, later calls to it get at most
        ``REPEAT_TIMEOUT`` seconds: an infinite loop then costs its tests, not minutes of grading.
        """
        process = self.ensure()
        timeout = timeout or self.limits.call_timeout
        target = _target_key(message)
        if target in self.timed_out:
            timeout = min(timeout, REPEAT_TIMEOUT)
        try:
            return process.request(message, timeout, what)
        except StudentCodeError as exc:
            if exc.kind == "timeout" and target is not None:
                self.timed_out.add(target)
            raise

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process = None
