"""Convolutional classifiers: deck 002's layer pattern as one builder, and deck 001's model.

`conv_net` builds any network of the pattern

    INPUT -> [[CONV -> RELU] * N -> POOL?] * M -> [FC -> RELU] * K -> FC

(one block per entry of `filters`), with optional batch normalisation, dropout, L1 / L2
weight penalties and global pooling. `deck_cnn` is the Keras model printed in
deck 001 ("Arquitectura CNN típica en Keras"), layer for layer.

This file imports only `keras` and the standard library: copy the whole file (the
builders share the small argument checks at its top) into an assignment and it runs.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import keras

__all__ = ["conv_net", "deck_cnn"]

_POOLS = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}

# >>> shared (copied from cnnkit/models/_shared.py by python -m cnnkit.models._shared; edit there)


def _fail(error: type[Exception], name: str, words: str, value: Any, hint: str = "") -> NoReturn:
    """Raise ``error``: "`name` must be <words>, got <value>." (with its type for TypeError)."""
    kind, module = type(value).__qualname__, type(value).__module__
    kind = kind if module == "builtins" else f"{module}.{kind}"
    got = f"{kind}: {value!r}" if error is TypeError else repr(value)
    raise error(f"`{name}` must be {words}, got {got}.{' ' + hint if hint else ''}")


def _is_int(value: Any) -> bool:  # ints and NumPy integers, not bool
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(value: Any, name: str, low: int = 1, high: int | None = None, *,
               none: str = "") -> Any:  # fmt: skip
    """An int (NumPy integers too) in [low, high]; None allowed when ``none`` says what it means."""
    if value is None and none:
        return None
    words = f"an int {f'between {low} and {high}' if high is not None else f'>= {low}'}"
    words += f" or None ({none})" if none else ""
    if not _is_int(value):
        _fail(TypeError, name, words, value)
    if value < low or (high is not None and value > high):
        _fail(ValueError, name, words, value)
    return int(value)


def _check_number(value: Any, name: str, words: str, ok: Any) -> float:
    """A finite real number for which ``ok`` holds; ``words`` says which, e.g. "in [0, 1)"."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _fail(TypeError, name, f"a number {words}", value)
    if not (ok(value) and value - value == 0):  # value - value: NaN for NaN and inf
        _fail(ValueError, name, f"a number {words}", value)
    return float(value)


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        _fail(TypeError, name, "True or False", value)
    return value


def _check_choice(value: Any, name: str, choices: tuple, hint: str = "") -> Any:
    """One of ``choices`` (strings, and None when listed); TypeError for another type."""
    if value is not None or None not in choices:
        words = "one of " + ", ".join(map(repr, choices))
        if not isinstance(value, str):
            _fail(TypeError, name, words, value, hint)
        if value not in choices:
            _fail(ValueError, name, words, value, hint)
    return value


def _check_ints(value: Any, name: str, *, empty: bool = False, example: str = "(32, 64)") -> list:
    """A tuple (or list) of positive ints, e.g. the filters of each block."""
    words = f"a tuple of positive ints{' (may be empty)' if empty else ''}, e.g. {example}"
    if not isinstance(value, tuple | list):
        _fail(TypeError, name, words, value)
    if not all(_is_int(v) and v > 0 for v in value) or not (value or empty):
        _fail(ValueError, name, words, value)
    return [int(v) for v in value]


def _check_shape(value: Any, example: str, *, free_sides: bool = False) -> tuple:
    """``input_shape``: (height, width, channels) positive ints (sides None if ``free_sides``)."""
    words = f"a tuple of 3 positive ints (height, width, channels), e.g. {example}"
    words += "; height and width may be None" if free_sides else ""
    if not isinstance(value, tuple | list):
        _fail(TypeError, "input_shape", words, value)
    sides_ok = all((_is_int(d) and d > 0) or (d is None and free_sides) for d in value[:2])
    if len(value) != 3 or not sides_ok or not (_is_int(value[2]) and value[2] > 0):
        _fail(ValueError, "input_shape", words, value)
    return tuple(None if d is None else int(d) for d in value)


