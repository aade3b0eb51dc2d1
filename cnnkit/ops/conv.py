"""The reference convolution: what a Keras ``Conv2D`` layer computes, for one image.

Example:
    >>> from cnnkit.ops import conv2d
    >>> conv2d([[1, 2, 3]], [[1, 1]])
    array([[3., 5.]])
"""

from __future__ import annotations

import numpy as np

from cnnkit._arrays import IntPair, as_float_array, int_pair
from cnnkit._validate import check_bool
from cnnkit.ops._windows import Padding, output_hw, padding_mode, pads, tap

__all__ = ["conv2d"]


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    *,
    stride: IntPair = 1,
    padding: Padding = "valid",
    bias: float | np.ndarray | None = None,
    flip: bool = False,
) -> np.ndarray:
    """Slides a kernel over an image and returns the feature map (what Keras ``Conv2D`` does).

    The formulas of the slides, with a kernel H of size (2k + 1) x (2k + 1) (deck 002)::

        G[i, j] = sum_{u=-k..k} sum_{v=-k..k} H[u, v] F[i + u, j + v]      (flip=False)
        (u * h)(i, j) = sum_{k, l} u(i - k, j - l) h(k, l)                  (flip=True)

    The output has ``(W - F + 2P) / S + 1`` columns (rounded down, as Keras does; see
    :func:`~cnnkit.ops.conv_output_size`). The loop runs over the kh * kw taps of the
    kernel, each adding a shifted, strided view of the whole image.

    Args:
        x: the image, ``(H, W)`` (grey) or ``(H, W, C)`` (C channels). Any real dtype;
            computed in float64.
        kernel: the filter weights. ``(kh, kw, C)`` is one filter as deep as the input (the
            output is one map); ``(kh, kw, C, F)`` is the layout of
            ``keras.layers.Conv2D.kernel`` (F maps). A 2-D ``(kh, kw)`` kernel applied to an
            ``(H, W, C)`` image filters every channel on its own (like an image-editing
            blur), giving C maps.
        stride: step of the filter, ``(sh, sw)``; an int is used for both axes. Default 1.
        padding: ``"valid"`` (default): no padding, the output shrinks. ``"same"``: the zero
            padding Keras uses so that the output is ``ceil(H / sh) x ceil(W / sw)`` (see
            :func:`~cnnkit.ops.same_padding`). An int ``P`` or a pair ``(ph, pw)``: that many
            rows / columns of zeros on each side, the ``P`` of the slides' formula.
        bias: added to every pixel of each map: a scalar or one value per map (``(F,)``).
            Default: no bias.
        flip: if False (default) compute the cross-correlation, as Keras, PyTorch and every
            deep learning library do. If True flip the kernel first (rows and columns),
            which is the true convolution of deck 001's formula.

    Returns:
        A float64 array: ``(H', W')`` for a 2-D kernel on a grey image or for a
        ``(kh, kw, C)`` kernel; ``(H', W', F)`` for a 4-D kernel; ``(H', W', C)`` for a 2-D
        kernel on a C-channel image.

    Raises:
        TypeError: an array is not real-numeric, or ``stride`` / ``padding`` / ``flip``
            have the wrong type.
        ValueError: an array has the wrong number of dimensions or contains NaN / inf, the
            kernel depth does not match the channels of ``x``, the kernel is larger than
            the padded input, ``stride`` is not positive, ``padding`` is unknown or
            negative, or ``bias`` has the wrong length.

    Examples:
        The 3x3 mean filter on a 4x4 image gives a 2x2 map of neighbourhood averages:

        >>> import numpy as np
        >>> x = np.array([[0, 0, 0, 0],
        ...               [0, 9, 9, 0],
        ...               [0, 9, 9, 0],
        ...               [0, 0, 0, 0]])
        >>> conv2d(x, np.ones((3, 3)) / 9)
        array([[4., 4.],
               [4., 4.]])

        Correlation and convolution differ when the kernel is not symmetric:

        >>> conv2d([[1, 2, 3]], [[1, 0, -1]])
        array([[-2.]])
        >>> conv2d([[1, 2, 3]], [[1, 0, -1]], flip=True)
        array([[2.]])

        ``padding=1`` keeps a 3x3 filter from shrinking the image:

        >>> conv2d(np.ones((3, 3)), np.ones((3, 3)), padding=1)
        array([[4., 6., 4.],
               [6., 9., 6.],
               [4., 6., 4.]])
    """
    image = as_float_array(x, "x", (2, 3))
    weights = as_float_array(kernel, "kernel", (2, 3, 4))
    strides = int_pair(stride, "stride", minimum=1)
    mode = padding_mode(padding, allow_int=True)
    flip = check_bool(bool(flip) if isinstance(flip, np.bool_) else flip, "flip")

    grey = image.ndim == 2
    image3 = image[:, :, None] if grey else image
    weights4, per_channel = _kernel_as_4d(weights, image3.shape[2], grey)
    if flip:
        weights4 = weights4[::-1, ::-1]
    window = weights4.shape[:2]
    maps = image3.shape[2] if per_channel else weights4.shape[3]
    offsets = None if bias is None else _bias_vector(bias, maps)

    padding_hw = pads(mode, image3.shape[:2], window, strides)
    if any(sum(p) for p in padding_hw):
        padded = np.pad(image3, (*padding_hw, (0, 0)))
    else:
        padded = image3
    out_hw = output_hw(padded.shape, window, strides, "kernel")

    result = _correlate_taps(padded, weights4, out_hw, strides, per_channel)
    if offsets is not None:
        result += offsets
    if weights.ndim == 4 or per_channel:
        return result
    return result[:, :, 0]


