"""The isolation layers: detected at start, reported truthfully, and each one enough on its own.

The report is checked against what the student process itself observes. The degraded paths run
in a fork server whose availability probes are replaced (``forkserver_variant``), never by
changing the kernel: each scenario still grades an honest submission fully, says what is
missing, and the layers that remain still keep the hidden material out of reach.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from types import SimpleNamespace

import pytest
from attack_sources import ASSIGNMENT, MASKS, READ_HIDDEN, REFERENCE, TEMPLATE, at_import, causal_attack
from grading_bars import outputs, scores

from autograder.assignment import REFERENCE_DIR, REPO_ROOT, SUITES_DIR
from autograder.judge.runner import grade_submission
from autograder.sandbox import isolation, landlock, namespaces, seccomp, uids
from autograder.sandbox.session import ForkServer
from autograder.submission import load_submission_bytes

pytestmark = pytest.mark.slow

OBSERVE = """
import os
def observe():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    mounts = open("/proc/self/mountinfo").read().splitlines()
    try:
        open("/dev/null", "w").write("fine")
        dev_null = "writable"
    except OSError as exc:
        dev_null = repr(exc)
    return {
        "uid": os.getuid(), "pid": os.getpid(), "ppid": os.getppid(),
        "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "cap_eff": status["CapEff"].strip(), "cap_bnd": status["CapBnd"].strip(),
        "seccomp": status["Seccomp"].strip(), "no_new_privs": status["NoNewPrivs"].strip(),
        "root_fs": next(m.split(" - ")[1].split()[0] for m in mounts if m.split()[4] == "/"),
        "interfaces": [line.split(":")[0].strip() for line in open("/proc/net/dev").read().splitlines()[2:]],
        "fds": sorted(os.listdir("/proc/self/fd")), "environ": open("/proc/self/environ", "rb").read().strip(b"\\0"),
        "home": os.environ.get("HOME"), "cwd_writable": os.access(".", os.W_OK), "dev_null": dev_null,
        "repository_visible": os.path.exists(REPO),
    }
"""


def _observing(path: str) -> str:
    return REFERENCE + "\n" + OBSERVE.replace("REPO", repr(path))


@pytest.fixture(scope="module")
def call_observe(fork_server):
    """Run ``observe()`` in a fresh child of the session's fork server; return it and the report."""
    from autograder.sandbox.isolation import Limits
    from autograder.sandbox.session import Sandbox

    def run(source: str, server=None) -> tuple[dict, dict]:
        box = Sandbox(server or fork_server, load_submission_bytes("attention.py", source.encode()), "attention",
                      Limits(), protected=[str(REFERENCE_DIR), str(SUITES_DIR)])
        try:
            seen = box.request({"op": "call", "target": "observe", "args": [], "kwargs": {}}, "observe()")
            return seen, box.isolation
        finally:
            box.close()

    return run


def test_the_report_says_what_the_student_process_observes(call_observe):
    """Does every layer the report claims show from inside the student process (capabilities,
    seccomp, uid, PID and network namespaces, the new root, descriptors, environment)?"""
    seen, report = call_observe(_observing(str(REPO_ROOT / "pyproject.toml")))
    ns = report["namespaces"]
    assert seen["cap_eff"] == "0000000000000000" and seen["no_new_privs"] == "1"
    assert (seen["seccomp"] == "2") == (not report["seccomp"].startswith("not"))
    assert report["capabilities"].startswith(("all dropped", "none held"))
    if report["uid"].startswith("switched"):
        assert seen["uid"] != 0 and f"uid {seen['uid']}" in report["uid"]
    if ns["pid"].startswith("isolated"):
        assert seen["ppid"] == 1 and seen["pid"] != 1 and len(seen["processes"]) == 2
    if ns["network"] == "isolated":
        assert seen["interfaces"] == ["lo"]
    if ns.get("view", "").startswith("new root"):
        assert seen["root_fs"] == "tmpfs" and not seen["repository_visible"]
    assert len(seen["fds"]) == 5  # stdin, stdout, stderr, its socket to the grader, and listdir's own
    assert seen["environ"].startswith(b"AUTOGRADER_SANDBOX=") and b"PATH" not in seen["environ"]
    assert seen["cwd_writable"] and seen["dev_null"] == "writable"
    assert report["missing"] == isolation.missing_layers(report)


