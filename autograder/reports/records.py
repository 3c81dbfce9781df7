"""What a test's ``record`` may hold for the reports, and the one place that reads it.

A hidden test fills ``record`` (``extra_data.record`` of its results entry) with data worth a
picture. The keys a report understands::

    record["loss_curve"] = [2.81, 2.70, ...]             # the student's training losses, per step
    record["reference_loss_curve"] = [2.81, 2.69, ...]   # the reference's, same inputs and budget
    record["heatmap"] = {                                 # attention weights (queries x keys)
        "student": [[0.2, 0.8], [0.5, 0.5]],              # 2-D list of numbers
        "expected": [[0.1, 0.9], [0.5, 0.5]],             # optional, same shape
        "x_labels": ["k0", "k1"], "y_labels": ["q0", "q1"],   # optional
    }
    record["saliency"] = {...}                            # a saliency map, same layout as "heatmap"
    record["held-out accuracy"] = 0.93                    # any other number, bool or short text:
                                                          # shown as a measurement

Hidden stays hidden: for a test whose visibility is not ``visible`` a report shows the student's own
loss curve and nothing else from the record: no reference curve, no map (the expected one is
hidden, and the student's alone invites guessing it), no measurements (thresholds are the
suite's business).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

LOSS_CURVE = "loss_curve"
REFERENCE_LOSS_CURVE = "reference_loss_curve"
MAP_KINDS = ("heatmap", "saliency")
MAX_TEXT_MEASUREMENT = 80  # longer strings are data, not a measurement


@dataclass(frozen=True)
class Curves:
    student: tuple[float, ...] | None
    reference: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Map:
    kind: str  # "heatmap" or "saliency"
    student: tuple[tuple[float, ...], ...]
    expected: tuple[tuple[float, ...], ...] | None = None
    x_labels: tuple[str, ...] = ()
    y_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordView:
    """What a report may draw from one test's record."""

    curves: Curves | None = None
    maps: tuple[Map, ...] = ()
    measurements: tuple[tuple[str, str], ...] = field(default=())


def read_record(record: dict | None, visible: bool) -> RecordView:
    """The drawable parts of ``record``; for a hidden test, the student's own loss curve only."""
    if not isinstance(record, dict):
        return RecordView()
    student_curve = _curve(record.get(LOSS_CURVE))
    if not visible:
        return RecordView(curves=Curves(student_curve) if student_curve else None)
    reference_curve = _curve(record.get(REFERENCE_LOSS_CURVE))
    curves = Curves(student_curve, reference_curve) if (student_curve or reference_curve) else None
    maps = tuple(m for m in (_map(kind, record.get(kind)) for kind in MAP_KINDS) if m is not None)
    return RecordView(curves, maps, _measurements(record))


def _curve(value) -> tuple[float, ...] | None:
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    return tuple(float(v) for v in value)


def _matrix(value) -> tuple[tuple[float, ...], ...] | None:
    if not isinstance(value, (list, tuple)) or not value:
        return None
    rows = [_curve(row) for row in value]
    if any(row is None for row in rows) or len({len(row) for row in rows}) != 1:
        return None
    return tuple(rows)


def _map(kind: str, value) -> Map | None:
    if not isinstance(value, dict):
        return None
    student = _matrix(value.get("student"))
    if student is None:
        return None
    expected = _matrix(value.get("expected"))
    if expected is not None and (len(expected), len(expected[0])) != (len(student), len(student[0])):
        expected = None
    return Map(kind, student, expected, _labels(value.get("x_labels")), _labels(value.get("y_labels")))


def _labels(value) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def _measurements(record: dict) -> tuple[tuple[str, str], ...]:
    shown = []
    for key, value in record.items():
        if key in (LOSS_CURVE, REFERENCE_LOSS_CURVE) or key in MAP_KINDS:
            continue
        if isinstance(value, bool) or (isinstance(value, str) and len(value) <= MAX_TEXT_MEASUREMENT):
            shown.append((str(key), str(value)))
        elif isinstance(value, (int, float)):
            shown.append((str(key), f"{value:.4g}" if math.isfinite(value) else str(value)))
    return tuple(shown)
