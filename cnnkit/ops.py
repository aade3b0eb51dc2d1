"""Reference NumPy versions of the operations inside a convolutional layer.

These functions compute, with plain NumPy, what Keras's ``Conv2D``, ``MaxPooling2D``,
``AveragePooling2D`` and ``UpSampling2D`` layers compute, for one image (no batch axis), so
the notebooks can show the arithmetic of the slides and then check it against the layers.

Every function is vectorised: the only Python loops run over the taps of the kernel (9 for a
3x3 filter), never over pixels. Inputs of any numeric dtype are computed in float64 and the
result is a float64 array.

Conventions (the same as Keras with ``data_format="channels_last"``):

* an image is ``(H, W)`` (grey) or ``(H, W, C)`` (C channels);
* a kernel is ``(kh, kw)``, ``(kh, kw, C)`` (one filter as deep as its input) or
  ``(kh, kw, C, F)`` (F filters, the layout of ``Conv2D.kernel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from cnnkit._validate import check_bool, check_choice, check_int

__all__ = [
    "conv2d",
    "pool2d",
    "upsample2d",
    "conv_output_size",
    "conv_params",
    "same_padding",
]

Padding = str | int | tuple[int, int]
IntPair = int | tuple[int, int]


# --------------------------------------------------------------------------- validation


def _as_float_array(value: object, name: str, ndims: Sequence[int]) -> np.ndarray:
    """Return ``value`` as a float64 array after checking its type, ndim and finiteness."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must be a real numeric array, got dtype {array.dtype}; "
            "convert it with np.asarray(..., dtype=float)."
        )
    if array.ndim not in ndims:
        allowed = " or ".join(str(n) for n in ndims)
        raise ValueError(
            f"`{name}` must have {allowed} dimensions, got shape {array.shape} "
            f"({array.ndim} dimensions)."
        )
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}); give at least one value.")
    array = array.astype(np.float64, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"`{name}` contains NaN or infinite values; they would spread over the output. "
            "Clean them first, e.g. with np.nan_to_num."
        )
    return array


def _pair(value: object, name: str, *, minimum: int) -> tuple[int, int]:
    """Turn an int or a pair of ints into a validated ``(rows, cols)`` tuple."""
    items = value if isinstance(value, tuple | list) else (value, value)
    if len(items) != 2:
        raise ValueError(f"`{name}` must be an int or a pair (rows, cols), got {value!r}.")
    pair = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | np.integer):
            raise TypeError(f"`{name}` must be an int or a pair of ints, got {value!r}.")
        if item < minimum:
            raise ValueError(f"`{name}` must be >= {minimum}, got {value!r}.")
        pair.append(int(item))
    return pair[0], pair[1]


def _padding_mode(padding: object, *, allow_int: bool) -> str | tuple[int, int]:
    """Validate ``padding``: "valid", "same" or (when allowed) an int / pair of ints >= 0."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            extra = ", an int or a pair (ph, pw)" if allow_int else ""
            raise ValueError(f'`padding` must be "valid", "same"{extra}; got {padding!r}.')
        return mode
    if not allow_int:
        raise TypeError(f'`padding` must be "valid" or "same", got {padding!r}.')
    return _pair(padding, "padding", minimum=0)


def same_padding(n: int, kernel_size: int, stride: int = 1) -> tuple[int, int]:
    """Zero padding ``(before, after)`` that Keras adds on one axis for ``padding="same"``.

    Parameters
    ----------
    n : int
        Size of the input along the axis.
    kernel_size : int
        Size of the filter (or pooling window) along the axis.
    stride : int, optional
        Step of the filter along the axis.

    Returns
    -------
    tuple of int
        Pixels added before (top / left) and after (bottom / right).

    Notes
    -----
    Keras (TensorFlow) makes the output ``ceil(n / stride)`` long and pads in total
    ``max((ceil(n / stride) - 1) * stride + kernel_size - n, 0)`` pixels; when that total is
    odd the extra pixel goes after (bottom / right).

    Examples
    --------
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


def _pads(
    padding: str | tuple[int, int], shape: tuple[int, int], window: tuple[int, int],
    stride: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Per-axis ``(before, after)`` padding for a validated padding mode."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        return tuple(
            same_padding(n, k, s) for n, k, s in zip(shape, window, stride, strict=True)
        )
    return (padding[0], padding[0]), (padding[1], padding[1])


def _check_fits(padded: tuple[int, int], window: tuple[int, int], name: str) -> None:
    if window[0] > padded[0] or window[1] > padded[1]:
        raise ValueError(
            f"`{name}` of spatial size {window} is larger than the padded input {padded}; "
            f"use a smaller {name}, more padding or a larger input."
        )


