"""The attack corpus: hostile submissions to ch01_attention and what the grader must do with each.

For every attack (see :mod:`attack_sources`): it earns exactly the points its honest parts
deserve (0 on the template; on the reference, every point of what it leaves alone), the grader
finishes without an error of its own, the warm fork server survives, and no process the attack
started outlives its grading (the ``graded`` fixture checks these). After each attack that aims
at something shared (the fork server, other processes, the disk, the network, the grader's
files), a correct submission graded next with the same fork server still earns every point. A
demo class graded before the first attack and after the last one must get the same scores: the
first and last tests of this module, which pytest runs in file order.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
import uuid
from pathlib import Path

import pytest
import torch
from attack_sources import (ALL_MASKS, DISK_FILL, FUNCTION_ATTACKS, HONEST_COUNTERPARTS, I386_FORK, IMPORT_CHEATS,
                            IMPORT_CHEATS_ON_REFERENCE, LYING_VALUES, MASKS, MASKS_AND_WINDOW, NETWORK,
                            OVERSIZED_REPLIES, READ_HIDDEN, REFERENCE, SIGNALS, SPAWNING, STDOUT_FLOOD, TEMPLATE,
                            WRITE_OUTSIDE, X32_FORK, at_import, causal_attack, replacing)
from grading_bars import FAST, outputs, sandbox_processes, scores

from autograder.assignment import REFERENCE_DIR, REPO_ROOT, SUITES_DIR
from autograder.sandbox.isolation import GiB, Limits
from autograder.sandbox.session import Sandbox
from autograder.submission import load_submission_bytes

pytestmark = pytest.mark.slow

DEMO = REPO_ROOT / "examples" / "demo_class" / "submissions" / "ch01_attention"
DEMO_STUDENTS = ("2024001", "2024003", "2024004")   # correct (a notebook), partial, the template


def _demo_class_scores(graded) -> dict[str, dict]:
    out = {}
    for student in DEMO_STUDENTS:
        path = next(p for p in sorted((DEMO / student).iterdir()) if p.suffix in (".py", ".ipynb"))
        out[student] = scores(graded(path.read_bytes(), ALL_MASKS, name=path.name))
    return out


@pytest.fixture(scope="module")
def demo_class_before(graded):
    return _demo_class_scores(graded)


def test_demo_class_is_graded_before_the_attacks(demo_class_before):
    """Does the demo class score as its manifest says on the masks, before any attack?"""
    assert demo_class_before["2024001"] == demo_class_before["2024003"] == {
        "causal_mask": (5.0, 5.0), "local_window_mask": (6.0, 6.0), "strided_mask": (6.0, 6.0)}
    assert all(score == 0 for score, _ in demo_class_before["2024004"].values())


# -- cheats at import ---------------------------------------------------------------------------

@pytest.mark.parametrize("cheat", IMPORT_CHEATS)
def test_cheat_at_import_on_the_template_earns_nothing(graded, next_student_unaffected, cheat):
    """Does the template with this cheat run at import still score 0?"""
    results = graded(at_import(TEMPLATE, IMPORT_CHEATS[cheat]), MASKS)
    assert results["score"] == 0
    assert all(t["status"] == "failed" for t in results["tests"])
    next_student_unaffected()


@pytest.mark.parametrize("cheat", IMPORT_CHEATS_ON_REFERENCE)
def test_cheat_at_import_leaves_honest_work_its_points(graded, honest_scores, cheat):
    """Does the reference with this cheat at import score what the reference scores (the cheat
    that rewrites its own process's replies: 0, since it breaks only itself)?"""
    results = graded(at_import(REFERENCE, IMPORT_CHEATS[cheat]), MASKS)
    if cheat == "rewrite the sandbox's reply code":
        assert results["score"] == 0
        assert max(len(t["output"]) for t in results["tests"]) < 10_000  # its 10 MB message is cut
    else:
        assert scores(results) == honest_scores(REFERENCE, MASKS)


def test_infinite_loop_at_import_costs_only_that_statement(graded, honest_scores):
    """Is a top-level infinite loop skipped after the load timeout, the rest earning every point?"""
    results = graded(at_import(REFERENCE, "while True:\n    pass"), MASKS, limits=FAST)
    assert scores(results) == honest_scores(REFERENCE, MASKS)
    assert any("timed out" in m for m in results["extra_data"]["load_messages"])


def test_fake_results_do_not_reach_the_results_document(graded):
    """Is printed fake output kept as the student's output only, never parsed into the score?"""
    results = graded(at_import(TEMPLATE, IMPORT_CHEATS["print fake results"]), MASKS)
    assert results["score"] == 0 and results["extra_data"]["max_score"] == 5
    assert [t["name"] for t in results["tests"]] != ["everything"]


# -- attacks inside one function ----------------------------------------------------------------

FUNCTION_EXPECTATIONS = {
    "sys.exit(0) in a function": (Limits(), "called sys.exit"),
    "os._exit(0) in a function": (Limits(), "exited with status 0"),
    "KeyboardInterrupt in a function": (Limits(), "raised KeyboardInterrupt"),
    "infinite loop": (FAST, "did not finish within 1 s"),
    "infinite loop with SIGTERM ignored": (FAST, "did not finish within 1 s"),
    "memory bomb in one allocation": (Limits(), "RuntimeError|MemoryError"),
    "memory bomb, growing": (Limits(address_space=4 * GiB + 256 * 2**20), "MemoryError|killed"),
    "fork bomb": (Limits(), "PermissionError"),
    "crash (null pointer)": (Limits(), "SIGSEGV"),
    "exception with a hostile message": (Limits(), "raised E+"),
}


@pytest.mark.parametrize("attack", FUNCTION_ATTACKS)
def test_attack_in_a_function_costs_only_that_function(graded, honest_scores, next_student_unaffected, attack):
    """Does this attack inside causal_mask fail causal_mask's tests, with a clear message, and
    leave local_window_mask every point?"""
    limits, message = FUNCTION_EXPECTATIONS[attack]
    results = graded(causal_attack(FUNCTION_ATTACKS[attack]), MASKS_AND_WINDOW, limits=limits)
    got = scores(results)
    assert got["causal_mask"] == (0.0, 5.0)
    assert got["local_window_mask"] == honest_scores(REFERENCE, MASKS_AND_WINDOW)["local_window_mask"]
    failed = [t["output"] for t in results["tests"] if t["status"] == "failed"]
    assert all(re.search(message, output) for output in failed), failed
    assert all(len(output) < 20_000 for output in failed)
    next_student_unaffected()


def test_no_process_is_left_behind_and_threads_die_with_the_child(graded, honest_scores, next_student_unaffected):
    """Are fork, double fork after setsid, libc fork, raw clone, subprocess, os.system,
    posix_spawn, multiprocessing and exec all refused, threads left spinning after the call
    ended with the grading, and the honest answer still earns its points?"""
    results = graded(causal_attack(SPAWNING, honest=True), MASKS)
    assert scores(results) == honest_scores(REFERENCE, MASKS), outputs(results)
    next_student_unaffected()


@pytest.mark.parametrize("attack", [I386_FORK, X32_FORK], ids=["i386", "x32"])
def test_a_fork_through_another_syscall_abi_kills_the_process(graded, attack):
    """Is a fork through ``int 0x80`` (the 32-bit ABI) or the x32 ABI, which a filter checking
    only x86_64 numbers misses, stopped by killing the process?"""
    results = graded(causal_attack(attack), MASKS)
    assert results["score"] == 0
    assert all("SIGSYS" in t["output"] for t in results["tests"]), outputs(results)


def test_writing_10_gib_stops_at_the_quota(graded, honest_scores, next_student_unaffected):
    """Is writing 10 GiB (in 128 MiB files, under the per-file limit) stopped at the working
    folder's quota, long before the disk fills?"""
    results = graded(causal_attack(DISK_FILL, honest=True), MASKS)
    assert scores(results) == honest_scores(REFERENCE, MASKS), outputs(results)
    written = [int(word) for word in outputs(results).replace("wrote ", "wrote\n").split() if word.isdigit()]
    assert written and max(written) <= Limits().disk_bytes // 2**20
    assert results["extra_data"]["isolation"]["namespaces"]["disk"].startswith("working folder is a")
    next_student_unaffected()


def test_flooding_stdout_is_capped_and_costs_nothing_else(graded, honest_scores):
    """Does printing 36 MB finish, keep only a capped amount, and still earn the honest points?"""
    started = time.monotonic()
    results = graded(causal_attack(STDOUT_FLOOD, honest=True), MASKS)
    assert scores(results) == honest_scores(REFERENCE, MASKS)
    assert len(json.dumps(results)) < 200_000
    assert time.monotonic() - started < 60


def test_values_that_lie_earn_only_what_their_data_earns(graded):
    """Do a tensor subclass whose ``==`` and ``__torch_function__`` lie, containers whose
    ``__len__``, ``__iter__`` and ``items()`` lie, and an object with a ``__reduce__`` that runs a
    command earn exactly what the same values without the lies earn, with nothing unpickled?"""
    lying, honest = TEMPLATE, TEMPLATE
    for name in LYING_VALUES:
        lying = replacing(lying, name, LYING_VALUES[name], "L, *rest")
        honest = replacing(honest, name, HONEST_COUNTERPARTS[name], "L, *rest")
    marker = Path("/tmp/autograder-unpickled")
    marker.unlink(missing_ok=True)
    results = graded(lying, ALL_MASKS)
    assert scores(results) == scores(graded(honest, ALL_MASKS))
    assert results["score"] == 1  # causal_mask's shape and dtype test: a bool (L, L) tensor
    assert not marker.exists()


def test_oversized_deep_and_cyclic_replies_earn_nothing(graded):
    """Are a reply over the reply limit, a 5-million-item list, a list nested 100,000 deep and a
    list that contains itself refused, quickly, without the grader failing?"""
    source = TEMPLATE
    for name, body in OVERSIZED_REPLIES.items():
        source = replacing(source, name, body, "L, *rest")
    results = graded(source, ALL_MASKS, limits=Limits(reply_bytes=8 * 2**20), seconds=60)
    assert results["score"] == 0
    text = outputs(results)
    assert "MiB allowed" in text and "nested more than" in text


def test_forged_frames_on_its_own_socket_earn_nothing(graded, next_student_unaffected):
    """Does writing extra, forged replies onto the child's socket (to shift later replies) earn
    nothing and leave the grader working?"""
    forge = """
        import os, socket, sys
        wire = sys.modules["autograder.sandbox.wire"]
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                    sock = socket.socket(fileno=int(fd))
                    for _ in range(5):
                        wire.send(sock, {"ok": True})
                    sock.sendall(b"AGW1garbage")
                    sock.detach()
            except OSError:
                pass
        return True
    """
    results = graded(replacing(TEMPLATE, "causal_mask", forge, "L"), MASKS)
    assert results["score"] == 0
    next_student_unaffected()


# -- hidden material, other students, the network, other processes -----------------------------

VICTIM = """
import os
class _Victim:
    with open("secret-work.txt", "w") as _f:
        _f.write({secret!r})

def where():
    return os.getcwd()
"""


@pytest.fixture
def victim(fork_server, tmp_path):
    """Another student's live sandbox (with a secret in its working folder) during the attack."""
    secret = f"victim-{uuid.uuid4().hex}"
    source = REFERENCE + VICTIM.format(secret=secret)
    box = Sandbox(fork_server, load_submission_bytes("attention.py", source.encode()), "attention",
                  Limits(), protected=[])
    workdir = box.request({"op": "call", "target": "where", "args": [], "kwargs": {}}, "where()")
    keeper = box.process.pid
    try:
        with open(f"/proc/{keeper}/task/{keeper}/children") as handle:
            pids = [keeper] + [int(p) for p in handle.read().split()]
    except OSError:
        pids = [keeper]
    yield {"box": box, "secret": secret, "pids": pids, "workdir": workdir}
    box.close()


def _victim_still_answers(victim) -> bool:
    got = victim["box"].request({"op": "call", "target": "causal_mask", "args": [3], "kwargs": {}}, "causal_mask(3)")
    return torch.equal(got, torch.ones(3, 3, dtype=torch.bool).tril())


@pytest.fixture
def other_class(tmp_path):
    """A class folder outside the repository: a student's submission and a gradebook, with secrets."""
    secret = f"classmate-{uuid.uuid4().hex}"
    folder = tmp_path / "course" / "submissions" / "ch01_attention" / "2024099"
    folder.mkdir(parents=True)
    (folder / "attention.py").write_text(f"# {secret}\n" + REFERENCE)
    reports = tmp_path / "course" / "grading_reports"
    reports.mkdir()
    (reports / "gradebook.sqlite").write_text(f"SQLite format 3 {secret}")
    return {"secret": secret, "files": [str(folder / "attention.py"), str(reports / "gradebook.sqlite")],
            "folders": [str(tmp_path / "course")]}


def test_hidden_material_cannot_be_read_by_any_path(graded, fork_server, victim, other_class):
    """Can the reference, the hidden suites, the gradebook, another student's submission or a live
    classmate's working folder be read through any path a student could guess: the repository
    written out, sys.executable, VIRTUAL_ENV, sys.path, autograder.__file__, walking up from the
    working folder, /proc/<pid>/cwd and /root of the parent, the fork server, the grader and the
    classmate, inherited descriptors, importing the hidden suites or inspect.getsource of the
    grader's modules, the gradebook and class folder outside the repository, a search of the
    disk, and the process's own memory? (It must not: it earns only its honest causal_mask.)"""
    classmate_files = [f"{victim['workdir']}/secret-work.txt"] + [
        f"/proc/{pid}/{link}/secret-work.txt" for pid in victim["pids"] for link in ("cwd", f"root{victim['workdir']}")]
    known = {"repo": [str(REPO_ROOT), "/work/main"], "pids": [fork_server.process.pid, os.getpid(), *victim["pids"]],
             "files": other_class["files"] + classmate_files + [
                 str(REFERENCE_DIR / "ch01_attention" / "attention.py"), str(SUITES_DIR / "ch01_attention" / "test_masks.py")],
             "folders": other_class["folders"] + [str(REFERENCE_DIR), str(SUITES_DIR), fork_server.root]}
    secrets = ["### BEGIN " + "SOLUTION", "@pytest.mark." + "covers(", "catalogue." + "mistake(",
               other_class["secret"], victim["secret"]]
    # Written so that no secret appears in the source itself.
    secrets_source = "[" + ", ".join(" + ".join(repr(s[i:i + 5]) for i in range(0, len(s), 5)) for s in secrets) + "]"
    attack = READ_HIDDEN.format(known=repr(known), secrets=secrets_source)
    results = graded(causal_attack(attack, source=TEMPLATE, honest=True), MASKS, others=victim["pids"])
    text = outputs(results)
    assert "LEAK" not in text, text
    assert not any(secret in text for secret in secrets)
    assert scores(results) == {"causal_mask": (5.0, 5.0)}
    assert _victim_still_answers(victim)


def test_network_is_unreachable(graded, next_student_unaffected, tmp_path):
    """Are TCP and UDP to the grader's machine, a named and an abstract UNIX socket, the internet
    and DNS all unreachable, with nothing arriving at the listeners?"""
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    unix_path = str(tmp_path / "listener.sock")
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(unix_path)
    unix.listen()
    abstract_name = f"\0autograder-attack-{uuid.uuid4().hex}"
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind(abstract_name)
    abstract.listen()
    targets = {"tcp": tcp.getsockname()[1], "udp": udp.getsockname()[1], "unix": unix_path, "abstract": abstract_name}
    try:
        results = graded(causal_attack(NETWORK.format(targets=repr(targets)), source=TEMPLATE, honest=True), MASKS)
        assert "LEAK" not in outputs(results), outputs(results)
        assert scores(results) == {"causal_mask": (5.0, 5.0)}
        for listener in (tcp, unix, abstract, udp):
            listener.setblocking(False)
            with pytest.raises(BlockingIOError):
                listener.recv(16) if listener is udp else listener.accept()
        next_student_unaffected()
    finally:
        for listener in (tcp, udp, unix, abstract):
            listener.close()


def test_other_processes_cannot_be_signalled_traced_or_read(graded, fork_server, victim, next_student_unaffected):
    """Can the fork server, the grader or a classmate's process be signalled (even SIGKILL),
    traced, read with process_vm_readv, reniced, or every process signalled at once? (No: and
    the fork server and the classmate still work afterwards.)"""
    pids = [fork_server.process.pid, os.getpid(), *victim["pids"]]
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    results = graded(causal_attack(SIGNALS.format(pids=repr(pids)), source=TEMPLATE, honest=True), MASKS,
                     others=victim["pids"])
    assert "LEAK" not in outputs(results), outputs(results)
    assert scores(results) == {"causal_mask": (5.0, 5.0)}
    assert _victim_still_answers(victim)
    assert os.getpriority(os.PRIO_PROCESS, 0) == niceness
    next_student_unaffected()


def _digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def test_nothing_outside_the_working_folder_can_be_written(graded, other_class, next_student_unaffected):
    """Can the reference, the hidden suite, another student's submission, the grader's Python
    (sitecustomize.py, a .pth file), torch's compile cache, /tmp, /dev/shm, root's home, cron,
    core_pattern or sysrq be written to? (No: nothing changes, nothing new appears.)"""
    watched = [REFERENCE_DIR / "ch01_attention" / "attention.py", SUITES_DIR / "ch01_attention" / "test_masks.py",
               *map(Path, other_class["files"])]
    before = _digest(watched)
    targets = [str(p) for p in watched] + [str(REPO_ROOT / "attack-planted")]
    source = causal_attack(WRITE_OUTSIDE.format(targets=", ".join(map(repr, targets))), source=TEMPLATE, honest=True)
    results = graded(source, MASKS)
    assert "LEAK" not in outputs(results), outputs(results)
    assert scores(results) == {"causal_mask": (5.0, 5.0)}
    assert _digest(watched) == before
    site = Path(torch.__file__).parents[1]
    assert not (site / "sitecustomize.py").exists() and not (site / "zz-attack.pth").exists()
    assert not Path("/tmp/attack-planted").exists() and not (REPO_ROOT / "attack-planted").exists()
    assert not Path("/tmp/pwned").exists()
    next_student_unaffected()


# -- afterwards ---------------------------------------------------------------------------------

def test_demo_class_scores_the_same_after_the_attacks(graded, demo_class_before, fork_server):
    """After the whole corpus, with the same warm fork server, does the demo class get exactly the
    scores it got before, and is no process the corpus started still alive?"""
    assert _demo_class_scores(graded) == demo_class_before
    assert sandbox_processes(fork_server.process.pid) == []
