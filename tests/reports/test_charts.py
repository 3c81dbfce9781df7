"""The matplotlib charts and the CJK font they need for Chinese labels."""

from __future__ import annotations

import base64
import warnings

from autograder.reports import charts
from autograder.reports.messages import messages


def test_histogram_is_an_inline_png():
    """Is the histogram a PNG data URI (nothing fetched, nothing written to disk)?"""
    uri = charts.histogram_png([10.0, 55.0, 55.0, 99.0, 100.0], t=messages("en"), x_label_key="percent_of_total")
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG")


def test_found_cjk_font_draws_chinese_without_missing_glyphs():
    """When a CJK font is found, do Chinese labels render without 'missing glyph' warnings?"""
    font = charts.cjk_font()
    if font is None:
        return  # the fallback is the next test's question
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.histogram_png([50.0], t=messages("zh"), x_label_key="percent_of_total")


def test_without_a_cjk_font_labels_fall_back_to_english(monkeypatch):
    """With no CJK font installed, are chart labels English rather than empty boxes?"""
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.chart_messages(messages("zh")).lang == "en"
    assert charts.chart_messages(messages("en")).lang == "en"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.histogram_png([50.0], t=messages("zh"), x_label_key="percent_of_total")


def test_chinese_labels_are_kept_when_a_cjk_font_exists(monkeypatch):
    """With a CJK font, do charts keep the Chinese catalogue?"""
    monkeypatch.setattr(charts, "cjk_font", lambda: "Some CJK Font")
    assert charts.chart_messages(messages("zh")).lang == "zh"
