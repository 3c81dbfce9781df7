"""The sandbox, driven directly: limits, timeouts, crashes, isolation."""

import os
import time

import pytest
import torch

from autograder.assignment import REFERENCE_DIR, REPO_ROOT, SUITES_DIR, load_assignment
from autograder.sandbox.isolation import Limits
from autograder.sandbox.session import Sandbox, StudentCodeError
from autograder.submission import load_submission_bytes

CODE = f'''
import os, sys, time, socket, torch

def double(x):
    print("doubling", tuple(x.shape))
    return x * 2

def spin():
    while True:
        pass

def allocate():
    return torch.ones(4 * 2**30, dtype=torch.uint8)

def die():
    os._exit(0)

def leave():
    sys.exit(0)

def read(path):
    with open(path, "rb") as f:
        return f.read(100)

def listdir(path):
    return os.listdir(path)

def connect():
    s = socket.socket()
    s.settimeout(2)
    s.connect(("127.0.0.1", 9))
    return "connected"

def write_big():
    with open("big.bin", "wb") as f:
        f.write(b"x" * (300 * 2**20))
    return "written"

def chatter():
    for i in range(200000):
        print("spam", i)
    return "done"

def environment():
    return dict(os.environ)

def todo(x):
    raise NotImplementedError("TODO")

def values_of(x):
    return x.tolist()

class Counter(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)
    def forward(self, x):
        return self.lin(x)
'''


@pytest.fixture
def sandbox(fork_server):
    submission = load_submission_bytes("student.py", CODE.encode())
    box = Sandbox(fork_server, submission, "student", Limits(call_timeout=5), protected=[str(REFERENCE_DIR), str(SUITES_DIR)])
    yield box
    box.close()


def call(box, name, *args, timeout=None):
    return box.request({"op": "call", "target": name, "args": list(args), "kwargs": {}}, name, timeout)


def test_call_returns_data_and_captures_output(sandbox):
    """Does a call return a tensor and keep what the student printed?"""
    assert torch.equal(call(sandbox, "double", torch.ones(2)), torch.full((2,), 2.0))
    assert "doubling (2,)" in sandbox.process.last_output


def test_infinite_loop_times_out_and_the_next_call_gets_a_fresh_process(sandbox):
    """Is an infinite loop stopped at the timeout, and does the next call work in a new child?"""
    started = time.monotonic()
    with pytest.raises(StudentCodeError, match="did not finish within 1 s") as info:
        call(sandbox, "spin", timeout=1)
    assert info.value.kind == "timeout" and time.monotonic() - started < 5
    first = sandbox.generation
    assert torch.equal(call(sandbox, "double", torch.ones(1)), torch.full((1,), 2.0))
    assert sandbox.generation == first + 1


def test_memory_bomb_fails_only_that_call(sandbox):
    """Does allocating past the address-space limit fail the call with a message, not the grader?"""
    with pytest.raises(StudentCodeError, match="allocate|memory"):
        call(sandbox, "allocate")
    assert torch.equal(call(sandbox, "double", torch.ones(1)), torch.full((1,), 2.0))


@pytest.mark.parametrize(("name", "kind"), [("die", "crash"), ("leave", "exit")])
def test_exiting_is_a_failure_not_a_result(sandbox, name, kind):
    """Do os._exit(0) and sys.exit(0) inside a call fail that call instead of passing it?"""
    with pytest.raises(StudentCodeError) as info:
        call(sandbox, name)
    assert info.value.kind == kind


def test_a_todo_stub_is_not_implemented_but_pytorchs_notimplementederror_is_an_error(sandbox):
    """Is NotImplementedError a TODO only when the student's own ``raise`` raised it? PyTorch raises
    it too (no meta kernel, no data to copy), and that message must reach the student."""
    with pytest.raises(StudentCodeError) as todo:
        call(sandbox, "todo", torch.ones(1))
    assert todo.value.kind == "not_implemented"
    with pytest.raises(StudentCodeError, match="Cannot copy out of meta tensor") as torch_error:
        sandbox.request({"op": "call", "target": "values_of", "args": [torch.ones(2)], "kwargs": {}, "device": "meta"},
                        "values_of", None)
    assert torch_error.value.kind == "exception"


def test_a_module_called_on_another_device_keeps_its_weights(sandbox):
    """Does a call with ``device=`` leave the module's own weights where they were (the meta
    device has no data to move back), so a later CPU call still computes?"""
    counter = call(sandbox, "Counter").handle
    first = sandbox.request({"op": "call", "target": counter, "args": [torch.ones(1, 2)], "kwargs": {}}, "Counter")
    sandbox.request({"op": "call", "target": counter, "args": [torch.ones(1, 2)], "kwargs": {}, "device": "meta"},
                    "Counter")
    again = sandbox.request({"op": "call", "target": counter, "args": [torch.ones(1, 2)], "kwargs": {}}, "Counter")
    assert torch.equal(first, again)


def test_student_code_may_import_the_course_data_layer_and_nothing_beside_it(fork_server):
    """Can a submission import ``coursedata`` (statements tell students to use it) while the
    folder around it stays out of reach?"""
    code = b"import coursedata\ndef digits_shape():\n    return tuple(coursedata.digits().x_train.shape)\n" \
           b"def read(path):\n    return open(path, 'rb').read(10)\n"
    assignment = load_assignment("ch03_vision_transformers")
    box = Sandbox(fork_server, load_submission_bytes("student.py", code), "student", Limits(call_timeout=30),
                  protected=assignment.protected_paths(), readable=assignment.readable_paths())
    try:
        assert box.ensure().load_report["errors"] == []
        assert len(call(box, "digits_shape")) >= 2
        with pytest.raises(StudentCodeError, match="PermissionError|FileNotFoundError"):
            call(box, "read", str(REPO_ROOT / "pyproject.toml"))
    finally:
        box.close()


