"""Charts drawn with matplotlib for the dashboards (PNG as a ``data:`` URI), and the CJK font.

Only the dashboards use matplotlib (a handful of figures per build); student reports use the
small SVG charts of :mod:`autograder.reports.svg`. Chinese labels need a font with CJK glyphs:
:func:`cjk_font` finds one through ``matplotlib.font_manager``; without one, :func:`chart_messages`
falls back to English labels rather than drawing empty boxes.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

from autograder.reports.messages import Messages, messages

# Families tried first, by name (Debian: fonts-wqy-microhei, fonts-noto-cjk; macOS; Windows).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "PingFang SC", "Heiti SC",
                "Microsoft YaHei", "SimHei")
# Font files whose name suggests CJK glyphs, checked when the font cache predates their install.
CJK_FILE_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "uming", "ukai",
                  "msyh", "simhei", "pingfang")
PROBE = "分数"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font family that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    # matplotlib caches its font list; a font installed after the cache was written is not in it.
    for path in font_manager.findSystemFonts():
        if any(hint in Path(path).name.lower() for hint in CJK_FILE_HINTS) and _has_glyphs(path):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def chart_messages(t: Messages) -> Messages:
    """The catalogue the charts label with: English when Chinese cannot be drawn."""
    if t.lang == "zh" and cjk_font() is None:
        return messages("en")
    return t


def histogram_png(values: list[float], *, t: Messages, x_label_key: str,
                  bins: tuple[float, ...] = tuple(range(0, 101, 10))) -> str:
    """A histogram of ``values`` (percentages by default) as a ``data:image/png`` URI."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = chart_messages(t)
    font = cjk_font()
    style = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "font.size": 10,
             "axes.spines.top": False, "axes.spines.right": False}
    with rc_context(style):
        figure = Figure(figsize=(6.4, 2.8), dpi=110)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        clipped = [min(max(v, bins[0]), bins[-1]) for v in values]
        axes.hist(clipped, bins=list(bins), color="#2563eb", edgecolor="white")
        axes.set_xlim(bins[0], bins[-1])
        axes.set_xlabel(labels(x_label_key))
        axes.set_ylabel(labels("count_students"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(c)) for c in PROBE)
