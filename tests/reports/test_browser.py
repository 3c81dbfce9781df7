"""The reports as a browser shows them: headless Chromium, no console messages, the score on screen.

The pages carry no script, so any console message at all (a blocked fetch, a CSP violation, an
error) is a fault. Screenshots of a student report (desktop and phone width) and of the dashboards
are left in ``grading_reports/test_screenshots/`` for a person to look at, beside the pages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.reports import build_reports

pytestmark = pytest.mark.browser

TITLES = {"ch01_attention": "第 1 章 注意力机制 · Attention mechanisms"}
CONSOLE_LINE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)")


def open_page(chromium: str, page: Path, profile: Path, *, screenshot: Path | None = None,
              window: str = "1000,3000") -> tuple[str, list[str]]:
    """Load ``page`` in headless Chromium; return the DOM it built and every console message it logged."""
    action = ["--dump-dom", f"--window-size={window}", "--hide-scrollbars"]
    if screenshot:
        action.append(f"--screenshot={screenshot}")
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *action, page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [m.group(1) for m in CONSOLE_LINE.finditer(done.stderr)]


@pytest.fixture
def built(grades, screenshot_dir) -> Path:
    """The class of conftest.py built into ``test_screenshots/pages`` (kept, beside the screenshots)."""
    target = screenshot_dir / "pages"
    shutil.rmtree(target, ignore_errors=True)
    summary = build_reports(grades, target, course="Transformer 与前沿深度学习", titles=TITLES)
    assert summary.failures == []
    return target


def test_the_console_check_catches_faults(chromium, tmp_path):
    """Does the console check see a blocked external image and a script error (so a clean page means clean)?"""
    page = tmp_path / "canary.html"
    page.write_text("<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' content=\"default-src "
                    "'none'\"></head><body><img src='https://example.invalid/x.png'><script>nope()</script></body>"
                    "</html>", encoding="utf-8")
    _, console = open_page(chromium, page, tmp_path / "profile")
    assert any("example.invalid" in m for m in console) and any("inline script" in m for m in console)


def test_student_report_shows_the_score_with_a_clean_console(chromium, built, tmp_path, screenshot_dir):
    """Does a student's report render with its total visible and no console message, on a desktop and a phone?"""
    page = built / "ch01_attention" / "2024101.html"
    for name, window in (("student_report.png", "1000,3000"), ("student_report_phone.png", "390,2400")):
        dom, console = open_page(chromium, page, tmp_path / "profile", screenshot=screenshot_dir / name, window=window)
        assert console == []
        assert "56.89 / 120" in dom and "softmax_over_queries" in dom and "<script" not in dom
        assert (screenshot_dir / name).stat().st_size > 10_000


def test_escaped_name_stays_text_in_the_browser(chromium, built, tmp_path):
    """Is a student named '<script>alert(1)</script>' shown as text, with no script element in the DOM?"""
    dom, console = open_page(chromium, built / "ch01_attention" / "2024102.html", tmp_path / "profile")
    assert console == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)" not in dom


def test_dashboards_show_the_class_with_a_clean_console(chromium, built, tmp_path, screenshot_dir):
    """Do the assignment and course dashboards render their numbers with no console message?"""
    page = built / "ch01_attention" / "index.html"
    dom, console = open_page(chromium, page, tmp_path / "profile",
                             screenshot=screenshot_dir / "assignment_dashboard.png", window="1100,2600")
    assert console == []
    assert "班级概览" in dom and "softmax_over_queries" in dom and 'id="mean"' in dom
    dom, console = open_page(chromium, built / "index.html", tmp_path / "profile",
                             screenshot=screenshot_dir / "course_dashboard.png", window="1100,1400")
    assert console == [] and "课程概览" in dom
    for name in ("assignment_dashboard.png", "course_dashboard.png"):
        assert (screenshot_dir / name).stat().st_size > 10_000
