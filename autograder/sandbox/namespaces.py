"""User, network and mount namespaces, and the file system a student process sees.

Run in the freshly forked student process, before Landlock and seccomp (which forbid mounting).

- **user namespace**, only when the grader is not privileged and the kernel allows unprivileged
  ones: it gives this process the right to create the namespaces below without root. Its uid is
  mapped to itself, so it does not pretend to be root.
- **network namespace**: no interface but a loopback that is down; nothing reachable.
- **mount namespace** with a **new root** (the way bubblewrap builds one): an empty tmpfs into
  which only what a PyTorch process needs is bound read-only, at the same paths (the system
  folders, the Python installation, the folders the caller allows), plus the working folder
  as a size-limited tmpfs (the disk quota), a ``/dev`` with a handful of device nodes, a
  ``/proc`` of its own PID namespace (``/proc/sys`` and friends read-only), a read-only
  ``/sys``, and ``/etc`` without the files only root may read (``/etc/shadow``). The repository,
  the reference, the hidden suites, other students' folders, home folders: none of it exists
  there. The old root is detached with ``pivot_root``.
- When the new root cannot be built, the old way is the fallback: the protected folders and
  ``/etc``'s private files are covered by empty read-only mounts, and the working folder still
  gets its tmpfs quota.

Every step that fails is reported, never fatal: the caller decides what a missing layer means.
"""

from __future__ import annotations

import ctypes
import os
import platform
import stat
from dataclasses import dataclass, field

from autograder.sandbox.libc import libc as _libc

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MNT_DETACH = 2

# statvfs flags -> mount flags: a remount must repeat the flags a user namespace locked. (Read
# with getattr: outside Linux the module must still import, and then does nothing.)
_LOCKED_FLAGS = tuple((getattr(os, name, 0), flag) for name, flag in (
    ("ST_RDONLY", MS_RDONLY), ("ST_NOSUID", MS_NOSUID), ("ST_NODEV", MS_NODEV), ("ST_NOEXEC", MS_NOEXEC),
    ("ST_NOATIME", MS_NOATIME), ("ST_NODIRATIME", MS_NODIRATIME), ("ST_RELATIME", MS_RELATIME)) if getattr(os, name, 0))
_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}

# /proc entries a process may read but must not write (read-only) or not see at all (masked),
# as container runtimes set them.
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")
PROC_MASKED = ("kcore", "keys", "timer_list", "sched_debug", "latency_stats", "kallsyms", "kmsg")

DEVICE_NODES = ("null", "zero", "full", "random", "urandom")
"""Device nodes a student process gets (GPU nodes are added by :func:`device_nodes`)."""


class NamespaceError(OSError):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise NamespaceError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = _libc()
    enc = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {source or ''} on {target}")


def _umount(target: str, flags: int = MNT_DETACH) -> None:
    _check(_libc().umount2(os.fsencode(target), flags), f"umount {target}")


def unshare(flags: int) -> None:
    _check(_libc().unshare(flags), f"unshare({flags:#x})")


def setns(fd: int, flags: int) -> None:
    _check(_libc().setns(fd, flags), f"setns({flags:#x})")


def device_nodes() -> list[str]:
    """The device nodes a student process may open: the harmless ones and the NVIDIA GPU's."""
    nodes = [f"/dev/{name}" for name in DEVICE_NODES]
    try:
        names = sorted(os.listdir("/dev"))
    except OSError:
        names = []
    nodes += [f"/dev/{name}" for name in names if name.startswith("nvidia") and not os.path.isdir(f"/dev/{name}")]
    if os.path.isdir("/dev/nvidia-caps"):
        nodes += [f"/dev/nvidia-caps/{n}" for n in sorted(os.listdir("/dev/nvidia-caps"))]
    return [n for n in nodes if os.path.exists(n)]


