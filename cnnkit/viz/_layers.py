"""Model introspection shared by the network visualizers: which layers a model has, and
its images as a batch.

A layer given as an int always means ``model.layers[layer]`` (negative indices count from
the end), the list Keras keeps: a Functional model's starts with its ``InputLayer``, a
Sequential's does not.

Example:
    >>> import keras
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, name="c")])
    >>> [layer.name for layer in conv_layers(model)]
    ['c']
    >>> as_batch(model, np.zeros((8, 8)), "x")[0].shape
    (1, 8, 8, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cnnkit._pixels import scale_pixels
from cnnkit._validate import type_name

if TYPE_CHECKING:  # keras (and TensorFlow) load on first use, so `cnnkit.viz` stays light
    import keras

__all__ = ["check_model", "as_batch", "resolve", "conv_layers", "spatial_layers",
           "default_feature_layers", "feature_model", "ensure_built"]


def check_model(model: Any) -> keras.Model:
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model (Sequential or Functional); got {type(model).__name__}."
        )
    return model


def as_batch(model: keras.Model, images: Any, name: str) -> tuple[np.ndarray, bool]:
    """Float32 batch (N, H, W, C) and whether one image was given; builds an unbuilt model.

    Pixels are scaled as :func:`cnnkit._pixels.scale_pixels` says (uint8 by 1/255, bool to
    0/1). A 2-D array is one grey image; a 3-D array is one
    image (H, W, C), or a batch of grey images (N, H, W) when the model takes
    one-channel images and the last axis is not 1.
    """
    array = np.asarray(images)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must be a numeric image array; got dtype {array.dtype}.")
    array = scale_pixels(array, name)
    single = array.ndim in (2, 3)
    channels = _input_channels(model)
    if array.ndim == 3 and array.shape[-1] != 1 and (
        channels == 1 or (channels is None and array.shape[-1] > 4)
    ):
        array, single = array[..., np.newaxis], False  # a batch of grey images (N, H, W)
    elif array.ndim == 2:
        array = array[np.newaxis, ..., np.newaxis]
    elif array.ndim == 3:
        array = array[np.newaxis]
    if array.ndim != 4 or array.shape[0] == 0:
        raise ValueError(
            f"`{name}` must be one image (H, W) / (H, W, C) or a non-empty batch "
            f"(N, H, W, C); got shape {np.shape(images)}."
        )
    if not model.built:
        model.build((None, *array.shape[1:]))
    expected = tuple(model.inputs[0].shape[1:])
    if any(e is not None and e != a for e, a in zip(expected, array.shape[1:], strict=True)):
        raise ValueError(
            f"`{name}` has shape {np.shape(images)} but the model expects images of shape "
            f"{expected}."
        )
    return array, single


def _input_channels(model: keras.Model) -> int | None:
    if model.built and model.inputs:
        return model.inputs[0].shape[-1]
    return None


def _layer_names(layers: Sequence[keras.layers.Layer]) -> list[str]:
    return [layer.name for layer in layers]


def resolve(
    model: keras.Model,
    layer: str | int,
    candidates: list[keras.layers.Layer],
    kind: str,
    argument: str = "layer",
) -> keras.layers.Layer:
    """The layer `layer` (name or index in model.layers), which must be one of `candidates`."""
    valid = _layer_names(candidates)
    if isinstance(layer, str):
        found = [lay for lay in model.layers if lay.name == layer]
        if not found or found[0] not in candidates:
            raise ValueError(
                f"`{argument}` {layer!r} is not a {kind} of the model; valid: {valid}."
            )
        return found[0]
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(model.layers) <= layer < len(model.layers):
            raise ValueError(
                f"`{argument}` index {layer} is out of range for a model with {len(model.layers)} "
                f"layers; use an index into model.layers or a name from {valid}."
            )
        chosen = model.layers[layer]
        if chosen not in candidates:
            raise ValueError(
                f"`{argument}` {layer} is {chosen.name!r} ({type(chosen).__name__}), not a {kind}; "
                f"valid: {valid}."
            )
        return chosen
    raise TypeError(
        f"`{argument}` must be a layer name (str) or an index into model.layers (int); got "
        f"{type_name(layer)}: {layer!r}. Valid names: {valid}."
    )


def conv_layers(model: keras.Model) -> list[keras.layers.Layer]:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def spatial_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Layers with a 4-D output (feature maps), the input layer excluded."""
    import keras

    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError, RuntimeError):
            continue
        if len(shape) == 4:
            out.append(layer)
    return out


def default_feature_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Convolutions with a non-linear activation, activation layers and pooling layers.

    Layer roles come from the package's one layer-kind table, :func:`cnnkit.stats.layer_kind`.
    """
    import keras

    from cnnkit.stats import layer_kind

    chosen = []
    for layer in spatial_layers(model):
        is_conv = layer_kind(layer) == "conv"
        linear = is_conv and getattr(layer, "activation", None) is keras.activations.linear
        if (is_conv and not linear) or layer_kind(layer, detailed=True) in ("activation", "pool"):
            chosen.append(layer)
    return chosen


def feature_model(model: keras.Model, layers: Sequence[keras.layers.Layer]) -> keras.Model:
    import keras

    return keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in layers])


def ensure_built(model: keras.Model) -> None:
    if not model.built:
        raise ValueError(
            "`model` is not built yet, so its filters do not exist: start it with "
            "keras.Input(shape), call model.build((None, H, W, C)) or call it on a batch first."
        )

