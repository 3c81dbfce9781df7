"""A fork server whose isolation layers can be made unavailable, for the degraded-path tests.

Run as ``python -m tests.security.forkserver_variant FD ROOT`` (what ``ForkServer(module=...)``
does), with ``AUTOGRADER_FAKE_HOST_FILE`` naming a JSON file that says what to take away::

    {"unavailable": ["landlock", "seccomp", "namespaces", "pid_namespace", "capabilities"],
     "not_root": false, "no_sys_admin": false}

The file is read again before every spawn, so one warm fork server serves every scenario. Only
the probes and the calls that apply a layer are replaced, in this process (and so in the children
it forks): the kernel is not touched. ``not_root`` makes the fork server believe it holds no
capability, as a normal user's would: no PID namespace, no uid switch, a user namespace instead.
``no_sys_admin`` takes away CAP_SYS_ADMIN only, as a container runtime does for its root.
"""

from __future__ import annotations

import errno
import json
import os
import sys

from autograder.sandbox import capabilities, forkserver, isolation, landlock, namespaces, seccomp

REAL = {"unshare": namespaces.unshare, "abi_version": landlock.abi_version, "available": seccomp.available,
        "drop_all": capabilities.drop_all, "has": capabilities.has}


def _config() -> dict:
    path = os.environ.get("AUTOGRADER_FAKE_HOST_FILE")
    if not path or not os.path.exists(path):
        return {}
    with open(path) as handle:
        return json.load(handle)


def _refused(flags_refused: int):
    def unshare(flags: int) -> None:
        if flags & flags_refused:
            raise namespaces.NamespaceError(errno.EPERM, "unshare: Operation not permitted (faked)")
        REAL["unshare"](flags)
    return unshare


def _drop_refused():
    raise OSError(errno.EPERM, "capset: Operation not permitted (faked)")


def configure(config: dict) -> None:
    """Put back every real function, then take away what ``config`` says."""
    unavailable = set(config.get("unavailable", ()))
    refused = 0
    if "namespaces" in unavailable:
        refused |= namespaces.CLONE_NEWNET | namespaces.CLONE_NEWNS | namespaces.CLONE_NEWUSER
    if "pid_namespace" in unavailable or config.get("not_root") or config.get("no_sys_admin"):
        refused |= namespaces.CLONE_NEWPID
    namespaces.unshare = _refused(refused)
    landlock.abi_version = (lambda: 0) if "landlock" in unavailable else REAL["abi_version"]
    seccomp.available = (lambda: "faked unavailable") if "seccomp" in unavailable else REAL["available"]
    capabilities.drop_all = _drop_refused if "capabilities" in unavailable else REAL["drop_all"]
    if config.get("not_root"):
        capabilities.has = lambda capability: False
    elif config.get("no_sys_admin"):
        capabilities.has = lambda capability: capability != capabilities.CAP_SYS_ADMIN and REAL["has"](capability)
    else:
        capabilities.has = REAL["has"]


class VariantForkServer(forkserver.ForkServer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.real_pid_problem, self.real_uid_pool = self.pid_namespaces.problem, self.uid_pool

    def spawn(self, request: dict, fds: list[int]) -> dict:
        config = _config()
        configure(config)
        faked = "pid_namespace" in config.get("unavailable", ()) or config.get("not_root") or config.get("no_sys_admin")
        self.pid_namespaces.problem = "faked unavailable" if faked else self.real_pid_problem
        self.host = isolation.probe_host(self.pid_namespaces.problem)
        self.uid_pool = None if config.get("not_root") else self.real_uid_pool
        return super().spawn(request, fds)


if __name__ == "__main__":
    forkserver.ForkServer = VariantForkServer
    forkserver.main(sys.argv)
