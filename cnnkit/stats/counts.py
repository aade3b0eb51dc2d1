"""Model statistics: parameters, depth and multiply-adds of a built Keras model.

Notebooks 03, 05 and 06 compare models by the same numbers; they all come from here.
Layers are sorted by role with :func:`~cnnkit.stats.layer_kind`, cnnkit's one table.
Every function takes a built Keras model and returns plain Python values (ints, floats,
dicts, lists of dicts); ``pandas.DataFrame(...)`` turns the lists into tables.

Example:
    >>> import keras
    >>> from cnnkit import stats
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3)])
    >>> stats.trainable_counts(model)
    {'trainable': 40, 'non_trainable': 0}
    >>> stats.mult_adds(model)   # 6 * 6 * 4 outputs, 3 * 3 * 1 multiplications each
    1296
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import keras

from cnnkit._validate import check_bool
from cnnkit.stats.kinds import KINDS, layer_kind

__all__ = [
    "dense_share",
    "layer_table",
    "model_depth",
    "mult_adds",
    "parameters_by_kind",
    "summary_row",
    "trainable_counts",
    "weight_layers",
]


def _check_model(model: Any) -> None:
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type(model).__name__}")


def _size(weights: list[Any]) -> int:
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def _leaves(model: keras.Model) -> Iterator[keras.layers.Layer]:
    """The layers of ``model``, with nested models replaced by their own layers."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaves(layer)
        else:
            yield layer


def trainable_counts(model: keras.Model) -> dict[str, int]:
    """Counts trainable and non-trainable parameters, as ``model.summary()`` does.

    Args:
        model: any built Keras model.

    Returns:
        ``{"trainable": int, "non_trainable": int}`` (numbers of scalar parameters).

    Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> trainable_counts(model)
        {'trainable': 15, 'non_trainable': 0}
    """
    _check_model(model)
    return {
        "trainable": _size(model.trainable_weights),
        "non_trainable": _size(model.non_trainable_weights),
    }


def model_depth(model: keras.Model) -> int:
    """Counts the layers that have weights (convolution, batch normalisation, dense...).

    This is the "depth" column of the Keras applications table (and of deck 002's copy):
    for example VGG16 has 13 convolutions + 3 dense layers = 16, and ResNet50 has 53
    convolutions, 53 batch normalisations and 1 dense layer = 107. Nested models are
    counted layer by layer.

    Args:
        model: a built Keras model.

    Returns:
        The number of layers (not sub-models) with at least one weight.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
        ...     keras.layers.BatchNormalization(), keras.layers.ReLU(),
        ...     keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> model_depth(model)   # conv + batch norm + dense; ReLU and Flatten have no weights
        3
    """
    _check_model(model)
    return sum(1 for layer in _leaves(model) if layer.weights)


def parameters_by_kind(model: keras.Model) -> dict[str, dict[str, int]]:
    """Counts layers and parameters by layer kind (:data:`~cnnkit.stats.KINDS`).

    Args:
        model: a built Keras model (nested models are counted layer by layer).

    Returns:
        ``{kind: {"layers": n, "trainable": n, "non_trainable": n}}`` for every kind of
        :data:`~cnnkit.stats.KINDS`, in that order; ``"layers"`` counts only layers with
        weights. ``pandas.DataFrame(result).T`` is a table with one row per kind.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, use_bias=False),
        ...     keras.layers.BatchNormalization(), keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> counts = parameters_by_kind(model)
        >>> counts["conv"], counts["batch_norm"]["non_trainable"], counts["dense"]["trainable"]
        ({'layers': 1, 'trainable': 36, 'non_trainable': 0}, 8, 290)
    """
    _check_model(model)
    table = {kind: {"layers": 0, "trainable": 0, "non_trainable": 0} for kind in KINDS}
    for layer in _leaves(model):
        if layer.weights:
            row = table[layer_kind(layer)]
            row["layers"] += 1
            row["trainable"] += _size(layer.trainable_weights)
            row["non_trainable"] += _size(layer.non_trainable_weights)
    return table


def weight_layers(model: keras.Model) -> int:
    """Counts convolution and dense layers: the "weight layers" of the VGG paper.

    Batch normalisation is not counted (VGG16 has 16 weight layers with or without it).

    Args:
        model: a built Keras model (nested models are counted layer by layer).

    Returns:
        The number of convolution and dense layers.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
        ...     keras.layers.BatchNormalization(), keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> weight_layers(model), model_depth(model)
        (2, 3)
    """
    counts = parameters_by_kind(model)
    return counts["conv"]["layers"] + counts["dense"]["layers"]


def dense_share(model: keras.Model) -> float:
    """The fraction of the parameters that live in dense layers, 0 to 1 (0 if none).

    In VGG16 it is 0.89 (123.6 of 138.4 million).

    Args:
        model: a built Keras model (nested models are counted layer by layer).

    Returns:
        Parameters of the dense layers (trainable or not) over all the parameters.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
        ...     keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> dense_share(model) == 290 / (40 + 290)
        True
    """
    counts = parameters_by_kind(model)
    total = sum(row["trainable"] + row["non_trainable"] for row in counts.values())
    dense = counts["dense"]["trainable"] + counts["dense"]["non_trainable"]
    return dense / total if total else 0.0


