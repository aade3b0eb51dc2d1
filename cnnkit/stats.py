"""Model statistics shared by the notebooks: parameter counts and depth.

Notebooks 03, 05 and 06 compare models by the same numbers; they all come from here.

Example:
    >>> import keras
    >>> from cnnkit import stats
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3)])
    >>> stats.trainable_counts(model)
    {'trainable': 40, 'non_trainable': 0}
"""

from __future__ import annotations

from typing import Any

import keras

__all__ = ["model_depth", "trainable_counts"]


def trainable_counts(model: keras.Model) -> dict[str, int]:
    """Counts trainable and non-trainable parameters, as ``model.summary()`` does.

    Args:
        model: any built Keras model.

    Returns:
        ``{"trainable": int, "non_trainable": int}`` (numbers of scalar parameters).

    Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> trainable_counts(model)
        {'trainable': 15, 'non_trainable': 0}
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type(model).__name__}")

    def size(weights: list[Any]) -> int:
        total = 0
        for w in weights:
            n = 1
            for d in w.shape:
                n *= int(d)
            total += n
        return total

    return {
        "trainable": size(model.trainable_weights),
        "non_trainable": size(model.non_trainable_weights),
    }


def model_depth(model: keras.Model) -> int:
    """Counts the layers that have weights (convolution, batch normalisation, dense...).

    This is the "depth" column of the Keras applications table (and of deck 002's copy):
    for example VGG16 has 13 convolutions + 3 dense layers = 16, and ResNet50 has 53
    convolutions, 53 batch normalisations and 1 dense layer = 107. Nested models are
    counted layer by layer.

    Args:
        model: a built Keras model.

    Returns:
        The number of layers (not sub-models) with at least one weight.

    Example:
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
        ...     keras.layers.BatchNormalization(), keras.layers.ReLU(),
        ...     keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> model_depth(model)   # conv + batch norm + dense; ReLU and Flatten have no weights
        3
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type(model).__name__}")
    count = 0
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            count += model_depth(layer)
        elif layer.weights:
            count += 1
    return count