def _check_activation(value: Any, name: str, *, none: bool = True) -> Any:
    """A Keras activation name, a callable, or None (logits) when ``none``."""
    words = "a Keras activation name such as 'relu', a callable" + " or None" * none
    if not ((value is None and none) or callable(value)):
        if not isinstance(value, str):
            _fail(TypeError, name, words, value)
        try:
            keras.activations.get(value)
        except (ValueError, TypeError):
            _fail(ValueError, name, words, value)
    return value


def _check_name(name: Any) -> None:
    if name is not None and (not isinstance(name, str) or not name):
        _fail(ValueError if name == "" else TypeError, "name", "a non-empty str or None", name)


def _check_head(num_classes: Any, classifier_activation: Any, pooling: Any, name: Any, *,
                pooled: bool = False) -> int | None:  # fmt: skip
    """The arguments every builder has; ``pooled``: the classifier may follow ``pooling``."""
    num_classes = _check_int(num_classes, "num_classes", 2, none="the convolutional base alone")
    _check_activation(classifier_activation, "classifier_activation")
    _check_choice(pooling, "pooling", (None, "avg", "max"))
    _check_name(name)
    if num_classes is not None and pooling is not None and not pooled:
        _fail(ValueError, "pooling", "None with a classifier (it ends the base that "
              "num_classes=None builds)", pooling)  # fmt: skip
    return num_classes