def _kernel_as_4d(kernel: np.ndarray, channels: int, grey: bool) -> tuple[np.ndarray, bool]:
    """Returns the kernel as ``(kh, kw, C, F)`` and whether it filters channels one by one."""
    if kernel.ndim == 2:
        return kernel[:, :, None, None], not grey
    k_channels = kernel.shape[2]
    if k_channels != channels:
        raise ValueError(
            f"`kernel` has depth {k_channels} but `x` has {channels} channel(s): a filter "
            "must be as deep as its input. Give a kernel of shape "
            f"(kh, kw, {channels}) or (kh, kw, {channels}, F)."
        )
    if kernel.ndim == 3:
        return kernel[:, :, :, None], False
    return kernel, False


def _bias_vector(bias: object, maps: int) -> np.ndarray:
    """Returns ``bias`` as one value per output map (a scalar is broadcast later)."""
    values = as_float_array(bias, "bias", (0, 1)).reshape(-1)
    if values.size not in (1, maps):
        raise ValueError(
            f"`bias` must be a scalar or have one value per output map ({maps}), "
            f"got {values.size} values."
        )
    return values


def _correlate_taps(
    padded: np.ndarray,
    weights4: np.ndarray,
    out_hw: tuple[int, int],
    strides: tuple[int, int],
    per_channel: bool,
) -> np.ndarray:
    """Sums, over the kernel taps, the strided views of ``padded`` times the tap weights."""
    kh, kw, channels, filters = weights4.shape
    scalar_taps = per_channel or (channels == 1 and filters == 1)
    if scalar_taps:
        source = padded[:, :, 0] if padded.shape[2] == 1 else padded
        result = np.zeros(out_hw + source.shape[2:], dtype=np.float64)
        scratch = np.empty_like(result)
    else:
        result = np.zeros((*out_hw, filters), dtype=np.float64)
    for i in range(kh):
        for j in range(kw):
            if scalar_taps:
                np.multiply(tap(source, i, j, out_hw, strides), weights4[i, j, 0, 0], out=scratch)
                result += scratch
            else:
                result += tap(padded, i, j, out_hw, strides) @ weights4[i, j]
    return result if result.ndim == 3 else result[:, :, None]
