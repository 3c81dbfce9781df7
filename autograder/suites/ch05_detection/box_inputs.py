"""Seeded boxes, scores and RoIs for ch05_detection's hidden tests.

Every function draws from its own ``torch.Generator`` seeded with ``seed``, never from global
state, so a test's inputs are the same in every run and every worker.
"""

from __future__ import annotations

import torch
from coursedata import shapes_world


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def boxes(n: int, seed: int, size: float = 64.0, degenerate: float = 0.0, dtype=torch.float32) -> torch.Tensor:
    """``n`` boxes ``(x1, y1, x2, y2)`` with corners in ``[0, size]``; a fraction ``degenerate`` of
    them has zero width or zero height."""
    g = _generator(seed)
    xy = torch.rand(n, 2, generator=g, dtype=torch.float64) * size * 0.8
    wh = torch.rand(n, 2, generator=g, dtype=torch.float64) * size * 0.4 + 0.5
    flat = torch.rand(n, generator=g) < degenerate
    wh[flat, torch.randint(0, 2, (int(flat.sum()),), generator=g)] = 0.0
    return torch.cat([xy, xy + wh], dim=1).to(dtype)


def clustered_boxes(n: int, seed: int, clusters: int = 5, size: float = 64.0, dtype=torch.float32) -> torch.Tensor:
    """``n`` boxes jittered around ``clusters`` centres, so that many pairs overlap (for NMS)."""
    g = _generator(seed)
    centres = boxes(clusters, seed + 1, size=size, dtype=torch.float64)
    which = torch.randint(0, clusters, (n,), generator=g)
    jitter = torch.randn(n, 4, generator=g, dtype=torch.float64) * 2.0
    out = centres[which] + jitter
    x1, x2 = torch.minimum(out[:, 0], out[:, 2]), torch.maximum(out[:, 0], out[:, 2])
    y1, y2 = torch.minimum(out[:, 1], out[:, 3]), torch.maximum(out[:, 1], out[:, 3])
    return torch.stack([x1, y1, x2, y2], dim=1).to(dtype)


def scores(n: int, seed: int, dtype=torch.float32) -> torch.Tensor:
    """``n`` distinct scores in (0, 1) in a random order (ties would make NMS and AP ambiguous)."""
    g = _generator(seed)
    return ((torch.randperm(n, generator=g).to(torch.float64) + 0.5) / n).to(dtype)


def labels(n: int, seed: int, low: int, high: int) -> torch.Tensor:
    """``n`` int64 labels in ``[low, high)``."""
    return torch.randint(low, high, (n,), generator=_generator(seed))


def rois(k: int, seed: int, size: float, batch: int, dtype=torch.float32) -> torch.Tensor:
    """``k`` RoIs ``(batch_index, x1, y1, x2, y2)`` over an image of side ``size``; some reach past
    its borders and a tenth are degenerate."""
    box = boxes(k, seed, size=size * 1.2, degenerate=0.1, dtype=torch.float64) - size * 0.1
    index = torch.randint(0, batch, (k, 1), generator=_generator(seed + 7)).to(torch.float64)
    return torch.cat([index, box], dim=1).to(dtype)


def shapes_targets(num_images: int, seed: int) -> list[dict]:
    """Shapes-world ground truth: per image ``{"boxes", "labels"}`` (labels 0 … 2)."""
    batch = shapes_world.generate(num_images, seed=seed, with_text=False)
    return [{"boxes": t["boxes"], "labels": t["labels"]} for t in batch.targets()]


def jittered(boxes_: torch.Tensor, seed: int, scale: float) -> torch.Tensor:
    """``boxes_`` with every coordinate moved by N(0, scale^2), corners re-ordered so x1 <= x2, y1 <= y2."""
    moved = boxes_.to(torch.float64) + torch.randn(boxes_.shape, generator=_generator(seed), dtype=torch.float64) * scale
    x1, x2 = torch.minimum(moved[:, 0], moved[:, 2]), torch.maximum(moved[:, 0], moved[:, 2])
    y1, y2 = torch.minimum(moved[:, 1], moved[:, 3]), torch.maximum(moved[:, 1], moved[:, 3])
    return torch.stack([x1, y1, x2, y2], dim=1).to(boxes_.dtype)
