"""The receptive field of a stack of convolution and pooling layers, measured and computed.

The receptive field of an output pixel is the set of input pixels it depends on.
:func:`receptive_field` measures it for the central output pixel with impulses: an image
with a single 1 for every input pixel (all of them at once, as channels), sent through the
layers with all-ones filters (``cnnkit.ops.conv2d``) and pooling (``cnnkit.ops.pool2d``);
the input pixels whose impulse reaches the central output are its receptive field. Strides
and pooling are included. :func:`receptive_field_size` gives the same side length from the
usual recurrence ``r <- r + (k - 1) * j``, ``j <- j * s`` (``j``: distance in input pixels
between two neighbouring outputs of a layer).

Example:
    >>> layers = [("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1)]
    >>> field = receptive_field(15, layers)
    >>> int(field.any(axis=0).sum()), receptive_field_size(layers)
    (8, 8)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cnnkit import ops
from cnnkit._validate import check_choice, check_int

__all__ = ["receptive_field", "receptive_field_size"]

MAX_INPUT = 64
"""Largest input side :func:`receptive_field` accepts (it sends one impulse per pixel)."""


def _layers(layers: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(
            "`layers` must be a non-empty list of (kind, size, stride) tuples such as "
            f"[('conv', 3, 1), ('pool', 2, 2)], got {layers!r}."
        )
    checked = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, tuple | list) or len(layer) != 3:
            raise TypeError(f"`layers[{i}]` must be a (kind, size, stride) tuple, got {layer!r}.")
        kind = check_choice(layer[0], f"layers[{i}][0]", ("conv", "pool"))
        size = check_int(layer[1], f"layers[{i}][1]", minimum=1)
        stride = check_int(layer[2], f"layers[{i}][2]", minimum=1)
        checked.append((kind, size, stride))
    return checked


def receptive_field_size(layers: Sequence[tuple[str, int, int]]) -> int:
    """Side of the receptive field of one output pixel: ``r <- r + (k - 1) j``, ``j <- j s``.

    Args:
        layers: ``(kind, size, stride)`` for each layer, ``kind`` ``"conv"`` or ``"pool"``
            (both widen the field the same way; only size and stride matter).

    Returns:
        The side ``r`` in input pixels.

    Raises:
        TypeError: ``layers`` is not a list of 3-tuples or a size / stride is not an int.
        ValueError: an unknown kind or a size / stride below 1.

    Example:
        >>> receptive_field_size([("conv", 3, 1)] * 2), receptive_field_size([("pool", 2, 2)] * 3)
        (5, 8)
    """
    side, jump = 1, 1
    for _, size, stride in _layers(layers):
        side += (size - 1) * jump
        jump *= stride
    return side


def receptive_field(input_size: int, layers: Sequence[tuple[str, int, int]]) -> np.ndarray:
    """Measures, with impulses, how strongly each input pixel reaches the central output pixel.

    Every layer is applied without padding, convolutions with an all-ones filter and pooling
    as average pooling (its window covers the same pixels as max pooling). Entry ``[i, j]``
    of the result is the value the central output pixel takes when the input is a single 1
    at ``[i, j]``: nonzero exactly on the receptive field, and, for convolutions, the number
    of paths from that input pixel to the output (larger in the middle).

    Args:
        input_size: side of the square input, at most 64; large enough that the field does
            not reach the border.
        layers: ``(kind, size, stride)`` for each layer (see :func:`receptive_field_size`).

    Returns:
        A float array ``(input_size, input_size)``.

    Raises:
        TypeError: wrong argument types (see :func:`receptive_field_size`).
        ValueError: ``input_size`` out of range, or too small for the layers (the field
            reaches the border of the input, so it would be cut).

    Example:
        >>> field = receptive_field(9, [("conv", 3, 1), ("conv", 3, 1)])
        >>> field[2:7, 2:7].astype(int)
        array([[1, 2, 3, 2, 1],
               [2, 4, 6, 4, 2],
               [3, 6, 9, 6, 3],
               [2, 4, 6, 4, 2],
               [1, 2, 3, 2, 1]])
    """
    size = check_int(input_size, "input_size", minimum=1, maximum=MAX_INPUT)
    checked = _layers(layers)
    volume = np.eye(size * size).reshape(size, size, size * size)   # one impulse per channel
    for kind, window, stride in checked:
        if volume.shape[0] < window:
            raise ValueError(
                f"`input_size` {size} is too small for these layers: the input shrinks below "
                f"a {window}x{window} window. Use a larger input_size (at most {MAX_INPUT})."
            )
        if kind == "conv":
            volume = ops.conv2d(volume, np.ones((window, window)), stride=stride)
        else:
            volume = ops.pool2d(volume, window, stride=stride, mode="avg")
    centre = volume[volume.shape[0] // 2, volume.shape[1] // 2, :].reshape(size, size)
    reached = np.flatnonzero(centre.any(axis=0) | centre.any(axis=1))
    if reached.min() == 0 or reached.max() == size - 1:
        raise ValueError(
            f"`input_size` {size} is too small for these layers: the receptive field "
            f"reaches the border of the input. Use a larger input_size (at most {MAX_INPUT})."
        )
    return centre
