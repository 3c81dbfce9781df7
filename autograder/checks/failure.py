"""The exception every check raises, and the context that shapes its message."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


class CheckFailure(AssertionError):
    """A check failed; ``str()`` is the message the student reads."""


@dataclass(frozen=True)
class GradingContext:
    """What the checks library knows about the test it runs in.

    ``reveal_expected`` is False for hidden tests: their messages say where and how much a value
    is wrong, but never print the expected values. ``assignment`` and ``suite_version`` key the
    on-disk cache of reference runs.
    """

    reveal_expected: bool = True
    assignment: str = ""
    suite_version: str = ""


current = contextvars.ContextVar("autograder_test_context", default=GradingContext())
