"""Small matrices with their numbers: image patches, kernels and convolution results.

The figures of lessons 01 and 02: `show_matrix` draws a matrix as a heat map with the value
written in every cell (the way the slides print them), `show_kernel` does the same for a
filter with a diverging colour map centred on zero and weights written as fractions (1/9,
1/16) and `show_matrices` puts several in a row (image, kernel, result). Every function
returns the matplotlib ``Figure``. Grids of feature maps and rows of photographs are in
:mod:`cnnkit.viz.maps`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from cnnkit._validate import check_int
from cnnkit.viz._arrays import check_titles, matrix
from cnnkit.viz._figure import finish, subplots
from cnnkit.viz._text import localize_numbers

__all__ = [
    "show_matrix",
    "show_kernel",
    "show_matrices",
    "format_fraction",
]

MAX_ANNOTATED_CELLS = 400

_SIGN = re.compile(r"(?<![\w)\]])-(?=[\d.,])")
"""A hyphen used as a minus sign: before a number, not between two words or numbers."""


# --------------------------------------------------------------------------- helpers


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


def _typographic_minus(label: str) -> str:
    """``label`` with its minus signs written ``−`` (U+2212), like matplotlib's tick labels
    (``axes.unicode_minus``, on by default) and the course's text; ``1e-05`` and ``3-4``
    keep their hyphen."""
    if not mpl.rcParams["axes.unicode_minus"]:
        return label
    return _SIGN.sub("\N{MINUS SIGN}", label)


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
    ax: Axes, values: np.ndarray, *, title: str | None, fmt: Callable[[float], str],
    cmap: str, vmin: float | None, vmax: float | None, fontsize: float | None,
    cell_size: float | None = None,
) -> None:
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    rows, cols = values.shape
    if values.size <= MAX_ANNOTATED_CELLS:
        labels = [_typographic_minus(localize_numbers(fmt(float(value))))
                  for value in values.flat]
        size = fontsize or _auto_fontsize(labels, rows, cols, cell_size)
        for (r, c), value, label in zip(np.ndindex(rows, cols), values.flat, labels, strict=True):
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
    array = matrix(m, "m")
    formatter = _formatter(fmt)
    drawn_cell = None
    if ax is None:
        rows, cols = array.shape
        _, ax = subplots(figsize=(max(1.2, cols * cell_size), max(1.0, rows * cell_size)),
                         layout="constrained")
        drawn_cell = cell_size
    _draw_matrix(ax, array, title=title, fmt=formatter, cmap=cmap, vmin=vmin, vmax=vmax,
                 fontsize=fontsize, cell_size=drawn_cell)
    return finish(ax.figure, tight=False)


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
    weights = matrix(kernel, "kernel")
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
    shared_scale: bool = False,
    cell_size: float = 0.42,
    suptitle: str | None = None,
    ncols: int | None = None,
) -> Figure:
    """Draws several small matrices side by side with their numbers (e.g. F, H and G).

    Args:
        matrices: 2-D arrays, possibly of different shapes.
        titles: one title per matrix.
        fmt: one format for all (see `show_matrix`) or a list with one per matrix.
        cmap: colour map of every panel; each panel has its own colour range unless
            ``shared_scale``.
        symmetric: centre every panel's colour range on zero (for kernels, with a
            diverging ``cmap`` such as ``"RdBu_r"``).
        shared_scale: one colour range for every panel, from the smallest to the largest
            value of all the matrices (centred on zero with ``symmetric``), so that the same
            colour means the same value in every panel: use it when the panels are compared.
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
        >>> fig = show_matrices([np.eye(2), 4 * np.eye(2)], shared_scale=True)
        >>> [ax.images[0].norm.vmax for ax in fig.axes]
        [4.0, 4.0]
    """
    arrays = [matrix(m, f"matrices[{i}]") for i, m in enumerate(matrices)]
    if not arrays:
        raise ValueError("`matrices` is empty; give at least one 2-D array.")
    labels = check_titles(titles, len(arrays))
    formats = list(fmt) if isinstance(fmt, list | tuple) else [fmt] * len(arrays)
    if len(formats) != len(arrays):
        raise ValueError(f"`fmt` must be one format or {len(arrays)}, got {len(formats)}.")
    columns = len(arrays)
    if ncols is not None:
        columns = min(check_int(ncols, "ncols", minimum=1), len(arrays))
    rows = [arrays[i:i + columns] for i in range(0, len(arrays), columns)]
    widths = [max(row[c].shape[1] for row in rows if c < len(row)) for c in range(columns)]
    heights = [max(a.shape[0] for a in row) for row in rows]
    fig, grid = subplots(len(rows), columns, squeeze=False, layout="constrained",
                         gridspec_kw={"width_ratios": widths, "height_ratios": heights},
                         figsize=(sum(widths) * cell_size + 0.6 * columns,
                                  sum(heights) * cell_size + 0.5 * len(rows)))
    for ax in grid.flat[len(arrays):]:
        ax.remove()
    axes = grid.flat[:len(arrays)]
    together = np.concatenate([array.ravel() for array in arrays])
    for ax, array, label, form in zip(axes, arrays, labels, formats, strict=True):
        values = together if shared_scale else array
        limit = float(np.abs(values).max()) or 1.0
        if symmetric:
            vmin, vmax = -limit, limit
        elif shared_scale:
            vmin, vmax = float(values.min()), float(values.max())
        else:
            vmin, vmax = None, None
        _draw_matrix(ax, array, title=label, fmt=_formatter(form), cmap=cmap, vmin=vmin,
                     vmax=vmax, fontsize=None, cell_size=cell_size)
    return finish(fig, suptitle=suptitle, tight=False)