def _output_hw(
    padded: tuple[int, ...], window: tuple[int, int], stride: tuple[int, int], name: str
) -> tuple[int, int]:
    """Output height and width ``(n - k) // s + 1`` after checking that the window fits."""
    _check_fits(padded[:2], window, name)
    rows, cols = ((n - k) // s + 1 for n, k, s in zip(padded[:2], window, stride, strict=True))
    return rows, cols


def _tap(array: np.ndarray, i: int, j: int, out: tuple[int, int], stride: tuple[int, int]):
    """View of ``array`` seen by kernel tap ``(i, j)`` at every output position."""
    return array[
        i : i + stride[0] * (out[0] - 1) + 1 : stride[0],
        j : j + stride[1] * (out[1] - 1) + 1 : stride[1],
    ]


# --------------------------------------------------------------------------- convolution


def _kernel_as_4d(kernel: np.ndarray, channels: int, grey: bool) -> tuple[np.ndarray, bool]:
    """Return the kernel as ``(kh, kw, C, F)`` and whether it filters channels one by one."""
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
    values = _as_float_array(bias, "bias", (0, 1)).reshape(-1)
    if values.size not in (1, maps):
        raise ValueError(
            f"`bias` must be a scalar or have one value per output map ({maps}), "
            f"got {values.size} values."
        )
    return values


def conv2d(
    x: np.ndarray,
    kernel: np.ndarray,
    *,
    stride: IntPair = 1,
    padding: Padding = "valid",
    bias: float | np.ndarray | None = None,
    flip: bool = False,
) -> np.ndarray:
    """Slide a kernel over an image and return the feature map (what Keras ``Conv2D`` does).

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The image (grey or with C channels). Any real dtype; computed in float64.
    kernel : array_like, shape (kh, kw), (kh, kw, C) or (kh, kw, C, F)
        The filter weights. ``(kh, kw, C)`` is one filter as deep as the input (the output is
        one map); ``(kh, kw, C, F)`` is the layout of ``keras.layers.Conv2D.kernel`` (F
        maps). A 2-D kernel applied to an ``(H, W, C)`` ``x`` filters every channel on its own
        (like an image-editing blur), giving C maps.
    stride : int or tuple of 2 ints, optional
        Step of the filter, ``(sh, sw)``; an int is used for both axes. Default 1.
    padding : {"valid", "same"} or int or tuple of 2 ints, optional
        ``"valid"``: no padding (the output shrinks). ``"same"``: the zero padding Keras
        uses so that the output is ``ceil(H / sh) x ceil(W / sw)`` (see `same_padding`).
        An int ``P`` or a pair ``(ph, pw)``: that many rows / columns of zeros on each side,
        the ``P`` of the slides' formula. Default ``"valid"``.
    bias : float or array_like of shape (F,), optional
        Added to every pixel of each map (one value per map). Default: no bias.
    flip : bool, optional
        If False (default) compute the cross-correlation, as Keras, PyTorch and every deep
        learning library do. If True flip the kernel first (rows and columns), which is the
        true convolution of deck 001's formula.

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(H', W')`` for a 2-D kernel on a grey image or for a ``(kh, kw, C)`` kernel;
        ``(H', W', F)`` for a 4-D kernel; ``(H', W', C)`` for a 2-D kernel on a C-channel
        image.

    Raises
    ------
    TypeError
        If an array is not real-numeric, or `stride` / `padding` have the wrong type.
    ValueError
        If an array has the wrong number of dimensions or contains NaN / inf, the kernel
        depth does not match the channels of `x`, the kernel is larger than the padded input,
        `stride` is not positive, `padding` is unknown or negative, or `bias` has the wrong
        length.

    Notes
    -----
    With a kernel H of size (2k + 1) x (2k + 1) (deck 002)::

        G[i, j] = sum_{u=-k..k} sum_{v=-k..k} H[u, v] F[i + u, j + v]      (flip=False)
        (u * h)(i, j) = sum_{k, l} u(i - k, j - l) h(k, l)                  (flip=True)

    The output has ``(W - F + 2P) / S + 1`` columns (rounded down, as Keras does; see
    `conv_output_size`). The loop runs over the kh * kw taps of the kernel, each adding a
    shifted, strided view of the whole image.

    Examples
    --------
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
    image = _as_float_array(x, "x", (2, 3))
    weights = _as_float_array(kernel, "kernel", (2, 3, 4))
    strides = _pair(stride, "stride", minimum=1)
    mode = _padding_mode(padding, allow_int=True)
    flip = check_bool(bool(flip) if isinstance(flip, np.bool_) else flip, "flip")

    grey = image.ndim == 2
    image3 = image[:, :, None] if grey else image
    weights4, per_channel = _kernel_as_4d(weights, image3.shape[2], grey)
    if flip:
        weights4 = weights4[::-1, ::-1]
    window = weights4.shape[:2]
    maps = image3.shape[2] if per_channel else weights4.shape[3]
    offsets = None if bias is None else _bias_vector(bias, maps)

    pads = _pads(mode, image3.shape[:2], window, strides)
    padded = np.pad(image3, (*pads, (0, 0))) if any(sum(p) for p in pads) else image3
    out_hw = _output_hw(padded.shape, window, strides, "kernel")

    result = _correlate_taps(padded, weights4, out_hw, strides, per_channel)
    if offsets is not None:
        result += offsets
    if weights.ndim == 4 or per_channel:
        return result
    return result[:, :, 0]


def _correlate_taps(
    padded: np.ndarray, weights4: np.ndarray, out_hw: tuple[int, int],
    strides: tuple[int, int], per_channel: bool,
) -> np.ndarray:
    """Sum, over the kernel taps, the strided views of ``padded`` times the tap weights."""
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
                np.multiply(_tap(source, i, j, out_hw, strides), weights4[i, j, 0, 0],
                            out=scratch)
                result += scratch
            else:
                result += _tap(padded, i, j, out_hw, strides) @ weights4[i, j]
    return result if result.ndim == 3 else result[:, :, None]


# --------------------------------------------------------------------------- pooling


def pool2d(
    x: np.ndarray,
    size: IntPair = 2,
    *,
    stride: IntPair | None = None,
    padding: Literal["valid", "same"] = "valid",
    mode: Literal["max", "average"] = "max",
) -> np.ndarray:
    """Max or average pooling of every channel (what Keras ``MaxPooling2D`` /
    ``AveragePooling2D`` do).

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The feature map(s). Each channel is pooled on its own.
    size : int or tuple of 2 ints, optional
        Window size ``(ph, pw)`` (Keras ``pool_size``). Default 2.
    stride : int or tuple of 2 ints, optional
        Step of the window. Default: equal to `size` (non-overlapping windows), as in Keras.
    padding : {"valid", "same"}, optional
        ``"valid"`` (default) drops the windows that do not fit; ``"same"`` pads so that the
        output is ``ceil(H / stride)`` long, like Keras. The padded cells never win a max and
        are left out of an average.
    mode : {"max", "average"}, optional
        Keep the largest value of each window (default) or its mean.

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(H', W')`` or ``(H', W', C)``, the same number of dimensions as `x`.

    Raises
    ------
    TypeError
        If `x` is not real-numeric or `size` / `stride` are not ints.
    ValueError
        If `x` has the wrong number of dimensions or NaN / inf values, the window is larger
        than the input, `size` or `stride` is not positive, or `padding` / `mode` are unknown.

    Notes
    -----
    Output size (deck 002): ``W2 = (W1 - F) / S + 1`` (rounded down with ``"valid"``). The
    usual F = 2, S = 2 halves width and height and keeps 1 activation out of 4 (it drops
    75%). Pooling has no parameters.

    Examples
    --------
    Deck 004's example:

    >>> x = [[1, 2, 0, 2],
    ...      [1, 4, 2, 0],
    ...      [4, 3, 1, 0],
    ...      [1, 2, 2, 1]]
    >>> pool2d(x, 2)
    array([[4., 2.],
           [4., 2.]])
    >>> pool2d(x, 2, mode="average")
    array([[2. , 1. ],
           [2.5, 1. ]])
    """
    image = _as_float_array(x, "x", (2, 3))
    window = _pair(size, "size", minimum=1)
    strides = window if stride is None else _pair(stride, "stride", minimum=1)
    pad_mode = _padding_mode(padding, allow_int=False)
    check_choice(mode, "mode", ("max", "average"))

    image3 = image[:, :, None] if image.ndim == 2 else image
    pads = _pads(pad_mode, image3.shape[:2], window, strides)
    fill = -np.inf if mode == "max" else 0.0
    padded = np.pad(image3, (*pads, (0, 0)), constant_values=fill)
    out_hw = _output_hw(padded.shape, window, strides, "size")

    taps = [
        _tap(padded, i, j, out_hw, strides) for i in range(window[0]) for j in range(window[1])
    ]
    if mode == "max":
        result = taps[0].copy()
        for view in taps[1:]:
            np.maximum(result, view, out=result)
    else:
        result = np.sum(taps, axis=0)
        inside = np.pad(np.ones(image3.shape[:2]), pads)
        counts = conv2d(inside, np.ones(window), stride=strides)
        result /= counts[:, :, None]
    return result[:, :, 0] if image.ndim == 2 else result


# --------------------------------------------------------------------------- upsampling


def _bilinear_axis(n: int, factor: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source indices and weights for bilinear resizing with half-pixel centres."""
    coords = (np.arange(n * factor) + 0.5) / factor - 0.5
    lower = np.floor(coords)
    weight = coords - lower
    i0 = np.clip(lower, 0, n - 1).astype(np.intp)
    i1 = np.clip(lower + 1, 0, n - 1).astype(np.intp)
    return i0, i1, weight


def upsample2d(
    x: np.ndarray,
    factor: IntPair = 2,
    *,
    mode: Literal["nearest", "bilinear", "bed_of_nails"] = "nearest",
) -> np.ndarray:
    """Enlarge an image or feature map by an integer factor (what Keras ``UpSampling2D`` does).

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        The image or feature map(s).
    factor : int or tuple of 2 ints, optional
        Growth ``(fh, fw)``; an int is used for both axes. Default 2.
    mode : {"nearest", "bilinear", "bed_of_nails"}, optional
        ``"nearest"`` copies each pixel into an ``fh x fw`` block; ``"bilinear"``
        interpolates between neighbours (half-pixel centres, as ``UpSampling2D(
        interpolation="bilinear")``); ``"bed_of_nails"`` puts each pixel in the top-left
        corner of its block and zeros elsewhere (deck 000).

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(H * fh, W * fw)`` or ``(H * fh, W * fw, C)``.

    Raises
    ------
    TypeError
        If `x` is not real-numeric or `factor` is not an int / pair of ints.
    ValueError
        If `x` has the wrong number of dimensions or NaN / inf values, `factor` is not
        positive, or `mode` is unknown.

    Notes
    -----
    Bilinear: output pixel ``o`` reads the input at ``(o + 0.5) / f - 0.5``, clamped to the
    image, and mixes the two nearest pixels with weights given by the distance.

    Examples
    --------
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
    image = _as_float_array(x, "x", (2, 3))
    fh, fw = _pair(factor, "factor", minimum=1)
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


# --------------------------------------------------------------------------- formulas


def _positive_int(value: object, name: str, *, minimum: int = 1) -> int:
    return check_int(value, name, minimum=minimum)


def conv_output_size(
    n: int, kernel_size: int, *, stride: int = 1, padding: int = 0, strict: bool = True
) -> int:
    """Output size of a convolution or pooling along one axis: ``(N - F + 2P) / S + 1``.

    Parameters
    ----------
    n : int
        Input size ``N`` (width or height).
    kernel_size : int
        Filter size ``F``.
    stride : int, optional
        Stride ``S``. Default 1.
    padding : int, optional
        Zero padding ``P`` added on each side. Default 0.
    strict : bool, optional
        If True (default) follow the slides: a filter that does not fit a whole number of
        times is an error. If False round down, which is what Keras does (the last rows /
        columns that do not fill a window are ignored).

    Returns
    -------
    int
        The output size.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is out of range, the filter is larger than the padded input, or
        (with ``strict=True``) the filter does not fit; the message shows the fraction.

    Notes
    -----
    Deck 001: ``(N - F) / stride + 1``; with zero padding ``(W - F + 2P) / S + 1``. A stride-1
    layer keeps the size when ``P = (F - 1) / 2``.

    Examples
    --------
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
    n = _positive_int(n, "n")
    kernel_size = _positive_int(kernel_size, "kernel_size")
    stride = _positive_int(stride, "stride")
    padding = _positive_int(padding, "padding", minimum=0)
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

    Parameters
    ----------
    kernel_size : int or tuple of 2 ints
        Filter size ``F`` (or ``(kh, kw)``).
    in_channels : int
        Depth ``D`` of the input volume; every filter has this depth.
    filters : int
        Number of filters ``N`` (output maps).
    bias : bool, optional
        Whether each filter has a bias. Default True, as Keras ``Conv2D(use_bias=True)``.

    Returns
    -------
    int
        ``N * (F * F * D + 1)`` with bias, ``N * F * F * D`` without.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is smaller than 1.

    Notes
    -----
    Deck 001: each 5x5 filter on a 32x32x3 input has ``5*5*3 + 1 = 76`` parameters,
    so 10 filters have 760.

    Examples
    --------
    >>> conv_params(5, 3, 10)
    760
    >>> conv_params(3, 1, 1, bias=False)
    9
    """
    kh, kw = _pair(kernel_size, "kernel_size", minimum=1)
    in_channels = _positive_int(in_channels, "in_channels")
    filters = _positive_int(filters, "filters")
    bias = check_bool(bool(bias) if isinstance(bias, np.bool_) else bias, "bias")
    return filters * (kh * kw * in_channels + int(bias))
