"""The small convolutional backbone that cnnkit pre-trains on Fashion-MNIST and ships.

Deck 002's pattern (``Conv2D -> BatchNormalization -> ReLU`` blocks with max pooling
between them) ending in a global average pooling: one feature vector per image.
``cnnkit.transfer.backbone("cnnkit_fashion5")`` builds it and loads the shipped weights
(``scripts/train_backbone.py`` trains them). This module depends on ``keras`` only: copy it
into an assignment.
"""

from __future__ import annotations

from typing import Any

import keras

__all__ = ["small_backbone"]


def _check_args(
    input_shape: Any, num_classes: Any, filters: Any, classifier_activation: Any, name: Any
) -> None:
    """The builder's argument checks (the wording of ``cnnkit._validate``; keras only here)."""
    if isinstance(input_shape, str) or not isinstance(input_shape, tuple | list):
        raise TypeError(
            "`input_shape` must be a tuple of three positive ints (height, width, channels), "
            f"e.g. (28, 28, 1); got {type(input_shape).__name__}: {input_shape!r}."
        )
    if len(input_shape) != 3 or not all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape
    ):
        raise ValueError(
            "`input_shape` must be a tuple of three positive ints (height, width, channels), "
            f"e.g. (28, 28, 1); got {input_shape!r}."
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
    if (
        not isinstance(filters, tuple | list)
        or not filters
        or not all(isinstance(f, int) and not isinstance(f, bool) and f > 0 for f in filters)
    ):
        raise ValueError(
            f"`filters` must be a non-empty tuple of positive ints, got {filters!r}; "
            "for example filters=(32, 64, 128)."
        )
    smallest = 2 ** (len(filters) - 1)
    if min(input_shape[:2]) < smallest:
        raise ValueError(
            f"`input_shape` {tuple(input_shape)} is too small for {len(filters)} blocks: "
            f"height and width must be at least {smallest}. Use fewer filters or larger images."
        )
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


def small_backbone(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int | None = None,
    *,
    filters: tuple[int, ...] = (32, 64, 128),
    classifier_activation: str | None = "softmax",
    name: str = "small_backbone",
) -> keras.Model:
    """Instantiates the small convolutional backbone that cnnkit pre-trains and ships.

    The deck-002 pattern: one block per entry of ``filters``, each
    ``Conv2D 3x3 (same) -> BatchNormalization -> ReLU``, with a 2x2 max pooling between
    blocks, and a global average pooling at the end, so the output is one feature vector
    of ``filters[-1]`` values per image. Layers are named ``block{i}_conv``,
    ``block{i}_bn``, ``block{i}_relu``, ``block{i}_pool``, ``gap`` (and ``predictions``).
    The batch normalisation momentum is 0.9 (Keras's default is 0.99): the moving
    statistics then follow the weights within a few dozen steps, which suits the short
    trainings on small datasets of the course.

    A backbone has no classifier, so ``num_classes`` defaults to ``None``: the model ends
    in the feature vector. ``num_classes=k`` adds a Dense layer ``"predictions"`` of ``k``
    units, a complete classifier. This is Keras applications' ``include_top`` folded into
    one argument, so no class count can be given that the model then ignores.

    Reference:
    - Ioffe, S., & Szegedy, C. (2015). Batch normalization: Accelerating deep network
      training by reducing internal covariate shift. ICML.

    Args:
        input_shape: (height, width, channels) of the images; height and width at
            least ``2 ** (len(filters) - 1)``.
        num_classes: ``None`` (default) for the feature extractor alone, or the number of
            classes (>= 2) of a classifier on top.
        filters: filters of each block (positive ints), usually doubling.
        classifier_activation: activation of ``"predictions"`` when there is one:
            ``"softmax"`` (default) or ``None`` (logits).
        name: name of the model.

    Returns:
        A ``keras.Model`` from images to feature vectors of shape (batch, filters[-1]),
        or to (batch, num_classes) class scores.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``input_shape``, ``num_classes``, ``filters`` or
            ``classifier_activation`` has an invalid value.

    Example:
        >>> model = small_backbone((28, 28, 1))
        >>> model.output_shape, model.count_params()
        ((None, 128), 93344)
        >>> small_backbone((28, 28, 1), 5).layers[-1].name
        'predictions'
    """
    _check_args(input_shape, num_classes, filters, classifier_activation, name)
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = keras.layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"block{i}_conv")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"block{i}_bn")(x)
        x = keras.layers.ReLU(name=f"block{i}_relu")(x)
        if i < len(filters):
            x = keras.layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    if num_classes is not None:
        x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)
