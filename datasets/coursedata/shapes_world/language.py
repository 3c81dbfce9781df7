"""Words about one canvas: caption, referring phrases and question/answer pairs.

Everything is derived from the labels, colours and (visible) box centres, so the text can never
disagree with the pixels. Positions use image axes: "above" means a smaller y (closer to the top).
"""

from __future__ import annotations

from .vocabulary import COLOURS, ORDINALS, SHAPES, plural, with_article

OPPOSITE = {
    "above": "below",
    "below": "above",
    "to the left of": "to the right of",
    "to the right of": "to the left of",
    "in front of": "behind",
    "behind": "in front of",
}


def relation(a: int, b: int, centres: list[tuple[float, float]]) -> str:
    """Return where object ``a`` is relative to object ``b``, along the axis where they differ most.

    Ties (|dx| == |dy|) count as horizontal. Two objects with the same centre can only happen when
    overlap is allowed; then the later-painted one is "in front of" the other.
    """
    dx = centres[a][0] - centres[b][0]
    dy = centres[a][1] - centres[b][1]
    if dx == 0 and dy == 0:
        return "in front of" if a > b else "behind"
    if abs(dy) > abs(dx):
        return "above" if dy < 0 else "below"
    return "to the left of" if dx < 0 else "to the right of"


def caption(labels: list[int], colours: list[int], centres: list[tuple[float, float]]) -> str:
    """Describe the canvas by pairing objects in slot order: "a red circle above a blue square".

    Objects 0 and 1 form the first clause, 2 and 3 the second, and so on; an odd last object
    stands alone ("..., and a green triangle"). An empty canvas is "an empty canvas".
    """
    names = [with_article(f"{COLOURS[c]} {SHAPES[s]}") for s, c in zip(labels, colours)]
    if not names:
        return "an empty canvas"
    clauses = []
    for first in range(0, len(names), 2):
        if first + 1 < len(names):
            clauses.append(f"{names[first]} {relation(first, first + 1, centres)} {names[first + 1]}")
        else:
            clauses.append(names[first])
    return clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def referring_phrases(labels: list[int], colours: list[int], centres: list[tuple[float, float]]) -> list[str]:
    """Return one phrase per object that picks it out uniquely: "the red circle".

    When several objects share colour and shape, their order along the axis where they are most
    spread apart tells them apart: "the red circle on the left", "the second red circle from the
    top". If even their centres coincide (overlap allowed), the paint order is used: "the first
    red circle" is the one painted first.
    """
    phrases = []
    for k, (shape, colour) in enumerate(zip(labels, colours)):
        name = f"{COLOURS[colour]} {SHAPES[shape]}"
        twins = [j for j in range(len(labels)) if labels[j] == shape and colours[j] == colour]
        phrases.append(f"the {name}" if len(twins) == 1 else _locate_among_twins(k, twins, name, centres))
    return phrases


def _locate_among_twins(k: int, twins: list[int], name: str, centres: list[tuple[float, float]]) -> str:
    spread = [_smallest_gap([centres[j][axis] for j in twins]) for axis in (0, 1)]
    if max(spread) == 0:
        return f"the {ORDINALS[twins.index(k)]} {name}"
    axis = 0 if spread[0] >= spread[1] else 1
    rank = sorted(twins, key=lambda j: centres[j][axis]).index(k)
    if len(twins) == 2:
        side = ("on the left", "on the right") if axis == 0 else ("at the top", "at the bottom")
        return f"the {name} {side[rank]}"
    return f"the {ORDINALS[rank]} {name} from the {'left' if axis == 0 else 'top'}"


def _smallest_gap(values: list[float]) -> float:
    ordered = sorted(values)
    return min(b - a for a, b in zip(ordered, ordered[1:]))


def questions_and_answers(
    labels: list[int],
    colours: list[int],
    centres: list[tuple[float, float]],
    phrases: list[str],
    draws: tuple[float, float, float],
) -> tuple[list[str], list[str]]:
    """Return questions and their one-word answers (all answers lie in ``ANSWERS``).

    In this order: the total count; the count of every shape class (zeros included); the colour
    of every shape class that appears once; the shape of every colour that appears once; one
    "is there a ...?" question whose answer is "yes" and one whose answer is "no"; and, with two
    or more objects, whether object 0 stands in a relation to object 1 (true or flipped).

    Args:
        draws: three numbers in [0, 1) choosing the present and absent object asked about and
            whether the relation question is flipped; passed in so all randomness stays seeded.
    """
    u_present, u_absent, u_flip = draws
    qa = [("how many shapes are there?", str(len(labels)))]
    for shape_id, shape in enumerate(SHAPES):
        qa.append((f"how many {plural(shape)} are there?", str(labels.count(shape_id))))
    for shape_id, shape in enumerate(SHAPES):
        if labels.count(shape_id) == 1:
            qa.append((f"what colour is the {shape}?", COLOURS[colours[labels.index(shape_id)]]))
    for colour_id, colour in enumerate(COLOURS):
        if colours.count(colour_id) == 1:
            qa.append((f"what shape is the {colour} object?", SHAPES[labels[colours.index(colour_id)]]))
    qa += _existence_questions(labels, colours, u_present, u_absent)
    if len(labels) >= 2:
        truth = relation(0, 1, centres)
        asked = OPPOSITE[truth] if u_flip < 0.5 else truth
        qa.append((f"is {phrases[0]} {asked} {phrases[1]}?", "yes" if asked == truth else "no"))
    return [q for q, _ in qa], [a for _, a in qa]


def _existence_questions(labels, colours, u_present, u_absent):
    present = sorted(set(zip(colours, labels)))
    absent = [(c, s) for c in range(len(COLOURS)) for s in range(len(SHAPES)) if (c, s) not in present]
    qa = []
    for pairs, u, answer in ((present, u_present, "yes"), (absent, u_absent, "no")):
        if pairs:
            colour, shape = pairs[int(u * len(pairs))]
            qa.append((f"is there {with_article(f'{COLOURS[colour]} {SHAPES[shape]}')}?", answer))
    return qa
