"""LeNet-5 (LeCun et al., 1998), as the course slides describe it.

This file imports only ``keras`` and the standard library: an instructor copies the
whole file (``lenet5`` and the small checks above it) into an assignment and it runs.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

VARIANTS = ("classic", "modern")
"""Accepted values of ``lenet5(variant=...)``."""

_ACTIVATION = {"classic": "tanh", "modern": "relu"}
_POOLING = {"classic": layers.AveragePooling2D, "modern": layers.MaxPooling2D}


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _check_types(
    input_shape: Any, num_classes: Any, pad_to_32: Any, classifier_activation: Any, name: Any
) -> None:
    """TypeError for an argument of the wrong type, naming it and the fix."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
        raise TypeError(
            f"`num_classes` must be an int >= 2, got {_type_name(num_classes)}: "
            f"{num_classes!r}. Pass the number of classes of your data set, e.g. 10."
        )
    if not isinstance(input_shape, tuple | list):
        raise TypeError(
            "`input_shape` must be a tuple of three positive ints (height, width, channels), "
            f"got {_type_name(input_shape)}: {input_shape!r}. For MNIST use (32, 32, 1)."
        )
    if not isinstance(pad_to_32, bool):
        raise TypeError(
            f"`pad_to_32` must be True or False, got {_type_name(pad_to_32)}: {pad_to_32!r}."
        )
    if classifier_activation is not None and not isinstance(classifier_activation, str):
        raise TypeError(
            "`classifier_activation` must be a Keras activation name such as 'softmax' or "
            f"None (logits); got {_type_name(classifier_activation)}: {classifier_activation!r}."
        )
    if name is not None and not isinstance(name, str):
        raise TypeError(f"`name` must be a str or None, got {_type_name(name)}: {name!r}.")


def _validate(
    variant: str, input_shape: tuple, num_classes: int, pad_to_32: bool, classifier_activation: Any
) -> None:
    """Check the values of the arguments of `lenet5` before any layer is built."""
    if variant not in VARIANTS:
        raise ValueError(
            f"`variant` must be one of {VARIANTS}, got {variant!r}. Use 'classic' for "
            "tanh + average pooling (the 1998 paper) or 'modern' for ReLU + max pooling."
        )
    if num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an int >= 2, got {num_classes!r}. "
            "Pass the number of classes of your data set, e.g. num_classes=10."
        )
    if len(input_shape) != 3 or not all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape
    ):
        raise ValueError(
            f"`input_shape` must be a tuple of three positive ints (height, width, "
            f"channels), got {input_shape!r}. For MNIST use (32, 32, 1), or (28, 28, 1) "
            "with pad_to_32=True."
        )
    if classifier_activation is not None:
        try:
            keras.activations.get(classifier_activation)
        except (ValueError, TypeError) as err:
            raise ValueError(
                "`classifier_activation` must be a Keras activation name such as 'softmax' "
                f"or None (logits); got {classifier_activation!r}."
            ) from err
    size = tuple(input_shape[:2])
    if pad_to_32 and size != (28, 28):
        raise ValueError(
            f"`pad_to_32=True` pads 28x28 images by 2 pixels on each side, but "
            f"`input_shape` is {tuple(input_shape)!r}. Pass pad_to_32=False for 32x32 inputs."
        )
    if size == (28, 28) and not pad_to_32:
        raise ValueError(
            f"LeNet-5 expects 32x32 inputs and `input_shape` is {tuple(input_shape)!r}. "
            "Pad the images to 32x32 (2 zero pixels on each side, e.g. with np.pad) and use "
            "input_shape=(32, 32, channels), or pass pad_to_32=True to add a "
            "ZeroPadding2D(2) layer at the start of the model."
        )
    if size not in ((32, 32), (28, 28)):
        raise ValueError(
            f"LeNet-5 expects 32x32 inputs (or 28x28 with pad_to_32=True), got `input_shape` "
            f"{tuple(input_shape)!r}. Resize or pad your images to 32x32."
        )


