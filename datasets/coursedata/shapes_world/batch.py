"""``ShapesBatch``: the tensors and texts of a batch of shapes-world canvases."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor


@dataclass
class ShapesBatch:
    """A batch of ``B`` canvases of size ``H x W`` with up to ``K`` shapes each (``K = max_shapes``).

    Per-object tensors are padded to ``K`` slots; slot ``k`` of image ``b`` holds an object when
    ``k < num_shapes[b]``. Slots are in paint order (a later object may cover an earlier one),
    and every text that points at an object ("phrases", the relation question) uses that slot.

    Attributes:
        images (Tensor[B, 3, H, W]): float32 RGB in [0, 1].
        num_shapes (Tensor[B]): int64 number of objects.
        labels (Tensor[B, K]): int64 shape id (index into ``SHAPES``), -1 in empty slots.
        colours (Tensor[B, K]): int64 colour id (index into ``COLOURS``), -1 in empty slots.
        boxes (Tensor[B, K, 4]): float32 ``(x1, y1, x2, y2)`` in pixels around the object's
            visible pixels: ``x1, y1`` the first column and row, ``x2, y2`` one past the last,
            so ``0 <= x1 < x2 <= W`` and ``x2 - x1`` is the width. Zeros in empty slots.
        instance_masks (Tensor[B, K, H, W]): bool, the object's visible pixels.
        semantic_masks (Tensor[B, H, W]): int64, 0 for background, ``1 + shape id`` elsewhere.
        captions (list[str]): one per image, e.g. "a red circle above a blue square".
        phrases (list[list[str]]): ``phrases[b][k]`` picks out object ``k`` uniquely ("the red
            circle"), for grounding: its box is ``boxes[b, k]``.
        questions (list[list[str]]): questions per image ("what colour is the triangle?").
        answers (list[list[str]]): one-word answers, each in ``ANSWERS`` ("green", "2", "yes").
    """

    images: Tensor
    num_shapes: Tensor
    labels: Tensor
    colours: Tensor
    boxes: Tensor
    instance_masks: Tensor
    semantic_masks: Tensor
    captions: list[str]
    phrases: list[list[str]]
    questions: list[list[str]]
    answers: list[list[str]]

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def valid(self) -> Tensor:
        """bool Tensor[B, K]: which slots hold an object."""
        return self.labels >= 0

    def targets(self) -> list[dict[str, Tensor]]:
        """Return torchvision-style detection targets, one dict per image.

        Returns:
            list[dict]: ``{"boxes": float32 Tensor[n, 4] (xyxy), "labels": int64 Tensor[n],
            "colours": int64 Tensor[n], "masks": bool Tensor[n, H, W]}`` with ``n = num_shapes[b]``.
            Label ids start at 0; add 1 yourself if your detector keeps 0 for background.
        """
        return [
            {
                "boxes": self.boxes[b, :n],
                "labels": self.labels[b, :n],
                "colours": self.colours[b, :n],
                "masks": self.instance_masks[b, :n],
            }
            for b, n in enumerate(self.num_shapes.tolist())
        ]
