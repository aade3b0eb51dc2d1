"""ResNet (He et al., 2016): residual blocks and the networks built from them.

`residual_block` is the unit of the paper's figures 2 and 5: two 3x3 convolutions (basic
block) or a 1x1-3x3-1x1 bottleneck, whose output is added to the block's input (the
shortcut). `resnet` stacks them into the ImageNet networks of the paper's table 1
(ResNet-18, 34, 50, 101, 152) or into the small networks of its CIFAR-10 experiments
(section 4.2: depth 6n + 2, three stages of n basic blocks; ``stem="small"``, the name the
other builders give their variant for small images). `plain=True` builds the same
network without the shortcuts: the "plain" networks of the degradation experiment.

This module depends on ``keras`` and the standard library alone, so an instructor can
copy it into an assignment and it runs.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

import keras
from keras import layers

__all__ = ["IMAGENET_DEPTHS", "residual_block", "resnet"]

IMAGENET_DEPTHS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3),
                   101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}  # fmt: skip
"""Blocks per stage (conv2_x to conv5_x) of the paper's table 1, by depth."""

SHORTCUTS = ("projection", "padding")
"""Accepted values of ``shortcut``: option B (1x1 projection) or A (zero padding)."""

STEMS = ("paper", "small")
"""Accepted values of ``resnet(stem=...)``: the ImageNet networks or the CIFAR-10 ones."""


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
        TypeError: if an argument has the wrong type (the message names it).
        ValueError: if ``filters``, ``stride`` or ``shortcut`` has a wrong value.

    Example:
        >>> inputs = keras.Input((8, 8, 16))
        >>> same = residual_block(inputs, 16)          # identity shortcut
        >>> keras.Model(inputs, same).count_params()   # 2 x (3x3x16x16 + BN)
        4736
        >>> down = residual_block(inputs, 32, stride=2)  # projection shortcut
        >>> tuple(down.shape)
        (None, 4, 4, 32)
    """
    filters = _check_int(filters, "filters")
    stride = _check_int(stride, "stride", 1, 2)
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


def _stages(depth: Any, stem: str, filters: int | None) -> tuple[list, list, bool]:
    """Blocks per stage, filters per stage and whether the blocks are bottlenecks."""
    if stem == "paper":
        words = f'one of {", ".join(map(str, IMAGENET_DEPTHS))} with stem="paper"'
        hint = 'For small images use stem="small" and depth 6n + 2 (8, 14, 20, 32, 44, 56, 110).'
        if not _is_int(depth) or depth not in IMAGENET_DEPTHS:
            _fail(ValueError if _is_int(depth) else TypeError, "depth", words, depth, hint)
        base = filters or 64
        return list(IMAGENET_DEPTHS[depth]), [base * 2**i for i in range(4)], depth >= 50
    depth = _check_int(depth, "depth", 8)
    if (depth - 2) % 6:
        _fail(ValueError, "depth", 'of the form 6n + 2 (8, 14, 20, 32, 44, 56, 110) with '
              'stem="small"', depth)  # fmt: skip
    base = filters or 16
    return [(depth - 2) // 6] * 3, [base, 2 * base, 4 * base], False


def resnet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    depth: int = 50,
    stem: str | None = None,
    plain: bool = False,
    shortcut: str | None = None,
    init_filters: int | None = None,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
    width: int | None = None,
) -> keras.Model:
    """Instantiates a ResNet (or, with ``plain=True``, the same network without shortcuts).

    Reference:
    - K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
      CVPR 2016 (table 1: ImageNet networks; section 4.2: CIFAR-10 networks).

    ``depth`` is keyword-only. Two stems, as in the other builders of the course:

    - ``"paper"`` (the ImageNet networks, depth 18, 34, 50, 101 or 152): conv 7x7/2 with
      64 filters, max pool 3x3/2, four stages ``conv2`` to ``conv5`` of basic blocks (18,
      34) or bottlenecks (50 and deeper) with 64, 128, 256, 512 filters, global average
      pooling and one dense layer. Shortcuts: identity, projection where the shape changes
      (option B). ResNet-50 has 25,557,032 trainable parameters, as in torchvision.
    - ``"small"`` (the CIFAR-10 networks, depth 6n + 2: 8, 14, 20, 32, 44, 56, 110...):
      conv 3x3 with 16 filters, three stages ``conv2`` to ``conv4`` of n basic blocks with
      16, 32, 64 filters (strides 1, 2, 2), global average pooling and one dense layer.
      Shortcuts: identity, zero padding where the shape changes (option A, as in the
      paper), so ``plain=True`` has exactly the same parameters. Suits 28x28x1 or 32x32x3.

    ``stem=None`` chooses ``"paper"`` for depths 18, 34, 50, 101 and 152 and ``"small"``
    otherwise (pass ``stem="small"`` for the CIFAR-style 50- or 152-layer networks). The
    ``depth`` counts the weight layers: convolutions of the residual branches, the first
    convolution and the dense layer (not projections or BN).

    Args:
        input_shape: (height, width, channels) of one image; default (224, 224, 3).
        num_classes: number of classes (>= 2); default 1000; None for the convolutional
            part alone (up to the last residual block).
        depth: number of weight layers, see above; default 50.
        stem: ``"paper"``, ``"small"`` or ``None`` (from the depth).
        plain: build the plain network: the same layers without the shortcuts.
        shortcut: ``"projection"`` (option B) or ``"padding"`` (option A) where a block
            changes the shape; ``None``: projection for ImageNet, padding for CIFAR.
        init_filters: filters of ``conv1`` and the first stage (doubled at each later
            stage); ``None``: 64 (ImageNet) or 16 (CIFAR). A narrower network trains faster.
        pooling: with ``num_classes=None``: None (the last block's maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of the output layer: "softmax" (default),
            another Keras name or callable, or ``None`` for logits.
        name: model name; None (default) gives ``"resnet{depth}"`` or ``"plain{depth}"``.
        width: deprecated name of ``init_filters`` (PendingDeprecationWarning).

    Returns:
        An uncompiled ``keras.Model`` from images to ``num_classes`` outputs.

    Raises:
        TypeError: if an argument has the wrong type (the message names it).
        ValueError: if an argument is out of range (the message names it).

    Example:
        >>> resnet(depth=50).count_params() - 53_120   # minus BN's moving statistics
        25557032
        >>> small = resnet((28, 28, 1), 10, depth=20)
        >>> small.count_params() == resnet((28, 28, 1), 10, depth=20, plain=True).count_params()
        True
        >>> resnet((28, 28, 1), None, depth=8, init_filters=4, pooling="avg").output_shape
        (None, 16)
    """
    init_filters = _renamed(init_filters, width, "init_filters", "width", None)
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    if stem is None:
        stem = "paper" if _is_int(depth) and depth in IMAGENET_DEPTHS else "small"
    _check_choice(stem, "stem", STEMS)
    _check_bool(plain, "plain")
    if shortcut is None:
        shortcut = "projection" if stem == "paper" else "padding"
    _check_choice(shortcut, "shortcut", SHORTCUTS)
    init_filters = _check_int(init_filters, "init_filters", none="the default of the stem")
    input_shape = _check_shape(input_shape, "(224, 224, 3) or (28, 28, 1)")
    blocks, filters, bottleneck = _stages(depth, stem, init_filters)

    inputs = keras.Input(shape=input_shape, name="image")
    if stem == "paper":
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
    name = name or f"{'plain' if plain else 'resnet'}{int(depth)}"
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
