"""Real images shipped by packages: digits, MNIST-5k and photos."""

from __future__ import annotations

import pytest
import torch

import coursedata
from coursedata import images


@pytest.mark.parametrize(
    "load, size, total, test_fraction",
    [(coursedata.digits, 8, 1797, 0.25), (coursedata.mnist5k, 28, 5000, 0.2)],
    ids=["digits", "mnist5k"],
)
class TestClassificationSplits:
    def test_shapes_dtypes_and_ranges(self, load, size, total, test_fraction):
        """Are x float32 (N, 1, S, S) in [0, 1] and y int64 labels 0-9, train and test adding up to the whole set?"""
        split = load(seed=0)
        for x, y in ((split.x_train, split.y_train), (split.x_test, split.y_test)):
            assert x.dtype == torch.float32 and x.shape[1:] == (1, size, size)
            assert y.dtype == torch.int64 and y.shape == (x.shape[0],)
            assert x.min() >= 0 and x.max() <= 1 and set(y.unique().tolist()) == set(range(10))
        assert len(split.y_train) + len(split.y_test) == total
        assert len(split.y_test) == pytest.approx(total * test_fraction, abs=10)

    def test_split_is_stratified(self, load, size, total, test_fraction):
        """Does every class hold out the same share of its examples (within rounding)?"""
        split = load(seed=0)
        per_class = torch.bincount(split.y_test, minlength=10) / (
            torch.bincount(split.y_test, minlength=10) + torch.bincount(split.y_train, minlength=10)
        )
        assert (per_class - test_fraction).abs().max() < 0.01

    def test_seed_changes_which_examples_are_held_out(self, load, size, total, test_fraction):
        """Does a new seed hold out other examples, while the pool of examples stays the same?"""
        a, b = load(seed=0), load(seed=1)
        assert not torch.equal(a.x_test, b.x_test)
        pool_a = torch.cat([a.x_train, a.x_test]).flatten(1).sum(1).sort().values
        pool_b = torch.cat([b.x_train, b.x_test]).flatten(1).sum(1).sort().values
        torch.testing.assert_close(pool_a, pool_b)

    def test_test_fraction_is_validated(self, load, size, total, test_fraction):
        """Does a test_fraction outside (0, 1) raise and name the value?"""
        with pytest.raises(ValueError, match="1.5"):
            load(test_fraction=1.5)


def test_digits_keep_the_original_sixteen_grey_levels():
    """Are digit pixels the original 0-16 levels divided by 16 (no resampling)?"""
    x = coursedata.digits().x_train
    torch.testing.assert_close(x * 16, (x * 16).round())


def test_mnist5k_has_five_hundred_of_each_digit():
    """Does MNIST-5k hold exactly 500 images of every digit?"""
    split = coursedata.mnist5k()
    counts = torch.bincount(torch.cat([split.y_train, split.y_test]))
    assert counts.tolist() == [500] * 10


@pytest.mark.parametrize("name", images.PHOTOS)
def test_photos_are_float_images_in_unit_range(name):
    """Is every photo a float32 (C, H, W) tensor in [0, 1], resizable to a square?"""
    photo = images.photo(name)
    assert photo.dtype == torch.float32 and photo.ndim == 3 and photo.shape[0] in (1, 3)
    assert photo.min() >= 0 and photo.max() <= 1 and photo.std() > 0.01
    assert images.photo(name, size=48).shape == (photo.shape[0], 48, 48)


def test_unknown_photo_names_the_choices():
    """Does an unknown photo name raise and list the available ones?"""
    with pytest.raises(ValueError, match="astronaut"):
        images.photo("lena")
