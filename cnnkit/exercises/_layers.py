"""A student's model read layer by layer, as the LeNet-5 checker needs it.

Each layer becomes a :class:`Found` with its kind: ``"conv"`` and ``"dense"`` come from
:func:`cnnkit.stats.layer_kind` (the package's one table of layer kinds); the layers with no
weights that LeNet-5 is made of are ``"pool"``, ``"flatten"`` and ``"pad"``; activation layers
(``layers.ReLU()``, ``layers.Activation("tanh")``...) are folded into the convolution or
dense layer before them when it has no activation of its own.

Example:
    >>> import keras
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3),
    ...                           keras.layers.ReLU(), keras.layers.Dropout(0.1, name="dropout")])
    >>> found, ignored = student_layers(model)
    >>> [(f.kind, f.activation) for f in found], [layer.name for layer in ignored]
    ([('conv', 'relu')], ['dropout'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
from keras import layers

from cnnkit import stats

NEUTRAL = (layers.Dropout, layers.Rescaling)
"""Layers that do not change LeNet-5's architecture: ignored with a note."""

_AS_LENET = {"depthwise_conv": "conv", "separable_conv": "conv", "transposed_conv": "conv"}
_LENET_KINDS = ("conv", "dense", "pool", "flatten", "pad", "activation")

@dataclass
class Found:
    """One layer of the student's model, with a folded activation layer if any."""

    layer: Any
    kind: str  # "pad", "conv", "pool", "flatten", "dense", "activation" or "other"
    activation: str | None = None
    activation_layer: str | None = None

    @property
    def shape(self) -> tuple:
        return tuple(self.layer.output.shape[1:])

    @property
    def in_shape(self) -> tuple:
        return tuple(self.layer.input.shape[1:])

    @property
    def params(self) -> int:
        return int(self.layer.count_params())


def kind_of(layer: Any) -> str:
    """The kind of a layer for the checker: conv, dense, pool, flatten, pad, activation or other.

    Every convolution is ``"conv"`` (the rules then ask for a plain ``Conv2D``).

    Example:
        >>> kind_of(keras.layers.SeparableConv2D(4, 3)), kind_of(keras.layers.MaxPooling2D())
        ('conv', 'pool')
    """
    kind = stats.layer_kind(layer, detailed=True)
    kind = _AS_LENET.get(kind, kind)
    return kind if kind in _LENET_KINDS else "other"


def activation_name(value: Any) -> str:
    """Name of an activation given as a string, a function or a serialized dict.

    Example:
        >>> activation_name("tanh"), activation_name(keras.activations.relu)
        ('tanh', 'relu')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        if isinstance(config, str):
            return config
        return str(value.get("class_name", "?"))
    return str(getattr(value, "__name__", value))


def _activation_of_layer(layer: Any) -> str:
    """The activation an activation layer applies, e.g. 'relu' for ``layers.ReLU()``."""
    if isinstance(layer, layers.Activation):
        return activation_name(layer.get_config()["activation"])
    if isinstance(layer, layers.Softmax):
        return "softmax"
    if isinstance(layer, layers.ReLU):
        config = layer.get_config()
        plain = (
            config.get("max_value") is None
            and not config.get("negative_slope")
            and not config.get("threshold")
        )
        return "relu" if plain else "relu (modificada)"
    return {layers.LeakyReLU: "leaky_relu", layers.ELU: "elu", layers.PReLU: "prelu"}.get(
        type(layer), type(layer).__name__
    )


def student_layers(model: keras.Model) -> tuple[list[Found], list[Any]]:
    """The student's layers that matter, and the neutral layers that were ignored."""
    found: list[Found] = []
    ignored: list[Any] = []
    for layer in model.layers:
        if isinstance(layer, layers.InputLayer):
            continue
        if isinstance(layer, NEUTRAL):
            ignored.append(layer)
            continue
        kind = kind_of(layer)
        if kind == "activation":
            name = _activation_of_layer(layer)
            last = found[-1] if found else None  # only right after its layer: tanh and
            if (  # average pooling do not commute
                last is not None
                and last.kind in ("conv", "dense")
                and last.activation == "linear"
                and not last.activation_layer
            ):
                last.activation, last.activation_layer = name, layer.name
            else:
                found.append(Found(layer, "activation", activation=name))
            continue
        activation = None
        if kind in ("conv", "dense"):
            activation = activation_name(layer.get_config().get("activation", "linear"))
        found.append(Found(layer, kind, activation=activation))
    return found, ignored
