"""Shapes world: tensors, pixel/box/mask invariants, and texts that agree with the labels."""

from __future__ import annotations

import re

import pytest
import torch
from torchvision.ops import box_iou, masks_to_boxes

from coursedata import shapes_world
from coursedata.shapes_world import ANSWERS, COLOURS, RGB, SHAPES

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")

SETTINGS = {
    "default": dict(),
    "many_small": dict(min_shapes=4, max_shapes=7, size_range=(6, 10)),
    "overlap": dict(allow_overlap=True, min_shapes=3, max_shapes=6),
    "crowded": dict(canvas=32, min_shapes=9, max_shapes=9, size_range=(10, 12)),
    "big_canvas": dict(canvas=96, size_range=(20, 40), background=(0.5, 0.5, 0.5)),
    "empty_allowed": dict(min_shapes=0, max_shapes=2),
}


@pytest.fixture(scope="module", params=sorted(SETTINGS))
def case(request):
    knobs = SETTINGS[request.param]
    return shapes_world.generate(64, seed=7, **knobs), knobs


def objects(batch, b):
    """Yield (slot, label, colour, box, mask) of image b's objects."""
    for k in range(int(batch.num_shapes[b])):
        yield k, int(batch.labels[b, k]), int(batch.colours[b, k]), batch.boxes[b, k], batch.instance_masks[b, k]


def centres(batch, b):
    boxes = batch.boxes[b, : int(batch.num_shapes[b])]
    return ((boxes[:, :2] + boxes[:, 2:]) / 2).tolist()


class TestTensors:
    def test_shapes_and_dtypes_are_as_documented(self, case):
        """Are images float32 (B, 3, H, W), labels int64 (B, K), boxes float32 (B, K, 4), masks bool?"""
        batch, knobs = case
        size, slots = knobs.get("canvas", 64), knobs.get("max_shapes", 3)
        B = len(batch)
        expected = {
            "images": ((B, 3, size, size), torch.float32),
            "num_shapes": ((B,), torch.int64),
            "labels": ((B, slots), torch.int64),
            "colours": ((B, slots), torch.int64),
            "boxes": ((B, slots, 4), torch.float32),
            "instance_masks": ((B, slots, size, size), torch.bool),
            "semantic_masks": ((B, size, size), torch.int64),
        }
        for name, (shape, dtype) in expected.items():
            value = getattr(batch, name)
            assert (tuple(value.shape), value.dtype) == (shape, dtype), name
        assert len(batch.captions) == len(batch.phrases) == len(batch.questions) == len(batch.answers) == B

    def test_counts_stay_within_the_requested_range(self, case):
        """Is every image's object count at most max_shapes and, unless the canvas is full, at least min_shapes?"""
        batch, knobs = case
        assert int(batch.num_shapes.max()) <= knobs.get("max_shapes", 3)
        if "crowded" not in str(knobs) and knobs.get("canvas", 64) >= 64:
            assert int(batch.num_shapes.min()) >= knobs.get("min_shapes", 1)

    def test_empty_slots_are_padding(self, case):
        """Do slots past num_shapes hold label -1, colour -1, a zero box and an empty mask?"""
        batch, _ = case
        empty = ~batch.valid
        assert torch.equal(empty, torch.arange(batch.labels.shape[1])[None] >= batch.num_shapes[:, None])
        assert (batch.labels[empty] == -1).all() and (batch.colours[empty] == -1).all()
        assert (batch.boxes[empty] == 0).all() and not batch.instance_masks[empty].any()
        assert (batch.labels[~empty] >= 0).all() and (batch.labels[~empty] < len(SHAPES)).all()

    def test_images_lie_in_unit_range(self, case):
        """Are all pixel values in [0, 1]?"""
        batch, _ = case
        assert batch.images.min() >= 0 and batch.images.max() <= 1


