"""AlexNet (Krizhevsky et al., 2012) and ZF Net (Zeiler & Fergus, 2014), deck 002's first cases.

Five convolutions, three max poolings (3x3, stride 2: overlapping pooling), local response
normalisation after the first two convolutions, and three dense layers with dropout. With
``groups=2`` the convolutions 2, 4 and 5 see only the half of the channels that was on their
GPU, as in the paper's two-GPU figure. ZF Net changes the first layer (7x7 stride 2 instead of
11x11 stride 4) and, to keep the 13x13 maps of the later layers, gives the second one stride 2.

This module depends on ``keras`` alone, so an instructor can copy it into an assignment.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras

__all__ = ["LocalResponseNormalization", "alexnet", "zfnet"]

STEMS = ("paper", "small")
"""Accepted values of ``alexnet(stem=...)``."""


@keras.saving.register_keras_serializable(package="cnnkit")
class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels, a layer without parameters.

    Reference:
    - Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet classification
      with deep convolutional neural networks. NIPS 25, section 3.3.

    ``b[c] = a[c] / (k + alpha * sum(a[j] ** 2 for j within size // 2 of c)) ** beta``:
    each activation is divided by a power of the energy of its neighbouring channels at
    the same position (the same as ``tf.nn.local_response_normalization`` with
    ``depth_radius=size // 2``). Written with ``keras.ops`` only, so it runs on any
    Keras backend, and registered for saving: ``keras.models.load_model`` reads models
    that contain it. (``cnnkit/models/alexnet.py`` and ``vgg.py`` carry the same layer,
    so that each file runs alone.)

    Args:
        size: number of channels in the window, odd (default 5, the paper's ``n``).
        alpha: scale of the sum of squares (default 1e-4).
        beta: exponent (default 0.75).
        k: constant added to the scaled sum (default 2).
        **kwargs: ``keras.layers.Layer`` arguments such as ``name``.

    Example:
        >>> import numpy as np
        >>> lrn = LocalResponseNormalization(size=3, alpha=1.0, beta=1.0, k=1.0)
        >>> np.round(keras.ops.convert_to_numpy(lrn(np.array([[[[1.0, 2.0, 2.0]]]]))), 4)
        array([[[[0.1667, 0.2   , 0.2222]]]], dtype=float32)
    """

    def __init__(
        self,
        size: int = 5,
        alpha: float = 1e-4,
        beta: float = 0.75,
        k: float = 2.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, numbers.Integral):
            raise TypeError(f"`size` must be an odd int >= 1, got {type(size).__name__}: {size!r}.")
        if size < 1 or size % 2 == 0:
            raise ValueError(f"`size` must be an odd int >= 1, got {size!r}.")
        self.size, self.alpha, self.beta, self.k = int(size), float(alpha), float(beta), float(k)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        # The window sums are one matrix product with a 0/1 band matrix:
        # band[i, j] = 1 when channels i and j are at most size // 2 apart.
        channels, half = input_shape[-1], self.size // 2
        band = [[float(abs(i - j) <= half) for j in range(channels)] for i in range(channels)]
        self._band = keras.ops.convert_to_tensor(band, dtype=self.compute_dtype)

    def call(self, inputs: Any) -> Any:
        window = keras.ops.matmul(keras.ops.square(inputs), self._band)
        # (k + alpha * window) ** -beta, written as exp(-beta * log(...)): the same
        # values, and a gradient several times cheaper to compute than that of power.
        return inputs * keras.ops.exp(-self.beta * keras.ops.log(self.k + self.alpha * window))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "alpha": self.alpha,
            "beta": self.beta,
            "k": self.k,
        }


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


