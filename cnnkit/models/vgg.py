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
from typing import Any

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


def _check_number(value: Any, name: str, bound: str, low: float, high: float | None) -> None:
    """``low < value`` (``low <= value < high`` when ``high`` is given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a number {bound}, got {type(value).__name__}: {value!r}."
        )
    if not (value > low if high is None else low <= value < high):
        raise ValueError(f"`{name}` must be a number {bound}, got {value!r}.")


def _check_int(value: Any, name: str, minimum: int, maximum: int | None = None) -> None:
    words = f"an int >= {minimum}" if maximum is None else f"an int between {minimum} and {maximum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` must be {words}, got {type(value).__name__}: {value!r}.")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"`{name}` must be {words}, got {value!r}.")


def _check(
    input_shape: Any,
    num_classes: Any,
    *,
    config: Any,
    batch_norm: Any,
    num_blocks: Any,
    width: Any,
    dense_units: Any,
    dropout: Any,
) -> tuple[int, ...]:
    """Check the arguments of `vgg` before any layer is built."""
    if not isinstance(config, str):
        raise TypeError(
            f"`config` must be a string, one of {tuple(CONFIGS)}; got "
            f"{type(config).__name__}: {config!r}."
        )
    if config not in CONFIGS:
        raise ValueError(
            f"`config` must be one of {tuple(CONFIGS)} (the columns of the paper's Table 1; "
            f"'D' is VGG16, 'E' VGG19), got {config!r}."
        )
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
    _check_int(num_blocks, "num_blocks", 1, 5)
    _check_int(dense_units, "dense_units", 1)
    if not isinstance(batch_norm, bool):
        raise TypeError(
            f"`batch_norm` must be True or False, got {type(batch_norm).__name__}: {batch_norm!r}."
        )
    _check_number(width, "width", "> 0", 0, None)
    _check_number(dropout, "dropout", "in [0, 1)", 0, 1)
    smallest, fits = 2**num_blocks, min(input_shape[:2]).bit_length() - 1
    if min(input_shape[:2]) < smallest:
        raise ValueError(
            f"VGG with {num_blocks} blocks halves the image {num_blocks} times and needs at "
            f"least {smallest}x{smallest} pixels; `input_shape` is {tuple(input_shape)!r}. "
            + (
                f"Resize the images or pass num_blocks={fits} or fewer."
                if fits
                else "Resize the images."
            )
        )
    return tuple(int(d) for d in input_shape)


def vgg(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    *,
    config: str = "D",
    batch_norm: bool = False,
    num_blocks: int = 5,
    width: float = 1.0,
    dense_units: int = 4096,
    dropout: float = 0.5,
    classifier_activation: str | None = "softmax",
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
        num_classes: number of classes (>= 2), default 1000.
        config: "A", "A-LRN", "B", "C", "D" (default, VGG16) or "E" (VGG19).
        batch_norm: batch normalisation after every convolution (default False).
        num_blocks: how many blocks of the configuration to keep, 1 to 5 (default 5).
        width: multiplier of the number of filters (default 1.0; 0.25 gives 16, 32,
            64, 128 and 128 filters in the five blocks).
        dense_units: units of ``fc1`` and ``fc2`` (default 4096).
        dropout: dropout rate after ``fc1`` and ``fc2``, in [0, 1) (default 0.5).
        classifier_activation: activation of ``predictions``: "softmax" (default) or
            None for logits.
        name: model name; default ``"vgg_" + config`` (``"vgg_D"``), plus ``"_bn"`` with
            batch normalisation.

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
    _check_head(classifier_activation, name)
    input_shape = _check(
        input_shape,
        num_classes,
        config=config,
        batch_norm=batch_norm,
        num_blocks=num_blocks,
        width=width,
        dense_units=dense_units,
        dropout=dropout,
    )
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
                max(1, round(filters * width)),
                kernel,
                padding="same",
                activation=None if batch_norm else "relu",
                use_bias=not batch_norm,
                name=f"block{b}_conv{convs}",
            )(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"block{b}_bn{convs}")(x)
                x = keras.layers.ReLU(name=f"block{b}_relu{convs}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{b}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    for index in (1, 2):
        x = keras.layers.Dense(dense_units, activation="relu", name=f"fc{index}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"fc{index}_dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(
        x
    )
    return keras.Model(
        inputs, outputs, name=name or f"vgg_{config}" + ("_bn" if batch_norm else "")
    )
