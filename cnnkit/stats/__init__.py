"""Model statistics shared by the notebooks, and cnnkit's one layer-kind table.

:mod:`~cnnkit.stats.kinds` sorts layers by role (:func:`layer_kind`, :data:`KINDS`,
:data:`DETAILED_KINDS`); :mod:`~cnnkit.stats.counts` counts parameters, depth and
multiply-adds. Every function takes a built Keras model (or a layer) and returns plain
Python values; ``pandas.DataFrame(...)`` turns the lists into tables.

Example:
    >>> import keras
    >>> from cnnkit import stats
    >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3)])
    >>> stats.trainable_counts(model), stats.layer_kind(model.layers[0])
    ({'trainable': 40, 'non_trainable': 0}, 'conv')
"""

from __future__ import annotations

from cnnkit.stats.counts import (
    dense_share,
    layer_table,
    model_depth,
    mult_adds,
    parameters_by_kind,
    summary_row,
    trainable_counts,
    weight_layers,
)
from cnnkit.stats.kinds import DETAILED_KINDS, KINDS, layer_kind

__all__ = [
    "DETAILED_KINDS",
    "KINDS",
    "dense_share",
    "layer_kind",
    "layer_table",
    "model_depth",
    "mult_adds",
    "parameters_by_kind",
    "summary_row",
    "trainable_counts",
    "weight_layers",
]
