"""Small matrices with their numbers, kernels, feature-map grids and before / after rows.

The figures of lessons 01 and 02: `show_matrix` draws a matrix as a heat map with the value
written in every cell (the way the slides print them), `show_kernel` does the same for a
filter with a diverging colour map centred on zero and weights written as fractions (1/9,
1/16), `show_matrices` puts several in a row (image, kernel, result), `show_maps` draws a
grid of feature maps and `compare_images` a row of photographs of any size (grey or colour).
Every function returns the matplotlib ``Figure``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnkit._validate import check_int
from cnnkit.viz._text import finish_figure, localize_numbers

__all__ = [
    "show_matrix",
    "show_kernel",
    "show_matrices",
    "show_maps",
    "compare_images",
    "format_fraction",
]

MAX_ANNOTATED_CELLS = 400


# --------------------------------------------------------------------------- helpers


def _real_array(value: Any, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must be a real numeric array, got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}).")
    return array


def _matrix(value: Any, name: str) -> np.ndarray:
    array = _real_array(value, name)
    if array.ndim != 2:
        raise ValueError(
            f"`{name}` must be a 2-D matrix, got shape {array.shape}; for a multi-channel "
            "array show one channel at a time (m[:, :, c])."
        )
    return array


def _formatter(fmt: str | Callable[[float], str]) -> Callable[[float], str]:
    if callable(fmt):
        return fmt
    if not isinstance(fmt, str):
        raise TypeError(
            f"`fmt` must be a format string like '{{:.1f}}' or a callable, got {fmt!r}."
        )
    if fmt == "fraction":
        return format_fraction
    try:
        fmt.format(1.5)
    except (IndexError, KeyError, ValueError) as err:
        raise ValueError(f"`fmt` {fmt!r} is not a valid format string such as '{{:g}}'.") from err
    return fmt.format


def format_fraction(value: float, max_denominator: int = 64) -> str:
    """Write a weight as the slides do: ``1/9``, ``-1``, ``0.25`` when no small fraction fits.

    Example:
        >>> format_fraction(1 / 9), format_fraction(-2.0), format_fraction(0.123456)
        ('1/9', '-2', '0.12')
    """
    fraction = Fraction(float(value)).limit_denominator(max_denominator)
    if abs(float(fraction) - value) > 1e-9 * max(1.0, abs(value)):
        return f"{value:.2g}"
    if fraction.denominator == 1:
        return str(fraction.numerator)
    return f"{fraction.numerator}/{fraction.denominator}"


def _text_colour(rgba: Sequence[float]) -> str:
    luminance = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]
    return "black" if luminance > 0.5 else "white"


def _auto_fontsize(labels: list[str], rows: int, cols: int, cell_size: float | None) -> float:
    """Font size that fits the longest label in a cell (a digit is about 0.6 em wide)."""
    size = min(11.0, 80.0 / max(rows, cols))
    if cell_size is not None:
        longest = max(len(label) for label in labels)
        size = min(size, 0.75 * cell_size * 72 / (0.6 * max(longest, 2)))
    return max(5.0, size)


def _draw_matrix(
    ax: Axes, matrix: np.ndarray, *, title: str | None, fmt: Callable[[float], str],
    cmap: str, vmin: float | None, vmax: float | None, fontsize: float | None,
    cell_size: float | None = None,
) -> None:
    image = ax.imshow(matrix, cmap=cmap, vmin=vmin, vmax=vmax)
    rows, cols = matrix.shape
    if matrix.size <= MAX_ANNOTATED_CELLS:
        labels = [localize_numbers(fmt(float(value))) for value in matrix.flat]
        size = fontsize or _auto_fontsize(labels, rows, cols, cell_size)
        for (r, c), value, label in zip(np.ndindex(rows, cols), matrix.flat, labels, strict=True):
            colour = _text_colour(image.cmap(image.norm(value)))
            ax.text(c, r, label, ha="center", va="center", color=colour, fontsize=size)
    # Cell borders as two line collections (much cheaper to draw than one tick per cell).
    ax.hlines(np.arange(rows + 1) - 0.5, -0.5, cols - 0.5, colors="white", linewidth=0.8)
    ax.vlines(np.arange(cols + 1) - 0.5, -0.5, rows - 0.5, colors="white", linewidth=0.8)
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)


def _figure_grid(count: int, ncols: int, width: float, height: float):
    ncols = max(1, min(ncols, count))
    nrows = -(-count // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             squeeze=False)
    for ax in axes.flat[count:]:
        ax.axis("off")
    return fig, axes.flat[:count]


def _check_titles(titles: Sequence[str] | None, count: int) -> list[str | None]:
    if titles is None:
        return [None] * count
    if isinstance(titles, str) or len(titles) != count:
        raise ValueError(
            f"`titles` must be a list with one title per panel ({count}), got {titles!r}."
        )
    return [str(t) for t in titles]


def _check_ncols(ncols: Any) -> int:
    return check_int(ncols, "ncols", minimum=1)


# --------------------------------------------------------------------------- matrices


def show_matrix(
    m: Any,
    *,
    title: str | None = None,
    fmt: str | Callable[[float], str] = "{:g}",
    ax: Axes | None = None,
    cmap: str = "Blues",
    vmin: float | None = None,
    vmax: float | None = None,
    fontsize: float | None = None,
    cell_size: float = 0.42,
) -> Figure:
    """Draws a small matrix as a heat map with its value written in every cell.

    Args:
        m: 2-D array (an image patch, a kernel, a feature map).
        title: text above the matrix.
        fmt: how to write each value: a format string (``"{:g}"`` default, ``"{:.1f}"``),
            ``"fraction"`` (``1/9``) or a callable ``float -> str``. Matrices with more
            than 400 cells are drawn without numbers.
        ax: axes to draw on; by default a new figure sized to the matrix.
        cmap: matplotlib colour map. Default ``"Blues"``.
        vmin, vmax: colour range; default the range of ``m``.
        fontsize: size of the numbers; default chosen from the matrix size and the longest
            number, so that every number fits in its cell.
        cell_size: inches per cell of a new figure.

    Returns:
        The matplotlib ``Figure`` that holds the drawing.

    Raises:
        TypeError: if ``m`` is not numeric or ``fmt`` is neither a string nor a callable.
        ValueError: if ``m`` is not 2-D or ``fmt`` is not a valid format string.

    Example:
        >>> fig = show_matrix([[1, 2], [3, 4]], title="x")
        >>> [t.get_text() for t in fig.axes[0].texts]
        ['1', '2', '3', '4']
    """
    matrix = _matrix(m, "m")
    formatter = _formatter(fmt)
    drawn_cell = None
    if ax is None:
        rows, cols = matrix.shape
        _, ax = plt.subplots(figsize=(max(1.2, cols * cell_size), max(1.0, rows * cell_size)))
        drawn_cell = cell_size
    _draw_matrix(ax, matrix, title=title, fmt=formatter, cmap=cmap, vmin=vmin, vmax=vmax,
                 fontsize=fontsize, cell_size=drawn_cell)
    return finish_figure(ax.figure)


def show_kernel(
    kernel: Any,
    *,
    title: str | None = None,
    fmt: str | Callable[[float], str] = "fraction",
    ax: Axes | None = None,
    cmap: str = "RdBu_r",
    cell_size: float = 0.55,
) -> Figure:
    """Draws a filter with its weights: red positive, blue negative, white zero.

    Args:
        kernel: 2-D array of weights (one channel of a filter).
        title: text above the kernel.
        fmt: how to write each weight; default ``"fraction"`` writes ``1/9`` or ``-1`` like
            the slides (see `show_matrix`).
        ax: axes to draw on; by default a new figure.
        cmap: a diverging colour map, centred on zero. Default ``"RdBu_r"``.
        cell_size: inches per cell of a new figure.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        TypeError: if ``kernel`` is not numeric.
        ValueError: if ``kernel`` is not 2-D.

    Example:
        >>> fig = show_kernel(np.ones((3, 3)) / 9, title="media")
        >>> fig.axes[0].texts[0].get_text()
        '1/9'
    """
    weights = _matrix(kernel, "kernel")
    limit = float(np.abs(weights).max()) or 1.0
    return show_matrix(weights, title=title, fmt=fmt, ax=ax, cmap=cmap, vmin=-limit,
                       vmax=limit, cell_size=cell_size)


def show_matrices(
    matrices: Sequence[Any],
    titles: Sequence[str] | None = None,
    *,
    fmt: str | Callable[[float], str] | Sequence[str | Callable[[float], str]] = "{:g}",
    cmap: str = "Blues",
    symmetric: bool = False,
    cell_size: float = 0.42,
    suptitle: str | None = None,
    ncols: int | None = None,
) -> Figure:
    """Draws several small matrices side by side with their numbers (e.g. F, H and G).

    Args:
        matrices: 2-D arrays, possibly of different shapes.
        titles: one title per matrix.
        fmt: one format for all (see `show_matrix`) or a list with one per matrix.
        cmap: colour map of every panel; each panel has its own colour range.
        symmetric: centre every panel's colour range on zero (for kernels, with a
            diverging ``cmap`` such as ``"RdBu_r"``).
        cell_size: inches per cell.
        suptitle: title of the whole figure.
        ncols: matrices per row; default all in one row (use fewer, with a larger
            ``cell_size``, to keep big cells within the page width).

    Returns:
        The matplotlib ``Figure``.

    Raises:
        TypeError: if a matrix is not numeric, or ``ncols`` is not an int.
        ValueError: if a matrix is not 2-D, ``titles`` / ``fmt`` have the wrong length, or
            ``ncols`` is below 1.

    Example:
        >>> fig = show_matrices([np.eye(3), np.ones((2, 2))], ["I", "unos"])
        >>> len(fig.axes)
        2
        >>> fig = show_matrices([np.eye(2)] * 3, ncols=2)   # two rows
        >>> len(fig.axes)
        3
    """
    arrays = [_matrix(m, f"matrices[{i}]") for i, m in enumerate(matrices)]
    if not arrays:
        raise ValueError("`matrices` is empty; give at least one 2-D array.")
    labels = _check_titles(titles, len(arrays))
    formats = list(fmt) if isinstance(fmt, list | tuple) else [fmt] * len(arrays)
    if len(formats) != len(arrays):
        raise ValueError(f"`fmt` must be one format or {len(arrays)}, got {len(formats)}.")
    columns = len(arrays) if ncols is None else min(_check_ncols(ncols), len(arrays))
    rows = [arrays[i:i + columns] for i in range(0, len(arrays), columns)]
    widths = [max(row[c].shape[1] for row in rows if c < len(row)) for c in range(columns)]
    heights = [max(a.shape[0] for a in row) for row in rows]
    fig, grid = plt.subplots(len(rows), columns, squeeze=False,
                             gridspec_kw={"width_ratios": widths, "height_ratios": heights},
                             figsize=(sum(widths) * cell_size + 0.6 * columns,
                                      sum(heights) * cell_size + 0.5 * len(rows)))
    for ax in grid.flat[len(arrays):]:
        ax.remove()
    axes = grid.flat[:len(arrays)]
    for ax, array, label, form in zip(axes, arrays, labels, formats, strict=True):
        limit = float(np.abs(array).max()) or 1.0
        vmin, vmax = (-limit, limit) if symmetric else (None, None)
        _draw_matrix(ax, array, title=label, fmt=_formatter(form), cmap=cmap, vmin=vmin,
                     vmax=vmax, fontsize=None, cell_size=cell_size)
    if suptitle:
        fig.suptitle(suptitle)
    return finish_figure(fig)


# --------------------------------------------------------------------------- images and maps


def _map_list(maps: Any) -> list[np.ndarray]:
    if isinstance(maps, list | tuple):
        arrays = [_matrix(m, f"maps[{i}]") for i, m in enumerate(maps)]
    else:
        array = _real_array(maps, "maps")
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
    labels = _check_titles(titles, len(arrays))
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
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return finish_figure(fig)


def _image_for_display(image: Any, index: int) -> np.ndarray:
    array = _real_array(image, f"images[{index}]")
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
    labels = _check_titles(titles, len(arrays))
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
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return finish_figure(fig)
