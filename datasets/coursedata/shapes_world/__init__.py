"""Shapes world: seeded canvases of coloured shapes with boxes, masks, captions and questions.

One generator serves many chapters: detection and Pix2Seq (``boxes``, ``labels``), grounding
(``phrases``), segmentation (``instance_masks``, ``semantic_masks``), CLIP (``captions``),
LLaVA-style VQA (``questions``, ``answers`` from the closed set ``ANSWERS``), generative models
(``images`` with ``with_text=False``) and explainability (the masks say where the evidence is).

Example::

    from coursedata import shapes_world
    batch = shapes_world.generate(1000, seed=0, max_shapes=3)
    batch.images.shape        # torch.Size([1000, 3, 64, 64])
    batch.captions[0]         # e.g. 'a red circle above a blue square'
"""

from .batch import ShapesBatch
from .generator import generate
from .vocabulary import ANSWERS, COLOURS, MAX_SHAPES, RGB, SHAPES

__all__ = ["ANSWERS", "COLOURS", "MAX_SHAPES", "RGB", "SHAPES", "ShapesBatch", "generate"]
