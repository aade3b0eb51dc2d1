"""Sliding-window geometry shared by :func:`~cnnkit.ops.conv2d` and :func:`~cnnkit.ops.pool2d`.

A window (a kernel or a pooling window) of size ``(kh, kw)`` moves over a padded image with
steps ``(sh, sw)``. The operations never loop over pixels: for each tap ``(i, j)`` of the
window, :func:`tap` returns the strided view of the image that this tap sees at every output
position, and the operation combines the kh * kw views.

Example:
    >>> import numpy as np
    >>> from cnnkit.ops._windows import output_hw, tap
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> out = output_hw(image.shape, (2, 2), (2, 2), "size")
    >>> out, tap(image, 1, 1, out, (2, 2))  # bottom-right cell of every 2x2 block
    ((2, 2), array([[ 5.,  7.],
           [13., 15.]]))
"""

from __future__ import annotations

import numpy as np

from cnnkit._arrays import int_pair
from cnnkit.ops.formulas import same_padding

__all__ = ["Padding", "output_hw", "pads", "padding_mode", "tap"]

Padding = str | int | tuple[int, int]


def padding_mode(padding: object, *, allow_int: bool) -> str | tuple[int, int]:
    """Validates ``padding``: "valid", "same" or (when allowed) an int / pair of ints >= 0.

    Args:
        padding: the caller's ``padding`` argument.
        allow_int: whether explicit pixel counts are accepted (convolution) or only the
            Keras modes (pooling).

    Returns:
        ``"valid"``, ``"same"`` or ``(rows, cols)`` of zeros added on each side.

    Raises:
        TypeError: ``padding`` is not a str (nor an int / pair when allowed).
        ValueError: an unknown mode or a negative count.

    Example:
        >>> padding_mode("SAME", allow_int=False), padding_mode(1, allow_int=True)
        ('same', (1, 1))
    """
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            extra = ", an int or a pair (ph, pw)" if allow_int else ""
            raise ValueError(f'`padding` must be "valid", "same"{extra}; got {padding!r}.')
        return mode
    if not allow_int:
        raise TypeError(f'`padding` must be "valid" or "same", got {padding!r}.')
    return int_pair(padding, "padding", minimum=0)


def pads(
    padding: str | tuple[int, int],
    shape: tuple[int, int],
    window: tuple[int, int],
    stride: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Per-axis ``(before, after)`` padding for a mode returned by :func:`padding_mode`.

    Example:
        >>> pads("same", (5, 5), (4, 4), (1, 1))
        ((1, 2), (1, 2))
    """
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        rows, cols = (
            same_padding(n, k, s) for n, k, s in zip(shape, window, stride, strict=True)
        )
        return rows, cols
    return (padding[0], padding[0]), (padding[1], padding[1])


def output_hw(
    padded: tuple[int, ...], window: tuple[int, int], stride: tuple[int, int], name: str
) -> tuple[int, int]:
    """Output height and width ``(n - k) // s + 1`` after checking that the window fits.

    Args:
        padded: shape of the padded image (only the first two axes are used).
        window: ``(kh, kw)``.
        stride: ``(sh, sw)``.
        name: the argument that sets the window (``"kernel"``, ``"size"``), for the error.

    Raises:
        ValueError: the window is larger than the padded image.

    Example:
        >>> output_hw((7, 7), (3, 3), (2, 2), "kernel")
        (3, 3)
    """
    if window[0] > padded[0] or window[1] > padded[1]:
        raise ValueError(
            f"`{name}` of spatial size {window} is larger than the padded input "
            f"{tuple(padded[:2])}; use a smaller {name}, more padding or a larger input."
        )
    rows, cols = ((n - k) // s + 1 for n, k, s in zip(padded[:2], window, stride, strict=True))
    return rows, cols


def tap(
    array: np.ndarray, i: int, j: int, out: tuple[int, int], stride: tuple[int, int]
) -> np.ndarray:
    """View of ``array`` seen by window tap ``(i, j)`` at every output position.

    Example:
        >>> tap(np.arange(5.0)[None], 0, 1, (1, 2), (1, 2))
        array([[1., 3.]])
    """
    return array[
        i : i + stride[0] * (out[0] - 1) + 1 : stride[0],
        j : j + stride[1] * (out[1] - 1) + 1 : stride[1],
    ]
