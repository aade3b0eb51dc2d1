"""The reference upsampling: what Keras ``UpSampling2D`` computes, and deck 000's bed of nails.

Example:
    >>> from cnnkit.ops import upsample2d
    >>> upsample2d([[1, 2]], (1, 2))
    array([[1., 1., 2., 2.]])
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from cnnkit._arrays import IntPair, as_float_array, int_pair

__all__ = ["upsample2d"]


def upsample2d(
    x: np.ndarray,
    factor: IntPair = 2,
    *,
    mode: Literal["nearest", "bilinear", "bed_of_nails"] = "nearest",
) -> np.ndarray:
    """Enlarges an image or feature map by an integer factor (Keras ``UpSampling2D``).

    Bilinear: output pixel ``o`` reads the input at ``(o + 0.5) / f - 0.5``, clamped to the
    image, and mixes the two nearest pixels with weights given by the distance.

    Args:
        x: the image or feature map(s), ``(H, W)`` or ``(H, W, C)``.
        factor: growth ``(fh, fw)``; an int is used for both axes. Default 2.
        mode: ``"nearest"`` (default) copies each pixel into an ``fh x fw`` block;
            ``"bilinear"`` interpolates between neighbours (half-pixel centres, as
            ``UpSampling2D(interpolation="bilinear")``); ``"bed_of_nails"`` puts each pixel
            in the top-left corner of its block and zeros elsewhere (deck 000).

    Returns:
        A float64 array ``(H * fh, W * fw)`` or ``(H * fh, W * fw, C)``.

    Raises:
        TypeError: ``x`` is not real-numeric or ``factor`` is not an int / pair of ints.
        ValueError: ``x`` has the wrong number of dimensions or NaN / inf values,
            ``factor`` is not positive, or ``mode`` is unknown.

    Example:
        >>> x = [[1, 2],
        ...      [3, 4]]
        >>> upsample2d(x)
        array([[1., 1., 2., 2.],
               [1., 1., 2., 2.],
               [3., 3., 4., 4.],
               [3., 3., 4., 4.]])
        >>> upsample2d(x, mode="bed_of_nails")
        array([[1., 0., 2., 0.],
               [0., 0., 0., 0.],
               [3., 0., 4., 0.],
               [0., 0., 0., 0.]])
        >>> upsample2d([[0, 4]], (1, 2), mode="bilinear")
        array([[0., 1., 3., 4.]])
    """
    image = as_float_array(x, "x", (2, 3))
    fh, fw = int_pair(factor, "factor", minimum=1)
    if mode == "nearest":
        return np.repeat(np.repeat(image, fh, axis=0), fw, axis=1)
    if mode == "bed_of_nails":
        result = np.zeros((image.shape[0] * fh, image.shape[1] * fw, *image.shape[2:]))
        result[::fh, ::fw] = image
        return result
    if mode == "bilinear":
        r0, r1, wr = _bilinear_axis(image.shape[0], fh)
        c0, c1, wc = _bilinear_axis(image.shape[1], fw)
        wr = wr.reshape((-1,) + (1,) * (image.ndim - 1))
        rows = image[r0] * (1 - wr) + image[r1] * wr
        wc = wc.reshape((1, -1) + (1,) * (image.ndim - 2))
        return rows[:, c0] * (1 - wc) + rows[:, c1] * wc
    raise ValueError(
        f'`mode` must be "nearest", "bilinear" or "bed_of_nails", got {mode!r}.'
    )


def _bilinear_axis(n: int, factor: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights for bilinear resizing with half-pixel centres."""
    coords = (np.arange(n * factor) + 0.5) / factor - 0.5
    lower = np.floor(coords)
    weight = coords - lower
    i0 = np.clip(lower, 0, n - 1).astype(np.intp)
    i1 = np.clip(lower + 1, 0, n - 1).astype(np.intp)
    return i0, i1, weight
