"""A tiny assignment for the checker's tests, as a release writes it: no torch in its tests or code."""

from __future__ import annotations

from pathlib import Path

from autograder.student.assignment_folder import settings_text

TEMPLATE = '''\
def add(a, b):
    """a + b."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('add')


class Scale:
    """Multiplies by ``factor``."""

    def __init__(self, factor):
        self.factor = factor

    def __call__(self, x):
        # TODO: 在此处编写你的代码 / write your code here
        raise NotImplementedError('__call__')


def count_up(n):
    """[0, 1, ..., n - 1]."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('count_up')


def untested(x):
    """Only the hidden tests check this one."""
    # TODO: 在此处编写你的代码 / write your code here
    raise NotImplementedError('untested')
'''

PUBLIC_TESTS = '''\
import importlib

import pytest

tiny = importlib.import_module("tiny")


def test_add_small():
    assert tiny.add(2, 3) == 5, "2 + 3 should be 5"


@pytest.mark.parametrize("factor", [2, 3])
def test_scale(factor):
    assert tiny.Scale(factor)(4) == 4 * factor


def test_count_up():
    assert tiny.count_up(3) == [0, 1, 2]
'''

# One version of each function, by behaviour.
SOLVED = {
    "add": "def add(a, b):\n    return a + b\n",
    "count_up": "def count_up(n):\n    return list(range(n))\n",
}
WRONG = {"add": "def add(a, b):\n    return a - b\n"}
ENDLESS = {"count_up": "def count_up(n):\n    while True:\n        pass\n"}
CRASH = {"count_up": "def count_up(n):\n    import os\n    os._exit(3)\n"}


def replace_function(source: str, name: str, new: str) -> str:
    """``source`` with the top-level ``def name`` (up to the next blank-line-separated definition) replaced."""
    lines = source.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"def {name}("))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(("def ", "class "))), len(lines))
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[:start] + new.rstrip("\n").split("\n") + lines[end:])


def make_tiny_folder(folder: Path, check_timeout: float = 5.0) -> Path:
    """The folder a release would write for the tiny assignment; each public test gets ``check_timeout`` s."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = settings_text("tiny_assignment", "Tiny · 小作业", "tiny", "definitions",
                             ["add", "Scale", "count_up", "untested"], {"call_timeout": 2})
    # check_timeout is a top-level key: it goes before the [limits] table.
    settings = settings.replace("\n[limits]", f"check_timeout = {check_timeout}\n\n[limits]")
    (folder / "assignment.toml").write_text(settings, encoding="utf-8")
    (folder / "tiny.py").write_text(TEMPLATE, encoding="utf-8")
    (folder / "test_public.py").write_text(PUBLIC_TESTS, encoding="utf-8")
    return folder


def with_functions(*versions: dict) -> str:
    """The template with the given versions of some functions (``SOLVED``, ``WRONG``, ...)."""
    source = TEMPLATE
    for version in versions:
        for name, code in version.items():
            source = replace_function(source, name, code)
    return source
