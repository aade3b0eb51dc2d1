"""Argument checks for NumPy arrays and pairs of ints, shared by the reference operations.

The array counterpart of :mod:`cnnkit._validate`, with the same rules: a value of the wrong
*type* raises ``TypeError``, a value of the right type but out of range raises
``ValueError``, and the message names the argument in backticks and says how to fix it.
:mod:`cnnkit.ops` and :mod:`cnnkit.convmatrix` use it; it imports only NumPy.

Example:
    >>> from cnnkit._arrays import as_float_array, int_pair
    >>> as_float_array([[1, 2]], "x", (2,))
    array([[1., 2.]])
    >>> int_pair(3, "stride", minimum=1)
    (3, 3)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["IntPair", "as_float_array", "int_pair"]

IntPair = int | tuple[int, int]
"""An int (both axes) or a ``(rows, cols)`` pair: what :func:`int_pair` accepts."""


def as_float_array(value: object, name: str, ndims: Sequence[int]) -> np.ndarray:
    """Returns ``value`` as a float64 array after checking its dtype, ndim and values.

    Args:
        value: anything ``np.asarray`` accepts (a list, an array of any real dtype).
        name: the argument's name, for the messages.
        ndims: the allowed numbers of dimensions.

    Returns:
        A float64 array (``value`` itself when it already is one).

    Raises:
        TypeError: the values are not real numbers (strings, complex, objects).
        ValueError: the number of dimensions is not in ``ndims``, the array is empty or it
            holds NaN or infinite values.

    Example:
        >>> as_float_array(np.arange(3, dtype=np.uint8), "bias", (1,))
        array([0., 1., 2.])
        >>> as_float_array([[np.nan]], "x", (2,))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: `x` contains NaN or infinite values; ...
    """
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


def int_pair(value: object, name: str, *, minimum: int) -> tuple[int, int]:
    """Turns an int or a pair of ints into a validated ``(rows, cols)`` tuple.

    NumPy integers are accepted; ``bool`` is not.

    Args:
        value: an int (used for both axes) or a tuple / list of two ints.
        name: the argument's name, for the messages.
        minimum: the smallest allowed value of each item.

    Returns:
        ``(rows, cols)`` as Python ints.

    Raises:
        TypeError: an item is not an int.
        ValueError: ``value`` is not one or two items, or an item is below ``minimum``.

    Example:
        >>> int_pair((2, np.int64(1)), "stride", minimum=1)
        (2, 1)
    """
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
