"""Wrong shapes in test messages: ``output[0] has shape [2, 5, 3], expected [2, 3, 5]``.

The checks library words every shape mismatch this way (``autograder.checks.compare`` and
``autograder.checks.structure``); a report draws the two shapes side by side. Only what the
message already says is drawn, so a hidden test's diagram reveals nothing its message does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHAPE_MISMATCH = re.compile(
    r"(?P<what>[^\s:;,()]+(?:\[[^\]]*\])*) has shape \[(?P<got>[\d,\s]*)\], expected \[(?P<expected>[\d,\s]*)\]")

MAX_DIAGRAMS = 3  # per test: one picture is the point, a dozen would be noise


@dataclass(frozen=True)
class ShapeMismatch:
    what: str
    got: tuple[int, ...]
    expected: tuple[int, ...]

    def differs_at(self, index: int) -> bool:
        """Whether dimension ``index`` differs (a dimension only one shape has differs)."""
        if index >= len(self.got) or index >= len(self.expected):
            return True
        return self.got[index] != self.expected[index]


def find_shape_mismatches(message: str) -> list[ShapeMismatch]:
    found = []
    for match in SHAPE_MISMATCH.finditer(message or ""):
        mismatch = ShapeMismatch(match["what"], _dims(match["got"]), _dims(match["expected"]))
        if mismatch not in found:
            found.append(mismatch)
    return found[:MAX_DIAGRAMS]


def _dims(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace(" ", "").split(",") if part)