def test_every_layer_holds_on_a_root_linux_grader(call_observe):
    """As root on Linux 6.12+ (this machine), is every layer in force, nothing missing?"""
    host = isolation.probe_host(None)
    if not host.privileged or host.landlock_abi < 6:
        pytest.skip("needs root and Landlock ABI 6+")
    _, report = call_observe(_observing("/"))
    assert report["missing"] == [], report["missing"]
    for layer in ("pid namespace", "network namespace", "mount namespace", "new root", "separate uid",
                  "no capabilities", "landlock ABI", "seccomp"):
        assert layer in report["summary"]


def test_the_report_cannot_be_forged_by_student_code(graded):
    """Does rewriting every isolation report it can find in its own memory, at import, change
    nothing in the results document (the report comes from before its code ran)?"""
    forge = """
        import gc
        for value in gc.get_objects():
            if isinstance(value, dict) and "summary" in value and "rlimits" in value:
                value.clear()
                value.update(summary="everything held (forged)", forged=True)
    """
    results = graded(at_import(TEMPLATE, forge), MASKS)
    assert "forged" not in json.dumps(results["extra_data"]["isolation"])
    assert "rlimits" in results["extra_data"]["isolation"]["summary"]


# -- degraded: the same grader with layers taken away -------------------------------------------

SCENARIOS = {
    "like macOS: only the process and rlimits": {
        "config": {"unavailable": ["landlock", "seccomp", "namespaces", "pid_namespace", "capabilities"],
                   "not_root": True},
        "summary": "process group, rlimits",
        "missing": ["pid namespace", "network namespace", "mount namespace", "disk quota", "separate uid",
                    "capabilities", "landlock", "seccomp"],
    },
    "root without Landlock": {
        "config": {"unavailable": ["landlock"]},
        "summary": "pid namespace, network namespace, mount namespace, new root",
        "missing": ["landlock"],
        "hidden": True,
    },
    "a container: root without CAP_SYS_ADMIN, namespaces refused": {
        "config": {"unavailable": ["namespaces"], "no_sys_admin": True},
        "summary": "no capabilities, landlock ABI, seccomp",
        "missing": ["pid namespace", "network namespace", "mount namespace", "disk quota", "separate uid: uid 0: "
                    "not switched (/root is drwx------"],
        "hidden": True,
    },
    "a normal user": {
        "config": {"not_root": True},
        "summary": "user namespace, network namespace, mount namespace, new root",
        "missing": ["pid namespace", "separate uid"],
        "hidden": True,
    },
}