@pytest.mark.parametrize("path", [
    str(REFERENCE_DIR / "ch01_attention" / "attention.py"),
    str(SUITES_DIR / "ch01_attention" / "mistakes.py"),
    str(REPO_ROOT / "pyproject.toml"),
])
def test_hidden_files_cannot_be_read(sandbox, path):
    """Is the reference, the hidden suite and the rest of the repository unreadable, by absolute path?"""
    with pytest.raises(StudentCodeError, match="PermissionError|FileNotFoundError|IsADirectoryError"):
        call(sandbox, "read", path)


def test_parent_working_folder_is_not_a_way_in(sandbox):
    """Can /proc/<grader>/cwd reach the repository? (It must not.)"""
    with pytest.raises(StudentCodeError, match="PermissionError|FileNotFoundError"):
        call(sandbox, "read", f"/proc/{os.getpid()}/cwd/pyproject.toml")


def test_no_network(sandbox):
    """Is a TCP connection refused inside the sandbox?"""
    with pytest.raises(StudentCodeError, match="Error"):
        call(sandbox, "connect")


def test_file_size_limit(sandbox):
    """Is writing 300 MB stopped by the file-size limit?"""
    with pytest.raises(StudentCodeError):
        call(sandbox, "write_big")


def test_output_flood_does_not_block_or_flood_the_grader(sandbox):
    """Does printing 200,000 lines finish, with only a capped amount of output kept?"""
    assert call(sandbox, "chatter", timeout=20) == "done"
    assert len(sandbox.process.output.text()) < 80_000


def test_environment_hides_the_repository(sandbox):
    """Does the child's environment avoid pointing at the grader's repository or virtualenv?"""
    env = call(sandbox, "environment")
    assert "VIRTUAL_ENV" not in env and not any(str(REPO_ROOT) in v for v in env.values())


def test_module_handles_can_be_called_and_read(sandbox):
    """Can a student module be built, its weights read and loaded, and called, through handles?"""
    module = call(sandbox, "Counter")
    state = sandbox.request({"op": "call", "target": sandbox.request(
        {"op": "getattr", "target": module.handle, "name": "state_dict"}, "sd").handle, "args": [], "kwargs": {}}, "sd()")
    assert set(state) == {"lin.weight", "lin.bias"}


def test_isolation_report_says_what_held(sandbox):
    """Does the isolation report name the layers in force, with rlimits always among them?"""
    call(sandbox, "double", torch.ones(1))
    report = sandbox.isolation
    assert report["rlimits"]["RLIMIT_AS"] == Limits().address_space
    assert "rlimits" in report["summary"]


def test_limits_refuse_an_address_space_under_4_gib():
    """Is an address-space limit under 4 GiB refused (PyTorch's CUDA build cannot start under it)?"""
    with pytest.raises(ValueError, match="4 GiB"):
        Limits(address_space=2**31)


def test_top_level_infinite_loop_costs_only_that_statement(fork_server):
    """Does a top-level statement that hangs get skipped, leaving the functions gradable?"""
    code = "def f():\n    return 1\n\nclass Hang:\n    while True:\n        pass\n\ndef g():\n    return 2\n"
    box = Sandbox(fork_server, load_submission_bytes("s.py", code.encode()), "s", Limits(load_timeout=2))
    try:
        assert call(box, "f") == 1 and call(box, "g") == 2
        assert any("timed out" in m for m in box.load_errors())
    finally:
        box.close()


def test_os_exit_at_import_costs_only_that_statement(fork_server):
    """Does os._exit(0) at top level (inside a kept class body) leave the rest gradable?"""
    code = "import os\ndef f():\n    return 1\nclass Bye:\n    os._exit(0)\n"
    box = Sandbox(fork_server, load_submission_bytes("s.py", code.encode()), "s", Limits())
    try:
        assert call(box, "f") == 1
    finally:
        box.close()


FORKING = '''
import os, subprocess, threading, torch

def fork_once():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid

def run_shell():
    return subprocess.run(["true"]).returncode

def threads_still_work():
    results = []
    workers = [threading.Thread(target=lambda: results.append(1)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(results) + int(torch.ones(64, 64).matmul(torch.ones(64, 64)).sum().item() > 0)

def fork_bomb():
    while True:
        os.fork()
'''


@pytest.fixture
def forking(fork_server):
    box = Sandbox(fork_server, load_submission_bytes("student.py", FORKING.encode()), "student", Limits(call_timeout=5))
    yield box
    box.close()


@pytest.mark.parametrize("name", ["fork_once", "run_shell", "fork_bomb"])
def test_no_new_processes(forking, name):
    """Are fork, subprocess and a fork bomb refused (PermissionError), bounding a fork bomb even as root?"""
    with pytest.raises(StudentCodeError, match="PermissionError|BlockingIOError"):
        call(forking, name)


def test_threads_still_work(forking):
    """Do threads (and torch ops) still work under the no-new-processes filter?"""
    assert call(forking, "threads_still_work") == 5
