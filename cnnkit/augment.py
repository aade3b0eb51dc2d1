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

__all__ = ["augmentation"]

_FLIPS = ("horizontal", "vertical", "horizontal_and_vertical")


def _check_factor(value: Any, name: str, upper: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= upper:
        raise ValueError(f"`{name}` must be a number in [0, {upper}] ({what}); got {value!r}.")
    return float(value)


def _check_args(
    flip: Any, crop: Any, value_range: Any, seed: Any
) -> tuple[tuple[int, int] | None, tuple[float, float]]:
    if flip is not None and flip not in _FLIPS:
        raise ValueError(f"`flip` must be None or one of {_FLIPS}; got {flip!r}.")
    if crop is not None and (
        isinstance(crop, (str, bytes))
        or not isinstance(crop, Sequence)
        or len(crop) != 2
        or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in crop)
    ):
        raise ValueError(
            f"`crop` must be None or (height, width) of the random crop, e.g. (24, 24); "
            f"got {crop!r}."
        )
    if (
        not isinstance(value_range, Sequence)
        or len(value_range) != 2
        or not all(isinstance(v, (int, float)) for v in value_range)
        or not value_range[0] < value_range[1]
    ):
        raise ValueError(
            f"`value_range` must be (low, high) with low < high, e.g. (0, 1) for images "
            f"scaled by make_dataset or (0, 255) for raw pixels; got {value_range!r}."
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError(f"`seed` must be an int or None; got {seed!r}.")
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
    zero factor are left out. Layer order: crop, flip, rotation, zoom, translation,
    brightness, contrast, hue, saturation.

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
            come out with that size (at inference, a central crop), so use it as the
            first layers of a model whose input has the crop size.
        brightness: largest brightness shift as a fraction of `value_range`, in [0, 1]
            (`RandomBrightness`).
        contrast: largest contrast change, in [0, 1] (`RandomContrast`).
        hue: largest hue shift, in [0, 1] (`RandomHue`). Colour (RGB) images only.
        saturation: largest saturation change, in [0, 1] (`RandomSaturation`).
            Colour (RGB) images only. Hue and saturation are deck 002's colour shifting.
        fill_mode: how rotation, zoom and translation fill the uncovered pixels:
            "constant" (zeros, the black background of Fashion-MNIST), "reflect",
            "wrap" or "nearest".
        value_range: (low, high) of the pixel values: (0, 1) for images scaled by
            `cnnkit.data.make_dataset`, (0, 255) for raw uint8 pixels.
        seed: seed of the random transformations (each layer gets `seed + i`), or
            None.
        name: name of the returned model.

    Returns:
        A `keras.Sequential` that transforms images when called with `training=True`
        and returns them unchanged otherwise (except `crop`, which crops centrally).

    Raises:
        ValueError: if an argument is out of range or every transformation is off.

    Example:

    ```python
    aug = augmentation(rotation=0.03, contrast=0.2, seed=0)
    train = cnnkit.data.make_dataset(x_train, y_train, batch_size=128, shuffle=True,
                                     augment=aug)
    ```
    """
    crop, value_range = _check_args(flip, crop, value_range, seed)
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
    if fill_mode not in ("constant", "reflect", "wrap", "nearest"):
        raise ValueError(
            f"`fill_mode` must be 'constant', 'reflect', 'wrap' or 'nearest'; got {fill_mode!r}."
        )
    layers = _layers(crop, flip, rotation, zoom, translation, factors, fill_mode, value_range)
    if not layers:
        raise ValueError(
            "every transformation is off: set at least one of flip, rotation, translation, "
            "zoom, crop, brightness, contrast, hue or saturation."
        )
    return keras.Sequential(
        [cls(*args, seed=None if seed is None else seed + i, **kwargs)
         for i, (cls, args, kwargs) in enumerate(layers)],
        name=name,
    )


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
