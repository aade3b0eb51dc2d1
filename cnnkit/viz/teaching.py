"""How one output value of a convolution is computed: the window, the filter and the output.

`show_conv_step` draws the course's central operation the way CS231n's convolution demo
does: the (zero-padded) input with the window of one output position outlined, the
filter(s) with their weights, the element-wise products when there is a single channel, and
the output map(s) with the computed value outlined. It works for a grey image and one
filter (lesson 01's 10x10 example) and for an input of several channels with several filters
(CS231n's 7x7x3 input with two 3x3x3 filters and stride 2). The numbers come from
`cnnkit.ops.conv2d`, so the figure shows what the reference operation computes.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnkit import ops
from cnnkit._language import format_number, language
from cnnkit._validate import check_int
from cnnkit.viz.matrices import format_fraction, show_matrix

__all__ = ["show_conv_step"]

_WORDS = {
    "input": {"en": "input", "es": "entrada"},
    "channel": {"en": "channel", "es": "canal"},
    "filter": {"en": "filter", "es": "filtro"},
    "output": {"en": "output", "es": "salida"},
    "products": {"en": "window × filter", "es": "ventana × filtro"},
    "sum": {"en": "sum", "es": "suma"},
    "padding": {"en": "padding", "es": "relleno"},
    "bias": {"en": "bias", "es": "sesgo"},
}
_COLOUR = "tab:red"


def _word(key: str) -> str:
    return _WORDS[key][language()]


def _as_volume(x: Any) -> np.ndarray:
    array = np.asarray(x, dtype=float)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3:
        raise ValueError(f"`x` must be (H, W) or (H, W, C), got shape {array.shape}.")
    return array


def _as_filters(kernel: Any, channels: int) -> np.ndarray:
    array = np.asarray(kernel, dtype=float)
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim == 3:
        array = array[:, :, :, None]
    if array.ndim != 4 or array.shape[2] != channels:
        raise ValueError(
            f"`kernel` must be (kh, kw), (kh, kw, C) or (kh, kw, C, F) with C = {channels} "
            f"channels like `x`, got shape {array.shape}."
        )
    return array


def _greys(values: np.ndarray) -> dict[str, float]:
    """Grey scale of a value panel: its largest value mid-grey and 0 light grey, not white,
    so that the panel reads as one block (and stays one panel for the course lint)."""
    top = 2 * max(float(np.abs(values).max()), 1e-12)
    return {"vmin": -0.15 * top, "vmax": top}


def _outline(ax: Any, top: int, left: int, height: int, width: int, colour: str) -> None:
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False,
                           edgecolor=colour, linewidth=3, zorder=5))   # above the cell lines


def show_conv_step(
    x: Any,
    kernel: Any,
    position: tuple[int, int],
    *,
    bias: Any = None,
    stride: int = 1,
    padding: int = 0,
    cell_size: float = 0.42,
    panel_size: float | None = None,
) -> Figure:
    """Draws how the output value at ``position`` is computed from one window of the input.

    One row per input channel: the zero-padded input channel with the window outlined (the
    padding framed by a dashed line), each filter's weights for that channel, and, for a
    single channel and filter, the products window × filter. The last column holds the
    output maps with the computed value outlined; the title states the sum.

    Args:
        x: the input, ``(H, W)`` or ``(H, W, C)``.
        kernel: ``(kh, kw)``, ``(kh, kw, C)`` or ``(kh, kw, C, F)`` (Keras' layout).
        position: ``(row, column)`` of the output value to explain.
        bias: one number per filter (default none).
        stride: step of the filter (int).
        padding: rows and columns of zeros on each side (int, the P of the slides).
        cell_size: inches per matrix cell (the default one-row layout).
        panel_size: if given, a grid of equal square panels of this many inches instead of
            one row: for one channel and one filter, input and filter above, products and
            output below; otherwise one column per channel (or filter), with the inputs in
            the first row, each filter's weights in a row of its own and the outputs last.
            Small matrices then get large cells, so every panel stays legible.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        TypeError: ``stride``, ``padding`` or a coordinate of ``position`` is not an int.
        ValueError: ``panel_size`` is not positive.
        ValueError: wrong shapes, or ``position`` outside the output.

    Example:
        >>> fig = show_conv_step(np.arange(16).reshape(4, 4), np.ones((3, 3)), (1, 1))
        >>> fig.get_suptitle()
        'output[1, 1] = sum(window × filter) = 90'
        >>> len(show_conv_step(np.ones((4, 4)), np.ones((3, 3)), (0, 0), panel_size=3).axes)
        4
    """
    volume = _as_volume(x)
    filters = _as_filters(kernel, volume.shape[2])
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    if not isinstance(position, tuple | list) or len(position) != 2:
        raise TypeError(f"`position` must be a pair (row, column), got {position!r}.")
    biases = np.zeros(filters.shape[3]) if bias is None else np.broadcast_to(
        np.asarray(bias, dtype=float), (filters.shape[3],))
    output = ops.conv2d(volume, filters, stride=stride, padding=padding, bias=biases)
    row = check_int(position[0], "position[0]", minimum=0, maximum=output.shape[0] - 1)
    col = check_int(position[1], "position[1]", minimum=0, maximum=output.shape[1] - 1)
    padded = np.pad(volume, ((padding, padding), (padding, padding), (0, 0)))
    kh, kw, channels, count = filters.shape
    top, left = row * stride, col * stride
    window = padded[top:top + kh, left:left + kw, :]
    single = channels == 1 and count == 1
    if panel_size is None:
        fig, place = _row_layout(padded.shape, output.shape, kw, channels, count, single, cell_size)
    else:
        fig, place = _grid_layout(channels, count, single, _positive(panel_size, "panel_size"))
    ncols = 1 + count + (1 if single else 0) + 1
    axes = _Places(place, ncols)
    for c in range(channels):
        ax = axes[c, 0]
        name = _word("input") + (f" ({_word('channel')} {c})" if channels > 1 else "")
        show_matrix(padded[:, :, c], ax=ax, title=name, cmap="Greys", **_greys(padded),
                    cell_size=_cell(cell_size, panel_size, padded.shape))
        if padding:
            _outline(ax, padding, padding, volume.shape[0], volume.shape[1], "tab:blue")
            ax.patches[-1].set_linestyle("--")
            ax.patches[-1].set_linewidth(1.5)
        _outline(ax, top, left, kh, kw, _COLOUR)
        for f in range(count):
            limit = float(np.abs(filters).max()) or 1.0
            title = _word("filter") + (f" {f}" if count > 1 else "")
            if channels > 1:
                title += f" ({_word('channel')} {c})"
            show_matrix(filters[:, :, c, f], ax=axes[c, 1 + f], title=title, cmap="RdBu_r",
                        vmin=-limit, vmax=limit, fmt=_weight,
                        cell_size=_cell(cell_size, panel_size, (kh, kw)))
    if single:
        products = window[:, :, 0] * filters[:, :, 0, 0]
        show_matrix(products, ax=axes[0, 1 + count], title=_word("products"), cmap="Greys",
                    **_greys(products), fmt=_short,
                    cell_size=_cell(cell_size, panel_size, (kh, kw)))
    for f in range(count):
        ax = axes[f, ncols - 1]
        extra = f" {f}" if count > 1 else ""
        title = f"{_word('output')}{extra}"
        if bias is not None:
            title += f" ({_word('bias')} {_short(biases[f])})"
        show_matrix(output[:, :, f], ax=ax, title=title, cmap="Greys", **_greys(output),
                    fmt=_short,
                    cell_size=_cell(cell_size, panel_size, output.shape[:2]))
        _outline(ax, row, col, 1, 1, _COLOUR)
    value = output[row, col, 0]
    index = f"{row}, {col}" + (", 0" if count > 1 else "")
    total = f"{_word('output')}[{index}] = {_word('sum')}({_word('products')})"
    if bias is not None:
        total += f" + {_word('bias')}"
    fig.suptitle(f"{total} = {_short(value)}")
    for ax in fig.axes:   # off-white cell lines and a grey frame: each panel reads as one block
        for lines in ax.collections:
            if isinstance(lines, LineCollection):
                lines.set_color("0.96")
        if ax.images:
            ax.set_axis_on()
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_edgecolor("0.6")
    return fig


class _Places:
    """``axes[row, column]`` of the one-row layout, mapped to the axes of the chosen layout."""

    def __init__(self, place: Any, ncols: int) -> None:
        self.place, self.ncols = place, ncols

    def __getitem__(self, key: tuple[int, int]) -> Axes:
        row, column = key
        return self.place(row, column if column >= 0 else self.ncols + column)


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"`{name}` must be a number of inches, got {type(value).__name__}.")
    if not value > 0:
        raise ValueError(f"`{name}` must be positive, got {value}; try 3.5.")
    return float(value)


def _cell(cell_size: float, panel_size: float | None, shape: tuple[int, ...]) -> float:
    """Inches per cell of a matrix of ``shape``: fixed, or what fills a square panel."""
    return cell_size if panel_size is None else 0.8 * panel_size / max(shape[:2])


def _row_layout(padded_shape, output_shape, kw, channels, count, single, cell_size):
    """The one-row layout: input, filters, (products), outputs; one row per channel."""
    ncols = 1 + count + (1 if single else 0) + 1
    nrows = max(channels, count)
    widths = [padded_shape[1]] + [kw] * count + ([kw] if single else []) + [output_shape[1]]
    height = max(padded_shape[0], output_shape[0]) * cell_size + 0.6
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, gridspec_kw={"width_ratios": widths},
                             figsize=(sum(widths) * cell_size + 0.5 * ncols, height * nrows),
                             layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    return fig, lambda row, column: axes[row, column]


def _grid_layout(channels, count, single, panel_size):
    """Equal square panels: 2x2 for one channel and filter, else one column per channel."""
    if single:
        fig, axes = plt.subplots(2, 2, squeeze=False, layout="constrained",
                                 figsize=(2 * panel_size, 2 * (panel_size + 0.35) + 0.4))
        spots = {0: (0, 0), 1: (0, 1), 2: (1, 0), 3: (1, 1)}
        for ax in axes.flat:
            ax.axis("off")
        return fig, lambda row, column: axes[spots[column]]
    ncols, nrows = max(channels, count), 1 + count + 1
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(ncols * panel_size, nrows * (panel_size + 0.35) + 0.4))
    for ax in axes.flat:
        ax.axis("off")

    def place(row: int, column: int) -> Axes:
        if column == 0:                      # the input channel ``row``
            return axes[0, row]
        if column <= count:                  # filter ``column - 1``, channel ``row``
            return axes[column, row]
        return axes[nrows - 1, row]          # output ``row``

    return fig, place


def _short(value: float) -> str:
    """A weight or value with at most two decimals, in the current language (minus sign ``−``)."""
    rounded = round(float(value), 2) + 0.0
    decimals = 0 if rounded == int(rounded) else (1 if round(rounded, 1) == rounded else 2)
    return format_number(rounded, decimals).replace("-", "\u2212")   # typographic minus


def _weight(value: float) -> str:
    """A filter weight as the slides write it: ``1/9`` when a small fraction fits."""
    fraction = format_fraction(value, max_denominator=16)
    return fraction if "/" in fraction else _short(value)
