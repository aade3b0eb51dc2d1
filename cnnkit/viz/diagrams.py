"""Block diagrams drawn from the built Keras layers: one box per layer, one arrow per tensor.

:func:`draw_block` draws an inception module, a residual block (basic or bottleneck, with
an identity, projection or zero-padding shortcut), a dense block or any small functional
model, from the connections the model itself records (:func:`cnnkit.layer_graph.layer_graph`),
so the figure cannot differ from the code. Layers run from top (input) to bottom (output),
one row per step of the longest path; parallel branches stand side by side. Where a split
has one long main path (a residual branch, a dense layer), the main path goes straight down
and the shortcut runs on its right; otherwise (inception) the branches spread evenly, in the
order in which they are concatenated. Labels follow ``cnnkit.language()``:
``"Convolución 3x3, 64"``, ``"Pooling máximo 3x3, paso 1"``, ``"Concatenar"``, ``"Suma"`` in
Spanish (``"Conv 3x3, 64"``, ``"MaxPool 3x3, stride 1"`` in English).
"""

from __future__ import annotations

from typing import Any

import keras
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from cnnkit._language import format_number
from cnnkit.layer_graph import LayerGraph, group_units, layer_graph
from cnnkit.viz._text import text

__all__ = ["draw_block", "layer_label", "layout"]

PANEL = "#f4f4f4"
"""Background colour of the diagram's panel."""
MIN_SIDE = 5.0
"""The smallest width and height of a diagram, in inches (legible next to the text)."""

_COLOURS = {"conv": "#c6dbef", "norm": "#e5e5e5", "act": "#c7e9c0", "pool": "#fdd0a2",
            "merge": "#fcbba1", "io": "#ffffff", "other": "#f2f0f7"}  # fmt: skip


def _word(key: str) -> str:
    return text(f"box_{key}")


def _pair(value: Any) -> tuple[int, int]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _stride(strides: Any, default: tuple[int, int]) -> str:
    s, word = _pair(strides), _word("stride")
    return "" if s == default else f", {word} {s[0]}" if s[0] == s[1] else f", {word} {s[0]}x{s[1]}"


def _activation(layer: Any) -> str:
    name = getattr(getattr(layer, "activation", None), "__name__", "linear")
    return "" if name == "linear" else f" + {'ReLU' if name == 'relu' else name}"


def _kind_and_text(op: Any) -> tuple[str, str]:
    layers = keras.layers
    if isinstance(op, layers.InputLayer):
        return "io", f"{_word('input')}"
    if isinstance(op, layers.Conv2D):
        k = _pair(op.kernel_size)
        return "conv", (f"{_word('conv')} {k[0]}x{k[1]}, {op.filters}{_stride(op.strides, (1, 1))}"
                        f"{_activation(op)}")  # fmt: skip
    if isinstance(op, (layers.MaxPooling2D, layers.AveragePooling2D)):
        p = _pair(op.pool_size)
        kind = _word("max_pool" if isinstance(op, layers.MaxPooling2D) else "average_pool")
        return "pool", f"{kind} {p[0]}x{p[1]}{_stride(op.strides, p)}"
    simple = {layers.BatchNormalization: ("norm", _word("batch_norm")),
              layers.ReLU: ("act", "ReLU"), layers.Add: ("merge", _word("add")),
              layers.Concatenate: ("merge", _word("concatenate")),
              layers.GlobalAveragePooling2D: ("pool", _word("global_average")),
              layers.Flatten: ("other", _word("flatten")),
              layers.ZeroPadding2D: ("other", _word("zero_padding"))}  # fmt: skip
    for cls, found in simple.items():
        if isinstance(op, cls):
            return found
    if isinstance(op, layers.Dense):
        return "other", f"{_word('dense')}, {op.units}{_activation(op)}"
    if isinstance(op, layers.Activation):
        return "act", _activation(op).removeprefix(" + ") or "linear"
    if isinstance(op, layers.Dropout):
        return "other", f"Dropout {format_number(op.rate, 2)}"
    if type(op).__name__ == "Pad":
        return "other", f"{_word('zero_padding')} ({_word('channels')})"
    if type(op).__name__ == "LocalResponseNormalization":
        return "norm", "LRN"
    return "other", type(op).__name__