def _global_pool(x: Any, pooling: str | None) -> Any:
    """The feature maps ``x`` (None), or their global average ("avg") or maximum ("max")."""
    if pooling is None:
        return x
    layer = {"avg": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
    return layer[pooling](name=f"{pooling}_pool")(x)


def _renamed(new: Any, old: Any, new_name: str, old_name: str, default: Any) -> Any:
    """A renamed keyword's value: ``new``, or ``old`` (if given) with a PendingDeprecationWarning.

    Pending (silent by default) rather than DeprecationWarning, which a notebook shows as
    stderr: the stored notebooks 03 and 06 use the old names until they are re-run.
    """
    if old is None:
        return new
    if new != default:
        raise TypeError(f"Pass `{new_name}` only: `{old_name}` is its old name.")
    message = f"`{old_name}` is now `{new_name}`; the old name goes in the next release."
    warnings.warn(message, PendingDeprecationWarning, stacklevel=3)
    return old

# <<< shared


def _per_block(value: Any, name: str, num_blocks: int) -> list[int]:
    """Expands an int or a per-block sequence of positive ints to one int per block."""
    if _is_int(value):
        value = [value] * num_blocks
    words = f"a positive int or a tuple of {num_blocks} (one per entry of `filters`)"
    if not isinstance(value, tuple | list):
        _fail(TypeError, name, words, value)
    if len(value) != num_blocks or not all(_is_int(v) and v > 0 for v in value):
        _fail(ValueError, name, words, value)
    return [int(v) for v in value]


def _check_size(input_shape: tuple, num_pools: int) -> None:
    for side in input_shape[:2]:
        if side is not None and side // 2**num_pools < 1:
            raise ValueError(
                f"`input_shape` {input_shape} is too small for {num_pools} pooling "
                f"blocks (each halves the size): use at least {2**num_pools} pixels a side, "
                "fewer blocks, or block_pool=None."
            )


def conv_net(
    input_shape: Sequence[int | None],
    num_classes: int | None,
    *,
    filters: Sequence[int] = (32, 64, 128),
    convs_per_block: int | Sequence[int] = 2,
    dense_units: Sequence[int] = (128,),
    kernel_size: int | Sequence[int] = 3,
    block_pool: str | None = "max",
    batch_norm: bool = False,
    dropout: float = 0.0,
    l1: float = 0.0,
    l2: float = 0.0,
    activation: Any = "relu",
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
    dense: Sequence[int] | None = None,
    global_pool: bool | None = None,
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
    'same' convolutions, each followed by batch normalisation (optional) and the
    activation, then a 2x2 pooling layer (`block_pool`, stride 2). The classifier flattens
    the last feature maps (or pools each one to a number, `pooling="avg"` or `"max"`),
    applies the hidden fully connected layers `dense_units` (K = len(dense_units)), each
    followed by dropout, and ends in a `num_classes`-way layer (softmax by default).
    `num_classes=None` builds the convolutional blocks alone (and `pooling`, if given).
    The model is returned uncompiled.

    Layer names follow the pattern: `block1_conv1`, `block1_bn1`, `block1_relu1`,
    `block1_pool`, ..., `flatten` (or `avg_pool` / `max_pool`), `fc1`, `fc1_dropout`, ...,
    `predictions`.

    Args:
        input_shape: (height, width, channels) of one image, e.g. (28, 28, 1); height and
            width may be None (any size) unless the model flattens the maps.
        num_classes: number of classes (>= 2), the size of the output layer; None for
            the convolutional blocks alone (`dense_units` and `dropout` then unused).
        filters: number of filters of each block (M = len(filters), () for none);
            deck 004's rule doubles them as the pooling halves the spatial size.
        convs_per_block: N, convolutions per block: an int or one int per block.
        dense_units: units of the hidden fully connected layers; () for none.
        kernel_size: side of the square convolution kernels: an int or one per block.
        block_pool: the pooling closing each block: "max", "avg" or None (none: the
            POOL? of the pattern).
        batch_norm: add `BatchNormalization` between each convolution and its
            activation (the convolution then has no bias, BN's beta replaces it).
        dropout: dropout rate in [0, 1) after each hidden fully connected layer (before
            the output layer when `dense_units` is empty).
        l1: L1 penalty on the kernels of every convolution and dense layer.
        l2: L2 penalty on the kernels of every convolution and dense layer.
        activation: activation of the hidden layers, a Keras name ("relu", "elu", ...)
            or a callable.
        pooling: None (default: `Flatten`), "avg" or "max": global average / max pooling
            of the last feature maps instead (far fewer parameters in the first dense
            layer; any image size works).
        classifier_activation: activation of the `predictions` layer: "softmax"
            (default, class probabilities), another Keras name or callable, or None
            for logits (then compile with `from_logits=True`).
        name: model name; None (default) gives "conv_net".
        dense: deprecated name of `dense_units` (PendingDeprecationWarning).
        global_pool: deprecated; `global_pool=True` is `pooling="avg"`.

    Returns:
        An uncompiled `keras.Model` mapping images to class probabilities (or logits).

    Raises:
        TypeError: if an argument has the wrong type; the message names it.
        ValueError: if an argument is out of range; the message names it.

    Example:
        >>> model = conv_net((28, 28, 1), 10, filters=(32, 64), dense_units=(128,))
        >>> model.output_shape, model.layers[-1].name
        ((None, 10), 'predictions')
        >>> conv_net((28, 28, 1), 10, classifier_activation=None).layers[-1].activation.__name__
        'linear'
        >>> conv_net((28, 28, 1), None, filters=(8, 16), pooling="max").output_shape
        (None, 16)
    """
    dense_units = _renamed(dense_units, dense, "dense_units", "dense", (128,))
    if global_pool is not None:  # deprecated
        flag = _renamed(pooling, global_pool, "pooling='avg'", "global_pool=True", None)
        pooling = "avg" if _check_bool(flag, "global_pool") else None
    num_classes = _check_head(num_classes, classifier_activation, pooling, name, pooled=True)
    filters = _check_ints(filters, "filters", empty=True)
    convs = _per_block(convs_per_block, "convs_per_block", len(filters))
    kernels = _per_block(kernel_size, "kernel_size", len(filters))
    dense_units = _check_ints(dense_units, "dense_units", empty=True, example="(128,)")
    _check_choice(block_pool, "block_pool", ("max", "avg", None))
    _check_bool(batch_norm, "batch_norm")
    dropout = _check_number(dropout, "dropout", "in [0, 1)", lambda v: 0 <= v < 1)
    l1 = _check_number(l1, "l1", ">= 0", lambda v: v >= 0)
    l2 = _check_number(l2, "l2", ">= 0", lambda v: v >= 0)
    _check_activation(activation, "activation", none=False)
    flattens = num_classes is not None and pooling is None
    input_shape = _check_shape(input_shape, "(28, 28, 1)", free_sides=not flattens)
    _check_size(input_shape, len(filters) if block_pool is not None else 0)

    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2) if (l1 or l2) else None
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    suffix = activation if isinstance(activation, str) else "activation"
    for b, (width, n_convs, size) in enumerate(zip(filters, convs, kernels, strict=True), 1):
        for i in range(1, n_convs + 1):
            x = keras.layers.Conv2D(
                width, size, padding="same", use_bias=not batch_norm,
                activation=None if batch_norm else activation, kernel_regularizer=regularizer,
                name=f"block{b}_conv{i}",
            )(x)  # fmt: skip
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"block{b}_bn{i}")(x)
                x = keras.layers.Activation(activation, name=f"block{b}_{suffix}{i}")(x)
        if block_pool is not None:
            x = _POOLS[block_pool](pool_size=2, name=f"block{b}_pool")(x)
    x = _global_pool(x, pooling)
    if num_classes is None:
        return keras.Model(inputs, x, name=name or "conv_net")
    if pooling is None:
        x = keras.layers.Flatten(name="flatten")(x)
    for k, units in enumerate(dense_units, 1):
        x = keras.layers.Dense(
            units, activation=activation, kernel_regularizer=regularizer, name=f"fc{k}"
        )(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{k}_dropout")(x)
    if dropout and not dense_units:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(
        num_classes, activation=classifier_activation, kernel_regularizer=regularizer,
        name="predictions",
    )(x)  # fmt: skip
    return keras.Model(inputs, outputs, name=name or "conv_net")


def deck_cnn(
    input_shape: Sequence[int] = (28, 28, 1),
    num_classes: int | None = 10,
    *,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
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
        num_classes: number of classes (>= 2), default 10; None for the convolutional
            part alone (up to `block3_pool`).
        pooling: with `num_classes=None`: None (the last feature maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of the `predictions` layer: "softmax"
            (default), another Keras name or callable, or None for logits.
        name: model name; None (default) gives "deck_cnn".

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
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    input_shape = _check_shape(input_shape, "(28, 28, 1)")
    _check_size(input_shape, 3)
    conv = keras.layers.Conv2D
    layers = [
        keras.Input(shape=input_shape, name="image"),
        conv(64, 7, activation="relu", padding="same", name="block1_conv1"),
        keras.layers.MaxPooling2D(2, name="block1_pool"),
        conv(128, 3, activation="relu", padding="same", name="block2_conv1"),
        conv(128, 3, activation="relu", padding="same", name="block2_conv2"),
        keras.layers.MaxPooling2D(2, name="block2_pool"),
        conv(256, 3, activation="relu", padding="same", name="block3_conv1"),
        conv(256, 3, activation="relu", padding="same", name="block3_conv2"),
        keras.layers.MaxPooling2D(2, name="block3_pool"),
    ]
    if num_classes is None:
        model = keras.Sequential(layers, name=name or "deck_cnn")
        return keras.Model(model.inputs, _global_pool(model.outputs[0], pooling), name=model.name)
    return keras.Sequential(
        [
            *layers,
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(128, activation="relu", name="fc1"),
            keras.layers.Dropout(0.5, name="fc1_dropout"),
            keras.layers.Dense(64, activation="relu", name="fc2"),
            keras.layers.Dropout(0.5, name="fc2_dropout"),
            keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions"),
        ],
        name=name or "deck_cnn",
    )