class TestPixels:
    def test_boxes_lie_inside_the_canvas(self, case):
        """Does every box satisfy 0 <= x1 < x2 <= W and 0 <= y1 < y2 <= H?"""
        batch, knobs = case
        size = knobs.get("canvas", 64)
        boxes = batch.boxes[batch.valid]
        assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= size).all()
        assert (boxes[:, 0] < boxes[:, 2]).all() and (boxes[:, 1] < boxes[:, 3]).all()

    def test_boxes_are_tight_around_the_visible_mask(self, case):
        """Is each box exactly torchvision's masks_to_boxes of its mask, with x2, y2 one past the last pixel?"""
        batch, _ = case
        masks = batch.instance_masks[batch.valid]
        expected = masks_to_boxes(masks) + torch.tensor([0.0, 0.0, 1.0, 1.0])
        torch.testing.assert_close(batch.boxes[batch.valid], expected, rtol=0, atol=0)

    def test_every_object_is_visible(self, case):
        """Does every listed object show at least one pixel (none is fully hidden)?"""
        batch, _ = case
        assert (batch.instance_masks[batch.valid].sum(dim=(1, 2)) > 0).all()

    def test_mask_pixels_have_the_object_colour_when_noise_is_zero(self, case):
        """With noise 0, does every mask pixel carry its colour's exact RGB and every other pixel the background?"""
        batch, knobs = case
        background = torch.tensor(knobs.get("background", (0.0, 0.0, 0.0)))
        for b in range(len(batch)):
            for _, _, colour, _, mask in objects(batch, b):
                assert (batch.images[b][:, mask] == torch.from_numpy(RGB[colour])[:, None]).all()
            empty = batch.semantic_masks[b] == 0
            assert (batch.images[b][:, empty] == background[:, None]).all()

    def test_instance_masks_are_disjoint_and_match_the_semantic_mask(self, case):
        """Is each pixel in at most one instance, and is the semantic mask 1 + its instance's label?"""
        batch, _ = case
        masks = batch.instance_masks.long()
        assert masks.sum(dim=1).max() <= 1
        label_plus_one = (batch.labels.clamp(min=-1) + 1)[:, :, None, None]
        assert torch.equal((masks * label_plus_one).sum(dim=1), batch.semantic_masks)

    def test_boxes_never_overlap_when_overlap_is_off(self, case):
        """Without allow_overlap, do the boxes of one image have zero IoU with each other?"""
        batch, knobs = case
        if knobs.get("allow_overlap"):
            batch = shapes_world.generate(64, seed=7, **{**knobs, "allow_overlap": False})
        for b in range(len(batch)):
            n = int(batch.num_shapes[b])
            iou = box_iou(batch.boxes[b, :n], batch.boxes[b, :n])
            assert torch.equal(iou - torch.diag(torch.diag(iou)), torch.zeros(n, n))

    def test_box_sides_respect_the_size_range(self, case):
        """Is no box side longer than the largest allowed size plus one pixel of rounding?"""
        batch, knobs = case
        high = knobs.get("size_range", (10.0, 20.0))[1]
        sides = batch.boxes[batch.valid][:, 2:] - batch.boxes[batch.valid][:, :2]
        assert sides.max() <= high + 1


