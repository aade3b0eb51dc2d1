"""Reference NumPy versions of the operations inside a convolutional layer.

These functions compute, with plain NumPy, what Keras's ``Conv2D``, ``MaxPooling2D``,
``AveragePooling2D`` and ``UpSampling2D`` layers compute, for one image (no batch axis), so
the notebooks can show the arithmetic of the slides and then check it against the layers.
One module per operation: :mod:`~cnnkit.ops.conv` (:func:`conv2d`), :mod:`~cnnkit.ops.pool`
(:func:`pool2d`), :mod:`~cnnkit.ops.upsample` (:func:`upsample2d`) and
:mod:`~cnnkit.ops.formulas` (:func:`conv_output_size`, :func:`conv_params`,
:func:`same_padding`); import them all from here.

Every operation is vectorised: the only Python loops run over the taps of the kernel (9 for
a 3x3 filter), never over pixels. Inputs of any numeric dtype are computed in float64 and
the result is a float64 array.

Conventions (the same as Keras with ``data_format="channels_last"``):

* an image is ``(H, W)`` (grey) or ``(H, W, C)`` (C channels);
* a kernel is ``(kh, kw)``, ``(kh, kw, C)`` (one filter as deep as its input) or
  ``(kh, kw, C, F)`` (F filters, the layout of ``Conv2D.kernel``).

Example:
    >>> from cnnkit import ops
    >>> ops.conv2d([[1, 2, 3, 4]], [[1, -1]])
    array([[-1., -1., -1.]])
    >>> ops.pool2d([[1, 2, 3, 4]], (1, 2))
    array([[2., 4.]])
"""

from __future__ import annotations

from cnnkit.ops.conv import conv2d
from cnnkit.ops.formulas import conv_output_size, conv_params, same_padding
from cnnkit.ops.pool import pool2d
from cnnkit.ops.upsample import upsample2d

__all__ = [
    "conv2d",
    "pool2d",
    "upsample2d",
    "conv_output_size",
    "conv_params",
    "same_padding",
]
