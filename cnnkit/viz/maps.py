"""Grids of feature maps and rows of photographs (before / after a filter).

`show_maps` draws a grid of feature maps (the output of a convolution for one image, one
panel per channel) and `compare_images` a row of photographs of any size, grey or colour.
Both return the matplotlib ``Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cnnkit._validate import check_int
from cnnkit.viz._arrays import check_titles, matrix, real_array
from cnnkit.viz._figure import finish, subplots

__all__ = ["show_maps", "compare_images"]


def _figure_grid(count: int, ncols: int, width: float, height: float) -> tuple[Figure, Any]:
    """A figure with ``count`` panels of ``width`` x ``height`` inches, ``ncols`` per row."""
    ncols = max(1, min(ncols, count))
    nrows = -(-count // ncols)
    fig, axes = subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    for ax in axes.flat[count:]:
        ax.axis("off")
    return fig, axes.flat[:count]


def _check_ncols(ncols: Any) -> int:
    return check_int(ncols, "ncols", minimum=1)


def _map_list(maps: Any) -> list[np.ndarray]:
    if isinstance(maps, list | tuple):
        arrays = [matrix(m, f"maps[{i}]") for i, m in enumerate(maps)]
    else:
        array = real_array(maps, "maps")
        if array.ndim == 2:
            arrays = [array]
        elif array.ndim == 3:
            arrays = [array[:, :, i] for i in range(array.shape[2])]
        else:
            raise ValueError(
                f"`maps` must be (H, W, F), (H, W) or a list of 2-D arrays, got shape "
                f"{array.shape}; drop the batch axis first (maps[0])."
            )
    if not arrays:
        raise ValueError("`maps` is empty; give at least one feature map.")
    return arrays


def show_maps(
    maps: Any,
    *,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "viridis",
    suptitle: str | None = None,
    size: float = 1.6,
    shared_scale: bool = False,
    colorbar: bool = False,
) -> Figure:
    """Draws a grid of feature maps, one panel per map, without axes.

    Args:
        maps: an ``(H, W, F)`` array (the output of a conv layer for one image, F maps), one
            ``(H, W)`` map, or a list of 2-D arrays of any sizes.
        titles: one title per map.
        ncols: panels per row. Default 8.
        cmap: colour map. Default ``"viridis"``.
        suptitle: title of the whole figure.
        size: inches per panel.
        shared_scale: if True every panel uses the same colour range (to compare values
            across maps); by default each map is stretched to its own range.
        colorbar: add a colour bar to every panel.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        TypeError: if the maps are not numeric.
        ValueError: for a wrong shape, a bad ``ncols`` or a ``titles`` of the wrong length.

    Example:
        >>> fig = show_maps(np.zeros((5, 5, 3)), titles=["a", "b", "c"])
        >>> len(fig.axes)
        3
    """
    arrays = _map_list(maps)
    labels = check_titles(titles, len(arrays))
    columns = _check_ncols(ncols)
    limits = (None, None)
    if shared_scale:
        limits = (min(float(a.min()) for a in arrays), max(float(a.max()) for a in arrays))
    fig, axes = _figure_grid(len(arrays), columns, size, size + (0.25 if titles else 0.0))
    for ax, array, label in zip(axes, arrays, labels, strict=True):
        image = ax.imshow(array, cmap=cmap, vmin=limits[0], vmax=limits[1])
        ax.set_xticks([])
        ax.set_yticks([])
        if label:
            ax.set_title(label, fontsize=9)
        if colorbar:
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return finish(fig, suptitle=suptitle)


def _image_for_display(image: Any, index: int) -> np.ndarray:
    array = real_array(image, f"images[{index}]")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 3 and array.shape[2] == 3:
        if array.dtype.kind == "f":
            return np.clip(array, 0.0, 1.0)
        return np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim != 2:
        raise ValueError(
            f"`images[{index}]` must be (H, W), (H, W, 1) or (H, W, 3), got shape {array.shape}."
        )
    return array


def compare_images(
    images: Sequence[Any],
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    cmap: str = "gray",
    size: float = 3.0,
    suptitle: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """Draws photographs side by side (before / after a filter), grey or colour, any size.

    Args:
        images: a list of ``(H, W)``, ``(H, W, 1)`` or ``(H, W, 3)`` arrays; shapes may
            differ. Colour images are shown as RGB (floats clipped to [0, 1], integers to
            [0, 255]); grey ones with ``cmap`` stretched to their own range unless
            ``vmin`` / ``vmax`` are given.
        titles: one title per image.
        ncols: images per row; default all in one row.
        cmap: colour map for grey images. Default ``"gray"``.
        size: inches per image.
        suptitle: title of the whole figure.
        vmin, vmax: fixed range for grey images (e.g. 0 and 1 to keep brightness
            comparable).

    Returns:
        The matplotlib ``Figure``.

    Raises:
        TypeError: if an image is not numeric.
        ValueError: for a wrong image shape, an empty list or a ``titles`` of the wrong length.

    Example:
        >>> fig = compare_images([np.zeros((4, 4)), np.ones((2, 2, 3))], ["antes", "después"])
        >>> [ax.get_title() for ax in fig.axes]
        ['antes', 'después']
    """
    arrays = [_image_for_display(image, i) for i, image in enumerate(images)]
    if not arrays:
        raise ValueError("`images` is empty; give at least one image.")
    labels = check_titles(titles, len(arrays))
    columns = len(arrays) if ncols is None else _check_ncols(ncols)
    ratio = max(a.shape[0] / a.shape[1] for a in arrays)
    fig, axes = _figure_grid(len(arrays), columns, size, size * ratio + (0.3 if titles else 0))
    for ax, array, label in zip(axes, arrays, labels, strict=True):
        if array.ndim == 2:
            ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax)
        else:
            ax.imshow(array)
        ax.axis("off")
        if label:
            ax.set_title(label, fontsize=10)
    return finish(fig, suptitle=suptitle)
