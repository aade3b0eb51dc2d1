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
from typing import Any

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


def _check_head(classifier_activation: Any, name: Any) -> None:
    """``classifier_activation``: a Keras activation name or None; ``name``: a str or None."""
    if classifier_activation is not None:
        if not isinstance(classifier_activation, str):
            raise TypeError(
                "`classifier_activation` must be a Keras activation name such as 'softmax' or "
                f"None (logits); got {type(classifier_activation).__name__}: "
                f"{classifier_activation!r}."
            )
        try:
            keras.activations.get(classifier_activation)
        except (ValueError, TypeError) as err:
            raise ValueError(
                "`classifier_activation` must be a Keras activation name such as 'softmax' or "
                f"None (logits); got {classifier_activation!r}."
            ) from err
    if name is not None and not isinstance(name, str):
        raise TypeError(f"`name` must be a str or None, got {type(name).__name__}: {name!r}.")


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an int >= {minimum}, got {type(value).__name__}: {value!r}."
        )
    if value < minimum:
        raise ValueError(f"`{name}` must be an int >= {minimum}, got {value!r}.")
    return int(value)


def _check_bool(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False, got {type(value).__name__}: {value!r}.")


def _check_compression(compression: Any) -> float:
    if isinstance(compression, bool) or not isinstance(compression, numbers.Real):
        raise TypeError(
            f"`compression` must be a number in (0, 1], got {type(compression).__name__}: "
            f"{compression!r}."
        )
    if not 0 < compression <= 1:
        raise ValueError(
            f"`compression` must be a number in (0, 1], got {compression!r}. "
            "0.5 (DenseNet-BC) halves the channels; 1 keeps them."
        )
    return float(compression)


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
        TypeError: ``num_layers``, ``growth_rate`` or ``bottleneck`` has the wrong type.
        ValueError: ``num_layers`` or ``growth_rate`` is < 1.

    Example:
        >>> inputs = keras.Input((8, 8, 64))
        >>> dense_block(inputs, 6, 32, name="dense_block1").shape   # 64 + 6 * 32
        (None, 8, 8, 256)
    """
    _check_int(num_layers, "num_layers", 1)
    _check_int(growth_rate, "growth_rate", 1)
    _check_bool(bottleneck, "bottleneck")
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
    compression = _check_compression(compression)
    x = _bn_relu_conv(x, max(1, int(x.shape[-1] * compression)), 1, name)
    return keras.layers.AveragePooling2D(2, 2, name=_named(name, "pool"))(x)


def _check(
    input_shape: Any,
    num_classes: Any,
    growth_rate: Any,
    init_filters: Any,
    compression: Any,
    stem: Any,
) -> tuple[int, ...]:
    """Check the arguments of `densenet` before any layer is built."""
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            "`input_shape` must be a tuple of 3 positive ints (height, width, channels), "
            f"e.g. (224, 224, 3); got {type(input_shape).__name__}: {input_shape!r}."
        )
    if len(input_shape) != 3 or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in input_shape
    ):
        raise ValueError(
            "`input_shape` must be a tuple of 3 positive ints (height, width, channels), "
            f"e.g. (224, 224, 3); got {input_shape!r}."
        )
    _check_int(num_classes, "num_classes", 2)
    _check_int(growth_rate, "growth_rate", 1)
    if init_filters is not None:
        _check_int(init_filters, "init_filters", 1)
    _check_compression(compression)
    if stem not in STEMS:
        raise ValueError(
            f"`stem` must be one of {STEMS}, got {stem!r}. Use 'small' for 28x28 or 32x32 images."
        )
    return tuple(int(d) for d in input_shape)


def _check_blocks(depth: Any, blocks: Any) -> tuple[int, ...]:
    if blocks is None:
        if isinstance(depth, bool) or not isinstance(depth, numbers.Integral):
            raise TypeError(
                f"`depth` must be one of {tuple(BLOCKS)}, got {type(depth).__name__}: {depth!r}."
            )
        if depth not in BLOCKS:
            raise ValueError(
                f"`depth` must be one of {tuple(BLOCKS)}, got {depth!r}. For another "
                "network pass `blocks`, the layers of each dense block, e.g. (4, 4, 4)."
            )
        return BLOCKS[depth]
    if (
        isinstance(blocks, (str, bytes))
        or not isinstance(blocks, Sequence)
        or not blocks
        or not all(isinstance(b, numbers.Integral) and not isinstance(b, bool) for b in blocks)
    ):
        raise TypeError(
            f"`blocks` must be a sequence of ints such as (6, 12, 24, 16), got {blocks!r}."
        )
    if min(blocks) < 1:
        raise ValueError(f"`blocks` must contain ints >= 1, got {blocks!r}.")
    return tuple(int(b) for b in blocks)


def densenet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    depth: int = 121,
    blocks: Sequence[int] | None = None,
    growth_rate: int = 32,
    init_filters: int | None = None,
    compression: float = 0.5,
    bottleneck: bool = True,
    stem: str = "paper",
    classifier_activation: str | None = "softmax",
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
        num_classes: number of classes (>= 2), default 1000.
        depth: 121 (default), 169 or 201: the block sizes of ``BLOCKS``.
        blocks: layers of each dense block, e.g. (4, 4, 4); overrides ``depth``.
        growth_rate: ``k``, maps added by each layer (default 32).
        init_filters: filters of ``conv1``; default ``2 * growth_rate``.
        compression: ``theta`` of the transitions, in (0, 1] (default 0.5).
        bottleneck: 1x1 bottleneck convolutions in the dense layers (default True).
        stem: ``"paper"`` (default) or ``"small"``.
        classifier_activation: activation of ``predictions``: "softmax" (default) or
            None for logits.
        name: model name; default ``"densenet121"`` (``"densenet"`` with ``blocks``).

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
    _check_head(classifier_activation, name)
    input_shape = _check(input_shape, num_classes, growth_rate, init_filters, compression, stem)
    _check_bool(bottleneck, "bottleneck")
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
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(
        x
    )
    default = "densenet" if blocks is not None else f"densenet{depth}"
    return keras.Model(inputs, outputs, name=name or default)
