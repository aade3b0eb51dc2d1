"""EfficientNet-Lite0: the mobile-friendly EfficientNet, a small ImageNet backbone.

EfficientNet-Lite (Google, 2020) is EfficientNet-B0 made friendly to phones and to
quantisation: ReLU6 instead of swish, no squeeze-and-excitation, and a fixed stem (32
filters) and head (1280 filters). What remains is a stack of MobileNetV2 inverted
residual blocks (MBConv): a 1x1 convolution that expands the channels, a depthwise
convolution, and a 1x1 convolution that projects them back, with a shortcut when the
shape allows it. It has 4,652,008 trainable parameters.

``cnnkit.transfer.backbone("efficientnet_lite0")`` builds this model without its top and
loads ImageNet weights that a Python package ships (``cnnkit.transfer.lite0_weights``), so the
course has an ImageNet backbone offline. This module depends on ``keras`` only: copy it
into an assignment.

Reference:
- Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for convolutional
  neural networks. ICML.
- Sandler, M., et al. (2018). MobileNetV2: Inverted residuals and linear bottlenecks. CVPR.
"""

from __future__ import annotations

import numbers
from typing import Any, NoReturn

import keras

__all__ = ["LITE0_BLOCKS", "efficientnet_lite0"]

#: The MBConv stages of EfficientNet-Lite0 (the same as B0):
#: (expansion, kernel size, stride of the first block, output filters, repeats).
LITE0_BLOCKS: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)


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


def _batch_norm(name: str) -> keras.layers.BatchNormalization:
    return keras.layers.BatchNormalization(epsilon=1e-3, name=name)


def _mbconv(
    x: Any, filters_in: int, expansion: int, kernel: int, stride: int, filters_out: int, name: str
) -> Any:
    """One inverted residual block: expand (1x1) -> depthwise -> project (1x1) [+ shortcut]."""
    h = x
    if expansion != 1:
        h = keras.layers.Conv2D(
            filters_in * expansion, 1, use_bias=False, name=f"{name}_expand_conv"
        )(h)
        h = _batch_norm(f"{name}_expand_bn")(h)
        h = keras.layers.ReLU(6.0, name=f"{name}_expand_relu")(h)
    h = keras.layers.DepthwiseConv2D(
        kernel, stride, padding="same", use_bias=False, name=f"{name}_dwconv"
    )(h)
    h = _batch_norm(f"{name}_dw_bn")(h)
    h = keras.layers.ReLU(6.0, name=f"{name}_dw_relu")(h)
    h = keras.layers.Conv2D(filters_out, 1, use_bias=False, name=f"{name}_project_conv")(h)
    h = _batch_norm(f"{name}_project_bn")(h)
    if stride == 1 and filters_in == filters_out:
        h = keras.layers.Add(name=f"{name}_add")([h, x])
    return h


def efficientnet_lite0(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    dropout: float = 0.2,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates the EfficientNet-Lite0 architecture (randomly initialised).

    Layers are named ``stem_*``, ``block{i}_*`` (i = 0 to 15, one per MBConv block,
    each with ``expand_*`` (except block 0), ``dwconv``, ``dw_*``, ``project_*`` and
    ``add`` when it has a shortcut) and ``top_*``. Convolutions use ``padding="same"``
    like the original TensorFlow model, and batch normalisation has epsilon 1e-3.
    The model expects RGB images scaled as ``(pixel - 127) / 128``, the preprocessing of
    the ImageNet weights (``cnnkit.transfer.load_efficientnet_lite0_weights`` loads them).

    ``num_classes=None`` builds the convolutional base alone (Keras applications'
    ``include_top=False``), which outputs feature maps of 1280 channels and 1/32 of the
    input size: one argument says whether there is a classifier and how large, so no
    ``classes`` can be given that the model then ignores.

    Reference:
    - Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for
      convolutional neural networks. ICML.
    - Sandler, M., et al. (2018). MobileNetV2: Inverted residuals and linear
      bottlenecks. CVPR.

    Args:
        input_shape: (height, width, channels) of the images; at least 32x32.
        num_classes: outputs of the classifier (global average pooling, dropout and a
            Dense layer named ``"predictions"``): 1000 for ImageNet; ``None`` for the
            convolutional base alone.
        dropout: dropout rate before the classifier, in [0, 1).
        pooling: with ``num_classes=None``: None (the ``top_relu`` maps), ``"avg"`` or
            ``"max"`` (their global average or maximum).
        classifier_activation: activation of ``"predictions"``: ``"softmax"`` (class
            probabilities, the default of ``keras.applications``), another Keras name or
            callable, or ``None`` (logits).
        name: name of the model; None (default) gives ``"efficientnet_lite0"``.

    Returns:
        A ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has an invalid value (images under 32x32 included).

    Example:
        >>> model = efficientnet_lite0()
        >>> model.count_params()   # 4,652,008 trainable + 42,016 batch-norm statistics
        4694024
        >>> base = efficientnet_lite0((96, 96, 3), None)
        >>> base.output_shape
        (None, 3, 3, 1280)
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    input_shape = _check_shape(input_shape, "(224, 224, 3) or (96, 96, 3)")
    dropout = _check_number(dropout, "dropout", "in [0, 1)", lambda v: 0 <= v < 1)
    if min(input_shape[:2]) < 32:
        _fail(ValueError, "input_shape", "at least 32x32 pixels, e.g. (96, 96, 3)", input_shape)
    inputs = keras.Input(shape=input_shape, name="image")
    x = keras.layers.Conv2D(32, 3, 2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = _batch_norm("stem_bn")(x)
    x = keras.layers.ReLU(6.0, name="stem_relu")(x)
    filters_in, block = 32, 0
    for expansion, kernel, stride, filters_out, repeats in LITE0_BLOCKS:
        for i in range(repeats):
            x = _mbconv(
                x, filters_in, expansion, kernel, stride if i == 0 else 1, filters_out,
                name=f"block{block}",
            )
            filters_in, block = filters_out, block + 1
    x = keras.layers.Conv2D(1280, 1, use_bias=False, name="top_conv")(x)
    x = _batch_norm("top_bn")(x)
    x = keras.layers.ReLU(6.0, name="top_relu")(x)
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name or "efficientnet_lite0")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name="top_dropout")(x)
    x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name or "efficientnet_lite0")
