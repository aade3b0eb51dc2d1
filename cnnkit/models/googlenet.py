"""GoogLeNet (Szegedy et al., 2015): the Inception module and the network of the paper's Table 1.

An Inception module runs four branches side by side on the same input -- a 1x1
convolution, a 1x1 "reduce" convolution then a 3x3 one, a 1x1 reduce then a 5x5, and a
3x3 max pooling then a 1x1 "pool projection" -- and concatenates their feature maps. The
1x1 reductions keep the cost of the 3x3 and 5x5 convolutions low: 22 weight layers and
about 7 million parameters, twelve times fewer than AlexNet.

This module depends on ``keras`` alone, so an instructor can copy it into an assignment.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NoReturn

import keras

__all__ = ["INCEPTION_TABLE", "STEMS", "googlenet", "inception_block"]

INCEPTION_TABLE: dict[str, tuple[int, int, int, int, int, int]] = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}
"""The Inception modules of the paper's Table 1: (#1x1, #3x3 reduce, #3x3, #5x5 reduce,
#5x5, pool proj) filters. A 3x3 stride-2 max pooling follows 3b and 4e."""

STEMS = ("paper", "small")
"""Accepted values of ``googlenet(stem=...)``."""


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


def _check_choice(value: Any, name: str, choices: tuple, hint: str = "") -> Any:
    """One of ``choices`` (strings, and None when listed); TypeError for another type."""
    if value is not None or None not in choices:
        words = "one of " + ", ".join(map(repr, choices))
        if not isinstance(value, str):
            _fail(TypeError, name, words, value, hint)
        if value not in choices:
            _fail(ValueError, name, words, value, hint)
    return value


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

# <<< shared


def _conv(x: Any, filters: int, size: int, name: str | None, strides: int = 1) -> Any:
    return keras.layers.Conv2D(
        filters, size, strides, padding="same", activation="relu", name=name
    )(x)


def inception_block(
    x: Any,
    f1: int,
    f3_reduce: int,
    f3: int,
    f5_reduce: int,
    f5: int,
    pool_proj: int,
    *,
    name: str | None = None,
) -> Any:
    """Applies an Inception module (the paper's Figure 2b) to the feature maps ``x``.

    Reference:
    - Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D.,
      Vanhoucke, V., & Rabinovich, A. (2015). Going deeper with convolutions. CVPR,
      pp. 1-9.

    Four branches on the same input, each convolution 'same' with ReLU: ``f1`` 1x1
    filters; ``f3_reduce`` 1x1 then ``f3`` 3x3; ``f5_reduce`` 1x1 then ``f5`` 5x5; a 3x3
    max pooling (stride 1) then ``pool_proj`` 1x1. The output keeps the height and width
    of ``x`` and has ``f1 + f3 + f5 + pool_proj`` channels. With ``C`` input channels
    the module has ``C * (f1 + f3_reduce + f5_reduce + pool_proj) + 9 * f3_reduce * f3 +
    25 * f5_reduce * f5`` weights, plus one bias per filter.

    Args:
        x: a 4-D Keras tensor (batch, height, width, channels).
        f1: filters of the 1x1 branch.
        f3_reduce: filters of the 1x1 convolution before the 3x3 one.
        f3: filters of the 3x3 convolution.
        f5_reduce: filters of the 1x1 convolution before the 5x5 one.
        f5: filters of the 5x5 convolution.
        pool_proj: filters of the 1x1 convolution after the max pooling.
        name: prefix of the layer names (``inception_3a`` gives ``inception_3a_1x1``,
            ``inception_3a_3x3_reduce``, ..., ``inception_3a_output``); None lets Keras
            name the layers.

    Returns:
        The concatenated feature maps, a Keras tensor.

    Raises:
        TypeError: a filter count is not an int, or ``name`` not a str or None.
        ValueError: a filter count is < 1.

    Example:
        >>> inputs = keras.Input((28, 28, 192))
        >>> outputs = inception_block(inputs, 64, 96, 128, 16, 32, 32, name="inception_3a")
        >>> outputs.shape   # 64 + 128 + 32 + 32 channels
        (None, 28, 28, 256)
        >>> keras.Model(inputs, outputs).count_params()  # 163,328 weights + 368 biases
        163696
    """
    filters = {"f1": f1, "f3_reduce": f3_reduce, "f3": f3, "f5_reduce": f5_reduce, "f5": f5}
    f1, f3_reduce, f3, f5_reduce, f5, pool_proj = (
        _check_int(value, arg) for arg, value in {**filters, "pool_proj": pool_proj}.items()
    )
    _check_name(name)

    def named(suffix: str) -> str | None:
        return f"{name}_{suffix}" if name else None

    branch1 = _conv(x, f1, 1, named("1x1"))
    branch3 = _conv(_conv(x, f3_reduce, 1, named("3x3_reduce")), f3, 3, named("3x3"))
    branch5 = _conv(_conv(x, f5_reduce, 1, named("5x5_reduce")), f5, 5, named("5x5"))
    pooled = keras.layers.MaxPooling2D(3, 1, padding="same", name=named("pool"))(x)
    branch_pool = _conv(pooled, pool_proj, 1, named("pool_proj"))
    return keras.layers.Concatenate(name=named("output"))([branch1, branch3, branch5, branch_pool])


