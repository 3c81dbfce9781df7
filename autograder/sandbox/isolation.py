"""Isolation of the student's process, best available first, with a report of what held.

Applied in the child right after it is forked, in this order (order matters):

1. its own session and process group, so a timeout kills everything it started;
2. resource limits (address space, CPU time, file size, open files, processes, no core dumps);
3. new network and mount namespaces when the kernel lets us (root, or user namespaces): no
   network at all, and the protected folders (reference, hidden suites, gradebook, other
   submissions) covered by empty read-only tmpfs mounts;
4. Landlock: read-only access to the Python installation and system folders, write access to
   the child's own fresh folder only, no TCP, no signals outside the sandbox. After the mounts,
   because mounting needs the file system access Landlock takes away;
5. seccomp: no new processes (threads are fine), which bounds fork bombs even as root.

Each layer that cannot be applied is reported as such; the report travels into every result's
``extra_data.isolation``, so an instructor sees what actually held.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import site
import sys
from dataclasses import asdict, dataclass, field

from autograder.sandbox import landlock, seccomp

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REC = 16384
_MS_PRIVATE = 1 << 18

GiB = 2**30


@dataclass
class Limits:
    """Resource limits for one student process; every field has a documented default.

    ``address_space`` must stay above 4 GiB: the CUDA build of PyTorch reserves that much
    virtual memory when it loads.
    """

    address_space: int = 6 * GiB
    cpu_seconds: int = 600
    file_size: int = 256 * 2**20
    open_files: int = 256
    processes: int = 64
    call_timeout: float = 20.0
    load_timeout: float = 30.0
    output_bytes: int = 64 * 1024
    reply_bytes: int = 512 * 2**20

    def __post_init__(self):
        if self.address_space < 4 * GiB:
            raise ValueError(f"address_space={self.address_space} is under 4 GiB; PyTorch's CUDA build cannot start")


@dataclass
class SandboxPaths:
    """Folders the child may read, the one it may write, and those it must never see."""

    workdir: str
    protected: list[str] = field(default_factory=list)
    readable: list[str] = field(default_factory=list)


def system_read_paths() -> list[str]:
    """The Python installation and the system folders a PyTorch process reads at run time."""
    paths = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/opt",
             sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    paths += site.getsitepackages() + [site.getusersitepackages()]
    return sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)})


def apply(limits: Limits, paths: SandboxPaths) -> dict:
    """Isolate the calling (freshly forked, single-threaded) process; return the report."""
    report: dict = {"process": "forked child in its own session and process group"}
    os.setsid()
    report["rlimits"] = _apply_rlimits(limits)
    report["namespaces"] = _enter_namespaces(paths.protected)
    readable = [p for p in system_read_paths() + paths.readable if not _contains_any(p, paths.protected)]
    shadowed = [p for p in system_read_paths() if _contains_any(p, paths.protected)]
    try:
        report["landlock"] = landlock.restrict(readable, [paths.workdir], device_paths=["/dev"])
        if shadowed:
            report["landlock"]["skipped_paths_containing_protected"] = shadowed
    except (OSError, landlock.LandlockUnavailable) as exc:
        report["landlock"] = f"not in force: {exc}"
    try:
        report["seccomp"] = seccomp.forbid_new_processes()
    except seccomp.SeccompUnavailable as exc:
        report["seccomp"] = f"not in force: {exc}"
    report["uid"] = _uid_report()
    report["summary"] = summarise(report)
    return report


def summarise(report: dict) -> str:
    """One line saying which layers held, for tables and reports."""
    layers = ["process group", "rlimits"]
    ns = report.get("namespaces", {})
    layers += [f"{name} namespace" for name, state in ns.items() if state == "isolated"]
    if isinstance(report.get("landlock"), dict):
        layers.append(f"landlock ABI {report['landlock']['abi']}")
    if not str(report.get("seccomp", "not")).startswith("not"):
        layers.append("seccomp (no new processes)")
    return ", ".join(layers)


def _apply_rlimits(limits: Limits) -> dict:
    wanted = {
        "RLIMIT_AS": limits.address_space,
        "RLIMIT_CPU": limits.cpu_seconds,
        "RLIMIT_FSIZE": limits.file_size,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_CORE": 0,
    }
    applied = {}
    for name, value in wanted.items():
        which = getattr(resource, name)
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
            applied[name] = value
        except (ValueError, OSError) as exc:
            applied[name] = f"not set: {exc}"
    if os.geteuid() == 0:
        applied["RLIMIT_NPROC"] = f"{limits.processes} (not enforced for root)"
    return applied


def _enter_namespaces(protected: list[str]) -> dict:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    state = {}
    if libc.unshare(CLONE_NEWNET) == 0:
        state["network"] = "isolated"
    else:
        state["network"] = f"shared ({os.strerror(ctypes.get_errno())})"
    if libc.unshare(CLONE_NEWNS) != 0:
        state["mount"] = f"shared ({os.strerror(ctypes.get_errno())})"
        return state
    if libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        state["mount"] = f"private mount failed ({os.strerror(ctypes.get_errno())})"
        return state
    hidden = 0
    for path in protected:
        if not os.path.isdir(path):
            continue
        flags = _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC
        if libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", flags, b"size=4k") == 0:
            hidden += 1
    state["mount"] = "isolated"
    state["hidden_paths"] = hidden
    return state


def _uid_report() -> str:
    if os.geteuid() != 0:
        return f"uid {os.geteuid()} (not root)"
    return "uid 0: not dropped (the Python installation may sit in a folder only root can read)"


def _contains_any(path: str, protected: list[str]) -> bool:
    path = os.path.realpath(path)
    return any(os.path.realpath(p) == path or os.path.realpath(p).startswith(path.rstrip("/") + "/")
               for p in protected)
