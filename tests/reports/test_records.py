"""The record convention: what a report may draw from a test's record, visible or hidden."""

from __future__ import annotations

from autograder.reports.records import Curves, read_record

RECORD = {"loss_curve": [3.0, 2.0, 1.0], "reference_loss_curve": [3.0, 1.5, 0.5],
          "heatmap": {"student": [[0.1, 0.9]], "expected": [[0.2, 0.8]], "x_labels": ["a", "b"]},
          "saliency": {"student": [[1, 2], [3, 4]]},
          "held-out accuracy": 0.93, "note": "short text", "big": "x" * 500, "raw": [[1, 2]]}


def test_visible_test_shows_curves_maps_and_measurements():
    """Does a visible test's record give both curves, both maps and its scalar measurements?"""
    view = read_record(RECORD, visible=True)
    assert view.curves == Curves((3.0, 2.0, 1.0), (3.0, 1.5, 0.5))
    assert [(m.kind, m.expected is not None) for m in view.maps] == [("heatmap", True), ("saliency", False)]
    assert view.maps[0].x_labels == ("a", "b")
    assert view.measurements == (("held-out accuracy", "0.93"), ("note", "short text"))


def test_hidden_test_shows_the_students_own_curve_only():
    """Does a hidden test's record give the student's loss curve and nothing else?"""
    view = read_record(RECORD, visible=False)
    assert view.curves == Curves((3.0, 2.0, 1.0), None)
    assert view.maps == () and view.measurements == ()
    assert read_record({"reference_loss_curve": [1.0]}, visible=False).curves is None


def test_malformed_records_draw_nothing():
    """Are ragged maps, non-numeric curves, mismatched expected maps and non-dicts ignored, not errors?"""
    assert read_record(None, True).curves is None
    assert read_record({"loss_curve": ["a", 1]}, True).curves is None
    assert read_record({"heatmap": {"student": [[1, 2], [3]]}}, True).maps == ()
    mismatched = read_record({"heatmap": {"student": [[1, 2]], "expected": [[1, 2, 3]]}}, True)
    assert mismatched.maps[0].expected is None
