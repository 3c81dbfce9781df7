"""Catalogued-mistake hints, read out of test messages."""

from __future__ import annotations

from autograder.checks.mistakes import Mistake
from autograder.reports.hints import Hint, split_hints


def test_the_line_the_checks_write_is_read_back():
    """Does split_hints read exactly what Mistake.message writes, and keep the rest of the message?"""
    mistake = Mistake("no_scaling", "scaled_dot_product_attention", "Not divided by sqrt(d).", "没有除以 sqrt(d)。", "")
    message = f"output: 24 of 24 elements differ\n{mistake.message()}"
    body, hints = split_hints(message)
    assert body == "output: 24 of 24 elements differ"
    assert hints == [Hint("no_scaling", "没有除以 sqrt(d)。", "Not divided by sqrt(d).")]


def test_hint_text_puts_the_readers_language_first():
    """Is the hint shown in the report's language first, and alone where only one is wanted?"""
    hint = Hint("x", "中文提示", "English hint")
    assert hint.text("zh") == "中文提示 / English hint" and hint.text("en") == "English hint / 中文提示"
    assert hint.primary("en") == "English hint" and hint.primary("zh") == "中文提示"


def test_a_message_without_hints_is_unchanged():
    """Does a message with no hint line come back whole, with no hints?"""
    assert split_hints("a\n  b\nHint: not a catalogued one") == ("a\n  b\nHint: not a catalogued one", [])


def test_a_hint_without_the_separator_is_kept_whole():
    """Is a one-language hint kept whole in both languages rather than cut?"""
    _, hints = split_hints("Hint (common mistake `m`): only one language here")
    assert hints[0].text_zh == hints[0].text_en == "only one language here"