def _layer_mult_adds(layer: keras.layers.Layer) -> int:
    """Multiply-adds of one call of ``layer`` on one image (0 for layers without weights)."""
    kind = layer_kind(layer, detailed=True)
    if layer_kind(layer) not in ("conv", "dense"):
        return 0
    shape = tuple((layer.input if kind == "transposed_conv" else layer.output).shape[1:])
    if any(d is None for d in shape):
        raise ValueError(
            f"`model` has inputs of unknown size (layer {layer.name!r} outputs "
            f"{(None, *shape)}); build it with a fixed input_shape to count multiply-adds."
        )
    positions = math.prod(shape[:-1])  # spatial positions (or leading axes of a Dense)
    if kind == "separable_conv":
        return positions * (_size([layer.depthwise_kernel]) + _size([layer.pointwise_kernel]))
    return positions * _size([layer.kernel])  # every kernel weight once per position


def mult_adds(model: keras.Model) -> int:
    """Counts the multiply-adds of a forward pass on one image.

    Notes:
        Only the multiplications of the weight layers are counted: each output of a
        convolution costs one multiply-add per kernel weight it sees, ``kh * kw * C /
        groups`` for a ``Conv2D`` with ``C`` input channels (so ``H * W * K * kh * kw *
        C / groups`` in all), ``kh * kw`` for a ``DepthwiseConv2D``; a
        ``SeparableConv2D`` adds its pointwise 1x1 convolution; a transposed convolution
        multiplies every input position by the whole kernel; a ``Dense`` layer costs its
        kernel size (times the positions when applied to a feature map). Biases,
        activations, pooling, batch normalisation, additions and concatenations are not
        counted; they are cheap next to the convolutions. Each layer is counted once.
        This is the "ops" column of the GoogLeNet paper's Table 1 and the "MACs" of
        most model zoos (FLOPs are about twice as many).

    Args:
        model: a built Keras model with a fixed input size (nested models are counted
            layer by layer).

    Returns:
        The number of multiply-adds per image.

    Raises:
        TypeError: ``model`` is not a Keras model.
        ValueError: the input size is not fixed (``None`` height or width).

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, padding="same"),
        ...     keras.layers.Flatten(), keras.layers.Dense(10)])
        >>> mult_adds(model) == 28 * 28 * 8 * 3 * 3 * 1 + 28 * 28 * 8 * 10
        True
    """
    _check_model(model)
    return sum(_layer_mult_adds(layer) for layer in _leaves(model))


def layer_table(model: keras.Model, *, with_mult_adds: bool = False) -> list[dict[str, Any]]:
    """One row per layer of ``model``: name, type, output shape and parameters.

    Args:
        model: a built Keras model; nested models are one row each, as in
            ``model.summary()``.
        with_mult_adds: add a ``"mult_adds"`` column (per image, see :func:`mult_adds`).

    Returns:
        A list of ``{"layer", "type", "output_shape", "parameters"}`` dicts (plus
        ``"mult_adds"``); ``pandas.DataFrame(rows)`` shows it as a table.

    Example:
        >>> model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3)])
        >>> row = layer_table(model, with_mult_adds=True)[0]
        >>> row["type"], row["output_shape"], row["parameters"], row["mult_adds"]
        ('Conv2D', (2, 2, 2), 20, 72)
    """
    _check_model(model)
    check_bool(with_mult_adds, "with_mult_adds")
    rows = []
    for layer in model.layers:
        row = {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output_shape": tuple(layer.output.shape[1:]),
            "parameters": layer.count_params(),
        }
        if with_mult_adds:
            nested = isinstance(layer, keras.Model)
            row["mult_adds"] = mult_adds(layer) if nested else _layer_mult_adds(layer)
        rows.append(row)
    return rows


def summary_row(model: keras.Model) -> dict[str, Any]:
    """The numbers that compare architectures, as one row of a table.

    Returns:
        ``{"model", "parameters", "trainable", "non_trainable", "weight_layers",
        "depth", "mult_adds", "dense_share"}``: the model name, parameter counts,
        convolution + dense layers (:func:`weight_layers`), layers with weights
        (:func:`model_depth`), multiply-adds per image (:func:`mult_adds`) and the
        fraction of parameters in dense layers (:func:`dense_share`).

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
        ...     keras.layers.Flatten(), keras.layers.Dense(2)], name="tiny")
        >>> row = summary_row(model)
        >>> row["parameters"], row["weight_layers"], row["mult_adds"], round(row["dense_share"], 3)
        (330, 2, 1584, 0.879)
    """
    counts = trainable_counts(model)
    return {
        "model": model.name,
        "parameters": counts["trainable"] + counts["non_trainable"],
        **counts,
        "weight_layers": weight_layers(model),
        "depth": model_depth(model),
        "mult_adds": mult_adds(model),
        "dense_share": dense_share(model),
    }
