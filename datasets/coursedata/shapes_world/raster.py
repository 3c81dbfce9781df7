"""Turn a layout into pixels: instance masks, the image, the semantic mask and tight boxes.

A pixel ``(row i, column j)`` belongs to a shape when its centre ``(j + 0.5, i + 0.5)`` lies
inside the shape; no anti-aliasing, so every object pixel has exactly its colour's RGB value
(before noise). Shapes are painted in slot order: a later shape covers an earlier one.
"""

from __future__ import annotations

import numpy as np

from .layout import Layout
from .vocabulary import RGB, SHAPES

MIN_VISIBLE = 0.25
"""An overlapped shape showing less than this share of its own pixels is removed entirely."""


def shape_masks(layout: Layout, canvas: int) -> np.ndarray:
    """Return the full (unoccluded) mask of every slot, bool ndarray[B, K, H, W] (H = W = canvas)."""
    num_images, num_slots = layout.placed.shape
    masks = np.zeros((num_images, num_slots, canvas, canvas), dtype=bool)
    pixel_centres = np.arange(canvas) + 0.5
    for label, shape in enumerate(SHAPES):
        chosen = layout.placed & (layout.labels == label)  # (B, K)
        cx, cy = layout.centres[chosen, 0], layout.centres[chosen, 1]  # (n,)
        half = layout.half_sizes[chosen][:, None, None]  # (n, 1, 1)
        dx = pixel_centres[None, None, :] - cx[:, None, None]  # (n, 1, W)
        dy = pixel_centres[None, :, None] - cy[:, None, None]  # (n, H, 1)
        masks[chosen] = _inside(shape, dx, dy, half)
    return masks


def _inside(shape: str, dx: np.ndarray, dy: np.ndarray, half: np.ndarray) -> np.ndarray:
    """Test pixel offsets ``(dx, dy)`` from the centre against one shape of half-size ``half``."""
    if shape == "circle":
        return dx**2 + dy**2 <= half**2
    if shape == "square":
        return (np.abs(dx) <= half) & (np.abs(dy) <= half)
    if shape == "triangle":
        # Apex at the top centre, base along the bottom edge: the half-width grows from 0 at
        # the apex (dy = -half) to ``half`` at the base (dy = +half).
        return (dy <= half) & (2.0 * np.abs(dx) <= dy + half)
    raise ValueError(f"no drawing rule for shape {shape!r}")


def paint_order(masks: np.ndarray) -> np.ndarray:
    """Return, per pixel, the slot painted last there, or -1: int64 ndarray[B, H, W]."""
    owner = np.full((masks.shape[0],) + masks.shape[2:], -1, dtype=np.int64)
    for slot in range(masks.shape[1]):
        owner[masks[:, slot]] = slot
    return owner


def hide_barely_visible(layout: Layout, masks: np.ndarray) -> np.ndarray:
    """Unplace shapes that later shapes cover almost entirely; return the new ``placed`` (B, K).

    Removing a shape only uncovers background, so one pass leaves every remaining shape at
    least ``MIN_VISIBLE`` visible.
    """
    owner = paint_order(masks)
    slots = np.arange(masks.shape[1])[None, :, None, None]
    visible = (owner[:, None] == slots).sum(axis=(2, 3))  # (B, K)
    total = masks.sum(axis=(2, 3))  # (B, K)
    return layout.placed & (visible > 0) & (visible >= MIN_VISIBLE * total)


def tight_boxes(instance_masks: np.ndarray) -> np.ndarray:
    """Return the box around each mask's pixels, float32 ndarray[B, K, 4], xyxy, zeros if empty.

    ``x1, y1`` are the first pixel column and row, ``x2, y2`` one past the last, so that
    ``x2 - x1`` is the width in pixels and ``0 <= x1 < x2 <= W`` (torchvision's convention).
    """
    rows = instance_masks.any(axis=3)  # (B, K, H)
    cols = instance_masks.any(axis=2)  # (B, K, W)
    height, width = rows.shape[-1], cols.shape[-1]
    y1, y2 = rows.argmax(axis=-1), height - rows[..., ::-1].argmax(axis=-1)
    x1, x2 = cols.argmax(axis=-1), width - cols[..., ::-1].argmax(axis=-1)
    boxes = np.stack([x1, y1, x2, y2], axis=-1).astype(np.float32)
    boxes[~rows.any(axis=-1)] = 0.0
    return boxes


def per_pixel(owner: np.ndarray, values: np.ndarray, fill: int) -> np.ndarray:
    """Return ``values[b, owner[b, i, j]]`` at every pixel, or ``fill`` where ``owner`` is -1.

    Args:
        owner (ndarray[B, H, W]): slot painted last at each pixel, -1 for background.
        values (ndarray[B, K]): one integer per slot (e.g. its colour id).
        fill (int): value for background pixels.

    Returns:
        ndarray[B, H, W] of ``values``' dtype.
    """
    num_images, num_slots = values.shape
    # One flat gather: entry b * K + k holds values[b, k], and the extra last entry is ``fill``.
    table = np.append(values.ravel(), fill)
    offsets = (num_slots * np.arange(num_images))[:, None, None]
    return table[np.where(owner >= 0, owner + offsets, num_images * num_slots)]


def paint(colour_of_pixel: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Return float32 images (B, 3, H, W) from colour ids per pixel (0 = background, c + 1 = colour c)."""
    palette = np.concatenate([background[None, :], RGB], axis=0)  # (1 + colours, 3)
    images = np.empty((colour_of_pixel.shape[0], 3) + colour_of_pixel.shape[1:], dtype=np.float32)
    for channel in range(3):  # channel by channel writes straight into (B, 3, H, W), no transpose
        np.take(palette[:, channel], colour_of_pixel, out=images[:, channel], mode="clip")
    return images
