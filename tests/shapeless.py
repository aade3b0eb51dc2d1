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
