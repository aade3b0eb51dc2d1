"""Build a Keras model without drawing its initial weights: its layers, shapes and counts only.

The structure and parameter-count tests read layers, variable shapes and output shapes, never
a weight's value, and drawing the initial weights is what takes the time: about 20x longer
than the rest of the build for VGG-16 (138 million weights). Inside
``keras.StatelessScope(initialize_variables=False)`` Keras gives every variable its shape but no
value; by default (``initialize_variables=True``) the scope draws them all when it exits.
Keras keeps such variables in a list and draws them at the exit of the next scope that
initialises (a functional model built later, in the same process); :func:`shapeless`
takes the model's own variables off that list, so they are never drawn. Such a model is for
reading its structure only: Keras answers a read of an undrawn weight (calling the model,
``.numpy()``) with a fresh draw from the initializer at every read, as it does while
inferring shapes. ``cnnkit.architecture_tables`` builds its VGG table the same way.

Example:
    >>> import keras
    >>> model = shapeless(keras.applications.VGG16, weights=None)
    >>> model.count_params()
    138357544
"""

from __future__ import annotations

from collections.abc import Callable

import keras
from keras.src.backend.common import global_state  # the list of variables not yet drawn


def shapeless(builder: Callable[..., keras.Model], *args, **kwargs) -> keras.Model:
    """``builder(*args, **kwargs)`` with every variable shaped and none drawn.

    Args:
        builder: a function that returns a Keras model (a cnnkit builder,
            ``keras.applications.VGG16``...).
        *args: positional arguments of ``builder``.
        **kwargs: keyword arguments of ``builder``.

    Returns:
        The model; its counts, layers and shapes are the real model's.
    """
    with keras.StatelessScope(initialize_variables=False):
        model = builder(*args, **kwargs)
    mine = {id(v) for v in model.variables}
    pending = global_state.get_global_attribute("uninitialized_variables") or []
    global_state.set_global_attribute(
        "uninitialized_variables", [v for v in pending if id(v) not in mine]
    )
    return model


_BUILT: dict[tuple, keras.Model] = {}


def shared(builder: Callable[..., keras.Model], *args, **kwargs) -> keras.Model:
    """:func:`shapeless`, built once per process for each call: callers must only read it.

    The structure tests of several files read the same full-size networks (AlexNet,
    GoogLeNet, DenseNet-121, ResNet-50 at 224x224 for 1000 classes); each is built once
    per test process and shared. The arguments are keyed with their types, so a NumPy
    integer never stands for an int.

    Args:
        builder: a function that returns a Keras model.
        *args: positional arguments of ``builder``.
        **kwargs: keyword arguments of ``builder``.

    Returns:
        The model, the same object for the same builder and arguments.
    """

    def typed(value):
        if isinstance(value, tuple | list):
            return type(value), tuple(typed(v) for v in value)
        return type(value), value

    key = (builder, typed(args), tuple(sorted((k, typed(v)) for k, v in kwargs.items())))
    if key not in _BUILT:
        _BUILT[key] = shapeless(builder, *args, **kwargs)
    return _BUILT[key]
