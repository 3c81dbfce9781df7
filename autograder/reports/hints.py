"""The targeted hints in test messages: a line ``Hint (common mistake `id`): 中文 / English``.

:func:`autograder.checks.mistakes.Mistake.message` writes that line when a student's output matches
a catalogued mistake; reports show it highlighted and the dashboard counts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HINT_LINE = re.compile(r"^\s*Hint \(common mistake `(?P<id>[^`]+)`\):\s*(?P<text>.*)$")


@dataclass(frozen=True)
class Hint:
    """One matched mistake: its catalogue id and its hint in each language."""

    mistake_id: str
    text_zh: str
    text_en: str

    def primary(self, lang: str) -> str:
        """The hint in ``lang`` alone (the other language when that one is empty)."""
        return (self.text_zh if lang == "zh" else self.text_en) or self.text_en or self.text_zh

    def text(self, lang: str) -> str:
        """The hint in ``lang`` first, the other language after it when the two differ."""
        first, second = (self.text_zh, self.text_en) if lang == "zh" else (self.text_en, self.text_zh)
        return f"{first} / {second}" if second and second != first else first or second


def split_hints(message: str) -> tuple[str, list[Hint]]:
    """The message without its hint lines, and the hints, in order."""
    kept, hints = [], []
    for line in (message or "").splitlines():
        match = HINT_LINE.match(line)
        if match:
            hints.append(_hint(match["id"], match["text"]))
        else:
            kept.append(line)
    return "\n".join(kept).strip("\n"), hints


def _hint(mistake_id: str, text: str) -> Hint:
    # The line is "中文 / English"; a hint without the separator is kept whole in both languages.
    zh, separator, en = text.partition(" / ")
    if not separator:
        return Hint(mistake_id, text.strip(), text.strip())
    return Hint(mistake_id, zh.strip(), en.strip())
