"""Isolation of the student's process, best available first, with a report of what held.

The fork server probes the machine once when it starts (:func:`probe_host`); every child then
applies, right after it is forked and before any student code runs, in this order (order
matters):

1. its own session and process group, and death with its parent;
2. resource limits (address space, CPU time, file size, open files, processes, no core dumps);
3. namespaces (:mod:`namespaces`): a user namespace when the grader is not root and the kernel
   allows it, then network and mount namespaces, and a file system of its own: a new root
   holding only the system folders, the Python installation and a size-limited working folder
   (the PID namespace itself was made by the fork server, see :mod:`pidns`);
4. the environment, replaced, and the inherited copy in memory overwritten (:mod:`environment`);
5. a uid of its own when the grader is root and that uid can read the Python installation
   (:mod:`uids`); after the mounts, which need root (its slot was claimed by the fork server);
6. every capability dropped (:mod:`capabilities`), so that uid 0 without a uid switch keeps no
   privilege: no unmounting, no raw devices, no reading other processes;
7. Landlock (:mod:`landlock`): read-only access to that same allow-list, write access to the
   working folder only, no TCP, no signals or abstract sockets outside. After the mounts,
   because mounting needs the file system access Landlock takes away;
8. seccomp (:mod:`seccomp`): no new processes, programs or sockets, nothing that reaches another
   process or changes the system. Last, since it forbids the system calls of the steps above.

Each layer that cannot be applied is reported as such, with the reason; the child writes the
report to the fork server before any student code runs, and it travels into every result's
``extra_data.isolation``, so an instructor sees what actually held. What holds where:

==============  =========================================================================
root            every layer. The separate uid needs a Python installation the uid can read:
                inside the new root the folders above the installation are made afresh, so a
                Python under ``/root`` (0700) works there; without a new root it does not
normal user     rlimits; user, network and mount namespaces and the new root where the kernel
                allows unprivileged user namespaces; no capabilities; Landlock (Linux 5.13+,
                TCP rules 6.7+, signal scoping 6.12+); seccomp (which also keeps signals and
                ptrace inside, on any kernel); no PID namespace, no separate uid
container       root without CAP_SYS_ADMIN: no namespaces (nor, so, the new root or the disk
                quota), but a separate uid (CAP_SETUID) if the Python is readable, no
                capabilities, Landlock if the host kernel has it, seccomp
macOS           the process boundary, its own session, rlimits (those macOS enforces) and the
                grader's timeouts; nothing hides the file system
==============  =========================================================================
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import resource
import shutil
import site
import sys
from dataclasses import dataclass, field

from autograder.sandbox import capabilities, environment, landlock, namespaces, pidns, seccomp, uids

GiB = 2**30


def package_folder(name: str) -> str | None:
    """The folder ``import name`` would load a package from, found without importing it; for
    ``readable`` when student code may import a package outside the Python installation."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.realpath(next(iter(spec.submodule_search_locations)))


