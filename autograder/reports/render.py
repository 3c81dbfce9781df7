"""The Jinja environment: templates in ``reports/templates``, autoescaping always on.

Everything a student controls (names, messages, tracebacks, labels) reaches the page through
autoescaping; only the SVG built by :mod:`autograder.reports.svg` is ``Markup``. Pages also carry
a Content-Security-Policy that allows no script and no network fetch, as a second wall.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from autograder.reports.messages import Messages, format_points

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters["points"] = format_points
    env.filters["percent"] = lambda value: "–" if value is None else f"{value:.1f}%"
    return env


def render(template: str, t: Messages, **context) -> str:
    return environment().get_template(template).render(t=t, **context)
