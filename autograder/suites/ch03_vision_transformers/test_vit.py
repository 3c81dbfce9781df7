"""Hidden tests of the ViT pieces: ``patchify``, ``PatchEmbedding`` and ``ViT``."""

import functools

import coursedata
import pytest
import torch

from autograder import checks


@functools.cache
def _digits() -> torch.Tensor:
    """The first eight 8x8 digits of the training split, (8, 1, 8, 8) in [0, 1]."""
    return coursedata.digits(seed=0).x_train[:8].clone()


@functools.cache
def _mnist() -> torch.Tensor:
    """Three 28x28 MNIST digits, (3, 1, 28, 28) in [0, 1]."""
    return coursedata.mnist5k(seed=0).x_test[:3].clone()


@pytest.mark.covers("patchify")
class TestPatchify:
    @pytest.mark.grade(1, "api")
    def test_signature(self, student):
        """Is patchify(images, patch_size) defined, and does it run?"""
        checks.has_signature(student, "patchify", ["images", "patch_size"], example=(checks.randn(1, 1, 4, 4), 2))

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("shape", "patch_size"), [((2, 3, 8, 8), 2), ((2, 3, 8, 12), 4)])
    def test_matches_reference(self, student, reference, shape, patch_size):
        """Are patches numbered row by row and flattened in (C, p, p) order, for square and wide images?"""
        checks.same(student.patchify, reference.patchify, checks.randn(*shape, seed=sum(shape)), patch_size)

    @pytest.mark.grade(1, "numerics")
    def test_mnist_digits(self, student, reference):
        """Are three 28x28 MNIST digits cut into the 16 patches of 7x7 pixels the statement describes?"""
        checks.same(student.patchify, reference.patchify, _mnist(), 7)

    @pytest.mark.grade(1, "numerics")
    @pytest.mark.parametrize("patch_size", [1, 6])
    def test_extreme_patch_sizes(self, student, reference, patch_size):
        """With p = 1 (one patch per pixel) and p = H = W (one patch per image), is the layout still right?"""
        checks.same(student.patchify, reference.patchify, checks.randn(2, 2, 6, 6, seed=patch_size), patch_size)

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_size(self, student):
        """Does an 8x8 image with patch_size=3 raise ValueError?"""
        checks.fails_with(student.patchify, checks.randn(1, 1, 8, 8), 3, error="ValueError")

    @pytest.mark.grade(1, "gradient")
    def test_gradient(self, student, reference):
        """Does the gradient flow back to every pixel, to the place it came from?"""
        images = checks.randn(2, 3, 4, 4, seed=3, dtype=torch.float64)
        checks.gradients_match(student.patchify, reference.patchify, (images, 2), wrt=(0,), arg_names=("images",))

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does it run on the inputs' device?"""
        checks.device_agnostic(student.patchify, reference.patchify, checks.randn(2, 3, 8, 8, seed=4), 4)


@pytest.mark.covers("PatchEmbedding")
class TestPatchEmbedding:
    @pytest.mark.grade(1, "api")
    def test_parameters(self, student):
        """Is proj a Conv2d(in_channels, embed_dim, kernel_size=p, stride=p)?"""
        checks.has_parameters(student.PatchEmbedding(8, 2, 3, 16), {"proj.weight": (16, 3, 2, 2), "proj.bias": (16,)})

    @pytest.mark.grade(1, "api")
    def test_num_patches(self, student):
        """Is num_patches (image_size // patch_size) ** 2?"""
        checks.close(student.PatchEmbedding(12, 4, 1, 8).num_patches, 9, what="PatchEmbedding(12, 4, 1, 8).num_patches")

    @pytest.mark.grade(1, "api")
    def test_rejects_indivisible_size(self, student):
        """Does PatchEmbedding(8, 3, 1, 16) raise ValueError?"""
        checks.fails_with(student.PatchEmbedding, 8, 3, 1, 16, error="ValueError")

    @pytest.mark.grade(2, "numerics")
    @pytest.mark.parametrize(("args", "images"), [((8, 2, 1, 16), "digits"), ((8, 4, 3, 10), "colour")])
    def test_matches_reference(self, student, reference, args, images):
        """With the same weights, is every patch embedded, in patchify's order, as (B, N, embed_dim)?"""
        ours, theirs = checks.twin_modules(student, reference, "PatchEmbedding", *args, seed=1)
        x = _digits() if images == "digits" else torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
        checks.same(theirs, ours, x)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the module run on the inputs' device?"""
        ours, theirs = checks.twin_modules(student, reference, "PatchEmbedding", 8, 2, 1, 16, seed=3)
        checks.device_agnostic(theirs, ours, _digits())


VIT_SMALL = (8, 2, 1, 10, 16, 2, 4)      # digits: 16 patches of 2x2, two blocks of 4 heads
VIT_MNIST = (28, 7, 1, 10, 24, 1, 2)     # MNIST: 16 patches of 7x7, one block of 2 heads
RANDOMISED = ("cls_token", "pos_embed")


@pytest.mark.covers("ViT")
class TestViT:
    @pytest.mark.grade(2, "api")
    def test_parameters(self, student, reference):
        """Are patch_embed, cls_token, pos_embed, blocks (nn.TransformerEncoderLayer), norm and head as asked?"""
        expected = {name: tuple(value.shape) for name, value in reference.ViT(*VIT_SMALL).state_dict().items()}
        checks.has_parameters(student.ViT(*VIT_SMALL), expected)

    @pytest.mark.grade(1, "shape")
    def test_logits_shape(self, student):
        """Are the logits (B, num_classes)?"""
        logits = student.ViT(8, 4, 1, 7, 16, 1, 2)(_digits())
        checks.shape_is(logits, (8, 7), what="ViT(8, 4, 1, 7, 16, 1, 2)(images)")

    @pytest.mark.grade(3, "numerics")
    @pytest.mark.parametrize("config", ["digits", "mnist"])
    def test_matches_reference(self, student, reference, config):
        """With the same weights, are the logits the reference's: class token first, positions added, head on token 0?"""
        args, images = (VIT_SMALL, _digits()) if config == "digits" else (VIT_MNIST, _mnist())
        ours, theirs = checks.twin_modules(student, reference, "ViT", *args, seed=4, randomise=RANDOMISED)
        checks.same(theirs, ours, images)

    @pytest.mark.grade(2, "gradient")
    def test_gradients(self, student, reference):
        """Do the gradients of the images and of every parameter (cls_token, pos_embed included) match?"""
        ours, theirs = checks.twin_modules(student, reference, "ViT", *VIT_SMALL, seed=5, double=True, randomise=RANDOMISED)
        checks.gradients_match(theirs, ours, (_digits()[:3].double(),), wrt=(0,), arg_names=("images",), params=True)

    @pytest.mark.grade(1, "parity")
    def test_device_agnostic(self, student, reference):
        """Does the model run on the inputs' device (the class token expanded there too)?"""
        ours, theirs = checks.twin_modules(student, reference, "ViT", *VIT_SMALL, seed=6, randomise=RANDOMISED)
        checks.device_agnostic(theirs, ours, _digits()[:2])
