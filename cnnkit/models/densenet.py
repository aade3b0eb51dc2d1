"""DenseNet (Huang et al., 2017): dense blocks joined by transition layers.

Inside a dense block every layer receives the feature maps of *all* the layers before it
(concatenated, not added as in ResNet) and contributes ``growth_rate`` new maps of its own,
so a block of ``L`` layers turns ``c0`` channels into ``c0 + L * growth_rate``. Between
blocks a transition layer (1x1 convolution and 2x2 average pooling) halves the channels
and the image. DenseNet-121 reaches ResNet-50's accuracy with a third of its parameters.

This module depends on ``keras`` alone, so an instructor can copy it into an assignment.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NoReturn

import keras

__all__ = ["BLOCKS", "STEMS", "dense_block", "densenet", "transition"]

BLOCKS: dict[int, tuple[int, ...]] = {
    121: (6, 12, 24, 16),
    169: (6, 12, 32, 32),
    201: (6, 12, 48, 32),
}
"""Layers per dense block of the ImageNet DenseNets (the paper's Table 1), by depth
(``2 * sum(blocks) + 5``: two convolutions per layer, conv1, three transitions and the
classifier)."""

STEMS = ("paper", "small")
"""Accepted values of ``densenet(stem=...)``."""

_EPSILON = 1.001e-5  # keras.applications' batch normalisation epsilon


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

# <<< shared


def _named(name: str | None, suffix: str) -> str | None:
    return f"{name}_{suffix}" if name else None


def _bn_relu_conv(x: Any, filters: int, size: int, name: str | None, index: str = "") -> Any:
    """Batch normalisation -> ReLU -> convolution without bias (the paper's "composite")."""
    x = keras.layers.BatchNormalization(epsilon=_EPSILON, name=_named(name, f"bn{index}"))(x)
    x = keras.layers.ReLU(name=_named(name, f"relu{index}"))(x)
    return keras.layers.Conv2D(
        filters, size, padding="same", use_bias=False, name=_named(name, f"conv{index}")
    )(x)


def dense_block(
    x: Any,
    num_layers: int,
    growth_rate: int,
    *,
    bottleneck: bool = True,
    name: str | None = None,
) -> Any:
    """Applies a dense block: each layer adds ``growth_rate`` maps to all the previous ones.

    Reference:
    - Huang, G., Liu, Z., Van Der Maaten, L., & Weinberger, K. Q. (2017). Densely
      connected convolutional networks. CVPR, pp. 4700-4708.

    Each layer is BN -> ReLU -> 1x1 convolution with ``4 * growth_rate`` filters (the
    "bottleneck", DenseNet-B) -> BN -> ReLU -> 3x3 convolution with ``growth_rate``
    filters, and its output is concatenated to its input. The convolutions have no bias.

    Args:
        x: a 4-D Keras tensor (batch, height, width, ``c0`` channels).
        num_layers: ``L``, the number of layers (>= 1).
        growth_rate: ``k``, the maps each layer adds (>= 1).
        bottleneck: keep the 1x1 convolution (default True); False gives the plain
            BN -> ReLU -> 3x3 layer of the original DenseNet.
        name: prefix of the layer names (``dense_block1`` gives ``dense_block1_layer1_bn1``,
            ``dense_block1_layer1_conv1``, ..., ``dense_block1_layer1_concat``); None lets
            Keras name the layers.

    Returns:
        A Keras tensor with the same height and width and ``c0 + L * k`` channels.

    Raises:
        TypeError: ``num_layers``, ``growth_rate``, ``bottleneck`` or ``name`` has the
            wrong type.
        ValueError: ``num_layers`` or ``growth_rate`` is < 1.

    Example:
        >>> inputs = keras.Input((8, 8, 64))
        >>> dense_block(inputs, 6, 32, name="dense_block1").shape   # 64 + 6 * 32
        (None, 8, 8, 256)
    """
    num_layers = _check_int(num_layers, "num_layers")
    growth_rate = _check_int(growth_rate, "growth_rate")
    _check_bool(bottleneck, "bottleneck")
    _check_name(name)
    for i in range(1, num_layers + 1):
        layer = _named(name, f"layer{i}")
        if bottleneck:
            h = _bn_relu_conv(x, 4 * growth_rate, 1, layer, "1")
            h = _bn_relu_conv(h, growth_rate, 3, layer, "2")
        else:
            h = _bn_relu_conv(x, growth_rate, 3, layer, "1")
        x = keras.layers.Concatenate(name=_named(layer, "concat"))([x, h])
    return x


def transition(x: Any, compression: float = 0.5, *, name: str | None = None) -> Any:
    """Applies a transition layer: BN -> ReLU -> 1x1 convolution -> 2x2 average pooling.

    Reference:
    - Huang, G., Liu, Z., Van Der Maaten, L., & Weinberger, K. Q. (2017). Densely
      connected convolutional networks. CVPR, pp. 4700-4708.

    Args:
        x: a 4-D Keras tensor (batch, height, width, ``c`` channels).
        compression: ``theta`` in (0, 1]: the convolution keeps ``int(theta * c)``
            channels; default 0.5 (DenseNet-BC, which halves them).
        name: prefix of the layer names (``transition1`` gives ``transition1_bn``,
            ``transition1_relu``, ``transition1_conv``, ``transition1_pool``); None lets
            Keras name the layers.

    Returns:
        A Keras tensor with half the height and width and ``int(theta * c)`` channels.

    Raises:
        TypeError: ``compression`` is not a number.
        ValueError: ``compression`` is not in (0, 1].

    Example:
        >>> transition(keras.Input((56, 56, 256)), name="transition1").shape
        (None, 28, 28, 128)
    """
    compression = _check_number(compression, "compression", "in (0, 1]", lambda v: 0 < v <= 1)
    _check_name(name)
    x = _bn_relu_conv(x, max(1, int(x.shape[-1] * compression)), 1, name)
    return keras.layers.AveragePooling2D(2, 2, name=_named(name, "pool"))(x)


def _check_blocks(depth: Any, blocks: Any) -> tuple[int, ...]:
    if blocks is not None:
        return tuple(_check_ints(blocks, "blocks", example="(6, 12, 24, 16)"))
    hint = "For another network pass `blocks`, the layers of each dense block, e.g. (4, 4, 4)."
    words = f"one of {', '.join(map(str, BLOCKS))}"
    if not _is_int(depth) or depth not in BLOCKS:
        _fail(ValueError if _is_int(depth) else TypeError, "depth", words, depth, hint)
    return BLOCKS[depth]


def densenet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    depth: int = 121,
    blocks: Sequence[int] | None = None,
    growth_rate: int = 32,
    init_filters: int | None = None,
    compression: float = 0.5,
    bottleneck: bool = True,
    stem: str = "paper",
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates a DenseNet (DenseNet-BC: bottlenecks and compression), default DenseNet-121.

    Reference:
    - Huang, G., Liu, Z., Van Der Maaten, L., & Weinberger, K. Q. (2017). Densely
      connected convolutional networks. CVPR, pp. 4700-4708.

    Layers (224x224 input): ``conv1`` 2k 7x7 stride 2 -> ``conv1_bn`` -> ``conv1_relu``
    -> ``pool1`` 3x3 stride 2 (56x56) -> ``dense_block1`` -> ``transition1`` (28x28) ->
    ... -> ``dense_block4`` (7x7) -> ``bn`` -> ``relu`` -> ``avg_pool`` (global) ->
    ``predictions``. The layers match ``keras.applications.DenseNet121`` one to one (only
    the names differ): 7,978,856 trainable parameters (the paper's and torchvision's
    count) and 8,062,504 in all, with the 83,648 moving means and variances of batch
    normalisation; 242 layers with weights (120 convolutions, 121 batch normalisations,
    1 dense), the depth the Keras table (and deck 002) gives.

    ``depth`` is keyword-only, after ``input_shape`` and ``num_classes`` like every option
    of the course's builders: ``densenet(depth=169)``.

    Small members (for 28x28 or 32x32 images, as the paper's CIFAR networks):
    ``stem="small"`` makes ``conv1`` a 3x3 stride-1 convolution with nothing after it
    (no pooling), ``blocks`` sets the layers of each dense block and ``growth_rate`` the
    maps each layer adds.

    Args:
        input_shape: (height, width, channels), default (224, 224, 3).
        num_classes: number of classes (>= 2), default 1000; None for the convolutional
            part alone (up to the final ``bn`` and ``relu``, as in ``keras.applications``).
        depth: 121 (default), 169 or 201: the block sizes of ``BLOCKS``.
        blocks: layers of each dense block, e.g. (4, 4, 4); overrides ``depth``.
        growth_rate: ``k``, maps added by each layer (default 32).
        init_filters: filters of ``conv1``; default ``2 * growth_rate``.
        compression: ``theta`` of the transitions, in (0, 1] (default 0.5).
        bottleneck: 1x1 bottleneck convolutions in the dense layers (default True).
        stem: ``"paper"`` (default) or ``"small"``.
        pooling: with ``num_classes=None``: None (the last feature maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of ``predictions``: "softmax" (default),
            another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"densenet121"`` (``"densenet"`` with
            ``blocks``).

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range or the images are too small.

    Example:
        >>> import math
        >>> model = densenet()
        >>> model.count_params(), sum(math.prod(w.shape) for w in model.trainable_weights)
        (8062504, 7978856)
        >>> small = densenet((28, 28, 1), 10, blocks=(4, 4, 4), growth_rate=12, stem="small")
        >>> small.count_params(), small.get_layer("dense_block3_layer4_concat").output.shape
        (105190, (None, 7, 7, 90))
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    input_shape = _check_shape(input_shape, "(224, 224, 3)")
    growth_rate = _check_int(growth_rate, "growth_rate")
    init_filters = _check_int(init_filters, "init_filters", none="2 * growth_rate")
    _check_number(compression, "compression", "in (0, 1]", lambda v: 0 < v <= 1)
    _check_bool(bottleneck, "bottleneck")
    _check_choice(stem, "stem", STEMS, "Use 'small' for 28x28 or 32x32 images.")
    layers_per_block = _check_blocks(depth, blocks)
    side = min(input_shape[:2])
    if stem == "paper":
        side = ((side + 1) // 2 + 1) // 2  # conv1 and pool1 halve it, rounding up
    if side < 2 ** (len(layers_per_block) - 1):
        raise ValueError(
            f"`input_shape` {input_shape!r} is too small: the {len(layers_per_block) - 1} "
            f"transitions halve the image after the stem reduces it to {side}x{side}. "
            "Resize the images, use stem='small', or pass fewer `blocks`."
        )

    inputs = keras.Input(shape=input_shape, name="image")
    filters = init_filters or 2 * growth_rate
    if stem == "paper":
        x = keras.layers.ZeroPadding2D(3, name="conv1_pad")(inputs)
        x = keras.layers.Conv2D(filters, 7, 2, use_bias=False, name="conv1")(x)
        x = keras.layers.BatchNormalization(epsilon=_EPSILON, name="conv1_bn")(x)
        x = keras.layers.ReLU(name="conv1_relu")(x)
        x = keras.layers.ZeroPadding2D(1, name="pool1_pad")(x)
        x = keras.layers.MaxPooling2D(3, 2, name="pool1")(x)
    else:
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name="conv1")(inputs)
    for b, num_layers in enumerate(layers_per_block, 1):
        x = dense_block(x, num_layers, growth_rate, bottleneck=bottleneck, name=f"dense_block{b}")
        if b < len(layers_per_block):
            x = transition(x, compression, name=f"transition{b}")
    x = keras.layers.BatchNormalization(epsilon=_EPSILON, name="bn")(x)
    x = keras.layers.ReLU(name="relu")(x)
    name = name or ("densenet" if blocks is not None else f"densenet{depth}")
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)