class TestTexts:
    def test_caption_names_every_object_in_slot_order(self, case):
        """Does the caption mention exactly the image's objects, as 'a <colour> <shape>', in slot order?"""
        batch, _ = case
        pattern = re.compile(rf"\ban? ({'|'.join(COLOURS)}) ({'|'.join(SHAPES)})\b")
        for b in range(len(batch)):
            mentioned = pattern.findall(batch.captions[b])
            expected = [(COLOURS[c], SHAPES[s]) for _, s, c, _, _ in objects(batch, b)]
            assert mentioned == expected, batch.captions[b]

    def test_caption_relations_match_the_box_centres(self, case):
        """Is 'X above Y' said only when X's centre is higher, along the axis where they differ most?"""
        batch, _ = case
        for b in range(len(batch)):
            clauses = batch.captions[b].split(", ")
            where = centres(batch, b)
            for i, clause in enumerate(clauses):
                first = 2 * i
                if first + 1 >= len(where):
                    continue
                (xa, ya), (xb, yb) = where[first], where[first + 1]
                dx, dy = xa - xb, ya - yb
                if abs(dy) > abs(dx):
                    assert (" above " in clause) == (dy < 0) and (" below " in clause) == (dy > 0), clause
                elif dx != 0 or dy != 0:
                    assert ("to the left of" in clause) == (dx < 0), clause

    def test_phrases_are_unique_and_point_at_their_object(self, case):
        """Is every referring phrase unique within its image and resolved (by an independent reader) to its slot?"""
        batch, _ = case
        for b in range(len(batch)):
            phrases = batch.phrases[b]
            assert len(set(phrases)) == len(phrases) == int(batch.num_shapes[b])
            for k, phrase in enumerate(phrases):
                assert resolve(phrase, batch, b) == k, phrase

    def test_answers_agree_with_the_labels(self, case):
        """Does every question's answer follow from the labels, colours and boxes, and lie in ANSWERS?"""
        batch, _ = case
        for b in range(len(batch)):
            assert len(batch.questions[b]) == len(batch.answers[b])
            for question, answer in zip(batch.questions[b], batch.answers[b]):
                assert answer in ANSWERS
                assert expected_answer(question, batch, b) == answer, question

    def test_questions_cover_colour_count_and_existence(self, case):
        """Does every image get a total count, a count per shape and a yes and a no existence question?"""
        batch, _ = case
        for b in range(len(batch)):
            questions = batch.questions[b]
            assert questions[0] == "how many shapes are there?"
            assert all(f"how many {s}s are there?" in questions for s in SHAPES)
            existence = [a for q, a in zip(questions, batch.answers[b]) if q.startswith("is there")]
            assert "no" in existence and ("yes" in existence) == (int(batch.num_shapes[b]) > 0)


def resolve(phrase: str, batch, b: int) -> int:
    """Find the slot a phrase names, reading it the way a person would."""
    match = re.fullmatch(
        rf"the (?:(?P<ord>{'|'.join(ORDINALS)}) )?(?P<colour>\w+) (?P<shape>\w+)"
        r"(?: (?P<side>on the left|on the right|at the top|at the bottom|from the left|from the top))?",
        phrase,
    )
    assert match, phrase
    where = centres(batch, b)
    twins = [k for k, s, c, _, _ in objects(batch, b) if SHAPES[s] == match["shape"] and COLOURS[c] == match["colour"]]
    side = match["side"]
    if side is None and match["ord"] is None:
        assert len(twins) == 1
        return twins[0]
    if side is None:  # centres coincide: paint order
        return twins[ORDINALS.index(match["ord"])]
    axis = 0 if side in ("on the left", "on the right", "from the left") else 1
    ranked = sorted(twins, key=lambda k: where[k][axis])
    assert len({where[k][axis] for k in twins}) == len(twins), "a position phrase needs distinct positions"
    if side in ("on the left", "at the top"):
        return ranked[0]
    if side in ("on the right", "at the bottom"):
        return ranked[-1]
    return ranked[ORDINALS.index(match["ord"])]


