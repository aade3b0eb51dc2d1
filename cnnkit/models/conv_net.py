"""Convolutional classifiers: deck 002's layer pattern as one builder, and deck 001's model.

`conv_net` builds any network of the pattern

    INPUT -> [[CONV -> RELU] * N -> POOL?] * M -> [FC -> RELU] * K -> FC

(one block per entry of `filters`), with optional batch normalisation, dropout, L1 / L2
weight penalties and global average pooling. `deck_cnn` is the Keras model printed in
deck 001 ("Arquitectura CNN típica en Keras"), layer for layer.

Both depend on `keras` only, so either function can be copied into an assignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

__all__ = ["conv_net", "deck_cnn"]

_POOLS = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _per_block(value: Any, name: str, num_blocks: int) -> list[int]:
    """Expands an int or a per-block sequence of positive ints to one int per block."""
    values = [value] * num_blocks if _is_int(value) else value
    if (
        isinstance(values, (str, bytes))
        or not isinstance(values, Sequence)
        or len(values) != num_blocks
        or not all(_is_int(v) and v > 0 for v in values)
    ):
        raise ValueError(
            f"`{name}` must be a positive int or a sequence of {num_blocks} positive ints "
            f"(one per entry of `filters`); got {value!r}."
        )
    return list(values)


def _positive_ints(value: Any, name: str, allow_empty: bool) -> list[int]:
    if (
        isinstance(value, (str, bytes))
        or not isinstance(value, Sequence)
        or not all(_is_int(v) and v > 0 for v in value)
        or (not allow_empty and not value)
    ):
        empty = " (may be empty)" if allow_empty else ""
        raise ValueError(
            f"`{name}` must be a sequence of positive ints{empty}, e.g. (32, 64); "
            f"got {value!r}."
        )
    return list(value)


def _check_input_shape(input_shape: Any, num_pools: int, global_pool: bool) -> tuple:
    if (
        not isinstance(input_shape, Sequence)
        or len(input_shape) != 3
        or not _is_int(input_shape[2])
        or input_shape[2] < 1
        or not all((_is_int(d) and d > 0) or (d is None and global_pool) for d in input_shape[:2])
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with positive ints, e.g. "
            f"(28, 28, 1) (height / width may be None only with global_pool=True); "
            f"got {input_shape!r}."
        )
    for side in input_shape[:2]:
        if side is not None and side // 2**num_pools < 1:
            raise ValueError(
                f"`input_shape` {tuple(input_shape)} is too small for {num_pools} pooling "
                f"blocks (each halves the size): use at least {2**num_pools} pixels a side, "
                "fewer blocks, or pool=None."
            )
    return tuple(input_shape)


def _check_rate(value: Any, name: str, upper: float | None) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    if not ok or (upper is not None and value >= upper):
        bound = f"in [0, {upper})" if upper is not None else ">= 0"
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
    name: str = "conv_net",
) -> keras.Model:
    """Instantiates a CNN of deck 002's pattern: convolution blocks, then dense layers.

    The pattern is INPUT -> [[CONV -> RELU]*N -> POOL?]*M -> [FC -> RELU]*K -> FC, where
    * means repetition and ? optional (deck 002 recommends 0 <= N <= 3, M >= 0,
    0 <= K < 3; N = M = K = 0 is a linear classifier).

    Reference:
    - F.-F. Li, A. Karpathy, J. Johnson, CS231n "Convolutional Neural Networks for
      Visual Recognition", Stanford, 2016 (the layer pattern), as taught in deck 002
      (B. Remeseiro, "CNN").
    - S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by
      Reducing Internal Covariate Shift", ICML 2015.
    - M. Lin, Q. Chen, S. Yan, "Network In Network", ICLR 2014 (global average pooling).

    One convolutional block per entry of `filters` (M = len(filters)): `convs_per_block`
    3x3 'same' convolutions, each followed by batch normalisation (optional) and the
    activation, then a 2x2 pooling layer (`pool`, stride 2). The classifier flattens the
    last feature maps (or averages each one, `global_pool=True`), applies the hidden
    fully connected layers `dense` (K = len(dense)), each followed by dropout, and ends in
    a `num_classes`-way softmax. The model is returned uncompiled.

    Layer names follow the pattern: `block1_conv1`, `block1_bn1`, `block1_relu1`,
    `block1_pool`, ..., `flatten` or `global_pool`, `fc1`, `fc1_dropout`, ...,
    `predictions`.

    Args:
        input_shape: (height, width, channels) of one image, e.g. (28, 28, 1).
        num_classes: number of classes (>= 2), the size of the softmax output.
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
        name: model name.

    Returns:
        An uncompiled `keras.Model` mapping images to class probabilities.

    Raises:
        ValueError: if any argument is out of range; the message names it.

    Example:

    ```python
    model = conv_net((28, 28, 1), 10, filters=(32, 64), dense=(128,), batch_norm=True)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=5, validation_split=0.1)
    ```
    """
    filters = _positive_ints(filters, "filters", allow_empty=True)
    convs = _per_block(convs_per_block, "convs_per_block", len(filters))
    kernels = _per_block(kernel_size, "kernel_size", len(filters))
    dense = _positive_ints(dense, "dense", allow_empty=True)
    if not _is_int(num_classes) or num_classes < 2:
        raise ValueError(f"`num_classes` must be an int >= 2; got {num_classes!r}.")
    if pool is not None and pool not in _POOLS:
        raise ValueError(f"`pool` must be 'max', 'avg' or None; got {pool!r}.")
    if not isinstance(batch_norm, bool) or not isinstance(global_pool, bool):
        raise ValueError(
            f"`batch_norm` and `global_pool` must be True or False; got "
            f"batch_norm={batch_norm!r}, global_pool={global_pool!r}."
        )
    dropout = _check_rate(dropout, "dropout", upper=1.0)
    l1, l2 = _check_rate(l1, "l1", upper=None), _check_rate(l2, "l2", upper=None)
    try:
        keras.activations.get(activation)
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"`activation` must be a Keras activation name such as 'relu'; got {activation!r}."
        ) from err
    num_pools = len(filters) if pool is not None else 0
    input_shape = _check_input_shape(input_shape, num_pools, global_pool)

    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    act_name = activation if isinstance(activation, str) else "act"
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
                x = keras.layers.Activation(activation, name=f"block{b}_{act_name}{i}")(x)
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
        num_classes, activation="softmax", kernel_regularizer=regularizer, name="predictions"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def deck_cnn(input_shape: Sequence[int] = (28, 28, 1), num_classes: int = 10) -> keras.Model:
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

    Returns:
        An uncompiled `keras.Sequential`.

    Raises:
        ValueError: if `input_shape` or `num_classes` is invalid.

    Example:

    ```python
    model = deck_cnn()
    model.count_params()  # 1413834
    model.compile("nadam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    ```
    """
    if not _is_int(num_classes) or num_classes < 2:
        raise ValueError(f"`num_classes` must be an int >= 2; got {num_classes!r}.")
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
            keras.layers.Dense(num_classes, activation="softmax", name="predictions"),
        ],
        name="deck_cnn",
    )