@dataclass
class Limits:
    """Resource limits for one student process; every field has a documented default.

    ``address_space`` must stay above 4 GiB: the CUDA build of PyTorch reserves that much
    virtual memory when it loads. ``disk_bytes`` bounds everything the student writes (its
    working folder is a tmpfs of that size, in memory, when a mount namespace is available);
    ``file_size`` bounds each file even without one.
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
    disk_bytes: int = 256 * 2**20

    def __post_init__(self):
        if self.address_space < 4 * GiB:
            raise ValueError(f"address_space={self.address_space} is under 4 GiB; PyTorch's CUDA build cannot start")


@dataclass
class SandboxPaths:
    """Folders the child may read, the one it may write, and those it must never see."""

    workdir: str
    protected: list[str] = field(default_factory=list)
    readable: list[str] = field(default_factory=list)
    view_root: str = ""              # an empty folder for the new root; "" builds none


@dataclass
class Host:
    """What this machine offers, probed once by the fork server; ``*_problem`` is None when usable."""

    system: str
    privileged: bool                     # CAP_SYS_ADMIN: root outside a restricted container
    user_namespace_problem: str | None
    pid_namespace_problem: str | None
    uid_problem: str | None              # when even a new root would not let a sandbox uid work
    uid_problem_old_root: str | None     # when only the host's own layout is there
    landlock_abi: int
    seccomp_problem: str | None
    bubblewrap: str
    read_paths: list[str]                # the allow-list: system folders and the Python installation
    landlock_read_paths: list[str]       # the same with /etc narrowed to what others may read
    private_paths: list[str]             # what only root may read under /etc
    devices: list[str]


def system_read_paths() -> list[str]:
    """The Python installation and the system folders a PyTorch process reads at run time."""
    paths = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/opt",
             sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    paths += site.getsitepackages() + [site.getusersitepackages()]
    return sorted({os.path.realpath(p) for p in paths if p and os.path.exists(p)})


def probe_host(pid_namespace_problem: str | None = "not probed") -> Host:
    """Probe what this machine offers (called once, in the fork server)."""
    system = platform.system()
    linux = system == "Linux"
    privileged = linux and capabilities.has(capabilities.CAP_SYS_ADMIN)
    read_paths = system_read_paths()
    public, private = namespaces.private_files("/etc") if linux and os.path.isdir("/etc") else ([], [])
    landlock_paths = [p for p in read_paths if p != "/etc" and p != "/dev"] + public
    python = uids.python_paths()
    bound = namespaces.outermost(view_read_paths(read_paths))
    return Host(
        system=system,
        privileged=privileged,
        user_namespace_problem=None if privileged else user_namespace_problem(),
        pid_namespace_problem=pid_namespace_problem if linux else f"no PID namespaces on {system}",
        uid_problem=uid_problem(python, bound=bound),
        uid_problem_old_root=uid_problem(python),
        landlock_abi=landlock.abi_version() if linux else 0,
        seccomp_problem=seccomp.available(),
        bubblewrap=bubblewrap_report(shutil.which("bwrap")),
        read_paths=read_paths,
        landlock_read_paths=sorted(set(landlock_paths)),
        private_paths=private,
        devices=namespaces.device_nodes() if linux else [],
    )


def user_namespace_problem() -> str | None:
    """Why an unprivileged process could not make a user namespace (None when it could)."""
    if platform.system() != "Linux":
        return f"no user namespaces on {platform.system()}"
    for path, bad in (("/proc/sys/kernel/unprivileged_userns_clone", "0"), ("/proc/sys/user/max_user_namespaces", "0")):
        try:
            with open(path) as handle:
                if handle.read().strip() == bad:
                    return f"disabled by {path}"
        except OSError:
            pass
    return None


def uid_problem(python_paths: list[str], stat_fn=os.stat, bound: list[str] | None = None) -> str | None:
    """Why no separate uid can be used (None when it can); ``bound`` as in :func:`uids.unreadable_reason`.

    Needs uid 0 with CAP_SETUID and CAP_SETGID, not CAP_SYS_ADMIN: root in a container has them.
    """
    if platform.system() != "Linux":
        return f"not implemented on {platform.system()}"
    if os.geteuid() != 0 or not (capabilities.has(capabilities.CAP_SETUID) and capabilities.has(capabilities.CAP_SETGID)):
        return "the grader is not root"
    reason = uids.unreadable_reason(python_paths, stat_fn, bound)
    if reason is not None:
        return reason + "; install Python where other users can read it (e.g. /opt or /usr/local) to get this layer"
    return None


def view_read_paths(read_paths: list[str]) -> list[str]:
    """The folders a new root binds read-only (``/proc``, ``/sys`` and ``/dev`` are made afresh)."""
    return [p for p in read_paths if p not in ("/proc", "/sys", "/dev")]


def bubblewrap_report(path: str | None) -> str:
    """Bubblewrap is detected and reported, never used: see the README's Isolation section."""
    why = ("it starts a new program, so each student would pay PyTorch's import again, and what it would "
           "add (namespaces, a new root, dropped capabilities, seccomp) is applied here directly")
    if path is None:
        return f"not installed; not needed: {why}"
    return f"installed at {path}, not used: {why}"


