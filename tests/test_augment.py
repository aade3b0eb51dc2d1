"""Tests for cnnkit.augment.augmentation."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnkit.augment import augmentation
from cnnkit.data import make_dataset

BATCH = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")


def layer_names(model: keras.Sequential) -> list[str]:
    return [layer.name for layer in model.layers]


def test_default_is_horizontal_flip_and_translation():
    aug = augmentation()
    assert isinstance(aug, keras.Sequential)
    assert layer_names(aug) == ["random_flip", "random_translation"]
    assert aug.get_layer("random_flip").mode == "horizontal"
    assert aug.get_layer("random_translation").fill_mode == "constant"


def test_all_transformations_in_pipeline_order():
    aug = augmentation(
        flip="horizontal_and_vertical", rotation=0.05, translation=0.1, zoom=0.1, crop=(24, 24),
        brightness=0.2, contrast=0.3, hue=0.1, saturation=0.2,
    )  # fmt: skip
    assert layer_names(aug) == [
        "random_crop", "central_crop", "random_flip", "random_rotation", "random_zoom",
        "random_translation",
        "random_brightness", "random_contrast", "random_hue", "random_saturation",
    ]  # fmt: skip
    rgb = np.random.default_rng(1).random((2, 28, 28, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(aug(rgb, training=True))
    assert out.shape == (2, 24, 24, 3)


def test_training_changes_images_inference_does_not():
    aug = augmentation(flip=None, translation=0.2, seed=3)
    trained = keras.ops.convert_to_numpy(aug(BATCH, training=True))
    assert trained.shape == BATCH.shape
    assert not np.allclose(trained, BATCH)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(aug(BATCH, training=False)), BATCH)


def test_flip_mirrors_left_right():
    aug = augmentation(flip="horizontal", translation=0.0, seed=0)
    batch = np.concatenate([BATCH] * 4)  # 16 images: some are mirrored, some are not
    out = keras.ops.convert_to_numpy(aug(batch, training=True))
    same = [np.allclose(new, old) for new, old in zip(out, batch, strict=True)]
    mirrored = [np.allclose(new, old[:, ::-1]) for new, old in zip(out, batch, strict=True)]
    assert all(s or m for s, m in zip(same, mirrored, strict=True))
    assert any(mirrored) and any(same)


def test_brightness_and_contrast_respect_the_value_range():
    aug = augmentation(flip=None, translation=0.0, brightness=0.5, contrast=0.5, seed=0)
    out = keras.ops.convert_to_numpy(aug(BATCH, training=True))
    assert not np.allclose(out, BATCH)
    # shifts of up to half the range push pixels past its ends: they are clipped to 0 and
    # 1 (Keras's default range is 0-255), and the images stay images of (0, 1)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert np.isclose(out, 0.0).sum() > 10 and np.isclose(out, 1.0).sum() > 10
    assert list(aug.get_layer("random_brightness").value_range) == [0.0, 1.0]


def test_contrast_scales_about_each_images_mean():
    grey = np.linspace(0.3, 0.7, 16, dtype="float32").reshape(1, 4, 4, 1)
    aug = augmentation(flip=None, translation=0.0, contrast=0.5, seed=0)
    out = keras.ops.convert_to_numpy(aug(np.concatenate([grey] * 8), training=True))
    factors = []
    for image in out:  # (x - mean) * f + mean, one factor f in [0.5, 1.5] per image
        centred, before = image - image.mean(), grey[0] - grey.mean()
        factor = float(centred.ravel() @ before.ravel() / (before.ravel() @ before.ravel()))
        np.testing.assert_allclose(centred, factor * before, atol=1e-5)
        assert image.mean() == pytest.approx(grey.mean(), abs=1e-5)
        factors.append(factor)
    assert 0.5 - 1e-5 <= min(factors) and max(factors) <= 1.5 + 1e-5
    assert len({round(f, 4) for f in factors}) > 4 and max(factors) - min(factors) > 0.3


def test_seed_makes_it_repeatable():
    first = augmentation(rotation=0.1, seed=7)(BATCH, training=True)
    second = augmentation(rotation=0.1, seed=7)(BATCH, training=True)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(first), keras.ops.convert_to_numpy(second)
    )


@pytest.mark.parametrize(
    "geometry", [{"translation": 0.3}, {"rotation": 0.2, "translation": 0.0},
                 {"zoom": 0.5, "translation": 0.0}],
)
@pytest.mark.parametrize("value_range", [(0.0, 1.0), (0.0, 255.0), (0.2, 0.9)])
def test_shifted_in_pixels_are_the_low_end_of_the_value_range(geometry, value_range):
    low, high = value_range
    images = np.full((16, 28, 28, 1), high, "float32")  # all white: any border shows
    aug = augmentation(flip=None, value_range=value_range, seed=0, **geometry)
    out = keras.ops.convert_to_numpy(aug(images, training=True))
    assert out.min() == pytest.approx(low)  # pixels from outside the image: the background
    assert np.isclose(out, low).sum() > 16  # whole rows / corners, not one blended pixel
    assert out.max() == pytest.approx(high) and out.min() >= low - 1e-6


def test_make_dataset_with_a_seeded_augmentation_repeats_run_to_run():
    x = (np.random.default_rng(2).random((96, 28, 28)) * 255).astype("uint8")
    y = np.arange(96)

    def run() -> list[np.ndarray]:
        aug = augmentation(rotation=0.05, translation=0.1, zoom=0.1, seed=0)
        ds = make_dataset(x, y, batch_size=4, shuffle=True, seed=0, augment=aug)
        return [images.numpy() for _ in range(2) for images, _ in ds]  # two epochs

    first, second = run(), run()
    assert len(first) == 48
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    epoch1, epoch2 = np.concatenate(first[:24]), np.concatenate(first[24:])
    assert not np.array_equal(np.sort(epoch1, axis=None), np.sort(epoch2, axis=None))


def test_works_in_make_dataset_and_as_model_layers():
    x = (BATCH[..., 0] * 255).astype("uint8")
    ds = make_dataset(x, np.arange(4), batch_size=2, shuffle=False, augment=augmentation())
    images, labels = next(iter(ds))
    assert tuple(images.shape) == (2, 28, 28, 1) and labels.shape == (2,)
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), augmentation(seed=0), keras.layers.Flatten(),
         keras.layers.Dense(3)]
    )  # fmt: skip
    assert model.predict(BATCH, verbose=0).shape == (4, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flip": "diagonal"}, "flip"),
        ({"rotation": 0.7}, "rotation"),
        ({"translation": -0.1}, "translation"),
        ({"zoom": 1.0}, "zoom"),
        ({"crop": (24,)}, "crop"),
        ({"brightness": 2}, "brightness"),

        ({"fill_mode": "mirror"}, "fill_mode"),
        ({"value_range": (1, 0)}, "value_range"),
        ({"flip": None, "translation": 0.0}, "every transformation is off"),
    ],
)
def test_invalid_arguments_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        augmentation(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"contrast": "high"}, "`contrast` must be a number"),
        ({"seed": 1.5}, "`seed` must be an int >= 0 or None"),
        ({"crop": 24}, "`crop` must be None or"),
        ({"value_range": "0-1"}, "`value_range` must be"),
    ],
)
def test_wrong_types_are_type_errors(kwargs, message):
    with pytest.raises(TypeError, match=message):
        augmentation(**kwargs)
