"""Argument checks shared by the matrix and map figures of ``cnnkit.viz``.

Example:
    >>> matrix([[1, 2]], "m").shape
    (1, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["real_array", "matrix", "check_titles"]


def real_array(value: Any, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must be a real numeric array, got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}).")
    return array


def matrix(value: Any, name: str) -> np.ndarray:
    array = real_array(value, name)
    if array.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D matrix, got shape {array.shape}; for a multi-channel "
            "array show one channel at a time (m[:, :, c])."
        )
    return array


def check_titles(titles: Sequence[str] | None, count: int) -> list[str | None]:
    if titles is None:
        return [None] * count
    if isinstance(titles, str) or len(titles) != count:
        raise ValueError(
            f"`titles` must be a list with one title per panel ({count}), got {titles!r}."
        )
    return [str(t) for t in titles]