# -- applying, in the child -----------------------------------------------------------------------

@dataclass
class ChildSetup:
    """What one child needs to isolate itself; filled in by the fork server."""

    limits: Limits
    paths: SandboxPaths
    host: Host
    marker: str
    in_pid_namespace: bool = False
    uid: int | None = None           # a uid of its own, when the fork server claimed one
    gid: int | None = None


def apply(setup: ChildSetup) -> dict:
    """Isolate the calling (freshly forked, single-threaded) process; return the report."""
    limits, paths, host = setup.limits, setup.paths, setup.host
    report: dict = {"process": "forked child in its own session and process group"}
    os.setsid()
    if not setup.in_pid_namespace and pidns.die_with_parent():
        report["process"] += ", killed if the fork server dies"
    report["rlimits"] = _apply_rlimits(limits)
    report["namespaces"] = _namespaces(setup)
    os.chdir(paths.workdir)
    environment.set_child_environment(paths.workdir, setup.marker)
    report["environment"] = environment.scrub_inherited_block(setup.marker)
    report["uid"] = _switch_uid(setup, str(report["namespaces"].get("view", "")).startswith("new root"))
    if report["uid"].startswith("switched") and isinstance(report["rlimits"].get("RLIMIT_NPROC"), str):
        report["rlimits"]["RLIMIT_NPROC"] = limits.processes  # enforced now that the uid is not 0
    report["capabilities"] = _drop_capabilities(host)
    report["landlock"] = _landlock(setup)
    report["seccomp"] = _seccomp(host)
    report["bubblewrap"] = host.bubblewrap
    report["missing"] = missing_layers(report)
    report["summary"] = summarise(report)
    return report


def _namespaces(setup: ChildSetup) -> dict:
    host, paths = setup.host, setup.paths
    state: dict = {"pid": "isolated (a keeper is PID 1; the student process is not)" if setup.in_pid_namespace
                   else f"shared ({host.pid_namespace_problem})"}
    if host.system != "Linux":
        state.update(network=f"shared (no namespaces on {host.system})", mount=f"shared (no namespaces on {host.system})",
                     disk="per-file limit only (no mount namespace)")
        return state
    entered, mount_held = namespaces.enter(host.privileged, host.user_namespace_problem)
    state.update(entered)
    if not mount_held:
        state["disk"] = "per-file limit only (no mount namespace)"
        state["hidden_paths"] = 0
        return state
    uid = setup.uid if setup.uid is not None else os.geteuid()
    gid = setup.gid if setup.gid is not None else os.getegid()
    view = namespaces.View(
        root=paths.view_root or "", read_only=view_read_paths(host.read_paths)
        + [p for p in paths.readable if not _contains_any(p, paths.protected)],
        workdir=os.path.realpath(paths.workdir), disk_bytes=setup.limits.disk_bytes, uid=uid, gid=gid,
        devices=host.devices, private=host.private_paths, protected=[os.path.realpath(p) for p in paths.protected],
        fresh_proc=setup.in_pid_namespace)
    if view.root:
        state.update(namespaces.build(view))
    else:
        fallback = namespaces._fallback(view)
        fallback["view"] = "old root with covered folders (no folder for a new root)"
        state.update(fallback)
    return state


def _switch_uid(setup: ChildSetup, new_root: bool) -> str:
    problem = setup.host.uid_problem if new_root else setup.host.uid_problem_old_root
    if setup.uid is None or problem is not None:
        problem = problem or "no free sandbox uid"
        return f"uid {os.geteuid()}: not switched ({problem})"
    try:
        return uids.switch(setup.uid, setup.gid if setup.gid is not None else setup.uid)
    except OSError as exc:
        return f"uid {os.geteuid()}: not switched ({exc})"


def _drop_capabilities(host: Host) -> str:
    if host.system != "Linux":
        return f"not applicable on {host.system}"
    try:
        return capabilities.drop_all()
    except OSError as exc:
        return f"not dropped: {exc}"


