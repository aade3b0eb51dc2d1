"""LeNet-5 (LeCun et al., 1998), as the course slides describe it.

This file imports only ``keras`` and the standard library: an instructor copies the
whole file (``lenet5`` and the small checks above it) into an assignment and it runs.
"""

from __future__ import annotations

import numbers
from typing import Any, NoReturn

import keras
from keras import layers

VARIANTS = ("classic", "modern")
"""Accepted values of ``lenet5(variant=...)``."""

_ACTIVATION = {"classic": "tanh", "modern": "relu"}
_POOLING = {"classic": layers.AveragePooling2D, "modern": layers.MaxPooling2D}


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

# <<< shared


def _check_size(input_shape: tuple, pad_to_32: bool) -> None:
    """LeNet-5 takes 32x32 images, or 28x28 ones that ``pad_to_32`` pads."""
    size = input_shape[:2]
    if pad_to_32 and size != (28, 28):
        raise ValueError(
            f"`pad_to_32=True` pads 28x28 images by 2 pixels on each side, but "
            f"`input_shape` is {input_shape!r}. Pass pad_to_32=False for 32x32 inputs."
        )
    if size == (28, 28) and not pad_to_32:
        raise ValueError(
            f"LeNet-5 expects 32x32 inputs and `input_shape` is {input_shape!r}. "
            "Pad the images to 32x32 (2 zero pixels on each side, e.g. with np.pad) and use "
            "input_shape=(32, 32, channels), or pass pad_to_32=True to add a "
            "ZeroPadding2D(2) layer at the start of the model."
        )
    if size not in ((32, 32), (28, 28)):
        raise ValueError(
            f"LeNet-5 expects 32x32 inputs (or 28x28 with pad_to_32=True), got `input_shape` "
            f"{input_shape!r}. Resize or pad your images to 32x32."
        )


def lenet5(
    input_shape: tuple[int, int, int] = (32, 32, 1),
    num_classes: int | None = 10,
    *,
    variant: str = "classic",
    pad_to_32: bool = False,
    pooling: str | None = None,
    classifier_activation: Any = "softmax",
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
        num_classes: number of output classes, an int >= 2 (default 10); None for the
            convolutional part alone (up to ``S4``, 5x5x16 maps).
        variant: ``"classic"`` (default): tanh activations and average pooling,
            as in the paper. ``"modern"``: ReLU activations and max pooling.
        pad_to_32: if True, the model starts with a ``ZeroPadding2D(2)`` layer
            named ``padding`` that turns 28x28 inputs into 32x32, the way the
            paper placed MNIST's 28x28 digits in a 32x32 field. Only valid with
            28x28 inputs. Default False.
        pooling: with ``num_classes=None``: None (the S4 maps), ``"avg"`` or ``"max"``
            (their global average or maximum).
        classifier_activation: activation of the ``predictions`` layer: ``"softmax"``
            (default), another Keras name or callable, or None for logits.
        name: model name; None (default) gives ``"lenet5_classic"`` or ``"lenet5_modern"``.

    Returns:
        An uncompiled ``keras.Model`` whose output is a softmax (or logits) over
        ``num_classes`` classes.

    Raises:
        TypeError: if an argument has the wrong type (the message names it).
        ValueError: if an argument has a wrong value (the message says how to fix it).

    Example:
        >>> model = lenet5()
        >>> model.count_params()
        61706
        >>> [layer.name for layer in model.layers]
        ['image', 'C1', 'S2', 'C3', 'S4', 'flatten', 'C5', 'F6', 'predictions']
        >>> lenet5((28, 28, 1), variant="modern", pad_to_32=True).output_shape
        (None, 10)
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name)
    _check_choice(variant, "variant", VARIANTS, "Use 'classic' for tanh + average pooling "
                  "(the 1998 paper) or 'modern' for ReLU + max pooling.")  # fmt: skip
    _check_bool(pad_to_32, "pad_to_32")
    input_shape = _check_shape(input_shape, "(32, 32, 1)")
    _check_size(input_shape, pad_to_32)
    activation = _ACTIVATION[variant]
    pool = _POOLING[variant]

    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.ZeroPadding2D(padding=2, name="padding")(inputs) if pad_to_32 else inputs
    x = layers.Conv2D(6, 5, activation=activation, name="C1")(x)
    x = pool(pool_size=2, name="S2")(x)
    x = layers.Conv2D(16, 5, activation=activation, name="C3")(x)
    x = pool(pool_size=2, name="S4")(x)
    if num_classes is None:
        return keras.Model(inputs, _global_pool(x, pooling), name=name or f"lenet5_{variant}")
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(120, activation=activation, name="C5")(x)
    x = layers.Dense(84, activation=activation, name="F6")(x)
    outputs = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, outputs, name=name or f"lenet5_{variant}")
