"""Data augmentation as a pipeline of Keras preprocessing layers (deck 002).

`augmentation` assembles the random transformations of deck 002 (random crop,
mirroring, rotation, translation, brightness / contrast, colour shifting) into one
`keras.Sequential`. Each transformation is a Keras layer (`RandomFlip`,
`RandomTranslation`, ...): the function only chooses and configures them. The result
is used either in the input pipeline, `cnnkit.data.make_dataset(..., augment=aug)`, or
as the first layers of a model; in both cases the layers transform images only while
training and pass them unchanged at inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from cnnkit._validate import check_choice, check_number, check_seed, type_name

__all__ = ["augmentation"]

_FLIPS = ("horizontal", "vertical", "horizontal_and_vertical")


def _check_factor(value: Any, name: str, upper: float, what: str) -> float:
    return check_number(value, name, minimum=0, maximum=upper, hint=f"It is {what}.")


def _check_args(
    flip: Any, crop: Any, value_range: Any
) -> tuple[tuple[int, int] | None, tuple[float, float]]:
    if flip is not None:
        check_choice(flip, "flip", _FLIPS, hint="Or None for no mirroring.")
    if crop is not None:
        if isinstance(crop, (str, bytes)) or not isinstance(crop, Sequence):
            raise TypeError(
                f"`crop` must be None or (height, width) of the random crop, e.g. (24, 24); "
                f"got {type_name(crop)}: {crop!r}."
            )
        if len(crop) != 2 or not all(
            isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in crop
        ):
            raise ValueError(
                f"`crop` must be None or (height, width) of the random crop, e.g. (24, 24); "
                f"got {crop!r}."
            )
    fix = "e.g. (0, 1) for images scaled by make_dataset or (0, 255) for raw pixels"
    if isinstance(value_range, (str, bytes)) or not isinstance(value_range, Sequence):
        raise TypeError(
            f"`value_range` must be (low, high) with low < high, {fix}; "
            f"got {type_name(value_range)}: {value_range!r}."
        )
    if (
        len(value_range) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)
        or not value_range[0] < value_range[1]
    ):
        raise ValueError(
            f"`value_range` must be (low, high) with low < high, {fix}; got {value_range!r}."
        )
    return (tuple(crop) if crop is not None else None), (
        float(value_range[0]),
        float(value_range[1]),
    )


def augmentation(
    *,
    flip: str | None = "horizontal",
    rotation: float = 0.0,
    translation: float = 0.1,
    zoom: float = 0.0,
    crop: Sequence[int] | None = None,
    brightness: float = 0.0,
    contrast: float = 0.0,
    hue: float = 0.0,
    saturation: float = 0.0,
    fill_mode: str = "constant",
    value_range: Sequence[float] = (0.0, 1.0),
    seed: int | None = None,
    name: str = "augmentation",
) -> keras.Sequential:
    """Builds a `keras.Sequential` of random preprocessing layers for data augmentation.

    Reference:
    - A. Krizhevsky, I. Sutskever, G. Hinton, "ImageNet Classification with Deep
      Convolutional Neural Networks", NeurIPS 2012 (random crops, mirroring and colour
      shifts), as taught in deck 002.

    The default (horizontal mirroring and shifts of up to 10% of the side) suits
    Fashion-MNIST: garments stay garments when mirrored left-right or moved a few
    pixels, but not upside down, so there is no vertical flip. Transformations with a
    zero factor are left out. Layer order: crop (random, then central), flip, rotation,
    zoom, translation, brightness, contrast, hue, saturation.

    Args:
        flip: "horizontal", "vertical", "horizontal_and_vertical" (`RandomFlip`) or
            None for no mirroring.
        rotation: largest rotation as a fraction of a full turn, in [0, 0.5]
            (`RandomRotation`; 0.05 is +-18 degrees).
        translation: largest shift as a fraction of the height and the width, in
            [0, 1) (`RandomTranslation`); a shift with the borders filled is the
            same-size form of a random crop.
        zoom: largest zoom in or out as a fraction of the side, in [0, 1)
            (`RandomZoom`).
        crop: None, or (height, width) of a random crop (`RandomCrop`). The images
            come out with that size (at inference, a central crop: `CenterCrop` follows,
            since Keras's `RandomCrop` passes images through unchanged at inference), so
            use it as the first layers of a model whose input has the crop size.
        brightness: largest brightness shift as a fraction of `value_range`, in [0, 1]
            (`RandomBrightness`).
        contrast: largest contrast change, in [0, 1] (`RandomContrast`).
        hue: largest hue shift, in [0, 1] (`RandomHue`). Colour (RGB) images only.
        saturation: largest saturation change, in [0, 1] (`RandomSaturation`).
            Colour (RGB) images only. Hue and saturation are deck 002's colour shifting.
        fill_mode: how rotation, zoom and translation fill the uncovered pixels:
            "constant" (the low end of `value_range`: black, the background of
            Fashion-MNIST), "reflect", "wrap" or "nearest".
        value_range: (low, high) of the pixel values: (0, 1) for images scaled by
            `cnnkit.data.make_dataset`, (0, 255) for raw uint8 pixels.
        seed: seed of the random transformations (each layer gets `seed + i`), or
            None. In `cnnkit.data.make_dataset` a seeded augmentation gives the same
            batches on every run.
        name: name of the returned model.

    Returns:
        A `keras.Sequential` that transforms images when called with `training=True`
        and returns them unchanged otherwise (except `crop`, which crops centrally).

    Raises:
        TypeError: if an argument has the wrong type (the message names it).
        ValueError: if an argument is out of range or every transformation is off.

    Example:
        >>> aug = augmentation(rotation=0.03, contrast=0.2, seed=0)
        >>> [layer.name for layer in aug.layers]
        ['random_flip', 'random_rotation', 'random_translation', 'random_contrast']

        In the input pipeline, for the training set only:
        ``make_dataset(x_train, y_train, batch_size=128, shuffle=True, augment=aug)``.
    """
    crop, value_range = _check_args(flip, crop, value_range)
    seed = check_seed(seed, allow_none=True)
    rotation = _check_factor(rotation, "rotation", 0.5, "a fraction of a full turn")
    translation = _check_factor(translation, "translation", 0.99, "a fraction of the side")
    zoom = _check_factor(zoom, "zoom", 0.99, "a fraction of the side")
    factors = {
        name_: _check_factor(value, name_, 1.0, "a fraction of the range")
        for name_, value in (
            ("brightness", brightness),
            ("contrast", contrast),
            ("hue", hue),
            ("saturation", saturation),
        )
    }
    check_choice(fill_mode, "fill_mode", ("constant", "reflect", "wrap", "nearest"))
    layers = _layers(crop, flip, rotation, zoom, translation, factors, fill_mode, value_range)
    if not layers:
        raise ValueError(
            "every transformation is off: set at least one of flip, rotation, translation, "
            "zoom, crop, brightness, contrast, hue or saturation."
        )
    built = [cls(*args, seed=None if seed is None else seed + i, **kwargs)
             for i, (cls, args, kwargs) in enumerate(layers)]
    if crop is not None:  # Keras's RandomCrop passes images through unchanged at inference
        built.insert(1, keras.layers.CenterCrop(*crop, name="central_crop"))
    return keras.Sequential(built, name=name)


def _layers(
    crop: tuple[int, int] | None,
    flip: str | None,
    rotation: float,
    zoom: float,
    translation: float,
    factors: dict[str, float],
    fill_mode: str,
    value_range: tuple[float, float],
) -> list[tuple[type, tuple, dict[str, Any]]]:
    """(layer class, args, kwargs) of the non-zero transformations, in pipeline order."""
    layers: list[tuple[type, tuple, dict[str, Any]]] = []
    if crop is not None:
        layers.append((keras.layers.RandomCrop, crop, {"name": "random_crop"}))
    if flip is not None:
        layers.append((keras.layers.RandomFlip, (flip,), {"name": "random_flip"}))
    geometric = {"fill_mode": fill_mode, "fill_value": value_range[0]}
    if rotation:
        layers.append(
            (keras.layers.RandomRotation, (rotation,), {"name": "random_rotation", **geometric})
        )
    if zoom:
        layers.append((keras.layers.RandomZoom, (zoom,), {"name": "random_zoom", **geometric}))
    if translation:
        layers.append(
            (
                keras.layers.RandomTranslation,
                (translation, translation),
                {"name": "random_translation", **geometric},
            )
        )
    colour = {
        "brightness": keras.layers.RandomBrightness,
        "contrast": keras.layers.RandomContrast,
        "hue": keras.layers.RandomHue,
        "saturation": keras.layers.RandomSaturation,
    }
    for key, cls in colour.items():
        if factors[key]:
            layers.append(
                (cls, (factors[key],), {"value_range": value_range, "name": f"random_{key}"})
            )
    return layers