def layer_label(op: Any) -> str:
    """The text of a layer's box, in the current language (``cnnkit.language()``).

    Example:
        >>> import keras
        >>> from cnnkit._language import set_language
        >>> set_language("es")
        >>> layer_label(keras.layers.Conv2D(64, 3, strides=2, activation="relu"))
        'Convolución 3x3, 64, paso 2 + ReLU'
        >>> layer_label(keras.layers.MaxPooling2D(3, strides=1)), layer_label(keras.layers.Add())
        ('Pooling máximo 3x3, paso 1', 'Suma')
        >>> set_language("en"); layer_label(keras.layers.Concatenate())
        'Concatenate'
        >>> layer_label(keras.layers.MaxPooling2D(3, strides=1))
        'MaxPool 3x3, stride 1'
    """
    return _kind_and_text(op)[1]


def _ranks(graph: LayerGraph) -> dict[str, int]:
    rank: dict[str, int] = {}
    for node in graph.nodes:  # the config lists parents before children
        rank[node] = max((rank[p] + 1 for p in graph.parents(node)), default=0)
    return rank


def _heights(graph: LayerGraph) -> dict[str, int]:
    height: dict[str, int] = {}
    for node in reversed(graph.nodes):
        height[node] = max((height[c] + 1 for c in graph.children(node)), default=0)
    return height


def layout(graph: LayerGraph) -> tuple[dict[str, tuple[float, int]], dict[tuple[str, str], list]]:
    """Positions of the boxes (column, row) and the bends of each arrow.

    Returns:
        ``(positions, bends)``: ``positions[name] = (column, row)`` (row 0 at the top);
        ``bends[(source, target)]`` lists the (column, row) points an arrow passes through
        on the rows between its ends (empty for an arrow between consecutive rows).

    Example:
        >>> import keras
        >>> from cnnkit.layer_graph import layer_graph
        >>> from cnnkit.models import residual_block
        >>> x = keras.Input((8, 8, 16), name="x")
        >>> positions, bends = layout(layer_graph(keras.Model(x, residual_block(x, 16, name="b"))))
        >>> positions["b_1_conv"], positions["b_add"], bends[("x", "b_add")][0]
        ((0.0, 1), (0.0, 6), (1.0, 1))
    """
    rank, height = _ranks(graph), _heights(graph)
    column: dict[str, float] = {}
    slot: dict[tuple[str, str], float] = {}
    order = {n: i for i, n in enumerate(_discovery(graph))}
    for node in graph.nodes:
        parents = graph.parents(node)
        if not parents:
            column[node] = float(len(column) and max(column.values()) + 1)
        elif len(parents) == 1:
            column[node] = slot[(parents[0], node)]
        else:
            top = max(rank[p] for p in parents)
            longest = [p for p in parents if rank[p] == top]
            columns = [slot[(p, node)] if rank[node] - rank[p] > 1 else column[p] for p in parents]
            column[node] = (column[longest[0]] if len(longest) == 1
                            else sum(columns) / len(columns))  # fmt: skip
        children = sorted(graph.children(node), key=lambda c: order[c])
        tallest = max((height[c] for c in children), default=0)
        mains = [c for c in children if height[c] == tallest]
        if len(mains) == 1 and len(children) > 1:  # one main path: straight down, others right
            others = [c for c in children if c != mains[0]]
            slot[(node, mains[0])] = column[node]
            slot.update({(node, c): column[node] + i for i, c in enumerate(others, 1)})
        else:
            slot.update({(node, c): column[node] + i - (len(children) - 1) / 2
                         for i, c in enumerate(children)})  # fmt: skip
    bends = {}
    for source, target in graph.edges:
        lane = slot[(source, target)] if len(graph.children(source)) > 1 else column[source]
        bends[(source, target)] = [(lane, r) for r in range(rank[source] + 1, rank[target])]
    return {n: (column[n], rank[n]) for n in graph.nodes}, bends


def _discovery(graph: LayerGraph) -> list[str]:
    """Nodes in the order met walking back from the outputs, merge arguments in order."""
    seen: list[str] = []
    stack = [n for n in reversed(graph.nodes) if not graph.children(n)]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.append(node)
            stack.extend(reversed(graph.parents(node)))
    return seen


def _shape(op: Any) -> str:
    shape = op.output.shape[1:] if hasattr(op, "output") else ()
    return "x".join(str(d) for d in shape)


