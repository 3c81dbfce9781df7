"""The message catalogue: both languages, every placeholder, and number formatting."""

from __future__ import annotations

import string

import pytest

from autograder.reports.messages import CATALOGUE, format_points, messages


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    """Does each key have a Chinese and an English text that take the same placeholders?"""
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_chinese_is_the_default_and_unknown_languages_are_refused():
    """Is Chinese the default, and does an unknown language fail with the choices?"""
    assert messages()("total") == "总分"
    assert messages("en")("raw_score", score="3", max="5") == "tests 3 / 5"
    assert messages("zh").label("student") == "学生：" and messages("en").label("student") == "Student: "
    with pytest.raises(ValueError, match="zh, en"):
        messages("fr")


@pytest.mark.parametrize(("value", "text"), [(90.0, "90"), (35.5555, "35.56"), (0.5, "0.5"), (-0.0001, "0"),
                                              (None, "–")])
def test_points_are_written_as_people_write_them(value, text):
    """Are points shown without trailing zeros and with two decimals at most?"""
    assert format_points(value) == text
