import math

import pytest

from autograder.exports.cells import cell, clean, number, text


@pytest.mark.parametrize("dangerous", [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "＝1+1",
])
def test_formula_starts_get_an_apostrophe(dangerous):
    """Does every text cell a spreadsheet could evaluate start with an apostrophe?"""
    written = text(dangerous)
    assert written.startswith("'")
    assert "\t" not in written and "\r" not in written


@pytest.mark.parametrize("plain", ["张伟", "O'Brien, Bob", "Alice Smith", "a=b", "S2024001", "'quoted"])
def test_plain_text_is_unchanged(plain):
    """Is ordinary text, including names with apostrophes and commas, written as it is?"""
    assert text(plain) == plain


def test_neutralising_is_idempotent():
    """Does neutralising twice give what neutralising once gives (no stacked apostrophes)?"""
    assert text(text("=1+1")) == text("=1+1") == "'=1+1"


@pytest.mark.parametrize("value, written", [(-3.5, "-3.5"), (-3, "-3"), (85.0, "85"), (85.5, "85.5"),
                                            (16.6667, "16.67"), (1234567.891, "1234567.89"), (-0.001, "0"),
                                            (0.1 + 0.2, "0.3"), (1e20, "100000000000000000000")])
def test_numbers_are_plain_and_never_neutralised(value, written):
    """Are numbers written with a dot, no thousands separator, no exponent, and never prefixed, even negative?"""
    assert number(value) == written
    assert cell(value) == written
    assert text(written) == written


def test_number_places_are_a_parameter():
    """Can a caller ask for more decimals (test scores)?"""
    assert number(1 / 3, places=4) == "0.3333"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad):
    """Is NaN or infinity refused with the value named, rather than written into a gradebook?"""
    with pytest.raises(ValueError, match="not a finite number"):
        number(bad)


def test_control_characters_are_stripped():
    """Are control characters removed and line breaks turned into spaces, so a cell stays on one line?"""
    assert clean("a\x00b\x1bc\x7fd\x85e") == "abcde"
    assert clean("line one\r\nline two\u2028three") == "line one  line two three"
    assert "\n" not in text("x\ny")


def test_none_is_a_blank_cell():
    """Is a missing value a blank cell, not the text 'None'?"""
    assert cell(None) == ""