def private_files(top: str = "/etc") -> tuple[list[str], list[str]]:
    """``(public, private)`` under ``top``: the largest folders and files another uid could read,
    and the files and folders it could not (``/etc/shadow``, ``/etc/ssl/private``).

    ``public`` covers exactly what is readable: a folder appears whole only if everything in it
    is readable, otherwise its readable parts are listed one by one.
    """
    public: list[str] = []
    private: list[str] = []

    def readable(mode: int) -> bool:
        need = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
        return mode & need == need

    def visit(path: str) -> bool:
        """Add what ``path`` holds to the lists; True when all of it is readable."""
        try:
            info = os.lstat(path)
        except OSError:
            return True
        if stat.S_ISLNK(info.st_mode):
            return True  # opened where it points, which is judged there
        if not readable(info.st_mode):
            private.append(path)
            return False
        if not stat.S_ISDIR(info.st_mode):
            return True
        try:
            names = sorted(os.listdir(path))
        except OSError:
            private.append(path)
            return False
        results = {name: visit(os.path.join(path, name)) for name in names}
        if all(results.values()):
            return True
        # Not whole: list its readable parts one by one. A symbolic link is left out, since a
        # rule on it would be a rule on whatever it points to.
        public.extend(os.path.join(path, name) for name, ok in results.items()
                      if ok and not os.path.islink(os.path.join(path, name)))
        return False

    if visit(top):
        public.append(top)
    return sorted(set(public)), sorted(private)


# -- entering -------------------------------------------------------------------------------------

def enter(privileged: bool, user_namespace_problem: str | None) -> tuple[dict, bool]:
    """Enter the namespaces this process may create; return ``(report, mount_namespace_held)``."""
    state: dict = {}
    if not privileged:
        if user_namespace_problem is not None:
            state["user"] = f"not used ({user_namespace_problem})"
        else:
            try:
                _enter_user_namespace()
                state["user"] = "isolated (uid mapped to itself)"
            except OSError as exc:
                state["user"] = f"not used ({exc})"
    try:
        unshare(CLONE_NEWNET)
        state["network"] = "isolated"
    except OSError as exc:
        state["network"] = f"shared ({exc.strerror or exc})"
    try:
        unshare(CLONE_NEWNS)
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        state["mount"] = "isolated"
    except OSError as exc:
        state["mount"] = f"shared ({exc.strerror or exc})"
        return state, False
    return state, True


def _enter_user_namespace() -> None:
    uid, gid = os.geteuid(), os.getegid()
    unshare(CLONE_NEWUSER)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


# -- the file system view -------------------------------------------------------------------------

@dataclass
class View:
    """What the student process's file system holds; paths are absolute and real."""

    root: str                    # an empty folder to build the new root in
    read_only: list[str]         # bound read-only at the same paths
    workdir: str                 # becomes a tmpfs of disk_bytes, owned by uid/gid
    disk_bytes: int
    uid: int
    gid: int
    devices: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)     # covered (``/etc/shadow``)
    protected: list[str] = field(default_factory=list)   # covered if they show up at all
    fresh_proc: bool = False     # this process is in a PID namespace of its own


def build(view: View) -> dict:
    """Build the view (new root, else the fallback); return what held. Never raises OSError."""
    try:
        return _new_root(view)
    except OSError as exc:
        problem = str(exc)
    try:
        _umount(view.root)
    except OSError:
        pass
    report = _fallback(view)
    report["view"] = f"old root with covered folders (the new root failed: {problem})"
    return report


