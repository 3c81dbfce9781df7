"""The checker's fork server: the grader's (:mod:`autograder.sandbox.forkserver`), pytest imported first.

The public tests run with pytest inside each child. Importing pytest and all of its modules here,
once, before any fork, saves every child that time, and lets children run pytest even where it
is installed outside the folders the sandbox lets them read (pytest imports some of its modules
only while it runs).

Run as ``python -m autograder.student.forkserver FD SANDBOX_ROOT`` (what
:class:`~autograder.sandbox.session.ForkServer` does when given this module).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys


def preload_pytest() -> None:
    import _pytest
    import pytest  # noqa: F401

    for module in pkgutil.walk_packages(_pytest.__path__, "_pytest."):
        try:
            importlib.import_module(module.name)
        except Exception:  # an optional part (a plugin needing a missing package): the children manage
            pass


if __name__ == "__main__":
    preload_pytest()
    from autograder.sandbox import forkserver

    forkserver.main(sys.argv)
