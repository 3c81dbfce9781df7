"""Cheats gain nothing; broken code costs only what it touches (the engine issue's bars).

Each submission is the ch01 template or reference with something hostile added. The fuller attack
corpus of the security issue builds on these.
"""

from __future__ import annotations

import re

import pytest

from autograder.assignment import load_assignment
from autograder.checks.mistakes import Mistake, splice
from autograder.sandbox.isolation import Limits

pytestmark = pytest.mark.slow

ASSIGNMENT = load_assignment("ch01_attention")
TEMPLATE = (ASSIGNMENT.release_dir / "attention.py").read_text(encoding="utf-8")
REFERENCE = ASSIGNMENT.reference_path.read_text(encoding="utf-8")

# Kept by the loader because they sit in a class body, which runs at import.
CHEATS = {
    "patch_allclose": "import torch\nclass _Cheat:\n    torch.allclose = lambda *a, **k: True\n    torch.equal = lambda *a, **k: True\n",
    "patch_testing": "import torch\nclass _Cheat:\n    torch.testing.assert_close = lambda *a, **k: None\n",
    "patch_pytest": "class _Cheat:\n    import pytest\n    pytest.approx = lambda *a, **k: True\n    pytest.fail = lambda *a, **k: None\n",
    "patch_builtins": "import builtins\nclass _Cheat:\n    builtins.isinstance = lambda *a: True\n    builtins.len = lambda *a: 0\n",
    "fake_results": ("import json\nclass _Cheat:\n    print(json.dumps({'score': 90, 'tests': []}))\n"
                     "    print('===== 48 passed in 1.0s =====')\n"),
    "exit_at_import": "import sys\nclass _Cheat:\n    sys.exit(0)\n",
    "os_exit_at_import": "import os\nclass _Cheat:\n    os._exit(0)\n",
}


@pytest.mark.parametrize("cheat", CHEATS)
def test_cheats_on_the_template_earn_nothing(grade, cheat):
    """Does a template with a cheat added at import still score 0?"""
    results = grade("ch01_attention", TEMPLATE + "\n\n" + CHEATS[cheat])
    assert results["score"] == 0


@pytest.mark.parametrize("cheat", ["patch_allclose", "fake_results", "exit_at_import"])
def test_cheats_do_not_break_honest_work(grade, cheat):
    """Does the reference with a cheat added still score what its honest code earns (full marks)?"""
    results = grade("ch01_attention", REFERENCE + "\n\n" + CHEATS[cheat])
    assert results["score"] == results["extra_data"]["max_score"]


def _replace(name: str, body: str) -> str:
    return splice(REFERENCE, Mistake("hostile", name, "", "", f"def {name}(*args, **kwargs):\n{body}"))


@pytest.mark.parametrize(("body", "message"), [
    ("    while True:\n        pass\n", "did not finish within 2 s"),
    ("    import torch\n    return torch.ones(2**33, dtype=torch.uint8)\n", "allocate|memory"),
    ("    import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)\n", "crashed with signal SIGSEGV"),
    ("    import os\n    os._exit(0)\n", "exited with status 0"),
    ("    import sys\n    sys.exit(0)\n", "called sys.exit"),
])
def test_failure_in_one_function_costs_only_its_tests(grade, body, message):
    """Does a hang, a memory bomb, a crash or an exit inside local_window_mask fail only its tests, clearly?"""
    results = grade("ch01_attention", _replace("local_window_mask", body), limits=Limits(call_timeout=2))
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert failed and all(t["extra_data"]["function"] == "local_window_mask" for t in failed)
    assert all(re.search(message, t["output"]) for t in failed), [t["output"] for t in failed]
    assert results["score"] == results["extra_data"]["max_score"] - sum(t["max_score"] for t in failed)


def test_looking_for_the_reference_finds_nothing(grade):
    """Does a submission that searches the disk for the reference get nothing readable?"""
    finder = '''
def causal_mask(L):
    import glob, os, sys
    paths = [os.environ.get("VIRTUAL_ENV", ""), sys.executable, os.path.dirname(sys.prefix),
             f"/proc/{os.getppid()}/cwd", os.getcwd() + "/../..", "/work", "/root", "/tmp"]
    found = []
    for base in paths:
        for pattern in ("**/reference/**/*.py", "**/suites/**/*.py", "**/attention.py"):
            try:
                for path in glob.glob(os.path.join(base, pattern), recursive=True):
                    try:
                        with open(path) as f:
                            found.append(f.read(50))
                    except OSError:
                        pass
            except OSError:
                pass
    raise RuntimeError(f"found {len(found)} readable files")
'''
    source = splice(REFERENCE, Mistake("finder", "causal_mask", "", "", finder.strip()))
    results = grade("ch01_attention", source, only={"causal_mask"})
    outputs = " ".join(t["output"] for t in results["tests"])
    assert "found 0 readable files" in outputs


def test_unreadable_notebook_scores_zero_with_a_message(grade):
    """Is a corrupt notebook graded 0 on every test, with the reason, without grader errors?"""
    results = grade("ch01_attention", b'{"cells": [', name="attention.ipynb")
    assert results["score"] == 0 and results["tests"]
    assert all("could not be graded" in t["output"] for t in results["tests"])
    assert results["extra_data"]["grader_errors"] == []


def test_syntax_error_in_one_function_costs_only_what_depends_on_it(grade):
    """Does a syntax error in strided_mask cost only strided_mask's tests, and say where?"""
    broken = REFERENCE.replace("def strided_mask(L, stride):", "def strided_mask(L, stride)")
    results = grade("ch01_attention", broken)
    failed = {t["extra_data"]["function"] for t in results["tests"] if t["status"] == "failed"}
    assert failed == {"strided_mask"}
    assert "could not be read" in next(t["output"] for t in results["tests"] if t["status"] == "failed")
    assert any("SyntaxError" in m for m in results["extra_data"]["load_messages"])


def test_gbk_encoded_reference_scores_full_marks(grade):
    """Does the reference saved as GBK with CRLF line ends earn every point?"""
    results = grade("ch01_attention", REFERENCE.replace("\n", "\r\n").encode("gb18030"))
    assert results["score"] == results["extra_data"]["max_score"]