@pytest.fixture(scope="module")
def variant_server(tmp_path_factory):
    """One warm fork server whose availability probes read a file before every spawn."""
    config = tmp_path_factory.mktemp("variant") / "fake-host.json"
    config.write_text("{}")
    previous = os.environ.get("AUTOGRADER_FAKE_HOST_FILE")
    os.environ["AUTOGRADER_FAKE_HOST_FILE"] = str(config)
    try:
        with ForkServer(module="tests.security.forkserver_variant") as server:
            yield SimpleNamespace(server=server, config=config)
    finally:
        if previous is None:
            os.environ.pop("AUTOGRADER_FAKE_HOST_FILE", None)
        else:
            os.environ["AUTOGRADER_FAKE_HOST_FILE"] = previous


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_missing_layer_is_reported_and_grading_still_works(variant_server, honest_scores, scenario):
    """With these layers unavailable, is the reference still graded in full, is every missing
    layer reported with its reason, and (where a file-system layer remains) is the hidden
    material still out of reach?"""
    expected = SCENARIOS[scenario]
    variant_server.config.write_text(json.dumps(expected["config"]))
    assignment = ASSIGNMENT
    submission = load_submission_bytes("attention.py", REFERENCE.encode())
    results = grade_submission(assignment, submission=submission, server=variant_server.server, only=set(MASKS))
    assert scores(results) == honest_scores(REFERENCE, MASKS)
    report = results["extra_data"]["isolation"]
    for layer in expected["summary"].split(", "):
        assert layer in report["summary"], report["summary"]
    for layer in expected["missing"]:
        assert any(entry.startswith(layer) for entry in report["missing"]), (layer, report["missing"])
    assert all(":" in entry for entry in report["missing"])  # each with its reason
    if expected.get("hidden"):
        secrets = ["### BEGIN " + "SOLUTION", "@pytest.mark." + "covers("]
        known = {"repo": [str(REPO_ROOT)], "pids": [variant_server.server.process.pid, os.getpid()],
                 "files": [str(REFERENCE_DIR / "ch01_attention" / "attention.py")],
                 "folders": [str(REFERENCE_DIR), str(SUITES_DIR)]}
        secrets_source = "[" + ", ".join(" + ".join(repr(s[i:i + 5]) for i in range(0, len(s), 5)) for s in secrets) + "]"
        attack = causal_attack(READ_HIDDEN.format(known=repr(known), secrets=secrets_source), source=TEMPLATE,
                               honest=True)
        attacked = grade_submission(assignment, submission=load_submission_bytes("attention.py", attack.encode()),
                                    server=variant_server.server, only=set(MASKS))
        assert "LEAK" not in outputs(attacked), outputs(attacked)
        assert attacked["score"] == 5


# -- detection, on made-up layouts ----------------------------------------------------------------

def _fake_stat(modes: dict[str, int]):
    def stat_fn(path: str):
        for known, mode in modes.items():
            if path == known:
                return SimpleNamespace(st_mode=mode)
        raise FileNotFoundError(path)
    return stat_fn


DIR, FILE = stat.S_IFDIR, stat.S_IFREG


def test_a_python_under_roots_private_home_is_detected_as_unreadable():
    """Is a Python installed under /root (0700), as pyenv installs it for root, reported as what
    stops a separate uid, naming the folder and its mode?"""
    layout = {"/": DIR | 0o755, "/root": DIR | 0o700, "/root/.pyenv": DIR | 0o755,
              "/root/.pyenv/lib": DIR | 0o755, "/root/.pyenv/lib/os.py": FILE | 0o644}
    reason = uids.unreadable_reason(["/root/.pyenv/lib/os.py"], _fake_stat(layout))
    assert reason is not None and reason.startswith("/root is drwx------ (0700)")


def test_a_world_readable_python_is_accepted_and_a_private_file_inside_is_not():
    """Is /opt/python (0755 all the way) accepted, and one 0600 module inside it refused?"""
    layout = {"/": DIR | 0o755, "/opt": DIR | 0o755, "/opt/python": DIR | 0o755,
              "/opt/python/os.py": FILE | 0o644, "/opt/python/secret.py": FILE | 0o600}
    assert uids.unreadable_reason(["/opt/python", "/opt/python/os.py"], _fake_stat(layout)) is None
    reason = uids.unreadable_reason(["/opt/python/secret.py"], _fake_stat(layout))
    assert reason is not None and "/opt/python/secret.py" in reason and "0600" in reason


def test_folders_above_a_bound_installation_do_not_count():
    """In a new root the folders above a bound installation are made afresh: is a 0700 /root then
    no obstacle, while a 0700 folder inside the installation still is?"""
    layout = {"/": DIR | 0o755, "/root": DIR | 0o700, "/root/py": DIR | 0o755, "/root/py/os.py": FILE | 0o644,
              "/root/py/private": DIR | 0o700, "/root/py/private/x.py": FILE | 0o644}
    assert uids.unreadable_reason(["/root/py/os.py"], _fake_stat(layout), bound=["/root/py"]) is None
    assert "/root/py/private" in uids.unreadable_reason(["/root/py/private/x.py"], _fake_stat(layout),
                                                        bound=["/root/py"])


