"""ResNet (He et al., 2016): residual blocks and the networks built from them.

`residual_block` is the unit of the paper's figures 2 and 5: two 3x3 convolutions (basic
block) or a 1x1-3x3-1x1 bottleneck, whose output is added to the block's input (the
shortcut). `resnet` stacks them into the ImageNet networks of the paper's table 1
(ResNet-18, 34, 50, 101, 152) or into the small networks of its CIFAR-10 experiments
(section 4.2: depth 6n + 2, three stages of n basic blocks). `plain=True` builds the same
network without the shortcuts: the "plain" networks of the degradation experiment.

This module depends on ``keras`` and the standard library alone, so an instructor can
copy it into an assignment and it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers

__all__ = ["IMAGENET_DEPTHS", "residual_block", "resnet"]

IMAGENET_DEPTHS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3),
                   101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}  # fmt: skip
"""Blocks per stage (conv2_x to conv5_x) of the paper's table 1, by depth."""

SHORTCUTS = ("projection", "padding")
"""Accepted values of ``shortcut``: option B (1x1 projection) or A (zero padding)."""

STYLES = ("imagenet", "cifar")
"""Accepted values of ``resnet(style=...)``."""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_bool(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"`{name}` must be True or False, got {value!r}.")


def _check_choice(value: Any, name: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {tuple(choices)}, got {value!r}.")


def _check_positive_int(value: Any, name: str) -> None:
    if not _is_int(value) or value < 1:
        raise ValueError(f"`{name}` must be a positive int, got {value!r}.")


def _check_name(name: Any) -> None:
    if name is not None and not isinstance(name, str):
        raise TypeError(f"`name` must be a str or None, got {type(name).__name__}: {name!r}.")


def _check_activation(classifier_activation: Any) -> None:
    """A Keras activation name or None (logits), as ``keras.applications`` accepts."""
    if classifier_activation is None:
        return
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


def _named(name: str | None, suffix: str) -> str | None:
    return f"{name}_{suffix}" if name else None


def _conv_bn(
    x: Any, filters: int, size: int, stride: int, name: str | None, relu: bool = True
) -> Any:
    """Convolution without bias (batch normalisation's beta replaces it), BN, ReLU."""
    x = layers.Conv2D(
        filters, size, strides=stride, padding="same", use_bias=False,
        kernel_initializer="he_normal", name=_named(name, "conv"),
    )(x)  # fmt: skip
    x = layers.BatchNormalization(epsilon=1.001e-5, name=_named(name, "bn"))(x)
    return layers.ReLU(name=_named(name, "relu"))(x) if relu else x


def residual_block(
    x: Any,
    filters: int,
    *,
    stride: int = 1,
    bottleneck: bool = False,
    shortcut: str = "projection",
    plain: bool = False,
    name: str | None = None,
) -> Any:
    """Applies one residual block: ``relu(F(x) + shortcut(x))``.

    Reference:
    - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
      CVPR 2016 (figure 2: the basic block; figure 5: the bottleneck block).

    The residual branch F is conv3x3 - BN - ReLU - conv3x3 - BN (basic block, output
    ``filters`` channels) or conv1x1 - BN - ReLU - conv3x3 - BN - ReLU - conv1x1 - BN
    (bottleneck, output ``4 * filters`` channels, the stride in the first 1x1 as in the
    paper). Convolutions have no bias: batch normalisation follows each one.

    The shortcut is the identity when the input already has the output's shape. When the
    block changes the size (``stride`` 2) or the number of channels it is a 1x1 convolution
    with stride and BN (``shortcut="projection"``, the paper's option B) or the input
    subsampled and padded with zero channels (``shortcut="padding"``, option A, no
    parameters). With ``plain=True`` there is no shortcut and no addition: the block is F
    followed by ReLU, the same layers otherwise.

    Args:
        x: the input tensor (a Keras tensor of shape (batch, height, width, channels)).
        filters: channels of the 3x3 convolutions, a positive int.
        stride: 1 (keeps the size) or 2 (halves it), applied by the first convolution.
        bottleneck: use the 1x1-3x3-1x1 bottleneck (ResNet-50 and deeper).
        shortcut: ``"projection"`` (default) or ``"padding"``, used only when the shapes
            differ.
        plain: drop the shortcut (and the projection, if any).
        name: prefix of the layer names (``{name}_1_conv``, ``{name}_0_conv`` for the
            projection, ``{name}_add``, ``{name}_out``); ``None`` for Keras's names.

    Returns:
        The output tensor: ``filters`` channels (``4 * filters`` for a bottleneck).

    Raises:
        ValueError: if ``filters``, ``stride`` or ``shortcut`` are not valid.
        TypeError: if ``bottleneck`` or ``plain`` are not True or False, or ``name`` is not
            a str or None.

    Example:
        >>> inputs = keras.Input((8, 8, 16))
        >>> same = residual_block(inputs, 16)          # identity shortcut
        >>> keras.Model(inputs, same).count_params()   # 2 x (3x3x16x16 + BN)
        4736
        >>> down = residual_block(inputs, 32, stride=2)  # projection shortcut
        >>> tuple(down.shape)
        (None, 4, 4, 32)
    """
    _check_positive_int(filters, "filters")
    if stride not in (1, 2) or not _is_int(stride):
        raise ValueError(f"`stride` must be 1 or 2, got {stride!r}.")
    _check_bool(bottleneck, "bottleneck")
    _check_bool(plain, "plain")
    _check_choice(shortcut, "shortcut", SHORTCUTS)
    _check_name(name)

    out_channels = 4 * filters if bottleneck else filters
    if bottleneck:
        y = _conv_bn(x, filters, 1, stride, _named(name, "1"))
        y = _conv_bn(y, filters, 3, 1, _named(name, "2"))
        y = _conv_bn(y, out_channels, 1, 1, _named(name, "3"), relu=False)
    else:
        y = _conv_bn(x, filters, 3, stride, _named(name, "1"))
        y = _conv_bn(y, filters, 3, 1, _named(name, "2"), relu=False)
    if not plain:
        y = layers.Add(name=_named(name, "add"))([_shortcut(x, out_channels, stride, shortcut,
                                                            name), y])  # fmt: skip
    return layers.ReLU(name=_named(name, "out"))(y)


def _shortcut(x: Any, channels: int, stride: int, kind: str, name: str | None) -> Any:
    """The identity, or option B (projection) / A (padding) when the shape changes."""
    in_channels = x.shape[-1]
    if stride == 1 and in_channels == channels:
        return x
    if kind == "projection":
        return _conv_bn(x, channels, 1, stride, _named(name, "0"), relu=False)
    if channels < in_channels:
        raise ValueError(
            f'`shortcut="padding"` can only add channels ({in_channels} -> {channels}); '
            'use shortcut="projection".'
        )
    x = layers.MaxPooling2D(1, strides=stride, name=_named(name, "0_subsample"))(x)
    extra = channels - in_channels
    return keras.ops.pad(x, [[0, 0], [0, 0], [0, 0], [extra // 2, extra - extra // 2]])


def _stages(depth: int, style: str, width: int | None) -> tuple[list[int], list[int], bool]:
    """Blocks per stage, filters per stage and whether the blocks are bottlenecks."""
    if style == "imagenet":
        if depth not in IMAGENET_DEPTHS:
            raise ValueError(
                f'`depth` must be one of {tuple(IMAGENET_DEPTHS)} with style="imagenet", '
                f'got {depth!r}; for small images use style="cifar" and depth 6n + 2 '
                "(8, 14, 20, 32, 44, 56, 110)."
            )
        base = width or 64
        return list(IMAGENET_DEPTHS[depth]), [base * 2**i for i in range(4)], depth >= 50
    if not _is_int(depth) or depth < 8 or (depth - 2) % 6:
        raise ValueError(
            f'`depth` must be 6n + 2 with n >= 1 (8, 14, 20, 32, 44, 56, 110) with style="cifar", '
            f"got {depth!r}."
        )
    base = width or 16
    return [(depth - 2) // 6] * 3, [base, 2 * base, 4 * base], False


def resnet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    depth: int = 50,
    style: str | None = None,
    plain: bool = False,
    shortcut: str | None = None,
    width: int | None = None,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates a ResNet (or, with ``plain=True``, the same network without shortcuts).

    Reference:
    - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
      CVPR 2016 (table 1: ImageNet networks; section 4.2: CIFAR-10 networks).

    ``depth`` is keyword-only. Two styles:

    - ``"imagenet"`` (depth 18, 34, 50, 101 or 152): conv 7x7/2 with 64 filters, max pool
      3x3/2, four stages ``conv2`` to ``conv5`` of basic blocks (18, 34) or bottlenecks
      (50 and deeper) with 64, 128, 256, 512 filters, global average pooling and one dense
      layer. Shortcuts: identity, projection where the shape changes (option B).
      ResNet-50 has 25,557,032 trainable parameters, as in torchvision.
    - ``"cifar"`` (depth 6n + 2: 8, 14, 20, 32, 44, 56, 110...): conv 3x3 with 16
      filters, three stages ``conv2`` to ``conv4`` of n basic blocks with 16, 32, 64
      filters (strides 1, 2, 2), global average pooling and one dense layer. Shortcuts:
      identity, zero padding where the shape changes (option A, as in the paper), so
      ``plain=True`` has exactly the same parameters. Suits 28x28x1 or 32x32x3 images.

    ``style=None`` chooses ``"imagenet"`` for depths 18, 34, 50, 101 and 152 and
    ``"cifar"`` otherwise (pass ``style="cifar"`` for the CIFAR-style 50- or 152-layer
    networks). The ``depth`` counts the weight layers: convolutions of the residual
    branches, the first convolution and the dense layer (not projections or BN).

    Args:
        input_shape: (height, width, channels) of one image; default (224, 224, 3).
        num_classes: number of classes (>= 2); default 1000.
        depth: number of weight layers, see above; default 50.
        style: ``"imagenet"``, ``"cifar"`` or ``None`` (from the depth).
        plain: build the plain network: the same layers without the shortcuts.
        shortcut: ``"projection"`` (option B) or ``"padding"`` (option A) where a block
            changes the shape; ``None``: projection for ImageNet, padding for CIFAR.
        width: filters of the first stage (doubled at each later stage); ``None``: 64
            (ImageNet) or 16 (CIFAR). A narrower CIFAR network trains faster.
        classifier_activation: activation of the output layer; ``None`` for logits.
        name: model name; default ``"resnet{depth}"`` or ``"plain{depth}"``.

    Returns:
        An uncompiled ``keras.Model`` from images to ``num_classes`` outputs.

    Raises:
        ValueError: if an argument is out of range (the message names it).
        TypeError: if ``plain`` is not True or False, ``classifier_activation`` is not a
            str or None, or ``name`` is not a str or None.

    Example:
        >>> resnet(depth=50).count_params() - 53_120   # minus BN's moving statistics
        25557032
        >>> small = resnet((28, 28, 1), 10, depth=20)
        >>> small.count_params() == resnet((28, 28, 1), 10, depth=20, plain=True).count_params()
        True
    """
    if style is None:
        style = "imagenet" if depth in IMAGENET_DEPTHS else "cifar"
    _check_choice(style, "style", STYLES)
    _check_bool(plain, "plain")
    if shortcut is None:
        shortcut = "projection" if style == "imagenet" else "padding"
    _check_choice(shortcut, "shortcut", SHORTCUTS)
    if width is not None:
        _check_positive_int(width, "width")
    _check_activation(classifier_activation)
    _check_name(name)
    if not _is_int(num_classes) or num_classes < 2:
        raise ValueError(f"`num_classes` must be an int >= 2, got {num_classes!r}.")
    if (
        isinstance(input_shape, (str, bytes))
        or not isinstance(input_shape, Sequence)
        or len(input_shape) != 3
        or not all(_is_int(d) and d > 0 for d in input_shape)
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with positive ints, e.g. "
            f"(224, 224, 3) or (28, 28, 1); got {input_shape!r}."
        )
    blocks, filters, bottleneck = _stages(depth, style, width)

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    if style == "imagenet":
        x = _conv_bn(inputs, filters[0], 7, 2, "conv1")
        x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1_pool")(x)
    else:
        x = _conv_bn(inputs, filters[0], 3, 1, "conv1")
    for stage, (n, f) in enumerate(zip(blocks, filters, strict=True)):
        for b in range(n):
            stride = 2 if stage > 0 and b == 0 else 1
            x = residual_block(
                x, f, stride=stride, bottleneck=bottleneck, shortcut=shortcut, plain=plain,
                name=f"conv{stage + 2}_block{b + 1}",
            )  # fmt: skip
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name or f"{'plain' if plain else 'resnet'}{depth}")
