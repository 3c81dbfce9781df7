"""Where the shapes go: sample classes, colours, centres and sizes for a batch of canvases.

Every shape lives in an axis-aligned bounding square of side ``size`` centred at ``(cx, cy)``
(pixel units, x to the right, y down, the canvas spanning ``[0, canvas]``), entirely inside the
canvas. Placement is vectorised over the batch: for slot ``k`` every image draws a few dozen
candidate squares at once and keeps the first that fits beside the shapes already placed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .vocabulary import COLOURS, SHAPES

CANDIDATES_PER_SLOT = 48
"""Candidate squares tried per slot; on a crowded canvas the slot may stay empty."""

GAP = 1.0
"""Pixels kept free between two squares when overlap is not allowed (so masks never touch)."""

MAX_HIDDEN = 0.5
"""When overlap is allowed, at most this share of a square's area may lie under later squares."""


@dataclass
class Layout:
    """Padded per-slot parameters of ``B`` canvases with up to ``K`` shapes each.

    Attributes:
        placed (ndarray[B, K] bool): slot holds a shape. Placed slots come first in each row.
        labels (ndarray[B, K] int64): index into ``SHAPES`` (meaningless where not placed).
        colours (ndarray[B, K] int64): index into ``COLOURS``.
        centres (ndarray[B, K, 2] float64): ``(cx, cy)`` of the bounding square.
        half_sizes (ndarray[B, K] float64): half the side of the bounding square.
    """

    placed: np.ndarray
    labels: np.ndarray
    colours: np.ndarray
    centres: np.ndarray
    half_sizes: np.ndarray


def sample_layout(
    rng: np.random.Generator,
    num_images: int,
    canvas: int,
    min_shapes: int,
    max_shapes: int,
    size_range: tuple[float, float],
    allow_overlap: bool,
) -> Layout:
    """Draw a layout for ``num_images`` canvases (see ``Layout``); slots are filled in draw order."""
    wanted = rng.integers(min_shapes, max_shapes + 1, size=num_images)  # (B,)
    labels = rng.integers(len(SHAPES), size=(num_images, max_shapes))
    colours = rng.integers(len(COLOURS), size=(num_images, max_shapes))
    centres = np.zeros((num_images, max_shapes, 2))
    half_sizes = np.zeros((num_images, max_shapes))
    placed = np.zeros((num_images, max_shapes), dtype=bool)
    hidden = np.zeros((num_images, max_shapes))  # area of each square already under later ones

    for slot in range(max_shapes):
        centre, half = _candidates(rng, num_images, canvas, size_range)  # (B, T, 2), (B, T)
        fits, overlap = _fits(centre, half, centres, half_sizes, placed, hidden, allow_overlap)
        chosen = fits.argmax(axis=1)  # first fitting candidate, (B,)
        ok = fits.any(axis=1) & (slot < wanted)
        rows = np.arange(num_images)
        centres[ok, slot] = centre[rows, chosen][ok]
        half_sizes[ok, slot] = half[rows, chosen][ok]
        placed[ok, slot] = True
        hidden[ok] += overlap[rows, chosen][ok]
    return compact(Layout(placed, labels, colours, centres, half_sizes))


def _candidates(rng, num_images, canvas, size_range):
    low, high = size_range
    half = rng.uniform(low, high, size=(num_images, CANDIDATES_PER_SLOT)) / 2.0
    # Uniform in [half, canvas - half] keeps the whole square on the canvas.
    unit = rng.uniform(size=(num_images, CANDIDATES_PER_SLOT, 2))
    centre = half[..., None] + unit * (canvas - 2.0 * half[..., None])
    return centre, half


def _fits(centre, half, centres, half_sizes, placed, hidden, allow_overlap):
    """Return which candidates fit (B, T) and their overlap area with each placed square (B, T, K)."""
    # Per-axis overlap of candidate squares (B, T, 1) with placed squares (B, 1, K).
    reach = half[:, :, None] + half_sizes[:, None, :]  # (B, T, K)
    distance = np.abs(centre[:, :, None, :] - centres[:, None, :, :])  # (B, T, K, 2)
    if not allow_overlap:
        apart = (distance >= reach[..., None] + GAP).any(axis=-1)  # (B, T, K)
        return (apart | ~placed[:, None, :]).all(axis=2), np.zeros_like(reach)
    # Two intervals overlap by reach - distance, but never by more than the shorter one's length.
    shorter = 2.0 * np.minimum(half[:, :, None], half_sizes[:, None, :])  # (B, T, K)
    side = np.clip(np.minimum(reach[..., None] - distance, shorter[..., None]), 0.0, None)  # (B, T, K, 2)
    overlap = side.prod(axis=-1) * placed[:, None, :]  # (B, T, K)
    area = (2.0 * half_sizes) ** 2  # (B, K)
    # Counting every overlap in full over-estimates what is hidden, which errs on the safe side.
    visible_enough = (hidden[:, None, :] + overlap <= MAX_HIDDEN * area[:, None, :]) | ~placed[:, None, :]
    return visible_enough.all(axis=2), overlap


def compact(layout: Layout) -> Layout:
    """Move placed slots to the front of each row, keeping their draw order."""
    order = np.argsort(~layout.placed, axis=1, kind="stable")  # (B, K)

    def take(array):
        index = order.reshape(order.shape + (1,) * (array.ndim - 2))
        return np.take_along_axis(array, index, axis=1)

    return Layout(
        *(take(array) for array in (layout.placed, layout.labels, layout.colours, layout.centres, layout.half_sizes))
    )
