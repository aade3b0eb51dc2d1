"""EfficientNet-Lite0: the mobile-friendly EfficientNet, a small ImageNet backbone.

EfficientNet-Lite (Google, 2020) is EfficientNet-B0 made friendly to phones and to
quantisation: ReLU6 instead of swish, no squeeze-and-excitation, and a fixed stem (32
filters) and head (1280 filters). What remains is a stack of MobileNetV2 inverted
residual blocks (MBConv): a 1x1 convolution that expands the channels, a depthwise
convolution, and a 1x1 convolution that projects them back, with a shortcut when the
shape allows it. It has 4,652,008 trainable parameters.

``cnnkit.transfer.backbone("efficientnet_lite0")`` builds this model without its top and
loads ImageNet weights that a Python package ships (``efficientnet_lite_weights``), so the
course has an ImageNet backbone offline. This module depends on ``keras`` only: copy it
into an assignment.

Reference:
- Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for convolutional
  neural networks. ICML.
- Sandler, M., et al. (2018). MobileNetV2: Inverted residuals and linear bottlenecks. CVPR.
"""

from __future__ import annotations

from typing import Any

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


def _check_args(
    input_shape: Any, num_classes: Any, dropout: Any, classifier_activation: Any, name: Any
) -> None:
    """The builder's argument checks (the wording of ``cnnkit._validate``; keras only here)."""
    if isinstance(input_shape, str) or not isinstance(input_shape, tuple | list):
        raise TypeError(
            "`input_shape` must be a tuple (height, width, channels), e.g. (224, 224, 3); "
            f"got {type(input_shape).__name__}: {input_shape!r}."
        )
    if (
        len(input_shape) != 3
        or not all(isinstance(d, int) and not isinstance(d, bool) for d in input_shape)
        or min(input_shape[:2]) < 32
        or input_shape[2] < 1
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with height and width of at "
            f"least 32, e.g. (224, 224, 3) or (96, 96, 3); got {input_shape!r}."
        )
    if num_classes is not None and (
        isinstance(num_classes, bool) or not isinstance(num_classes, int)
    ):
        raise TypeError(
            f"`num_classes` must be an int >= 2 or None (no classifier); got "
            f"{type(num_classes).__name__}: {num_classes!r}."
        )
    if num_classes is not None and num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an int >= 2 or None (no classifier); got {num_classes!r}."
        )
    if isinstance(dropout, bool) or not isinstance(dropout, int | float):
        raise TypeError(f"`dropout` must be a number in [0, 1); got {type(dropout).__name__}.")
    if not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be a number in [0, 1); got {dropout!r}.")
    if classifier_activation is not None:
        try:
            keras.activations.get(classifier_activation)
        except (ValueError, TypeError) as err:
            raise ValueError(
                "`classifier_activation` must be a Keras activation name such as 'softmax' "
                f"or None (logits); got {classifier_activation!r}."
            ) from err
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str; got {type(name).__name__}: {name!r}.")


def efficientnet_lite0(
    input_shape: tuple[int, int, int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    dropout: float = 0.2,
    classifier_activation: str | None = "softmax",
    name: str = "efficientnet_lite0",
) -> keras.Model:
    """Instantiates the EfficientNet-Lite0 architecture (randomly initialised).

    Layers are named ``stem_*``, ``block{i}_*`` (i = 0 to 15, one per MBConv block,
    each with ``expand_*`` (except block 0), ``dwconv``, ``dw_*``, ``project_*`` and
    ``add`` when it has a shortcut) and ``top_*``. Convolutions use ``padding="same"``
    like the original TensorFlow model, and batch normalisation has epsilon 1e-3.
    The model expects RGB images scaled as ``(pixel - 127) / 128``, the preprocessing of
    the ImageNet weights (``cnnkit.models.efficientnet_lite_weights`` loads them).

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
        classifier_activation: activation of ``"predictions"``: ``"softmax"`` (class
            probabilities, the default of ``keras.applications``) or ``None`` (logits).
        name: name of the model.

    Returns:
        A ``keras.Model``.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``input_shape``, ``num_classes``, ``dropout`` or
            ``classifier_activation`` has an invalid value.

    Example:
        >>> model = efficientnet_lite0()
        >>> model.count_params()   # 4,652,008 trainable + 42,016 batch-norm statistics
        4694024
        >>> base = efficientnet_lite0((96, 96, 3), None)
        >>> base.output_shape
        (None, 3, 3, 1280)
    """
    _check_args(input_shape, num_classes, dropout, classifier_activation, name)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
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
    if num_classes is not None:
        x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name="top_dropout")(x)
        x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)
