"""One rule for turning stored pixels into the float32 values in [0, 1] a model takes.

Used by ``cnnkit.data.make_dataset`` and by the visualizers that run a model on images.
``uint8`` pixels are divided by 255; other integer types only when every value lies in
0-255 (the same 8-bit pixels in a wider type), otherwise the scale is unknown and a
``ValueError`` says so; booleans (a mask, a binarised image) become 0.0 and 1.0; floats
are returned as float32 unchanged (callers check their range where they need one).

Example:
    >>> import numpy as np
    >>> scale_pixels(np.array([0, 51, 255], np.uint8), "x").tolist()
    [0.0, 0.20000000298023224, 1.0]
    >>> scale_pixels(np.array([True, False]), "x").tolist()
    [1.0, 0.0]
"""

from __future__ import annotations

import numpy as np

__all__ = ["scale_pixels"]


def scale_pixels(array: np.ndarray, name: str) -> np.ndarray:
    """Float32 pixels: booleans as 0/1, 8-bit integers divided by 255, floats unchanged.

    Args:
        array: a NumPy array of bool, integer or float dtype.
        name: the argument's name, for error messages.

    Returns:
        A float32 array of the same shape.

    Raises:
        TypeError: if ``array`` holds something other than numbers.
        ValueError: if an integer array has values outside 0-255 (its scale is unknown).
    """
    kind = array.dtype.kind
    if kind == "b":
        return array.astype("float32")
    if kind in "iu":
        if array.dtype != np.uint8 and array.size:
            low, high = int(array.min()), int(array.max())
            if low < 0 or high > 255:
                raise ValueError(
                    f"`{name}` holds {array.dtype} values in [{low}, {high}], outside the 0-255 "
                    "of 8-bit pixels, so their scale is unknown: convert them to float32 in "
                    "[0, 1] yourself (e.g. x / 65535 for 16-bit images, or "
                    "(x - x.min()) / (x.max() - x.min()))."
                )
        return (array.astype("float32") / np.float32(255.0)).astype("float32")
    if kind == "f":
        return array.astype("float32")
    raise TypeError(
        f"`{name}` must hold numbers (uint8, another integer type in 0-255, bool or float), "
        f"got dtype {array.dtype}."
    )