def _landlock(setup: ChildSetup) -> dict | str:
    host, paths = setup.host, setup.paths
    if host.landlock_abi < 1:
        return "not in force: Landlock is not available on this kernel" if host.system == "Linux" \
            else f"not in force: no Landlock on {host.system}"
    protected = [os.path.realpath(p) for p in paths.protected]
    shadowing = {p: _overlaps(os.path.realpath(p), protected) for p in host.landlock_read_paths + paths.readable}
    readable = [p for p, overlaps in shadowing.items() if not overlaps]
    shadowed = [p for p in host.landlock_read_paths if shadowing[p]]
    try:
        report = landlock.restrict(readable, [paths.workdir], device_paths=host.devices)
    except (OSError, landlock.LandlockUnavailable) as exc:
        return f"not in force: {exc}"
    if shadowed:
        report["skipped_paths_containing_protected"] = shadowed
    return report


def _seccomp(host: Host) -> str:
    if host.seccomp_problem is not None:
        return f"not in force: {host.seccomp_problem}"
    try:
        return seccomp.restrict(os.getpid())
    except seccomp.SeccompUnavailable as exc:
        return f"not in force: {exc}"


def missing_layers(report: dict) -> list[str]:
    """Every layer that did not hold, with its reason, for an instructor to read at a glance."""
    missing = []
    ns = report.get("namespaces", {})
    for name in ("pid", "network", "mount"):
        state = str(ns.get(name, "shared"))
        if not state.startswith("isolated"):
            missing.append(f"{name} namespace: {state}")
    if str(ns.get("view", "")).startswith("old root"):
        missing.append(f"new root: {ns['view']}")
    if not str(ns.get("disk", "")).startswith("working folder"):
        missing.append(f"disk quota: {ns.get('disk', 'none')}")
    if "not switched" in str(report.get("uid", "")):
        missing.append(f"separate uid: {report['uid']}")
    for name in ("capabilities", "landlock", "seccomp"):
        value = report.get(name)
        if isinstance(value, str) and value.startswith("not"):
            missing.append(f"{name}: {value}")
    return missing


def summarise(report: dict) -> str:
    """One line saying which layers held, for tables and reports."""
    layers = ["process group", "rlimits"]
    ns = report.get("namespaces", {})
    layers += [f"{name} namespace" for name in ("pid", "user", "network", "mount")
               if str(ns.get(name, "")).startswith("isolated")]
    if str(ns.get("view", "")).startswith("new root"):
        layers.append("new root")
    if str(report.get("uid", "")).startswith("switched"):
        layers.append("separate uid")
    if str(report.get("capabilities", "")).startswith(("all dropped", "none held")):
        layers.append("no capabilities")
    if isinstance(report.get("landlock"), dict):
        layers.append(f"landlock ABI {report['landlock']['abi']}")
    if not str(report.get("seccomp", "not")).startswith("not"):
        layers.append("seccomp")
    return ", ".join(layers)


def encode_report(report: dict) -> bytes:
    return json.dumps(report, default=str).encode()


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
        which = getattr(resource, name, None)
        if which is None:
            applied[name] = f"not set: no {name} on {platform.system()}"
            continue
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value))
            applied[name] = value
        except (ValueError, OSError) as exc:
            applied[name] = f"not set: {exc}"
    if os.geteuid() == 0 and isinstance(applied.get("RLIMIT_NPROC"), int):
        applied["RLIMIT_NPROC"] = f"{limits.processes} (not enforced for root)"
    return applied


def _contains_any(path: str, protected: list[str]) -> bool:
    """Whether ``path`` is, holds or lies in a protected folder (symbolic links resolved)."""
    return _overlaps(os.path.realpath(path), [os.path.realpath(p) for p in protected])


def _overlaps(path: str, protected: list[str]) -> bool:
    """``_contains_any`` for paths already resolved (a child checks some 170 paths: resolving the
    protected folders once per path cost it 70 ms)."""
    return any(p == path or p.startswith(path.rstrip("/") + "/") or path.startswith(p.rstrip("/") + "/")
               for p in protected)