def googlenet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    stem: str = "paper",
    width: float = 1.0,
    dropout: float = 0.4,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates GoogLeNet (Inception v1), the ILSVRC 2014 winner, as in the paper's Table 1.

    Reference:
    - Szegedy, C., Liu, W., Jia, Y., Sermanet, P., Reed, S., Anguelov, D., Erhan, D.,
      Vanhoucke, V., & Rabinovich, A. (2015). Going deeper with convolutions. CVPR,
      pp. 1-9.

    Layers (224x224 input): ``conv1`` 64 7x7 stride 2 -> ``pool1`` 3x3 stride 2 ->
    ``conv2_reduce`` 64 1x1 -> ``conv2`` 192 3x3 -> ``pool2`` -> ``inception_3a``, ``3b``
    -> ``pool3`` -> ``inception_4a`` ... ``4e`` -> ``pool4`` -> ``inception_5a``, ``5b``
    -> ``avg_pool`` (global average, the paper's 7x7 average pooling) -> ``dropout``
    (40 %) -> ``predictions``. Every convolution is 'same' with ReLU and a bias, and the
    poolings pad ('same'), so the maps are 112, 56, 28, 14 and 7 pixels a side.

    Left out: the two auxiliary classifiers (used only for training in the paper) and
    the two local response normalisations of the paper's Figure 3 (no parameters;
    later Inception versions replaced them by batch normalisation).

    Parameters: 6,998,552 with 1000 classes: 6,990,272 weights and 8,280 biases. The
    paper's Table 1 counts weights only, in thousands of 1024 (inception 3a: 163,328
    weights = 159.5K), so 6,990,272 weights are its "about 6.8 million" (6,826K). Two
    rows of the table do not match its own filter counts: conv1 (2.7K; a 7x7x3x64 kernel
    has 9,408 weights = 9.2K) and inception 5a (1072K; its filters give 1018K). Depth: 22
    layers with parameters on the longest path (conv1, conv2_reduce, conv2, two per
    module, the linear layer), 58 Conv2D and Dense layers in all.

    Small members (for 28x28 or 32x32 images): ``stem="small"`` makes ``conv1`` a 3x3
    stride-1 convolution and drops ``pool1``, so 28x28 images reach the Inception
    modules at 14x14; ``width`` multiplies every filter count.

    Args:
        input_shape: (height, width, channels), default (224, 224, 3). Any size
            works (the poolings pad); at 224x224 the last modules see 7x7 maps.
        num_classes: number of classes (>= 2), default 1000; None for the convolutional
            part alone (up to ``inception_5b``; ``dropout`` then unused).
        stem: ``"paper"`` (default) or ``"small"``.
        width: multiplier of the number of filters of every convolution (default 1.0).
        dropout: dropout rate before ``predictions``, in [0, 1) (default 0.4).
        pooling: with ``num_classes=None``: None (the ``inception_5b`` maps), "avg" or
            "max" (their global average or maximum).
        classifier_activation: activation of ``predictions``: "softmax" (default),
            another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"googlenet"``.

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range; the message names it.

    Example:
        >>> model = googlenet()
        >>> model.count_params(), model.get_layer("inception_5b_output").output.shape
        (6998552, (None, 7, 7, 1024))
        >>> small = googlenet((28, 28, 1), 10, stem="small", width=0.25)
        >>> small.count_params(), small.get_layer("inception_3a_output").output.shape
        (376838, (None, 14, 14, 64))
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    input_shape = _check_shape(input_shape, "(224, 224, 3)")
    _check_choice(stem, "stem", STEMS, "Use 'small' for 28x28 or 32x32 images.")
    width = _check_number(width, "width", "> 0", lambda v: v > 0)
    dropout = _check_number(dropout, "dropout", "in [0, 1)", lambda v: 0 <= v < 1)

    def scaled(filters: int) -> int:
        return max(1, round(filters * width))

    inputs = keras.Input(shape=input_shape, name="image")
    if stem == "paper":
        x = _conv(inputs, scaled(64), 7, "conv1", strides=2)
        x = keras.layers.MaxPooling2D(3, 2, padding="same", name="pool1")(x)
    else:
        x = _conv(inputs, scaled(64), 3, "conv1")
    x = _conv(x, scaled(64), 1, "conv2_reduce")
    x = _conv(x, scaled(192), 3, "conv2")
    x = keras.layers.MaxPooling2D(3, 2, padding="same", name="pool2")(x)
    for key, filters in INCEPTION_TABLE.items():
        x = inception_block(x, *(scaled(f) for f in filters), name=f"inception_{key}")
        if key in ("3b", "4e"):
            x = keras.layers.MaxPooling2D(3, 2, padding="same", name=f"pool{key[0]}")(x)
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name or "googlenet")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name or "googlenet")
