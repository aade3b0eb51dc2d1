"""A convolution written as the matrix of a fully connected layer.

Deck 001 ("Convolución + Pooling como prior") says a convolution is a particular fully
connected layer: some weights are shared (equal) and the others are fixed to zero. This
module builds that matrix, so the notebooks can multiply it by a flattened image and count
its weights against a dense layer's. It is a teaching reference, written with NumPy; the
matrix of a 2-D correlation is doubly block Toeplitz (a Toeplitz matrix of Toeplitz blocks).

Example:
    >>> import numpy as np
    >>> from cnnkit.convmatrix import conv_matrix
    >>> conv_matrix((1, 3), [[1, 2]])
    array([[1., 2., 0.],
           [0., 1., 2.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cnnkit._arrays import as_float_array
from cnnkit._validate import check_bool, check_int, check_shape

__all__ = ["conv_matrix"]


def conv_matrix(
    image_shape: tuple[int, int],
    kernel: Any,
    *,
    stride: int = 1,
    padding: int = 0,
    flip: bool = False,
) -> np.ndarray:
    """Builds the matrix ``M`` with ``M @ x.ravel() == ops.conv2d(x, kernel).ravel()``.

    Row ``r`` of ``M`` holds the weights output pixel ``r`` gives to every input pixel
    (row-major order, as ``ravel``): the kernel's weights where its window covers the
    input, zero elsewhere. The same weights repeat, shifted, on every row.

    Reference:
        Goodfellow, Bengio and Courville, "Deep Learning", MIT Press, 2016, section 9.1
        (discrete convolution as multiplication by a doubly block circulant matrix).

    Args:
        image_shape: ``(height, width)`` of the grey input image.
        kernel: 2-D array of weights ``(kh, kw)``.
        stride: step of the kernel on both axes (int >= 1). Default 1.
        padding: rows / columns of zeros around the input (int >= 0); the padded pixels
            are zero, so their columns are dropped from ``M``. Default 0 ("valid").
        flip: if True, the true convolution (kernel flipped), as ``ops.conv2d(flip=True)``.

    Returns:
        A float64 array of shape ``(H_out * W_out, height * width)``, where ``H_out`` and
        ``W_out`` are the sizes ``ops.conv2d`` gives (rounded down when the kernel does
        not fit a whole number of times).

    Raises:
        TypeError: ``image_shape`` is not a tuple, ``kernel`` is not numeric,
            ``stride`` / ``padding`` are not ints or ``flip`` is not a bool.
        ValueError: ``image_shape`` is not two positive ints, ``kernel`` is not 2-D or
            has NaN / inf, ``stride`` < 1, ``padding`` < 0, or the kernel is larger than
            the padded image.

    Example:
        A 3x3 image and a 2x2 kernel give a 2x2 map, so ``M`` is 4 x 9:

        >>> m = conv_matrix((3, 3), [[1, 2], [3, 4]])
        >>> m
        array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
               [0., 1., 2., 0., 3., 4., 0., 0., 0.],
               [0., 0., 0., 1., 2., 0., 3., 4., 0.],
               [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
        >>> x = np.arange(9.0).reshape(3, 3)
        >>> (m @ x.ravel()).reshape(2, 2)
        array([[27., 37.],
               [57., 67.]])
    """
    height, width = check_shape(image_shape, "image_shape", ndim=2, example="(5, 5)")
    weights = as_float_array(kernel, "kernel", (2,))
    step = check_int(stride, "stride", minimum=1)
    pad = check_int(padding, "padding", minimum=0, hint="Use 0 for 'valid'.")
    if check_bool(flip, "flip"):
        weights = weights[::-1, ::-1]
    kh, kw = weights.shape
    padded_h, padded_w = height + 2 * pad, width + 2 * pad
    if kh > padded_h or kw > padded_w:
        raise ValueError(
            f"`kernel` of shape {weights.shape} is larger than the padded image "
            f"{(padded_h, padded_w)}; use a smaller kernel or more `padding`."
        )
    out_h, out_w = (padded_h - kh) // step + 1, (padded_w - kw) // step + 1
    rows = np.arange(out_h * out_w)
    top, left = (rows // out_w) * step, (rows % out_w) * step
    matrix = np.zeros((out_h * out_w, padded_h * padded_w))
    for u in range(kh):  # one pass per tap of the kernel, never per pixel
        for v in range(kw):
            matrix[rows, (top + u) * padded_w + left + v] = weights[u, v]
    inside = np.zeros((padded_h, padded_w), dtype=bool)
    inside[pad:pad + height, pad:pad + width] = True
    return matrix[:, inside.ravel()]
