"""VGG (Simonyan & Zisserman, 2014): deck 002's table of configurations A to E.

Blocks of 3x3 convolutions ("keep it deep, keep it simple"), each block closed by a 2x2
max pooling, then three dense layers. The configurations differ only in the number of
convolutions per block (11 to 19 weight layers); A-LRN adds a local response
normalisation after the first convolution and C adds 1x1 convolutions. D and E are the
well-known VGG16 and VGG19.

This module depends on ``keras`` alone, so an instructor can copy it into an assignment.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, NoReturn

import keras

__all__ = ["CONFIGS", "LocalResponseNormalization", "vgg"]

CONFIGS: dict[str, tuple[tuple[str, ...], ...]] = {
    "A": (
        ("conv3-64",),
        ("conv3-128",),
        ("conv3-256", "conv3-256"),
        ("conv3-512", "conv3-512"),
        ("conv3-512", "conv3-512"),
    ),
    "A-LRN": (
        ("conv3-64", "LRN"),
        ("conv3-128",),
        ("conv3-256", "conv3-256"),
        ("conv3-512", "conv3-512"),
        ("conv3-512", "conv3-512"),
    ),
    "B": (
        ("conv3-64", "conv3-64"),
        ("conv3-128", "conv3-128"),
        ("conv3-256", "conv3-256"),
        ("conv3-512", "conv3-512"),
        ("conv3-512", "conv3-512"),
    ),
    "C": (
        ("conv3-64", "conv3-64"),
        ("conv3-128", "conv3-128"),
        ("conv3-256", "conv3-256", "conv1-256"),
        ("conv3-512", "conv3-512", "conv1-512"),
        ("conv3-512", "conv3-512", "conv1-512"),
    ),
    "D": (
        ("conv3-64", "conv3-64"),
        ("conv3-128", "conv3-128"),
        ("conv3-256",) * 3,
        ("conv3-512",) * 3,
        ("conv3-512",) * 3,
    ),
    "E": (
        ("conv3-64", "conv3-64"),
        ("conv3-128", "conv3-128"),
        ("conv3-256",) * 4,
        ("conv3-512",) * 4,
        ("conv3-512",) * 4,
    ),
}
"""The convolutional part of each configuration, one tuple per block, in the paper's
notation: ``"conv3-64"`` is a 3x3 convolution with 64 filters (ReLU), ``"LRN"`` a local
response normalisation. Every block ends in a 2x2 max pooling; then come FC-4096,
FC-4096 and FC-``num_classes``."""


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


def _check_size(input_shape: tuple, num_blocks: int) -> None:
    smallest, fits = 2**num_blocks, min(input_shape[:2]).bit_length() - 1
    if min(input_shape[:2]) < smallest:
        fix = f"Resize the images or pass num_blocks={fits} or fewer." if fits else "Resize them."
        raise ValueError(
            f"VGG with {num_blocks} blocks halves the image {num_blocks} times and needs at "
            f"least {smallest}x{smallest} pixels; `input_shape` is {input_shape!r}. {fix}"
        )


def vgg(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int | None = 1000,
    *,
    config: str = "D",
    batch_norm: bool = False,
    num_blocks: int = 5,
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates a VGG network, one of the configurations of the paper's Table 1.

    Reference:
    - Simonyan, K., & Zisserman, A. (2014). Very deep convolutional networks for
      large-scale image recognition. arXiv preprint arXiv:1409.1556 (ICLR 2015).

    The configurations (``CONFIGS``, deck 002's table): A and A-LRN have 11 weight
    layers, B 13, C 16 (with three 1x1 convolutions), D 16 (VGG16) and E 19 (VGG19).
    Parameters at 224x224 with 1000 classes: A and A-LRN 132,863,336, B 133,047,848,
    C 133,638,952, D 138,357,544 and E 143,667,240; D and E have exactly the parameters
    of ``keras.applications.VGG16`` and ``VGG19`` and the same layer names
    (``block1_conv1``, ``block1_pool``, ..., ``fc1``, ``fc2``, ``predictions``). As in the
    paper, ``fc1`` and ``fc2`` are followed by dropout (Keras's VGG16 has none).

    ``config`` comes after ``input_shape`` and ``num_classes``, keyword-only, like every
    option of the course's builders: ``vgg(config="B")``.

    Small members (for 28x28 or 32x32 images): ``num_blocks`` keeps the first blocks of
    the configuration (each 2x2 pooling halves the image: 28x28 allows 4), ``width``
    multiplies the number of filters and ``dense_units`` sets the size of ``fc1`` and
    ``fc2``. ``batch_norm=True`` puts a batch normalisation between each convolution
    (then without bias) and its ReLU, as in Keras's and torchvision's ``vgg*_bn``.

    Args:
        input_shape: (height, width, channels), default (224, 224, 3); the sides need
            at least ``2 ** num_blocks`` pixels.
        num_classes: number of classes (>= 2), default 1000; None for the convolutional
            blocks alone (``dense_units`` and ``dropout`` then unused).
        config: "A", "A-LRN", "B", "C", "D" (default, VGG16) or "E" (VGG19).
        batch_norm: batch normalisation after every convolution (default False).
        num_blocks: how many blocks of the configuration to keep, 1 to 5 (default 5).
        width: multiplier of the number of filters (default 1.0; 0.25 gives 16, 32,
            64, 128 and 128 filters in the five blocks).
        dense_units: units of ``fc1`` and ``fc2`` (default 4096).
        dropout: dropout rate after ``fc1`` and ``fc2``, in [0, 1) (default 0.5).
        pooling: with ``num_classes=None``: None (the last block's maps), "avg" or "max"
            (their global average or maximum).
        classifier_activation: activation of ``predictions``: "softmax" (default),
            another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"vgg_" + config`` (``"vgg_D"``), plus
            ``"_bn"`` with batch normalisation.

    Returns:
        An uncompiled ``keras.Model``.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: an argument is out of range or the images are too small; the
            message names it and says how to fix it.

    Example:
        >>> model = vgg(config="D")
        >>> model.count_params()
        138357544
        >>> [layer.name for layer in model.layers[:4]]
        ['image', 'block1_conv1', 'block1_conv2', 'block1_pool']
        >>> small = vgg((28, 28, 1), 10, config="A", num_blocks=3, width=0.25, dense_units=128)
        >>> small.count_params(), small.output_shape
        (151882, (None, 10))
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    _check_choice(config, "config", tuple(CONFIGS), "'D' is VGG16 and 'E' VGG19.")
    _check_bool(batch_norm, "batch_norm")
    num_blocks = _check_int(num_blocks, "num_blocks", 1, 5)
    width = _check_number(width, "width", "> 0", lambda v: v > 0)
    dense_units = _check_int(dense_units, "dense_units", 1)
    dropout = _check_number(dropout, "dropout", "in [0, 1)", lambda v: 0 <= v < 1)
    input_shape = _check_shape(input_shape, "(224, 224, 3)")
    _check_size(input_shape, num_blocks)
    default = f"vgg_{config}" + ("_bn" if batch_norm else "")
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for b, block in enumerate(CONFIGS[config][:num_blocks], 1):
        convs = 0
        for entry in block:
            if entry == "LRN":
                x = LocalResponseNormalization(name=f"block{b}_lrn")(x)
                continue
            convs += 1
            kernel, filters = (int(n) for n in entry.removeprefix("conv").split("-"))
            x = keras.layers.Conv2D(
                max(1, round(filters * width)), kernel, padding="same", use_bias=not batch_norm,
                activation=None if batch_norm else "relu", name=f"block{b}_conv{convs}",
            )(x)  # fmt: skip
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"block{b}_bn{convs}")(x)
                x = keras.layers.ReLU(name=f"block{b}_relu{convs}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name or default)
    x = keras.layers.Flatten(name="flatten")(x)
    for index in (1, 2):
        x = keras.layers.Dense(dense_units, activation="relu", name=f"fc{index}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{index}_dropout")(x)
    x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name or default)
