"""The size and parameter formulas of the slides: output size, "same" padding, parameters.

Plain integer arithmetic, no arrays: what the slides compute by hand before a layer is
built, and what :func:`~cnnkit.ops.conv2d` and :func:`~cnnkit.ops.pool2d` use to size their
outputs.

Example:
    >>> from cnnkit.ops import conv_output_size, conv_params
    >>> conv_output_size(32, 5), conv_params(5, 3, 10)
    (28, 760)
"""

from __future__ import annotations

import numpy as np

from cnnkit._arrays import IntPair, int_pair
from cnnkit._validate import check_bool, check_int

__all__ = ["conv_output_size", "conv_params", "same_padding"]


def same_padding(n: int, kernel_size: int, stride: int = 1) -> tuple[int, int]:
    """Zero padding ``(before, after)`` that Keras adds on one axis for ``padding="same"``.

    Keras (TensorFlow) makes the output ``ceil(n / stride)`` long and pads in total
    ``max((ceil(n / stride) - 1) * stride + kernel_size - n, 0)`` pixels; when that total
    is odd the extra pixel goes after (bottom / right).

    Args:
        n: size of the input along the axis.
        kernel_size: size of the filter (or pooling window) along the axis.
        stride: step of the filter along the axis. Default 1.

    Returns:
        The pixels added before (top / left) and after (bottom / right).

    Raises:
        TypeError: an argument is not an int.
        ValueError: an argument is smaller than 1.

    Example:
        >>> same_padding(7, 3)
        (1, 1)
        >>> same_padding(6, 2, stride=2)
        (0, 0)
        >>> same_padding(5, 4)
        (1, 2)
    """
    n = check_int(n, "n", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    out = -(-n // stride)
    total = max((out - 1) * stride + kernel_size - n, 0)
    return total // 2, total - total // 2


def conv_output_size(
    n: int, kernel_size: int, *, stride: int = 1, padding: int = 0, strict: bool = True
) -> int:
    """Output size of a convolution or pooling along one axis: ``(N - F + 2P) / S + 1``.

    Deck 001: ``(N - F) / stride + 1``; with zero padding ``(W - F + 2P) / S + 1``. A
    stride-1 layer keeps the size when ``P = (F - 1) / 2``.

    Args:
        n: input size ``N`` (width or height).
        kernel_size: filter size ``F``.
        stride: stride ``S``. Default 1.
        padding: zero padding ``P`` added on each side. Default 0.
        strict: if True (default) follow the slides: a filter that does not fit a whole
            number of times is an error. If False round down, which is what Keras does
            (the last rows / columns that do not fill a window are ignored).

    Returns:
        The output size.

    Raises:
        TypeError: an argument is not an int.
        ValueError: an argument is out of range, the filter is larger than the padded
            input, or (with ``strict=True``) the filter does not fit; the message shows the
            fraction.

    Example:
        >>> conv_output_size(7, 3)
        5
        >>> conv_output_size(7, 3, stride=2)
        3
        >>> conv_output_size(32, 5, padding=2)
        32
        >>> conv_output_size(7, 3, stride=3)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        ValueError: the filter does not fit: (7 - 3) / 3 + 1 = 2.33 is not an integer; ...
        >>> conv_output_size(7, 3, stride=3, strict=False)
        2
    """
    n = check_int(n, "n", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    span = n - kernel_size + 2 * padding
    if span < 0:
        raise ValueError(
            f"`kernel_size` {kernel_size} is larger than the padded input "
            f"{n + 2 * padding}; use a smaller kernel or more padding."
        )
    if strict and span % stride:
        pad_text = f" + 2*{padding}" if padding else ""
        raise ValueError(
            f"the filter does not fit: ({n} - {kernel_size}{pad_text}) / {stride} + 1 = "
            f"{span / stride + 1:.2f} is not an integer; change the stride or the padding."
        )
    return span // stride + 1


def conv_params(
    kernel_size: IntPair, in_channels: int, filters: int, *, bias: bool = True
) -> int:
    """Number of trainable parameters of a convolutional layer.

    ``N * (F * F * D + 1)`` with bias, ``N * F * F * D`` without. Deck 001: each 5x5
    filter on a 32x32x3 input has ``5*5*3 + 1 = 76`` parameters, so 10 filters have 760.

    Args:
        kernel_size: filter size ``F`` (or ``(kh, kw)``).
        in_channels: depth ``D`` of the input volume; every filter has this depth.
        filters: number of filters ``N`` (output maps).
        bias: whether each filter has a bias. Default True, as Keras
            ``Conv2D(use_bias=True)``.

    Returns:
        The number of parameters.

    Raises:
        TypeError: an argument is not an int (``bias`` not a bool).
        ValueError: an argument is smaller than 1.

    Example:
        >>> conv_params(5, 3, 10)
        760
        >>> conv_params(3, 1, 1, bias=False)
        9
    """
    kh, kw = int_pair(kernel_size, "kernel_size", minimum=1)
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    filters = check_int(filters, "filters", minimum=1)
    bias = check_bool(bool(bias) if isinstance(bias, np.bool_) else bias, "bias")
    return filters * (kh * kw * in_channels + int(bias))
