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
from typing import Any, NoReturn

import keras

__all__ = ["LocalResponseNormalization", "alexnet", "zfnet"]

STEMS = ("paper", "small")
"""Accepted values of ``alexnet(stem=...)``."""


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


class LocalResponseNormalization(keras.layers.Layer):
    """Local response normalisation across channels, a layer without parameters.

    Reference:
    - Krizhevsky, A., Sutskever, I., & Hinton, G. E. (2012). ImageNet classification
      with deep convolutional neural networks. NIPS 25, section 3.3.

    ``b[c] = a[c] / (k + alpha * sum(a[j] ** 2 for j within size // 2 of c)) ** beta``:
    each activation is divided by a power of the energy of its neighbouring channels at
    the same position (``tf.nn.local_response_normalization`` with
    ``depth_radius=size // 2``), written with ``keras.ops`` so it runs on any backend.
    ``alexnet.py`` and ``vgg.py`` carry identical copies, so that each file runs alone;
    the first one imported registers the class as ``cnnkit>LocalResponseNormalization``
    (``keras.models.load_model`` reads models that contain it) and the other reuses it.

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
        self, size: int = 5, alpha: float = 1e-4, beta: float = 0.75, k: float = 2.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(size, numbers.Integral) or isinstance(size, bool):
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
        # (k + alpha * window) ** -beta as exp(-beta * log(...)): the same values, and a
        # gradient several times cheaper to compute than that of power.
        return inputs * keras.ops.exp(-self.beta * keras.ops.log(self.k + self.alpha * window))

    def get_config(self) -> dict[str, Any]:
        config = {"size": self.size, "alpha": self.alpha, "beta": self.beta, "k": self.k}
        return {**super().get_config(), **config}


LocalResponseNormalization = keras.saving.get_registered_object(
    "cnnkit>LocalResponseNormalization"
) or keras.saving.register_keras_serializable("cnnkit")(LocalResponseNormalization)

# <<< shared


def _check(input_shape: Any, num_classes: Any, options: dict[str, Any]) -> dict[str, Any]:
    """Check the arguments shared by `alexnet` and `zfnet` before any layer is built."""
    width, dropout, name = options["width"], options["dropout"], options.pop("name")
    return options | {
        "num_classes": _check_head(
            num_classes, options["classifier_activation"], options["pooling"], name
        ),
        "input_shape": _check_shape(input_shape, "(227, 227, 3)"),
        "width": _check_number(width, "width", "> 0", lambda v: v > 0),
        "dense_units": _check_int(options["dense_units"], "dense_units", 1),
        "dropout": _check_number(dropout, "dropout", "in [0, 1)", lambda v: 0 <= v < 1),
        "lrn": _check_bool(options["lrn"], "lrn"),
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
    conv1: tuple[int, int, int], conv2_stride: int, groups: int, name: str, options: dict
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
    if options["num_classes"] is None:
        return keras.Model(inputs, _global_pool(x, options["pooling"]), name=name)
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
    num_classes: int | None = 1000,
    *,
    groups: int = 1,
    stem: str = "paper",
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    lrn: bool = True,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
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
        num_classes: number of classes (>= 2), default 1000; None for the convolutional
            part alone (up to ``pool5``; ``dense_units`` and ``dropout`` then unused).
        groups: 1 (default, single stream) or 2 (the paper's two GPUs).
        stem: ``"paper"`` (default) or ``"small"`` (3x3 stride-1 first convolution).
        width: multiplier of the number of filters of every convolution (default 1.0;
            0.25 gives 24, 64, 96, 96, 64 filters).
        dense_units: units of ``fc6`` and ``fc7`` (default 4096).
        dropout: dropout rate after ``fc6`` and ``fc7``, in [0, 1) (default 0.5).
        lrn: local response normalisation after ``conv1`` and ``conv2`` (default True).
        pooling: with ``num_classes=None``: None (the ``pool5`` maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of ``predictions``: "softmax" (default),
            another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"alexnet"`` (``"alexnet_groups2"`` with
            two groups).

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
    options = _check(input_shape, num_classes, dict(
        width=width, dense_units=dense_units, dropout=dropout, lrn=lrn, pooling=pooling,
        classifier_activation=classifier_activation, name=name))  # fmt: skip
    groups = _check_int(groups, "groups", 1, 2)
    _check_choice(stem, "stem", STEMS, "Use stem='small' for 28x28 or 32x32 images.")
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
    return _build(conv1, 1, groups, name, options)


def zfnet(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    lrn: bool = True,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
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
        num_classes: number of classes (>= 2), default 1000; None for the convolutional
            part alone (up to ``pool5``; ``dense_units`` and ``dropout`` then unused).
        width: multiplier of the number of filters of every convolution (default 1.0).
        dense_units: units of ``fc6`` and ``fc7`` (default 4096).
        dropout: dropout rate after ``fc6`` and ``fc7``, in [0, 1) (default 0.5).
        lrn: local response normalisation after ``conv1`` and ``conv2`` (default True).
        pooling: with ``num_classes=None``: None (the ``pool5`` maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of ``predictions``: "softmax" (default),
            another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"zfnet"``.

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
    options = _check(input_shape, num_classes, dict(
        width=width, dense_units=dense_units, dropout=dropout, lrn=lrn, pooling=pooling,
        classifier_activation=classifier_activation, name=name))  # fmt: skip
    steps = [(5, 2, "valid"), (3, 2, "same"), (5, 2, "valid"), (3, 2, "same"), (3, 2, "valid")]
    _check_size(options, steps, "ZF Net", "Resize the images, or use alexnet(stem='small').")
    return _build((7, 2, 1), 2, 1, name or "zfnet", options)