def _check(
    input_shape: Any,
    num_classes: Any,
    width: Any,
    dense_units: Any,
    dropout: Any,
    lrn: Any,
    classifier_activation: Any,
) -> dict[str, Any]:
    """Check the arguments shared by the builders before any layer is built."""
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise TypeError(
            "`input_shape` must be a tuple of 3 positive ints (height, width, channels), "
            f"e.g. (227, 227, 3); got {type(input_shape).__name__}: {input_shape!r}."
        )
    if len(input_shape) != 3 or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in input_shape
    ):
        raise ValueError(
            "`input_shape` must be a tuple of 3 positive ints (height, width, channels), "
            f"e.g. (227, 227, 3); got {input_shape!r}."
        )
    for arg, value, minimum in (("num_classes", num_classes, 2), ("dense_units", dense_units, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"`{arg}` must be an int >= {minimum}, got {type(value).__name__}: {value!r}."
            )
        if value < minimum:
            raise ValueError(f"`{arg}` must be an int >= {minimum}, got {value!r}.")
    for arg, value, bound in (("width", width, "> 0"), ("dropout", dropout, "in [0, 1)")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"`{arg}` must be a number {bound}, got {type(value).__name__}: {value!r}."
            )
        if not (value > 0 if arg == "width" else 0 <= value < 1):
            raise ValueError(f"`{arg}` must be a number {bound}, got {value!r}.")
    if not isinstance(lrn, bool):
        raise TypeError(f"`lrn` must be True or False, got {type(lrn).__name__}: {lrn!r}.")
    return {
        "input_shape": tuple(int(d) for d in input_shape),
        "num_classes": int(num_classes),
        "width": width,
        "dense_units": int(dense_units),
        "dropout": dropout,
        "lrn": lrn,
        "classifier_activation": classifier_activation,
    }


def _check_size(
    options: dict[str, Any], steps: list[tuple[int, int, str]], what: str, fix: str
) -> None:
    """Raise if the (kernel, stride, padding) ``steps`` shrink the image to nothing."""

    def side_after(side: int) -> int:
        for kernel, stride, padding in steps:
            side = -(-side // stride) if padding == "same" else (side - kernel) // stride + 1
        return side

    input_shape = options["input_shape"]
    smallest = next(side for side in range(1, 4096) if side_after(side) >= 1)
    if min(input_shape[:2]) < smallest:
        raise ValueError(
            f"{what} needs images of at least {smallest}x{smallest} pixels; `input_shape` is "
            f"{input_shape!r}. {fix}"
        )


def _build(
    conv1: tuple[int, int, int],
    conv2_stride: int,
    groups: int,
    name: str,
    options: dict[str, Any],
) -> keras.Model:
    """The layers shared by AlexNet and ZF Net; ``conv1`` is (kernel, stride, zero padding).

    With ``conv2_stride=2`` (ZF Net) ``conv2`` has no padding and the first two poolings
    pad ('same'), which gives the paper's 110 -> 55 -> 26 -> 13 -> 6 sizes at 224x224.
    """
    kernel1, stride1, pad1 = conv1
    width, dropout = options["width"], options["dropout"]
    pools = "same" if conv2_stride == 2 else "valid"

    def conv(filters: int, size: int, layer: str, **kwargs: Any) -> keras.layers.Conv2D:
        return keras.layers.Conv2D(
            max(1, round(filters * width)), size, activation="relu", name=layer, **kwargs
        )

    inputs = keras.Input(shape=options["input_shape"], name="image")
    x = keras.layers.ZeroPadding2D(pad1, name="conv1_pad")(inputs) if pad1 else inputs
    x = conv(96, kernel1, "conv1", strides=stride1)(x)
    if options["lrn"]:
        x = LocalResponseNormalization(name="conv1_lrn")(x)
    x = keras.layers.MaxPooling2D(3, 2, padding=pools, name="pool1")(x)
    padding = "same" if conv2_stride == 1 else "valid"
    x = conv(256, 5, "conv2", strides=conv2_stride, padding=padding, groups=groups)(x)
    if options["lrn"]:
        x = LocalResponseNormalization(name="conv2_lrn")(x)
    x = keras.layers.MaxPooling2D(3, 2, padding=pools, name="pool2")(x)
    x = conv(384, 3, "conv3", padding="same")(x)
    x = conv(384, 3, "conv4", padding="same", groups=groups)(x)
    x = conv(256, 3, "conv5", padding="same", groups=groups)(x)
    x = keras.layers.MaxPooling2D(3, 2, name="pool5")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for index in (6, 7):
        x = keras.layers.Dense(options["dense_units"], activation="relu", name=f"fc{index}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{index}_dropout")(x)
    outputs = keras.layers.Dense(
        options["num_classes"], activation=options["classifier_activation"], name="predictions"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def alexnet(
    input_shape: Sequence[int] = (227, 227, 3),
    num_classes: int = 1000,
    *,
    groups: int = 1,
    stem: str = "paper",
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    lrn: bool = True,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates AlexNet, the ILSVRC 2012 winner.

    Reference:
    - Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet classification
      with deep convolutional neural networks. Advances in Neural Information Processing
      Systems 25, pp. 1097-1105.

    Layers (227x227 input): ``conv1`` 96 11x11 stride 4 -> ``conv1_lrn`` -> ``pool1`` 3x3
    stride 2 -> ``conv2`` 256 5x5 -> ``conv2_lrn`` -> ``pool2`` -> ``conv3`` 384 3x3 ->
    ``conv4`` 384 3x3 -> ``conv5`` 256 3x3 -> ``pool5`` (6x6x256) -> ``fc6`` 4096 ->
    ``fc7`` 4096 (each followed by dropout) -> ``predictions``. All activations are ReLU.
    The paper says 224x224, but its arithmetic ((227 - 11) / 4 + 1 = 55) needs 227.

    ``groups=2`` reproduces the two-GPU split: ``conv2``, ``conv4`` and ``conv5`` are
    grouped convolutions (each half of the filters sees half of the input channels),
    60,965,224 parameters; ``groups=1`` is the single-stream network, 62,378,344.

    Small members (for 28x28 or 32x32 images): ``stem="small"`` replaces the 11x11
    stride-4 ``conv1`` by a 3x3 stride-1 'same' convolution, ``width`` multiplies every
    filter count and ``dense_units`` sets the size of ``fc6`` and ``fc7``.

    Args:
        input_shape: (height, width, channels), default (227, 227, 3). With
            ``stem="paper"`` the images need at least 67x67 pixels, with ``"small"`` 15x15.
        num_classes: number of classes (>= 2), default 1000.
        groups: 1 (default, single stream) or 2 (the paper's two GPUs).
        stem: ``"paper"`` (default) or ``"small"`` (3x3 stride-1 first convolution).
        width: multiplier of the number of filters of every convolution (default 1.0;
            0.25 gives 24, 64, 96, 96, 64 filters).
        dense_units: units of ``fc6`` and ``fc7`` (default 4096).
        dropout: dropout rate after ``fc6`` and ``fc7``, in [0, 1) (default 0.5).
        lrn: local response normalisation after ``conv1`` and ``conv2`` (default True).
        classifier_activation: activation of ``predictions``: "softmax" (default) or
            None for logits.
        name: model name; default ``"alexnet"`` (``"alexnet_groups2"`` with two groups).

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range or the images are too small; the
            message names it and says how to fix it.

    Example:
        >>> alexnet().count_params(), alexnet(groups=2).count_params()
        (62378344, 60965224)
        >>> small = alexnet((28, 28, 1), 10, stem="small", width=0.25, dense_units=256)
        >>> small.count_params(), small.output_shape
        (366650, (None, 10))
    """
    _check_head(classifier_activation, name)
    options = _check(
        input_shape, num_classes, width, dense_units, dropout, lrn, classifier_activation
    )
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"`groups` must be 1 or 2, got {type(groups).__name__}: {groups!r}.")
    if groups not in (1, 2):
        raise ValueError(
            f"`groups` must be 1 (single stream) or 2 (the paper's two GPUs), got {groups!r}."
        )
    if stem not in STEMS:
        raise ValueError(f"`stem` must be one of {STEMS}, got {stem!r}.")
    if groups == 2 and any(max(1, round(f * width)) % 2 for f in (96, 256, 384)):
        raise ValueError(
            f"`width` {width!r} gives an odd number of filters, which two groups cannot "
            "split; use e.g. width=0.25 or 0.5."
        )
    conv1 = (11, 4, 0) if stem == "paper" else (3, 1, 1)
    steps = [(conv1[0] - 2 * conv1[2], conv1[1], "valid")] + [(3, 2, "valid")] * 3
    if stem == "paper":
        _check_size(options, steps, "AlexNet", "Use stem='small' for 28x28 or 32x32 images.")
    else:
        _check_size(options, steps, "AlexNet with stem='small'", "Resize the images.")
    name = name or ("alexnet" if groups == 1 else "alexnet_groups2")
    return _build(conv1, 1, int(groups), name, options)


def zfnet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    lrn: bool = True,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates ZF Net, AlexNet with a smaller first layer (ILSVRC 2013).

    Reference:
    - Zeiler, M. D., & Fergus, R. (2014). Visualizing and understanding convolutional
      networks. European Conference on Computer Vision (ECCV), pp. 818-833.

    Deck 002's change: ``conv1`` has a smaller receptive field (7x7 instead of 11x11)
    and a smaller stride (2 instead of 4), which the paper's visualisations showed to
    leave fewer dead and aliased filters. To keep AlexNet's 13x13 maps in ``conv3`` to
    ``conv5``, ZF Net's ``conv2`` has stride 2 (the paper's Figure 3): at 224x224 the
    maps are 110 (``conv1``, 1 pixel of padding) -> 55 -> 26 (``conv2``) -> 13 -> 6. It is
    one stream (no groups), with LRN after ``conv1`` and ``conv2``: 62,357,608
    parameters, 20,736 fewer than AlexNet (the 7x7x3 kernels of ``conv1``).

    Args:
        input_shape: (height, width, channels), default (224, 224, 3); at least 53x53.
        num_classes: number of classes (>= 2), default 1000.
        width: multiplier of the number of filters of every convolution (default 1.0).
        dense_units: units of ``fc6`` and ``fc7`` (default 4096).
        dropout: dropout rate after ``fc6`` and ``fc7``, in [0, 1) (default 0.5).
        lrn: local response normalisation after ``conv1`` and ``conv2`` (default True).
        classifier_activation: activation of ``predictions``: "softmax" (default) or
            None for logits.
        name: model name; default ``"zfnet"``.

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range or the images are too small.

    Example:
        >>> model = zfnet()
        >>> model.count_params(), model.get_layer("pool5").output.shape
        (62357608, (None, 6, 6, 256))
    """
    _check_head(classifier_activation, name)
    options = _check(
        input_shape, num_classes, width, dense_units, dropout, lrn, classifier_activation
    )
    steps = [(5, 2, "valid"), (3, 2, "same"), (5, 2, "valid"), (3, 2, "same"), (3, 2, "valid")]
    _check_size(options, steps, "ZF Net", "Resize the images, or use alexnet(stem='small').")
    return _build((7, 2, 1), 2, 1, name or "zfnet", options)
