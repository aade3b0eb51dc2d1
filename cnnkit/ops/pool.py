"""The reference pooling: what Keras ``MaxPooling2D`` and ``AveragePooling2D`` compute.

Example:
    >>> from cnnkit.ops import pool2d
    >>> pool2d([[1, 5], [3, 2]])
    array([[5.]])
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from cnnkit._arrays import IntPair, as_float_array, int_pair
from cnnkit._validate import check_choice
from cnnkit.ops._windows import output_hw, padding_mode, pads, tap
from cnnkit.ops.conv import conv2d

__all__ = ["pool2d"]

MODES = ("max", "avg")
"""The pooling kinds, named as the builders' ``pooling`` argument names them."""

OLD_MODES = {"average": "avg"}
"""Former names still accepted (with a ``PendingDeprecationWarning``)."""


def pool2d(
    x: np.ndarray,
    size: IntPair = 2,
    *,
    stride: IntPair | None = None,
    padding: Literal["valid", "same"] = "valid",
    mode: Literal["max", "avg"] = "max",
) -> np.ndarray:
    """Max or average pooling of every channel (Keras ``MaxPooling2D`` / ``AveragePooling2D``).

    Output size (deck 002): ``W2 = (W1 - F) / S + 1`` (rounded down with ``"valid"``). The
    usual F = 2, S = 2 halves width and height and keeps 1 activation out of 4 (it drops
    75%). Pooling has no parameters.

    Args:
        x: the feature map(s), ``(H, W)`` or ``(H, W, C)``; each channel is pooled on its
            own.
        size: window size ``(ph, pw)`` (Keras ``pool_size``); an int is used for both axes.
            Default 2.
        stride: step of the window. Default: equal to ``size`` (non-overlapping windows),
            as in Keras.
        padding: ``"valid"`` (default) drops the windows that do not fit; ``"same"`` pads so
            that the output is ``ceil(H / stride)`` long, like Keras. The padded cells never
            win a max and are left out of an average.
        mode: ``"max"`` (default) keeps the largest value of each window, ``"avg"`` its
            mean: the names of the builders' ``pooling`` argument. The former name
            ``"average"`` still works and emits a ``PendingDeprecationWarning`` (silent
            unless warnings are turned on); use ``"avg"``.

    Returns:
        A float64 array ``(H', W')`` or ``(H', W', C)``, as many dimensions as ``x``.

    Raises:
        TypeError: ``x`` is not real-numeric or ``size`` / ``stride`` are not ints.
        ValueError: ``x`` has the wrong number of dimensions or NaN / inf values, the
            window is larger than the input, ``size`` or ``stride`` is not positive, or
            ``padding`` / ``mode`` are unknown.

    Example:
        Deck 004's example:

        >>> x = [[1, 2, 0, 2],
        ...      [1, 4, 2, 0],
        ...      [4, 3, 1, 0],
        ...      [1, 2, 2, 1]]
        >>> pool2d(x, 2)
        array([[4., 2.],
               [4., 2.]])
        >>> pool2d(x, 2, mode="avg")
        array([[2. , 1. ],
               [2.5, 1. ]])
    """
    image = as_float_array(x, "x", (2, 3))
    window = int_pair(size, "size", minimum=1)
    strides = window if stride is None else int_pair(stride, "stride", minimum=1)
    pad_mode = padding_mode(padding, allow_int=False)
    if isinstance(mode, str) and mode in OLD_MODES:
        warnings.warn(
            f"pool2d(mode={mode!r}) is the former name; use mode={OLD_MODES[mode]!r} (the "
            "builders' `pooling` names).",
            PendingDeprecationWarning,
            stacklevel=2,
        )
        mode = OLD_MODES[mode]
    check_choice(mode, "mode", MODES)

    image3 = image[:, :, None] if image.ndim == 2 else image
    padding_hw = pads(pad_mode, image3.shape[:2], window, strides)
    fill = -np.inf if mode == "max" else 0.0
    padded = np.pad(image3, (*padding_hw, (0, 0)), constant_values=fill)
    out_hw = output_hw(padded.shape, window, strides, "size")

    taps = [
        tap(padded, i, j, out_hw, strides) for i in range(window[0]) for j in range(window[1])
    ]
    if mode == "max":
        result = taps[0].copy()
        for view in taps[1:]:
            np.maximum(result, view, out=result)
    else:
        result = np.sum(taps, axis=0)
        inside = np.pad(np.ones(image3.shape[:2]), padding_hw)
        counts = conv2d(inside, np.ones(window), stride=strides)
        result /= counts[:, :, None]
    return result[:, :, 0] if image.ndim == 2 else result
