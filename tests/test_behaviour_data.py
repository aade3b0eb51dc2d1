"""Behaviour of the input pipeline and of augmentation, on the numbers (not on a picture).

Written against the public API only (``cnnkit.data.make_dataset``,
``cnnkit.augment.augmentation``) so that it survives the modules being split. Each test
fails on a realistic bug that the older tests let through (see issue 25): two seeds giving
one order, integer images of other dtypes left unscaled, shifted-in pixels filled with the
top of the value range (white borders on Fashion-MNIST) instead of the bottom.
"""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

from cnnkit.augment import augmentation
from cnnkit.data import make_dataset

N = 40


def _order(seed: int | None, *, epochs: int = 1) -> list[list[int]]:
    x = np.zeros((N, 2, 2), np.uint8)
    ds = make_dataset(x, np.arange(N), batch_size=N, shuffle=True, seed=seed)
    return [next(iter(ds))[1].numpy().tolist() for _ in range(epochs)]


def test_two_seeds_give_two_orders_and_one_seed_one_order():
    orders = {seed: _order(seed)[0] for seed in (0, 1, 2)}
    assert len({tuple(o) for o in orders.values()}) == 3
    assert _order(1)[0] == orders[1]
    for order in orders.values():
        assert sorted(order) == list(range(N))


def test_without_shuffle_the_order_is_the_input_order():
    x = np.zeros((N, 2, 2), np.uint8)
    ds = make_dataset(x, np.arange(N), batch_size=7, shuffle=False, seed=3)
    assert np.concatenate([t.numpy() for _, t in ds]).tolist() == list(range(N))


def test_each_epoch_gets_a_new_order():
    x = np.zeros((N, 2, 2), np.uint8)
    ds = make_dataset(x, np.arange(N), batch_size=N, shuffle=True, seed=5)
    first, second = (next(iter(ds))[1].numpy().tolist() for _ in range(2))
    assert first != second and sorted(first) == sorted(second)


def test_shuffle_keeps_images_with_their_labels():
    x = np.arange(N, dtype=np.uint8)[:, None, None] * np.ones((1, 3, 3), np.uint8)
    (images, labels), = make_dataset(x, np.arange(N), batch_size=N, shuffle=True, seed=0)
    np.testing.assert_allclose(images.numpy()[:, 0, 0, 0] * 255.0, labels.numpy(), atol=1e-4)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "int16", "int32", "int64"])
