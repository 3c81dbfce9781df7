"""The inline SVG charts: well-formed, escaped, and robust to NaN and large inputs."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from autograder.reports import svg
from autograder.reports.shapes import ShapeMismatch

NS = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_loss_curve_breaks_at_nan_and_says_where():
    """Does a curve that turns NaN draw the finite parts and name the step it went bad?"""
    chart = svg.loss_curves_svg([("yours", (3.0, 2.0, float("nan"), 1.0, 0.5), "#00f")], title="t", x_label="step",
                                y_label="loss", log_label="log", not_finite_label="NaN from step {step}")
    root = _parse(chart)
    assert len(root.findall(f"{NS}polyline")) == 2
    assert "NaN from step 2" in chart
    lone = svg.loss_curves_svg([("yours", (3.0, 2.0, float("nan"), 1.0), "#00f")], title="t", x_label="step",
                               y_label="loss", log_label="log", not_finite_label="{step}")
    assert len(_parse(lone).findall(f"{NS}circle")) == 1  # the lone step after the NaN is a dot


def test_long_curves_are_thinned_and_wide_ranges_use_a_log_scale():
    """Is a 10,000-step curve drawn with a few hundred points, on a log scale when it spans decades?"""
    curve = tuple(10 * 0.999 ** i for i in range(10_000))
    chart = svg.loss_curves_svg([("a", curve, "#00f"), ("b", curve[::2], "#f00")], title="t", x_label="step",
                                y_label="loss", log_label="log scale", not_finite_label="{step}")
    points = _parse(chart).find(f"{NS}polyline").get("points").split()
    assert len(points) <= svg.MAX_POINTS + 2
    assert "log scale" in chart


def test_text_in_charts_is_escaped():
    """Are labels and titles escaped inside the SVG?"""
    chart = svg.heatmap_svg(((0.1, 0.9),), title="<b>t</b>", low=0, high=1, x_labels=("<i>", "&"), y_labels=("q",))
    _parse(chart)
    assert "<b>" not in chart and "&lt;b&gt;" in chart and "<i>" not in chart


def test_big_heatmaps_are_sampled_and_small_ones_show_values():
    """Does a 200x200 map stay at most 40x40 cells, and a 2x2 one print its values?"""
    big = tuple(tuple(float(i * j) for j in range(200)) for i in range(200))
    cells = _parse(svg.heatmap_svg(big, title="t", low=0, high=40000)).findall(f"{NS}rect")
    assert len(cells) <= svg.MAX_CELLS_PER_SIDE ** 2
    small = svg.heatmap_svg(((0.25, float("nan")), (0.5, 1.0)), title="t", low=0, high=1)
    assert ">0.25<" in small and "#dc2626" in small  # the NaN cell is red


def test_shape_diagram_marks_differing_dimensions():
    """Does the shape diagram draw one box per dimension and mark the differing ones red?"""
    chart = svg.shape_diagram_svg(ShapeMismatch("out", (2, 5, 3), (2, 3, 5)), title="t", got_label="yours",
                                  expected_label="expected")
    rects = _parse(chart).findall(f"{NS}rect")
    assert len(rects) == 6
    assert sum(r.get("stroke") == "#dc2626" for r in rects) == 4