def draw_block(model: keras.Model, *, title: str | None = None, shapes: bool = True,
               group: bool = False, fontsize: float = 9) -> Figure:
    """Draw the layers of a block or small model and the connections between them.

    Args:
        model: a functional ``keras.Model``: a block wrapped as ``keras.Model(inputs,
            residual_block(inputs, 128, stride=2))``, or a small model.
        title: the figure's title (written by the caller, in the course's language).
        shapes: write each layer's output shape (height x width x channels) under its name.
        group: one box per convolution with the normalisation and activation layers next to
            it (:func:`cnnkit.layer_graph.group_units`), e.g. ``"Norm. por lotes · ReLU ·
            Convolución 3x3, 12"``: a dense block three times shorter.
        fontsize: size of the box texts in points.

    Returns:
        The matplotlib Figure; each box is a ``Text`` whose ``gid`` is the layer's name
        (the names joined by ``+`` for a group), each arrow an annotation whose ``gid`` is
        ``"source->target"``.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.

    Example:
        >>> import keras
        >>> from cnnkit.models import dense_block
        >>> x = keras.Input((8, 8, 16))
        >>> fig = draw_block(keras.Model(x, dense_block(x, 2, 12, name="d")))
        >>> boxes = [t.get_gid() for t in fig.axes[0].texts if "->" not in t.get_gid()]
        >>> len(boxes), boxes[-1]                  # the input and 2 x 7 layers
        (15, 'd_layer2_concat')
    """
    graph = layer_graph(model)
    units = {name: [graph.operations[name]] for name in graph.nodes}
    if group:
        graph, units = group_units(graph)
    positions, bends = layout(graph)
    fig, ax = plt.subplots()
    ax.set_axis_off()
    # a pale panel behind the boxes: the diagram reads as one figure, not loose boxes
    ax.add_patch(plt.Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=PANEL,
                               edgecolor="none", zorder=0, gid="panel"))  # fmt: skip
    boxes = {}
    for name in graph.nodes:
        parts = [_kind_and_text(op) for op in units[name]]
        kind = next((k for k, _ in parts if k == "conv"), parts[0][0])
        text = " · ".join(t for _, t in parts)
        if shapes and _shape(units[name][-1]):
            text += "\n" + _shape(units[name][-1])
        col, row = positions[name]
        boxes[name] = ax.text(col, -row, text, ha="center", va="center", fontsize=fontsize,
                              gid=name, bbox={"boxstyle": "round,pad=0.4", "ec": "0.35",
                                              "fc": _COLOURS[kind]})  # fmt: skip
    lanes = [c for points in bends.values() for c, _ in points]
    _size(fig, ax, boxes, positions, lanes, title)
    for source, target in graph.edges:
        points = [(c, -r) for c, r in bends[(source, target)]]
        start = boxes[source].get_position()
        for a, b in zip([start, *points], points, strict=False):
            ax.annotate("", xy=b, xytext=a, gid=f"{source}->{target}:bend", arrowprops={
                "arrowstyle": "-", "color": "0.3", "shrinkA": 0, "shrinkB": 0,
                "patchA": boxes[source].get_bbox_patch() if a == start else None})
        ax.annotate("", xy=boxes[target].get_position(), xytext=points[-1] if points else start,
                    gid=f"{source}->{target}", arrowprops={
                        "arrowstyle": "-|>", "color": "0.3", "shrinkA": 0, "shrinkB": 2,
                        "patchA": None if points else boxes[source].get_bbox_patch(),
                        "patchB": boxes[target].get_bbox_patch()})  # fmt: skip
    return fig


def _size(fig: Figure, ax: Any, boxes: dict[str, Any], positions: dict, lanes: list[float],
          title: str | None) -> None:
    """Figure size and limits so that one column fits the widest box, one row the tallest."""
    fig.draw_without_rendering()  # lays out the texts and their boxes
    extents = [t.get_bbox_patch().get_window_extent() for t in boxes.values()]
    width = max(e.width for e in extents) / fig.dpi + 0.35
    height = max(e.height for e in extents) / fig.dpi + 0.3
    cols = [c for c, _ in positions.values()] + lanes
    rows = max(r for _, r in positions.values()) + 1
    span = max(cols) - min(cols) + 1
    fig.set_size_inches(max(span * width + 0.3, MIN_SIDE),
                        max(rows * height + (0.55 if title else 0.25), MIN_SIDE))
    ax.set_xlim(min(cols) - 0.5, max(cols) + 0.5)
    ax.set_ylim(-(rows - 0.5), 0.5)
    if title:
        ax.set_title(title)
    fig.set_layout_engine("constrained")
