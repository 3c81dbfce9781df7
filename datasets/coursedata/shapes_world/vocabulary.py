"""The fixed words of the shapes world: shape classes, colours, answers.

Ids are positions in these tuples and never change between calls, so a model trained on one
batch can be scored on another.
"""

from __future__ import annotations

import numpy as np

SHAPES = ("circle", "square", "triangle")
"""Shape class names; ``labels`` hold indices into this tuple."""

COLOURS = ("red", "green", "blue", "yellow", "purple", "orange")
"""Colour names; ``colours`` hold indices into this tuple."""

# Saturated and far apart in RGB, so one colour never passes for another even with some noise.
RGB = np.array(
    [
        [0.90, 0.10, 0.10],  # red
        [0.10, 0.75, 0.20],  # green
        [0.15, 0.30, 0.95],  # blue
        [0.95, 0.85, 0.10],  # yellow
        [0.60, 0.20, 0.80],  # purple
        [1.00, 0.55, 0.00],  # orange
    ],
    dtype=np.float32,
)
"""float32 array[len(COLOURS), 3]: the exact pixel value of each colour, in [0, 1]."""

MAX_SHAPES = 9
"""Most shapes on one canvas: keeps every count answer a single token ``"0"``..``"9"``."""

COUNT_WORDS = tuple(str(n) for n in range(MAX_SHAPES + 1))
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")

ANSWERS = COLOURS + SHAPES + ("yes", "no") + COUNT_WORDS
"""Every answer a question can have: a closed set, so VQA can be trained as classification."""


def plural(shape: str) -> str:
    """Return the plural of a shape name (all of ours take an ``s``)."""
    return shape + "s"


def with_article(words: str) -> str:
    """Return ``words`` after "a" or "an" ("an orange circle", "a red square")."""
    return ("an " if words[0] in "aeiou" else "a ") + words
