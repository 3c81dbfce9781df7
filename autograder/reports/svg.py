"""Small charts drawn as inline SVG strings: loss curves, heatmaps, shape diagrams.

A student report needs a few small pictures per student; building the SVG text directly costs
well under a millisecond each (matplotlib would cost tens), stays sharp on a phone, and takes its
fonts (Chinese included) from the browser. Every piece of text is escaped here; the result is
``Markup`` for the templates.
"""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

from autograder.reports.shapes import ShapeMismatch

STUDENT_COLOUR = "#2563eb"
REFERENCE_COLOUR = "#ea580c"
FONT = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif"
MAX_POINTS = 300  # a polyline with more points looks the same and weighs more
MAX_CELLS_PER_SIDE = 40
VALUES_IN_CELLS_UP_TO = 8  # rows and columns; larger maps show values on hover only
LOG_SCALE_RATIO = 30.0  # losses spanning more than this ratio are drawn on a log scale

# viridis, sampled at 9 points; colours in between are interpolated
_VIRIDIS = ((68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141), (39, 173, 129),
            (92, 200, 99), (170, 220, 50), (253, 231, 37))


def loss_curves_svg(series: list[tuple[str, tuple[float, ...], str]], *, title: str, x_label: str, y_label: str,
                    log_label: str, not_finite_label: str) -> Markup:
    """Curves against the step; ``series`` holds (label, values, colour), dashed after the first.

    ``not_finite_label`` is formatted with ``step`` when the first series turns NaN or infinite.
    """
    width, height, left, right, top, bottom = 520, 250, 56, 14, 30, 44
    finite = [v for _, values, _ in series for v in values if math.isfinite(v)]
    if not finite:
        finite = [0.0, 1.0]
    log = min(finite) > 0 and max(finite) / min(finite) > LOG_SCALE_RATIO
    transform = math.log10 if log else (lambda v: v)
    low, high = transform(min(finite)), transform(max(finite))
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    steps = max(len(values) for _, values, _ in series)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + plot_w * (i / max(steps - 1, 1))

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (transform(v) - low) / (high - low))

    parts = [_svg_open(width, height, title),
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#cbd5e1"/>']
    y_ticks = _log_ticks(low, high) if log else _nice_ticks(low, high)
    for tick in y_ticks:
        value = 10 ** tick if log else tick
        y = y_of(value)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eef2f7"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_number(value)}</text>')
    for tick in _nice_ticks(0, steps - 1):
        if float(tick).is_integer() and 0 <= tick <= steps - 1:
            x = x_of(int(tick))
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" class="tick">'
                         f'{int(tick)}</text>')
    for index, (label, values, colour) in enumerate(series):
        dash = ' stroke-dasharray="6 4"' if index else ""
        for run in _finite_runs(values):
            if len(run) == 1:  # a lone finite step between NaNs: a dot, since a line needs two points
                parts.append(f'<circle cx="{x_of(run[0][0]):.1f}" cy="{y_of(run[0][1]):.1f}" r="2.5" fill="{colour}"/>')
                continue
            points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in run)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{points}"/>')
        legend_x = left + 8 + index * 150
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{top - 12}" y2="{top - 12}" '
                     f'stroke="{colour}" stroke-width="2"{dash}/>'
                     f'<text x="{legend_x + 28}" y="{top - 8}" class="label">{escape(label)}</text>')
    x_title = x_label + (f" · {y_label}: {log_label}" if log else "")
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" class="label">'
                 f'{escape(x_title)}</text>')
    parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" class="label" '
                 f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>')
    first_bad = next((i for i, v in enumerate(series[0][1]) if not math.isfinite(v)), None) if series else None
    if first_bad is not None:
        parts.append(f'<text x="{left + plot_w - 6}" y="{top + 16}" text-anchor="end" class="warn">'
                     f'{escape(not_finite_label.format(step=first_bad))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap_svg(matrix: tuple[tuple[float, ...], ...], *, title: str, low: float, high: float,
                x_labels: tuple[str, ...] = (), y_labels: tuple[str, ...] = ()) -> Markup:
    """One map as coloured cells on a shared ``low``..``high`` scale (viridis), values on hover."""
    rows, cols = _strided(matrix)
    n_rows, n_cols = len(rows), len(cols)
    cell = max(8, min(36, 300 // max(n_rows, n_cols)))
    show_values = n_rows <= VALUES_IN_CELLS_UP_TO and n_cols <= VALUES_IN_CELLS_UP_TO
    label_w = 48 if y_labels else 6
    label_h = 22 if x_labels else 6
    width, height = label_w + n_cols * cell + 6, 24 + n_rows * cell + label_h
    parts = [_svg_open(width, height, title),
             f'<text x="{label_w}" y="16" class="label">{escape(title)}</text>']
    span = (high - low) or 1.0
    for r, (source_r, row) in enumerate(rows):
        for c, source_c in enumerate(cols):
            value = row[source_c]
            fraction = (value - low) / span if math.isfinite(value) else None
            colour = _viridis(fraction) if fraction is not None else "#dc2626"
            x, y = label_w + c * cell, 24 + r * cell
            parts.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{colour}">'
                         f'<title>[{source_r}, {source_c}] = {_number(value)}</title></rect>')
            if show_values:
                ink = "#111" if (fraction or 0) > 0.6 else "#fff"
                parts.append(f'<text x="{x + cell / 2:.1f}" y="{y + cell / 2 + 4:.1f}" text-anchor="middle" '
                             f'class="cell" fill="{ink}">{value:.2f}</text>')
        if y_labels and source_r < len(y_labels):
            parts.append(f'<text x="{label_w - 4}" y="{24 + r * cell + cell / 2 + 4:.1f}" text-anchor="end" '
                         f'class="tick">{escape(_short(y_labels[source_r]))}</text>')
    if x_labels:
        for c, source_c in enumerate(cols):
            if source_c < len(x_labels):
                parts.append(f'<text x="{label_w + c * cell + cell / 2:.1f}" y="{24 + n_rows * cell + 14}" '
                             f'text-anchor="middle" class="tick">{escape(_short(x_labels[source_c]))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def shape_diagram_svg(mismatch: ShapeMismatch, *, title: str, got_label: str, expected_label: str) -> Markup:
    """The two shapes as rows of boxes, one box per dimension; the dimensions that differ in red."""
    box, gap, label_w = 46, 6, 110
    longest = max(len(mismatch.got), len(mismatch.expected), 1)
    width, height = label_w + longest * (box + gap) + 10, 112
    parts = [_svg_open(width, height, title)]
    for row, (label, dims) in enumerate(((got_label, mismatch.got), (expected_label, mismatch.expected))):
        y = 10 + row * 50
        parts.append(f'<text x="{label_w - 10}" y="{y + 24}" text-anchor="end" class="label">{escape(label)}</text>')
        for i, size in enumerate(dims):
            differs = mismatch.differs_at(i)
            fill, stroke = ("#fee2e2", "#dc2626") if differs else ("#f1f5f9", "#94a3b8")
            x = label_w + i * (box + gap)
            parts.append(f'<rect x="{x}" y="{y}" width="{box}" height="36" rx="4" fill="{fill}" stroke="{stroke}"/>'
                         f'<text x="{x + box / 2}" y="{y + 23}" text-anchor="middle" class="dim">{size}</text>')
        if not dims:
            parts.append(f'<text x="{label_w}" y="{y + 24}" class="label">[ ] (0-d)</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _svg_open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}" class="chart" font-family="{FONT}">'
            f'<title>{escape(title)}</title>'
            '<style>.tick{font-size:11px;fill:#475569}.label{font-size:12px;fill:#1e293b}'
            '.warn{font-size:12px;fill:#dc2626}.cell{font-size:10px}.dim{font-size:15px;font-weight:600;'
            'fill:#0f172a}</style>')


def _finite_runs(values: tuple[float, ...]) -> list[list[tuple[int, float]]]:
    """Stretches of finite values (a NaN breaks the line), thinned to about MAX_POINTS points."""
    stride = max(1, math.ceil(len(values) / MAX_POINTS))
    indices = list(range(0, len(values), stride))
    if indices and indices[-1] != len(values) - 1:
        indices.append(len(values) - 1)
    runs, current = [], []
    for i in indices:
        if math.isfinite(values[i]):
            current.append((i, values[i]))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.ceil(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _log_ticks(low: float, high: float) -> list[float]:
    """Exponents of the powers of ten between ``low`` and ``high`` (themselves log10 values)."""
    ticks = list(range(math.ceil(low), math.floor(high) + 1))
    return [float(t) for t in ticks] or [low, high]


def _number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.3g}"


def _short(label: str, limit: int = 6) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _strided(matrix):
    """Rows as (source index, row) and the column indices kept, at most MAX_CELLS_PER_SIDE each."""
    row_step = max(1, math.ceil(len(matrix) / MAX_CELLS_PER_SIDE))
    col_step = max(1, math.ceil(len(matrix[0]) / MAX_CELLS_PER_SIDE))
    rows = [(i, matrix[i]) for i in range(0, len(matrix), row_step)]
    return rows, list(range(0, len(matrix[0]), col_step))


def _viridis(fraction: float) -> str:
    fraction = min(1.0, max(0.0, fraction))
    position = fraction * (len(_VIRIDIS) - 1)
    i = min(int(position), len(_VIRIDIS) - 2)
    t = position - i
    r, g, b = (round(a + (b_ - a) * t) for a, b_ in zip(_VIRIDIS[i], _VIRIDIS[i + 1]))
    return f"#{r:02x}{g:02x}{b:02x}"
