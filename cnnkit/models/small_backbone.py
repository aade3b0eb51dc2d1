"""The small convolutional backbone that cnnkit pre-trains on Fashion-MNIST and ships.

Deck 002's pattern (``Conv2D -> BatchNormalization -> ReLU`` blocks with max pooling
between them) ending in a global average pooling: one feature vector per image.
``cnnkit.transfer.backbone("cnnkit_fashion5")`` builds it and loads the shipped weights
(``scripts/train_backbone.py`` trains them). This module depends on ``keras`` only: copy it
into an assignment.
"""

from __future__ import annotations

import numbers
from typing import Any, NoReturn

import keras

__all__ = ["small_backbone"]


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


def _check_choice(value: Any, name: str, choices: tuple, hint: str = "") -> Any:
    """One of ``choices`` (strings, and None when listed); TypeError for another type."""
    if value is not None or None not in choices:
        words = "one of " + ", ".join(map(repr, choices))
        if not isinstance(value, str):
            _fail(TypeError, name, words, value, hint)
        if value not in choices:
            _fail(ValueError, name, words, value, hint)
    return value


def _check_ints(value: Any, name: str, *, empty: bool = False, example: str = "(32, 64)") -> list:
    """A tuple (or list) of positive ints, e.g. the filters of each block."""
    words = f"a tuple of positive ints{' (may be empty)' if empty else ''}, e.g. {example}"
    if not isinstance(value, tuple | list):
        _fail(TypeError, name, words, value)
    if not all(_is_int(v) and v > 0 for v in value) or not (value or empty):
        _fail(ValueError, name, words, value)
    return [int(v) for v in value]


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


def small_backbone(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int | None = None,
    *,
    filters: tuple[int, ...] = (32, 64, 128),
    pooling: str | None = "avg",
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> keras.Model:
    """Instantiates the small convolutional backbone that cnnkit pre-trains and ships.

    The deck-002 pattern: one block per entry of ``filters``, each
    ``Conv2D 3x3 (same) -> BatchNormalization -> ReLU``, with a 2x2 max pooling between
    blocks, and a global average pooling at the end (``pooling="avg"``, the default), so
    the output is one feature vector of ``filters[-1]`` values per image. Layers are named
    ``block{i}_conv``, ``block{i}_bn``, ``block{i}_relu``, ``block{i}_pool``, ``gap`` (the
    global average pooling; ``max_pool`` with ``pooling="max"``) and ``predictions``.
    The batch normalisation momentum is 0.9 (Keras's default is 0.99): the moving
    statistics then follow the weights within a few dozen steps, which suits the short
    trainings on small datasets of the course.

    A backbone has no classifier, so ``num_classes`` defaults to ``None``: the model ends
    in the feature vector. ``num_classes=k`` adds a Dense layer ``"predictions"`` of ``k``
    units on the pooled vector, a complete classifier. This is Keras applications'
    ``include_top`` folded into one argument, so no class count can be given that the model
    then ignores. Unlike the other builders, whose ``pooling`` defaults to None (feature
    maps), a backbone that yields vectors is this one's purpose: ``pooling="avg"``.

    Reference:
    - Ioffe, S., & Szegedy, C. (2015). Batch normalization: Accelerating deep network
      training by reducing internal covariate shift. ICML.

    Args:
        input_shape: (height, width, channels) of the images; height and width at
            least ``2 ** (len(filters) - 1)``.
        num_classes: ``None`` (default) for the feature extractor alone, or the number of
            classes (>= 2) of a classifier on top.
        filters: filters of each block (positive ints), usually doubling.
        pooling: ``"avg"`` (default), ``"max"`` (global maximum) or, without a
            classifier, ``None`` (the last feature maps).
        classifier_activation: activation of ``"predictions"`` when there is one:
            ``"softmax"`` (default), another Keras name or callable, or ``None`` (logits).
        name: name of the model; None (default) gives ``"small_backbone"``.

    Returns:
        A ``keras.Model`` from images to feature vectors of shape (batch, filters[-1]),
        or to (batch, num_classes) class scores.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if an argument has an invalid value, or the images are too small.

    Example:
        >>> model = small_backbone((28, 28, 1))
        >>> model.output_shape, model.count_params()
        ((None, 128), 93344)
        >>> small_backbone((28, 28, 1), 5).layers[-1].name
        'predictions'
    """
    num_classes = _check_head(num_classes, classifier_activation, pooling, name, pooled=True)
    if num_classes is not None and pooling is None:
        raise ValueError("`pooling` must be 'avg' or 'max' with a classifier (num_classes=k).")
    filters = _check_ints(filters, "filters", example="(32, 64, 128)")
    input_shape = _check_shape(input_shape, "(28, 28, 1)")
    smallest = 2 ** (len(filters) - 1)
    if min(input_shape[:2]) < smallest:
        raise ValueError(
            f"`input_shape` {input_shape} is too small for {len(filters)} blocks: height "
            f"and width must be at least {smallest}. Use fewer filters or larger images."
        )
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = keras.layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"block{i}_conv")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"block{i}_bn")(x)
        x = keras.layers.ReLU(name=f"block{i}_relu")(x)
        if i < len(filters):
            x = keras.layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    if pooling == "avg":  # named "gap" in the shipped backbone cnnkit_fashion5
        x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    x = _global_pool(x, pooling if pooling == "max" else None)
    if num_classes is not None:
        x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name or "small_backbone")