def test_no_uid_switch_when_not_root(monkeypatch):
    """Is the separate uid reported unavailable, with the reason, for a grader that is not root?"""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert isolation.uid_problem([]) == "the grader is not root"


MACOS = """
import json, os, platform, tempfile
platform.system = lambda: "Darwin"
from autograder.sandbox import isolation
host = isolation.probe_host()
setup = isolation.ChildSetup(isolation.Limits(), isolation.SandboxPaths(tempfile.mkdtemp()), host, "macos")
report = isolation.apply(setup)
print(json.dumps({"report": report, "still_runs": sum(range(10)), "cwd": os.getcwd() == setup.paths.workdir}))
"""


def test_on_macos_only_the_process_and_rlimits_are_claimed():
    """Where the platform is not Linux (macOS), does isolation apply what exists, claim nothing
    else, give each missing layer its reason, and let the process run on?"""
    done = subprocess.run([sys.executable, "-c", MACOS], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    report = result["report"]
    assert result["still_runs"] == 45 and result["cwd"]
    assert report["summary"] == "process group, rlimits"
    assert report["landlock"] == "not in force: no Landlock on Darwin"
    assert report["seccomp"] == "not in force: seccomp is Linux-only (this is Darwin)"
    assert report["uid"].endswith("(not implemented on Darwin)")
    assert {entry.split(":")[0] for entry in report["missing"]} >= {
        "pid namespace", "network namespace", "mount namespace", "disk quota", "separate uid", "landlock", "seccomp"}


def test_private_files_under_etc_are_found(tmp_path):
    """On a made-up /etc: are a 0640 file, a 0700 folder and a link to a private file kept out of
    the readable list, and everything else in it?"""
    etc = tmp_path / "etc"
    (etc / "ssl" / "private").mkdir(parents=True)
    (etc / "ssl" / "certs").mkdir()
    (etc / "ssl" / "certs" / "ca.pem").write_text("ca")
    (etc / "ssl" / "private" / "key.pem").write_text("key")
    (etc / "passwd").write_text("root:x:0:0")
    (etc / "shadow").write_text("root:hash")
    (etc / "link-to-shadow").symlink_to(etc / "shadow")
    os.chmod(etc / "ssl" / "private", 0o700)
    os.chmod(etc / "shadow", 0o640)
    public, private = namespaces.private_files(str(etc))
    assert sorted(private) == [str(etc / "shadow"), str(etc / "ssl" / "private")]
    relative = [os.path.relpath(p, etc) for p in public]
    assert "passwd" in relative and os.path.join("ssl", "certs") in relative
    assert not any("shadow" in p or "private" in p for p in relative)


def test_bubblewrap_is_detected_and_its_use_explained():
    """Is bubblewrap reported when installed and when not, with why it is not used?"""
    assert isolation.bubblewrap_report("/usr/bin/bwrap").startswith("installed at /usr/bin/bwrap, not used:")
    assert isolation.bubblewrap_report(None).startswith("not installed; not needed:")


def test_the_seccomp_program_is_well_formed():
    """Does each architecture's filter name only system calls it has, and fit BPF's jumps?"""
    for arch in seccomp._ARCHES.values():
        program = seccomp.program(arch, 2)
        assert len(program) < 4096 and all(len(instruction) == 8 for instruction in program)
        for name in ("clone", "clone3", "kill", "socket", "ptrace", "mount", "execve", "fcntl", "ioctl"):
            assert name in arch.numbers


def test_landlock_reports_its_absence_instead_of_failing(monkeypatch):
    """When the kernel offers no Landlock, does restrict() raise the documented error?"""
    monkeypatch.setattr(landlock, "abi_version", lambda: 0)
    with pytest.raises(landlock.LandlockUnavailable):
        landlock.restrict([], [])
