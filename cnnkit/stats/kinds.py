"""cnnkit's one layer-kind table: the role each Keras layer class plays in a CNN.

Every part of cnnkit that sorts layers by role (the parameter tables of
:mod:`cnnkit.stats`, the feature maps and Grad-CAM of :mod:`cnnkit.viz`, the LeNet-5
checker of :mod:`cnnkit.exercises`) asks :func:`layer_kind`, so a layer class added here
is recognised everywhere at once.

The table has two granularities. :data:`DETAILED_KINDS` tells a standard convolution from
a depthwise, separable or transposed one, and a pooling, activation, flatten or padding
layer from any other; :data:`KINDS`, the rows of :func:`~cnnkit.stats.parameters_by_kind`,
groups every convolution as ``"conv"`` and every layer that is not a convolution, a dense
layer or a batch normalisation as ``"other"``.

Example:
    >>> import keras
    >>> from cnnkit.stats import layer_kind
    >>> pool = keras.layers.MaxPooling2D()
    >>> layer_kind(pool), layer_kind(pool, detailed=True)
    ('other', 'pool')
"""

from __future__ import annotations

import keras

from cnnkit._validate import check_bool

__all__ = ["DETAILED_KINDS", "KINDS", "layer_kind"]

_L = keras.layers

# (detailed kind, kind, layer classes); the first row whose classes match wins.
_TABLE: tuple[tuple[str, str, tuple[type, ...]], ...] = (
    ("conv", "conv", (_L.Conv1D, _L.Conv2D, _L.Conv3D)),
    ("depthwise_conv", "conv", (_L.DepthwiseConv1D, _L.DepthwiseConv2D)),
    ("separable_conv", "conv", (_L.SeparableConv1D, _L.SeparableConv2D)),
    ("transposed_conv", "conv", (_L.Conv1DTranspose, _L.Conv2DTranspose, _L.Conv3DTranspose)),
    ("dense", "dense", (_L.Dense,)),
    ("batch_norm", "batch_norm", (_L.BatchNormalization,)),
    ("pool", "other", (
        _L.MaxPooling1D, _L.MaxPooling2D, _L.MaxPooling3D,
        _L.AveragePooling1D, _L.AveragePooling2D, _L.AveragePooling3D,
    )),
    ("global_pool", "other", (
        _L.GlobalMaxPooling1D, _L.GlobalMaxPooling2D, _L.GlobalMaxPooling3D,
        _L.GlobalAveragePooling1D, _L.GlobalAveragePooling2D, _L.GlobalAveragePooling3D,
    )),
    ("activation", "other", (_L.Activation, _L.ReLU, _L.LeakyReLU, _L.ELU, _L.PReLU, _L.Softmax)),
    ("flatten", "other", (_L.Flatten,)),
    ("pad", "other", (_L.ZeroPadding1D, _L.ZeroPadding2D, _L.ZeroPadding3D)),
)  # fmt: skip

KINDS = ("conv", "dense", "batch_norm", "other")
"""The layer kinds of :func:`~cnnkit.stats.parameters_by_kind`, in table order."""

DETAILED_KINDS = (*(row[0] for row in _TABLE), "other")
"""The kinds ``layer_kind(layer, detailed=True)`` returns, in table order."""


def layer_kind(layer: keras.layers.Layer, *, detailed: bool = False) -> str:
    """Classifies a layer by the role it plays in a CNN.

    Args:
        layer: a Keras layer (built or not).
        detailed: if False (default), one of :data:`KINDS`: ``"conv"`` for every
            convolution (1-D, 2-D, 3-D, grouped, depthwise, separable, transposed),
            ``"dense"``, ``"batch_norm"`` or ``"other"``. If True, one of
            :data:`DETAILED_KINDS`: ``"conv"`` only for ``Conv1D`` / ``Conv2D`` /
            ``Conv3D``, then ``"depthwise_conv"``, ``"separable_conv"``,
            ``"transposed_conv"``, ``"dense"``, ``"batch_norm"``, ``"pool"`` (max or
            average pooling), ``"global_pool"``, ``"activation"`` (``Activation``,
            ``ReLU``, ``LeakyReLU``, ``ELU``, ``PReLU``, ``Softmax``), ``"flatten"``,
            ``"pad"`` (``ZeroPadding``) or ``"other"``.

    Returns:
        The kind, a string. Subclasses get the kind of their Keras base class.

    Raises:
        TypeError: ``layer`` is not a Keras layer, or ``detailed`` is not a bool.

    Example:
        >>> layer_kind(keras.layers.DepthwiseConv2D(3)), layer_kind(keras.layers.ReLU())
        ('conv', 'other')
        >>> layer_kind(keras.layers.DepthwiseConv2D(3), detailed=True)
        'depthwise_conv'
        >>> [layer_kind(layer, detailed=True) for layer in (
        ...     keras.layers.Conv2D(6, 5), keras.layers.AveragePooling2D(2),
        ...     keras.layers.Flatten(), keras.layers.ZeroPadding2D(2))]
        ['conv', 'pool', 'flatten', 'pad']
    """
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"`layer` must be a keras layer, got {type(layer).__name__}: {layer!r}")
    check_bool(detailed, "detailed")
    for detailed_kind, kind, classes in _TABLE:
        if isinstance(layer, classes):
            return detailed_kind if detailed else kind
    return "other"