def expected_answer(question: str, batch, b: int) -> str:
    """Answer a shapes-world question from the tensors alone."""
    objs = [(SHAPES[s], COLOURS[c]) for _, s, c, _, _ in objects(batch, b)]
    if question == "how many shapes are there?":
        return str(len(objs))
    if m := re.fullmatch(r"how many (\w+)s are there\?", question):
        return str(sum(shape == m[1] for shape, _ in objs))
    if m := re.fullmatch(r"what colour is the (\w+)\?", question):
        matching = [colour for shape, colour in objs if shape == m[1]]
        assert len(matching) == 1
        return matching[0]
    if m := re.fullmatch(r"what shape is the (\w+) object\?", question):
        matching = [shape for shape, colour in objs if colour == m[1]]
        assert len(matching) == 1
        return matching[0]
    if m := re.fullmatch(r"is there an? (\w+) (\w+)\?", question):
        return "yes" if (m[2], m[1]) in objs else "no"
    if m := re.fullmatch(
        r"is (the .+?) (above|below|to the left of|to the right of|in front of|behind) (the .+)\?", question
    ):
        a, b2 = resolve(m[1], batch, b), resolve(m[3], batch, b)
        (xa, ya), (xb, yb) = centres(batch, b)[a], centres(batch, b)[b2]
        dx, dy = xa - xb, ya - yb
        if dx == 0 and dy == 0:
            truth = "in front of" if a > b2 else "behind"
        elif abs(dy) > abs(dx):
            truth = "above" if dy < 0 else "below"
        else:
            truth = "to the left of" if dx < 0 else "to the right of"
        return "yes" if m[2] == truth else "no"
    raise AssertionError(f"unknown question form: {question}")


class TestKnobs:
    def test_noise_changes_pixels_but_not_annotations(self):
        """Does noise perturb only the pixels, leaving labels, boxes, masks and texts as without noise?"""
        clean = shapes_world.generate(16, seed=3)
        noisy = shapes_world.generate(16, seed=3, noise=0.2)
        assert not torch.equal(clean.images, noisy.images)
        for name in ("labels", "colours", "boxes", "instance_masks", "semantic_masks"):
            assert torch.equal(getattr(clean, name), getattr(noisy, name)), name
        assert (clean.captions, clean.phrases, clean.questions) == (noisy.captions, noisy.phrases, noisy.questions)

    def test_without_text_the_tensors_are_the_same(self):
        """Does with_text=False return the same tensors and empty text lists?"""
        full = shapes_world.generate(16, seed=3)
        bare = shapes_world.generate(16, seed=3, with_text=False)
        assert torch.equal(full.images, bare.images) and torch.equal(full.boxes, bare.boxes)
        assert bare.captions == bare.phrases == bare.questions == bare.answers == []

    def test_batches_larger_than_one_chunk_are_consistent(self):
        """Do batches spanning several internal chunks keep every invariant (counts, sizes, padding)?"""
        batch = shapes_world.generate(300, seed=1, with_text=False)
        assert len(batch) == 300 and batch.instance_masks.shape[0] == 300
        assert torch.equal(batch.valid.sum(dim=1), batch.num_shapes)

    def test_zero_images(self):
        """Does asking for zero images return an empty batch rather than failing?"""
        batch = shapes_world.generate(0)
        assert batch.images.shape == (0, 3, 64, 64) and batch.captions == []

    def test_targets_are_torchvision_style(self):
        """Does targets() give one dict per image with n boxes, labels and masks?"""
        batch = shapes_world.generate(5, seed=2)
        targets = batch.targets()
        assert len(targets) == 5
        for b, target in enumerate(targets):
            n = int(batch.num_shapes[b])
            assert target["boxes"].shape == (n, 4) and target["labels"].shape == (n,)
            assert target["masks"].shape == (n, 64, 64)

    @pytest.mark.parametrize(
        "knobs, message",
        [
            (dict(max_shapes=10), "max_shapes"),
            (dict(min_shapes=3, max_shapes=2), "min_shapes"),
            (dict(size_range=(2, 5)), r"size_range.*\(2, 5\)"),
            (dict(size_range=(10, 80)), "canvas=64"),
            (dict(noise=-0.1), "-0.1"),
            (dict(seed=-1), "-1"),
            (dict(background=(0, 0, 2)), "background"),
        ],
    )
    def test_bad_arguments_raise_with_the_value(self, knobs, message):
        """Does a bad knob raise ValueError naming the offending value?"""
        with pytest.raises(ValueError, match=message):
            shapes_world.generate(2, **knobs)
