"""``generate``: draw a seeded batch of shapes-world canvases."""

from __future__ import annotations

import numpy as np
import torch

from .batch import ShapesBatch
from .language import caption, questions_and_answers, referring_phrases
from .layout import compact, sample_layout
from .raster import hide_barely_visible, paint, paint_order, per_pixel, shape_masks, tight_boxes
from .vocabulary import MAX_SHAPES

CHUNK = 256
"""Images drawn per vectorised step; bounds memory, and fixed so that results never depend on it."""


def generate(
    num_images: int,
    seed: int = 0,
    canvas: int = 64,
    min_shapes: int = 1,
    max_shapes: int = 3,
    size_range: tuple[float, float] = (10.0, 20.0),
    allow_overlap: bool = False,
    noise: float = 0.0,
    background: tuple[float, float, float] = (0.0, 0.0, 0.0),
    with_text: bool = True,
) -> ShapesBatch:
    """Return ``num_images`` canvases of coloured circles, squares and triangles, with annotations.

    The same arguments always give the same batch (the draw uses ``numpy.random.default_rng``
    seeded from ``seed`` and the chunk index, never global state).

    Args:
        num_images (int): batch size ``B``.
        seed (int): non-negative seed.
        canvas (int): side ``H = W`` of the square canvas in pixels.
        min_shapes (int): fewest objects per image (0 allowed: empty canvases).
        max_shapes (int): most objects per image ``K`` (at most ``MAX_SHAPES`` = 9). Counts are
            uniform in ``[min_shapes, max_shapes]``; on a canvas too crowded to fit them, an
            image gets fewer (``num_shapes`` tells).
        size_range (tuple[float, float]): side of a shape's bounding square, uniform in
            ``[low, high]`` pixels (``3 <= low <= high <= canvas``).
        allow_overlap (bool): when False, bounding squares stay at least 1 pixel apart; when
            True, shapes may cover each other, but each keeps at least a quarter of its pixels
            visible (a shape that would not is left out).
        noise (float): standard deviation of Gaussian pixel noise, added after painting and
            clipped to [0, 1]; 0 keeps every object pixel exactly its colour's ``RGB`` value.
        background (tuple of 3 floats): background RGB in [0, 1].
        with_text (bool): build captions, phrases and questions; False leaves those lists empty
            and is about 1.5 times faster (for VAE, GAN and diffusion work).

    Returns:
        ShapesBatch: see its docstring for every field's shape, dtype and convention.
    """
    _check_arguments(num_images, seed, canvas, min_shapes, max_shapes, size_range, noise, background)
    knobs = dict(
        canvas=canvas,
        min_shapes=min_shapes,
        max_shapes=max_shapes,
        size_range=size_range,
        allow_overlap=allow_overlap,
        noise=noise,
        background=np.asarray(background, dtype=np.float32),
        with_text=with_text,
    )
    chunks = [
        _generate_chunk(np.random.default_rng([seed, index]), min(CHUNK, num_images - start), **knobs)
        for index, start in enumerate(range(0, max(num_images, 1), CHUNK))
    ]
    return _concatenate(chunks)


def _generate_chunk(
    rng, num_images, canvas, min_shapes, max_shapes, size_range, allow_overlap, noise, background, with_text
):
    layout = sample_layout(rng, num_images, canvas, min_shapes, max_shapes, size_range, allow_overlap)
    masks = shape_masks(layout, canvas)
    if allow_overlap:
        layout.placed = hide_barely_visible(layout, masks)
        layout = compact(layout)
        masks = shape_masks(layout, canvas)
    owner = paint_order(masks)  # (B, H, W)
    instance_masks = owner[:, None] == np.arange(max_shapes)[None, :, None, None]  # (B, K, H, W)
    boxes = tight_boxes(instance_masks)
    labels = np.where(layout.placed, layout.labels, -1)
    colours = np.where(layout.placed, layout.colours, -1)
    images = paint(per_pixel(owner, colours + 1, 0), background)
    # Draw the text choices before the noise, so changing the noise level keeps the same texts.
    text_draws = rng.uniform(size=(num_images, 3))
    if noise > 0:
        images += noise * rng.standard_normal(size=images.shape, dtype=np.float32)
        np.clip(images, 0.0, 1.0, out=images)
    batch = ShapesBatch(
        images=torch.from_numpy(images),
        num_shapes=torch.from_numpy(layout.placed.sum(axis=1).astype(np.int64)),
        labels=torch.from_numpy(labels),
        colours=torch.from_numpy(colours),
        boxes=torch.from_numpy(boxes),
        instance_masks=torch.from_numpy(instance_masks),
        semantic_masks=torch.from_numpy(per_pixel(owner, labels + 1, 0)),
        captions=[],
        phrases=[],
        questions=[],
        answers=[],
    )
    if with_text:
        _add_texts(batch, boxes, text_draws)
    return batch


def _add_texts(batch: ShapesBatch, boxes: np.ndarray, draws: np.ndarray) -> None:
    centres = ((boxes[..., :2] + boxes[..., 2:]) / 2.0).tolist()  # (B, K, 2) as nested lists
    for b, n in enumerate(batch.num_shapes.tolist()):
        labels = batch.labels[b, :n].tolist()
        colours = batch.colours[b, :n].tolist()
        where = [tuple(c) for c in centres[b][:n]]
        phrases = referring_phrases(labels, colours, where)
        questions, answers = questions_and_answers(labels, colours, where, phrases, tuple(draws[b]))
        batch.captions.append(caption(labels, colours, where))
        batch.phrases.append(phrases)
        batch.questions.append(questions)
        batch.answers.append(answers)


def _concatenate(chunks: list[ShapesBatch]) -> ShapesBatch:
    first = chunks[0]
    fields = {}
    for name, value in vars(first).items():
        if isinstance(value, torch.Tensor):
            fields[name] = torch.cat([getattr(chunk, name) for chunk in chunks])
        else:
            fields[name] = [item for chunk in chunks for item in getattr(chunk, name)]
    return ShapesBatch(**fields)


def _check_arguments(num_images, seed, canvas, min_shapes, max_shapes, size_range, noise, background):
    if num_images < 0:
        raise ValueError(f"num_images must be >= 0, got {num_images}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if canvas < 8:
        raise ValueError(f"canvas must be at least 8 pixels, got {canvas}")
    if not 0 <= min_shapes <= max_shapes <= MAX_SHAPES:
        raise ValueError(f"need 0 <= min_shapes <= max_shapes <= {MAX_SHAPES}, got {min_shapes} and {max_shapes}")
    low, high = size_range
    if not 3 <= low <= high <= canvas:
        raise ValueError(f"need 3 <= size_range[0] <= size_range[1] <= canvas={canvas}, got {size_range}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if len(background) != 3 or not all(0.0 <= v <= 1.0 for v in background):
        raise ValueError(f"background must be 3 values in [0, 1], got {background}")