def _new_root(view: View) -> dict:
    root = view.root
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m,nr_inodes=4096")
    top_links = _replicate_top_symlinks(root)
    bound = []
    for path in outermost(view.read_only):
        if os.path.exists(path):
            _make_mount_point(root + path, os.path.isdir(path))
            _mount(path, root + path, None, MS_BIND | MS_REC)
            bound.append(path)
    for path in view.read_only:   # a path reached through a symlink keeps working
        _link_alias(root, path)
    _make_mount_point(root + view.workdir, True)
    _mount("tmpfs", root + view.workdir, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={view.disk_bytes},nr_inodes=16384,mode=0700,uid={view.uid},gid={view.gid}")
    _build_dev(root, view.devices)
    proc = _build_proc(root, view.fresh_proc)
    sys_state = _build_sys(root)
    for path in ("/tmp", "/run", "/var/tmp"):
        _make_mount_point(root + path, True)
    hidden_private = _cover(root, view.private, root + "/dev/null")
    hidden = sum(1 for p in view.protected if not os.path.lexists(root + p) or _cover(root, [p], None))
    if platform.machine() not in _PIVOT_ROOT:
        raise NamespaceError(0, f"pivot_root: no system-call number known for {platform.machine()}")
    os.chdir(root)
    _check(_libc().syscall(_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    _umount(".")
    os.chdir("/")
    # Everything read-only, then the working folder and /proc's own entries writable again (its
    # system parts, bound onto themselves above, stay read-only).
    try:
        _set_read_only("/", recursive=True)
        _set_read_only(view.workdir, read_only=False)
        _set_read_only("/proc", read_only=False)
    except OSError:  # kernels before 5.12: one mount at a time
        read_only_everywhere(except_paths=[view.workdir, "/proc", *view.devices])
    return {"view": (f"new root: {len(bound)} read-only folders, {len(top_links)} links, the working folder "
                     f"(tmpfs, {view.disk_bytes // 2**20} MiB), {len(view.devices)} device nodes, {proc}, {sys_state}; "
                     "nothing else of the host's files"),
            "hidden_paths": hidden, "private_files_hidden": hidden_private,
            "disk": f"working folder is a {view.disk_bytes // 2**20} MiB tmpfs (the quota)"}


def _fallback(view: View) -> dict:
    hidden = _cover("", view.protected, None)
    private = _cover("", view.private, "/dev/null")
    report = {"hidden_paths": hidden, "private_files_hidden": private}
    try:
        _mount("tmpfs", view.workdir, "tmpfs", MS_NOSUID | MS_NODEV,
               f"size={view.disk_bytes},nr_inodes=16384,mode=0700,uid={view.uid},gid={view.gid}")
        report["disk"] = f"working folder is a {view.disk_bytes // 2**20} MiB tmpfs (the quota)"
    except OSError as exc:
        report["disk"] = f"per-file limit only ({exc})"
    if view.fresh_proc:
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
            _mask_proc("")
            report["proc"] = "own /proc (only this PID namespace)"
        except OSError as exc:
            report["proc"] = f"host /proc ({exc})"
    return report


def outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another path of the list (binding the outer one shows them)."""
    out: list[str] = []
    for path in sorted(set(os.path.realpath(p) for p in paths), key=len):
        if not any(path == o or path.startswith(o.rstrip("/") + "/") for o in out):
            out.append(path)
    return sorted(out)


def _make_mount_point(path: str, directory: bool) -> None:
    if directory:
        os.makedirs(path, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            with open(path, "w"):
                pass


def _replicate_top_symlinks(root: str) -> list[str]:
    """``/bin -> usr/bin`` and friends, as the host has them."""
    links = []
    for name in os.listdir("/"):
        path = "/" + name
        if os.path.islink(path):
            os.symlink(os.readlink(path), root + path)
            links.append(path)
    return links


def _link_alias(root: str, path: str) -> None:
    real = os.path.realpath(path)
    if real == path or os.path.lexists(root + path):
        return
    try:
        os.makedirs(os.path.dirname(root + path), exist_ok=True)
        os.symlink(real, root + path)
    except OSError:
        pass  # an alias inside a bound folder: already there


def _build_dev(root: str, devices: list[str]) -> None:
    dev = root + "/dev"
    os.makedirs(dev, exist_ok=True)
    _mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k,nr_inodes=256")
    for node in devices:  # a device node is not written through its mount: no remount needed
        _make_mount_point(root + node, False)
        _mount(node, root + node, None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")


def _build_proc(root: str, fresh: bool) -> str:
    os.makedirs(root + "/proc", exist_ok=True)
    if fresh:
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        what = "own /proc (only this PID namespace)"
    else:
        _mount("/proc", root + "/proc", None, MS_BIND | MS_REC)
        what = "host /proc (no PID namespace)"
    _mask_proc(root)
    return what


def _mask_proc(root: str) -> None:
    for name in PROC_READ_ONLY:
        path = f"{root}/proc/{name}"
        if os.path.exists(path):
            _mount(path, path, None, MS_BIND | MS_REC)
    for name in PROC_MASKED:
        path = f"{root}/proc/{name}"
        if os.path.exists(path) and not os.path.isdir(path):
            _mount("/dev/null" if not root else root + "/dev/null", path, None, MS_BIND)
    if not root:  # the fallback cannot rely on a final pass over every mount
        for name in PROC_READ_ONLY:
            path = f"/proc/{name}"
            if os.path.exists(path):
                _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | _locked_flags(path))


def _build_sys(root: str) -> str:
    os.makedirs(root + "/sys", exist_ok=True)
    try:
        _mount("sysfs", root + "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        return "own read-only /sys"
    except OSError:
        _mount("/sys", root + "/sys", None, MS_BIND | MS_REC)
        return "host /sys, read-only"


def _cover(root: str, paths: list[str], file_source: str | None) -> int:
    """Cover each existing path with an empty read-only folder or ``file_source``; count them."""
    covered = 0
    for path in paths:
        target = root + path
        if not os.path.lexists(target) or os.path.islink(target):
            continue
        if os.path.isdir(target):
            _mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0755")
        elif file_source is not None:  # /dev/null: reads nothing, and writes go nowhere
            _mount(file_source, target, None, MS_BIND)
        else:
            continue
        covered += 1
    return covered


_MOUNT_SETATTR = 442          # the same number on x86_64 and aarch64
_AT_FDCWD = -100
_AT_RECURSIVE = 0x8000
_MOUNT_ATTR_RDONLY = 0x1
_MOUNT_ATTR_NOSUID = 0x2


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64),
                ("userns_fd", ctypes.c_uint64)]


def _set_read_only(path: str, read_only: bool = True, recursive: bool = False) -> None:
    """``mount_setattr`` (Linux 5.12+): one call for a whole tree of mounts."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY | _MOUNT_ATTR_NOSUID, 0, 0, 0) if read_only \
        else _MountAttr(0, _MOUNT_ATTR_RDONLY, 0, 0)
    _check(_libc().syscall(_MOUNT_SETATTR, ctypes.c_int(_AT_FDCWD), os.fsencode(path),
                           ctypes.c_uint(_AT_RECURSIVE if recursive else 0), ctypes.byref(attr),
                           ctypes.c_size_t(ctypes.sizeof(attr))), f"mount_setattr {path}")


def _locked_flags(path: str) -> int:
    try:
        flags = os.statvfs(path).f_flag
    except OSError:
        return 0
    return sum(ms for st, ms in _LOCKED_FLAGS if flags & st and ms != MS_RDONLY)


def read_only_everywhere(except_paths: list[str]) -> int:
    """Remount every mount of this namespace read-only, except ``except_paths``; count them."""
    count = 0
    skip = set(except_paths) | {f"/proc/{name}" for name in PROC_MASKED}
    for point in _mount_points():
        if point in skip:
            continue
        try:
            if os.statvfs(point).f_flag & os.ST_RDONLY:
                continue
            _mount(None, point, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | _locked_flags(point))
            count += 1
        except OSError:
            continue  # e.g. a mount hidden under another one; nothing there is reachable anyway
    return count


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 4:
                points.append(fields[4].encode().decode("unicode_escape"))
    return points