def lenet5(
    input_shape: tuple[int, int, int] = (32, 32, 1),
    num_classes: int = 10,
    *,
    variant: str = "classic",
    pad_to_32: bool = False,
    classifier_activation: str | None = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates the LeNet-5 convolutional network.

    Reference:
    - LeCun, Y., Bottou, L., Bengio, Y., & Haffner, P. (1998). Gradient-based
      learning applied to document recognition. Proceedings of the IEEE, 86(11),
      2278-2324.

    The layers carry the paper's names: ``C1`` (Conv2D, 6 filters 5x5), ``S2``
    (2x2 pooling), ``C3`` (Conv2D, 16 filters 5x5), ``S4`` (2x2 pooling),
    ``flatten``, ``C5`` (Dense 120), ``F6`` (Dense 84) and ``predictions`` (Dense
    ``num_classes``, softmax by default; the paper's OUTPUT layer). As in the slides
    ("two convolutional layers, two pooling layers and three dense layers"), C5 is a
    Dense layer on the flattened 5x5x16 maps; a Conv2D of 120 filters 5x5 on those
    maps is the same computation with the same 48,120 parameters. With the defaults
    the model has 61,706 parameters.

    Simplifications of the paper, shared by most modern descriptions: C3 is
    connected to all six maps of S2 (the paper used a sparse connection
    table), the pooling layers have no trainable coefficient, the activation is
    the plain ``tanh`` (the paper used ``1.7159 * tanh(2x / 3)``) and the output
    is a softmax instead of Euclidean RBF units.

    Args:
        input_shape: ``(height, width, channels)``, default ``(32, 32, 1)``.
            The spatial size must be 32x32, or 28x28 (MNIST) together with
            ``pad_to_32=True``.
        num_classes: number of output classes, an int >= 2 (default 10).
        variant: ``"classic"`` (default): tanh activations and average pooling,
            as in the paper. ``"modern"``: ReLU activations and max pooling.
        pad_to_32: if True, the model starts with a ``ZeroPadding2D(2)`` layer
            named ``padding`` that turns 28x28 inputs into 32x32, the way the
            paper placed MNIST's 28x28 digits in a 32x32 field. Only valid with
            28x28 inputs. Default False.
        classifier_activation: activation of the ``predictions`` layer, ``"softmax"``
            (default) or None for logits.
        name: model name; default ``"lenet5_classic"`` or ``"lenet5_modern"``.

    Returns:
        An uncompiled ``keras.Model`` whose output is a softmax (or logits) over
        ``num_classes`` classes.

    Raises:
        TypeError: if an argument has the wrong type (the message names it).
        ValueError: if ``variant``, ``input_shape``, ``num_classes``,
            ``pad_to_32`` or ``classifier_activation`` is not valid (the message
            says how to fix it).

    Example:
        >>> model = lenet5()
        >>> model.count_params()
        61706
        >>> [layer.name for layer in model.layers]
        ['image', 'C1', 'S2', 'C3', 'S4', 'flatten', 'C5', 'F6', 'predictions']
        >>> lenet5((28, 28, 1), variant="modern", pad_to_32=True).output_shape
        (None, 10)
    """
    _check_types(input_shape, num_classes, pad_to_32, classifier_activation, name)
    _validate(variant, input_shape, num_classes, pad_to_32, classifier_activation)
    activation = _ACTIVATION[variant]
    pooling = _POOLING[variant]

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.ZeroPadding2D(padding=2, name="padding")(inputs) if pad_to_32 else inputs
    x = layers.Conv2D(6, 5, activation=activation, name="C1")(x)
    x = pooling(pool_size=2, name="S2")(x)
    x = layers.Conv2D(16, 5, activation=activation, name="C3")(x)
    x = pooling(pool_size=2, name="S4")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(120, activation=activation, name="C5")(x)
    x = layers.Dense(84, activation=activation, name="F6")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name or f"lenet5_{variant}")
