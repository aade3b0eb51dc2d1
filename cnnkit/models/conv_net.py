"""Convolutional classifiers: deck 002's layer pattern as one builder, and deck 001's model.

`conv_net` builds any network of the pattern

    INPUT -> [[CONV -> RELU] * N -> POOL?] * M -> [FC -> RELU] * K -> FC

(one block per entry of `filters`), with optional batch normalisation, dropout, L1 / L2
weight penalties and global average pooling. `deck_cnn` is the Keras model printed in
deck 001 ("Arquitectura CNN típica en Keras"), layer for layer.

This file imports only `keras` and the standard library: copy the whole file (the
builders share the small argument checks at its top) into an assignment and it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

__all__ = ["conv_net", "deck_cnn"]

_POOLS = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _is_sequence(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _per_block(value: Any, name: str, num_blocks: int) -> list[int]:
    """Expands an int or a per-block sequence of positive ints to one int per block."""
    words = (
        f"`{name}` must be a positive int or a sequence of {num_blocks} positive ints "
        "(one per entry of `filters`)"
    )
    if not _is_int(value) and not _is_sequence(value):
        raise TypeError(f"{words}; got {_type_name(value)}: {value!r}.")
    values = [value] * num_blocks if _is_int(value) else value
    if len(values) != num_blocks or not all(_is_int(v) and v > 0 for v in values):
        raise ValueError(f"{words}; got {value!r}.")
    return list(values)


def _positive_ints(value: Any, name: str, allow_empty: bool) -> list[int]:
    empty = " (may be empty)" if allow_empty else ""
    words = f"`{name}` must be a sequence of positive ints{empty}, e.g. (32, 64)"
    if not _is_sequence(value):
        raise TypeError(f"{words}; got {_type_name(value)}: {value!r}.")
    if not all(_is_int(v) and v > 0 for v in value) or (not allow_empty and not value):
        raise ValueError(f"{words}; got {value!r}.")
    return list(value)


def _check_num_classes(num_classes: Any) -> int:
    if not _is_int(num_classes):
        raise TypeError(
            f"`num_classes` must be an int >= 2, got {_type_name(num_classes)}: "
            f"{num_classes!r}. Pass the number of classes of your data set, e.g. 10."
        )
    if num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an int >= 2, got {num_classes!r}. Pass the number of "
            "classes of your data set, e.g. 10."
        )
    return num_classes


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False, got {_type_name(value)}: {value!r}.")
    return value


def _check_activation(value: Any, name: str, allow_none: bool) -> Any:
    """An activation name Keras knows (or None when allowed: no activation, logits)."""
    if value is None and allow_none:
        return None
    either = " or None (logits)" if allow_none else ""
    if not isinstance(value, str):
        raise TypeError(
            f"`{name}` must be a Keras activation name such as 'relu'{either}; got "
            f"{_type_name(value)}: {value!r}."
        )
    try:
        keras.activations.get(value)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"`{name}` must be a Keras activation name such as 'relu'{either}; got {value!r}."
        ) from err
    return value


def _check_name(name: Any) -> None:
    if name is not None and not isinstance(name, str):
        raise TypeError(f"`name` must be a str or None, got {_type_name(name)}: {name!r}.")


def _check_input_shape(input_shape: Any, num_pools: int, global_pool: bool) -> tuple:
    words = (
        "`input_shape` must be (height, width, channels) with positive ints, e.g. "
        "(28, 28, 1) (height / width may be None only with global_pool=True)"
    )
    if not _is_sequence(input_shape):
        raise TypeError(f"{words}; got {_type_name(input_shape)}: {input_shape!r}.")
    if (
        len(input_shape) != 3
        or not _is_int(input_shape[2])
        or input_shape[2] < 1
        or not all((_is_int(d) and d > 0) or (d is None and global_pool) for d in input_shape[:2])
    ):
        raise ValueError(f"{words}; got {input_shape!r}.")
    for side in input_shape[:2]:
        if side is not None and side // 2**num_pools < 1:
            raise ValueError(
                f"`input_shape` {tuple(input_shape)} is too small for {num_pools} pooling "
                f"blocks (each halves the size): use at least {2**num_pools} pixels a side, "
                "fewer blocks, or pool=None."
            )
    return tuple(input_shape)


def _check_rate(value: Any, name: str, upper: float | None) -> float:
    bound = f"in [0, {upper})" if upper is not None else ">= 0"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"`{name}` must be a number {bound}; got {_type_name(value)}: {value!r}.")
    if not value >= 0 or (upper is not None and value >= upper):
        raise ValueError(f"`{name}` must be a number {bound}; got {value!r}.")
    return float(value)


def conv_net(
    input_shape: Sequence[int | None],
    num_classes: int,
    *,
    filters: Sequence[int] = (32, 64, 128),
    convs_per_block: int | Sequence[int] = 2,
    dense: Sequence[int] = (128,),
    kernel_size: int | Sequence[int] = 3,
    pool: str | None = "max",
    batch_norm: bool = False,
    dropout: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    activation: str = "relu",
    global_pool: bool = False,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates a CNN of deck 002's pattern: convolution blocks, then dense layers.

    Reference:
    - F.-F. Li, A. Karpathy, J. Johnson, CS231n "Convolutional Neural Networks for
      Visual Recognition", Stanford, 2016 (the layer pattern), as taught in deck 002
      (B. Remeseiro, "CNN").
    - S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by
      Reducing Internal Covariate Shift", ICML 2015.
    - M. Lin, Q. Chen, S. Yan, "Network In Network", ICLR 2014 (global average pooling).

    The pattern is INPUT -> [[CONV -> RELU]*N -> POOL?]*M -> [FC -> RELU]*K -> FC, where
    * means repetition and ? optional (deck 002 recommends 0 <= N <= 3, M >= 0,
    0 <= K < 3; N = M = K = 0 is a linear classifier).

    One convolutional block per entry of `filters` (M = len(filters)): `convs_per_block`
    3x3 'same' convolutions, each followed by batch normalisation (optional) and the
    activation, then a 2x2 pooling layer (`pool`, stride 2). The classifier flattens the
    last feature maps (or averages each one, `global_pool=True`), applies the hidden
    fully connected layers `dense` (K = len(dense)), each followed by dropout, and ends in
    a `num_classes`-way layer (softmax by default). The model is returned uncompiled.

    Layer names follow the pattern: `block1_conv1`, `block1_bn1`, `block1_relu1`,
    `block1_pool`, ..., `flatten` or `global_pool`, `fc1`, `fc1_dropout`, ...,
    `predictions`.

    Args:
        input_shape: (height, width, channels) of one image, e.g. (28, 28, 1).
        num_classes: number of classes (>= 2), the size of the output layer.
        filters: number of filters of each block (M = len(filters), () for none);
            deck 004's rule doubles them as the pooling halves the spatial size.
            Default (32, 64, 128).
        convs_per_block: N, convolutions per block: an int or one int per block.
        dense: units of the hidden fully connected layers; () for none.
        kernel_size: side of the square convolution kernels: an int or one per block.
        pool: "max", "avg" or None (no pooling: the POOL? of the pattern).
        batch_norm: add `BatchNormalization` between each convolution and its
            activation (the convolution then has no bias, BN's beta replaces it).
        dropout: dropout rate in [0, 1) after each hidden fully connected layer (before
            the output layer when `dense` is empty).
        l1: L1 penalty on the kernels of every convolution and dense layer.
        l2: L2 penalty on the kernels of every convolution and dense layer.
        activation: activation name for the hidden layers ("relu", "leaky_relu",
            "elu", ...).
        global_pool: replace `Flatten` by `GlobalAveragePooling2D` (far fewer
            parameters in the first dense layer; any image size works).
        classifier_activation: activation of the `predictions` layer, "softmax"
            (default, class probabilities) or None for logits (then compile with
            `from_logits=True`).
        name: model name; default "conv_net".

    Returns:
        An uncompiled `keras.Model` mapping images to class probabilities (or logits).

    Raises:
        TypeError: if an argument has the wrong type; the message names it.
        ValueError: if an argument is out of range; the message names it.

    Example:
        >>> model = conv_net((28, 28, 1), 10, filters=(32, 64), dense=(128,))
        >>> model.output_shape, model.layers[-1].name
        ((None, 10), 'predictions')
        >>> conv_net((28, 28, 1), 10, classifier_activation=None).layers[-1].activation.__name__
        'linear'
    """
    filters = _positive_ints(filters, "filters", allow_empty=True)
    convs = _per_block(convs_per_block, "convs_per_block", len(filters))
    kernels = _per_block(kernel_size, "kernel_size", len(filters))
    dense = _positive_ints(dense, "dense", allow_empty=True)
    _check_num_classes(num_classes)
    if pool is not None and pool not in _POOLS:
        raise ValueError(f"`pool` must be one of 'max', 'avg', None; got {pool!r}.")
    _check_bool(batch_norm, "batch_norm")
    _check_bool(global_pool, "global_pool")
    dropout = _check_rate(dropout, "dropout", upper=1.0)
    l1, l2 = _check_rate(l1, "l1", upper=None), _check_rate(l2, "l2", upper=None)
    _check_activation(activation, "activation", allow_none=False)
    _check_activation(classifier_activation, "classifier_activation", allow_none=True)
    _check_name(name)
    num_pools = len(filters) if pool is not None else 0
    input_shape = _check_input_shape(input_shape, num_pools, global_pool)

    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for b, (width, n_convs, size) in enumerate(zip(filters, convs, kernels, strict=True), 1):
        for i in range(1, n_convs + 1):
            x = keras.layers.Conv2D(
                width,
                size,
                padding="same",
                use_bias=not batch_norm,
                activation=None if batch_norm else activation,
                kernel_regularizer=regularizer,
                name=f"block{b}_conv{i}",
            )(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"block{b}_bn{i}")(x)
                x = keras.layers.Activation(activation, name=f"block{b}_{activation}{i}")(x)
        if pool is not None:
            x = _POOLS[pool](pool_size=2, name=f"block{b}_pool")(x)
    if global_pool:
        x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    else:
        x = keras.layers.Flatten(name="flatten")(x)
    for k, units in enumerate(dense, 1):
        x = keras.layers.Dense(
            units, activation=activation, kernel_regularizer=regularizer, name=f"fc{k}"
        )(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{k}_dropout")(x)
    if dropout and not dense:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(
        num_classes,
        activation=classifier_activation,
        kernel_regularizer=regularizer,
        name="predictions",
    )(x)
    return keras.Model(inputs, outputs, name=name or "conv_net")


def deck_cnn(
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int = 10,
    *,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates the CNN of deck 001 ("Arquitectura CNN típica en Keras"), layer for layer.

    Reference:
    - A. Géron, "Hands-On Machine Learning with Scikit-Learn, Keras, and TensorFlow",
      2nd ed., O'Reilly, 2019, chapter 14 (the Fashion-MNIST CNN), as printed in
      deck 001 (Taller de Aprendizaje Automático, UdelaR), which says it reaches 92%
      test accuracy on Fashion-MNIST.

    Conv2D 64 7x7 'same' -> MaxPool 2 -> 2x Conv2D 128 3x3 -> MaxPool 2 -> 2x Conv2D
    256 3x3 -> MaxPool 2 -> Flatten -> Dense 128 -> Dropout 0.5 -> Dense 64 ->
    Dropout 0.5 -> Dense `num_classes` softmax, all hidden activations ReLU: 1,413,834
    parameters for (28, 28, 1) inputs and 10 classes. Equivalent to
    `conv_net(input_shape, num_classes, filters=(64, 128, 256), convs_per_block=(1, 2, 2),
    kernel_size=(7, 3, 3), dense=(128, 64), dropout=0.5)`, written out as the slide's
    `keras.Sequential` so it can be read side by side with the deck.

    Args:
        input_shape: (height, width, channels), default (28, 28, 1); height and width
            must be at least 8 (three 2x2 poolings).
        num_classes: number of classes (>= 2), default 10.
        classifier_activation: activation of the `predictions` layer, "softmax"
            (default) or None for logits.
        name: model name; default "deck_cnn".

    Returns:
        An uncompiled `keras.Sequential`.

    Raises:
        TypeError: if an argument has the wrong type; the message names it.
        ValueError: if `input_shape` or `num_classes` is out of range.

    Example:
        >>> model = deck_cnn()
        >>> model.count_params()
        1413834
        >>> model.layers[-1].name
        'predictions'
    """
    _check_num_classes(num_classes)
    _check_activation(classifier_activation, "classifier_activation", allow_none=True)
    _check_name(name)
    input_shape = _check_input_shape(input_shape, num_pools=3, global_pool=False)
    conv = keras.layers.Conv2D
    return keras.Sequential(
        [
            keras.Input(shape=input_shape, name="image"),
            conv(64, 7, activation="relu", padding="same", name="block1_conv1"),
            keras.layers.MaxPooling2D(2, name="block1_pool"),
            conv(128, 3, activation="relu", padding="same", name="block2_conv1"),
            conv(128, 3, activation="relu", padding="same", name="block2_conv2"),
            keras.layers.MaxPooling2D(2, name="block2_pool"),
            conv(256, 3, activation="relu", padding="same", name="block3_conv1"),
            conv(256, 3, activation="relu", padding="same", name="block3_conv2"),
            keras.layers.MaxPooling2D(2, name="block3_pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(128, activation="relu", name="fc1"),
            keras.layers.Dropout(0.5, name="fc1_dropout"),
            keras.layers.Dense(64, activation="relu", name="fc2"),
            keras.layers.Dropout(0.5, name="fc2_dropout"),
            keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions"),
        ],
        name=name or "deck_cnn",
    )