def test_integer_images_of_any_dtype_are_scaled_to_0_1(dtype):
    x = np.array([[[0, 51], [102, 255]]], dtype=dtype)
    (batch,) = make_dataset(x, None, batch_size=1, shuffle=False)
    assert batch.dtype == "float32" and tuple(batch.shape) == (1, 2, 2, 1)
    np.testing.assert_allclose(batch.numpy()[0, ..., 0], [[0.0, 0.2], [0.4, 1.0]], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_images_in_0_1_pass_unchanged(dtype):
    x = np.array([[[0.0, 0.25], [0.5, 1.0]]], dtype=dtype)[..., None]
    (batch,) = make_dataset(x, None, batch_size=1, shuffle=False)
    assert batch.dtype == "float32"
    np.testing.assert_array_equal(batch.numpy(), x.astype("float32"))


def test_float_images_at_the_bounds_are_accepted_and_just_outside_are_not():
    ok = np.array([[[0.0, 1.0]]], dtype="float32")
    assert len(list(make_dataset(ok, None, batch_size=1, shuffle=False))) == 1
    for bad, shown in ((-0.5, "[-0.5, 1]"), (1.5, "[0, 1.5]")):
        message = re.escape(f"must be in [0, 1], got values in {shown}")
        with pytest.raises(ValueError, match=message):
            make_dataset(np.array([[[0.0, 1.0, bad]]], "float32"), None, batch_size=1,
                         shuffle=False)  # fmt: skip


def test_one_hot_labels_pass_through():
    y = np.eye(3, dtype="float32")
    ((_, labels),) = make_dataset(np.zeros((3, 2, 2), np.uint8), y, batch_size=3, shuffle=False)
    np.testing.assert_array_equal(labels.numpy(), y)


# --------------------------------------------------------------------------- augmentation


def _augment(images: np.ndarray, **kwargs) -> np.ndarray:
    aug = augmentation(**{"flip": None, "translation": 0.0, "seed": 0, **kwargs})
    return keras.ops.convert_to_numpy(aug(images, training=True))


def _filled_border(image: np.ndarray, value: float) -> bool:
    """True if a whole outer row or column equals ``value`` (a shifted-in border)."""
    edges = (image[0], image[-1], image[:, 0], image[:, -1])
    return any(np.all(edge == value) for edge in edges)


@pytest.mark.parametrize("value_range", [(0.0, 1.0), (0.0, 255.0), (-1.0, 1.0)])
def test_shifted_in_pixels_equal_the_low_end_of_the_value_range(value_range):
    low, high = value_range
    bright = np.full((8, 28, 28, 1), high, "float32")  # a white image: borders must be low
    out = _augment(bright, translation=0.4, value_range=value_range)
    moved = [not np.array_equal(o, b) for o, b in zip(out, bright, strict=True)]
    assert sum(moved) >= 6  # shifts of up to 40 % of the side: nearly all images move
    for image, was_moved in zip(out, moved, strict=True):
        if was_moved:
            assert _filled_border(image, low), "a shifted image must get a border of `low`"
    assert out.min() == low and out.max() == high


@pytest.mark.parametrize("kind", ["rotation", "zoom"])
def test_rotation_and_zoom_fill_corners_with_the_low_end(kind):
    bright = np.full((4, 28, 28, 1), 1.0, "float32")
    out = _augment(bright, **{kind: 0.3})
    corners = out[:, [0, 0, -1, -1], [0, -1, 0, -1], 0]
    assert np.any(corners == 0.0)  # some image lost a corner to the fill
    assert np.all((corners == 0.0) | (corners == 1.0) | ((corners > 0) & (corners < 1)))


def test_fill_mode_nearest_repeats_the_edge_instead_of_filling():
    bright = np.full((4, 28, 28, 1), 1.0, "float32")
    out = _augment(bright, translation=0.4, fill_mode="nearest")
    np.testing.assert_allclose(out, bright, atol=1e-6)


def test_translation_moves_content_without_changing_it():
    # one bright pixel in the centre: after a shift it is still one pixel of the same value
    # (bilinear interpolation may spread it, but the total brightness is kept).
    image = np.zeros((8, 29, 29, 1), "float32")
    image[:, 14, 14] = 1.0
    out = _augment(image, translation=0.2)
    np.testing.assert_allclose(out.sum(axis=(1, 2, 3)), 1.0, atol=1e-4)
    centres = [np.unravel_index(np.argmax(o[..., 0]), o.shape[:2]) for o in out]
    assert any(c != (14, 14) for c in centres)
    assert all(abs(r - 14) <= 6 and abs(c - 14) <= 6 for r, c in centres)  # 0.2 * 29 = 5.8


def test_vertical_flip_mirrors_up_down_only():
    batch = np.random.default_rng(0).random((16, 5, 5, 1)).astype("float32")
    out = _augment(batch, flip="vertical")
    for new, old in zip(out, batch, strict=True):
        assert np.allclose(new, old) or np.allclose(new, old[::-1])
    assert any(np.allclose(new, old[::-1]) for new, old in zip(out, batch, strict=True))
    assert not any(np.allclose(new, old[:, ::-1]) and not np.allclose(new, old)
                   for new, old in zip(out, batch, strict=True))  # fmt: skip


def test_brightness_shift_is_a_fraction_of_the_value_range():
    grey = np.full((16, 4, 4, 1), 100.0, "float32")
    out = _augment(grey, brightness=0.2, value_range=(0.0, 255.0))
    shifts = out[:, 0, 0, 0] - 100.0
    for image, shift in zip(out, shifts, strict=True):
        np.testing.assert_allclose(image, 100.0 + shift, atol=1e-3)  # one shift per image
    assert np.abs(shifts).max() <= 0.2 * 255 + 1e-3
    assert np.abs(shifts).max() > 0.05 * 255  # the factor is a fraction of 255, not of 1


CROP_IMAGE = np.arange(10 * 10, dtype="float32").reshape(1, 10, 10, 1)


def test_crop_at_inference_is_the_central_crop_as_documented():
    # augmentation()'s docstring: "The images come out with that size (at inference, a
    # central crop), so use it as the first layers of a model whose input has the crop size."
    aug = augmentation(flip=None, translation=0.0, crop=(4, 6), seed=0)
    out = keras.ops.convert_to_numpy(aug(CROP_IMAGE, training=False))
    assert out.shape == (1, 4, 6, 1)
    np.testing.assert_array_equal(out[0, ..., 0], CROP_IMAGE[0, 3:7, 2:8, 0])


def test_crop_in_training_is_a_window_of_the_crop_size():
    image = CROP_IMAGE
    aug = augmentation(flip=None, translation=0.0, crop=(4, 6), seed=0)
    trained = keras.ops.convert_to_numpy(aug(image, training=True))[0, ..., 0]
    assert trained.shape == (4, 6)
    r, c = divmod(int(trained[0, 0]), 10)
    np.testing.assert_array_equal(trained, image[0, r : r + 4, c : c + 6, 0])


def test_each_layer_gets_its_own_seed():
    aug = augmentation(rotation=0.1, zoom=0.1, contrast=0.1, seed=7)
    assert [layer.seed for layer in aug.layers] == [7, 8, 9, 10, 11]
    assert all(layer.seed is None for layer in augmentation(rotation=0.1).layers)


def test_factors_reach_the_layers():
    aug = augmentation(rotation=0.05, zoom=0.15, translation=0.125, contrast=0.3,
                       brightness=0.2, value_range=(0, 255))  # fmt: skip
    layers = {layer.name: layer for layer in aug.layers}

    def extent(factor) -> float:  # Keras keeps 0.1 or (-0.1, 0.1) depending on the layer
        return float(np.max(np.abs(np.ravel(factor))))

    assert extent(layers["random_rotation"].factor) == 0.05
    assert extent(layers["random_zoom"].height_factor) == 0.15
    assert extent(layers["random_translation"].height_factor) == 0.125
    assert extent(layers["random_translation"].width_factor) == 0.125
    assert extent(layers["random_contrast"].factor) == pytest.approx(0.3)
    assert extent(layers["random_brightness"].factor) == pytest.approx(0.2)
    for name in ("random_rotation", "random_zoom", "random_translation"):
        assert layers[name].fill_value == 0.0 and layers[name].fill_mode == "constant"
    assert tuple(layers["random_brightness"].value_range) == (0.0, 255.0)
