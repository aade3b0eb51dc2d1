"""Architectures as tables: VGG's configurations A-E and the arithmetic of stacked 3x3 filters.

:func:`vgg_table` reads the layers of each built ``cnnkit.models.vgg(config=...)`` and lays
them out as Table 1 of Simonyan & Zisserman (2015): one column per configuration, the
paper's notation in the cells (``conv3-64``, ``LRN``, ``maxpool``, ``FC-4096``,
``soft-max``), Spanish headers. :func:`receptive_field` and :func:`stack_comparison` give
the computation of the paper's section 2.3: a stack of n 3x3 convolutions sees a
(2n + 1) x (2n + 1) window with fewer weights than one filter of that size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras

from cnnkit._validate import check_int

__all__ = ["receptive_field", "stack_comparison", "vgg_column", "vgg_table"]

VGG_CONFIGS = ("A", "A-LRN", "B", "C", "D", "E")


def _notation(layer: Any) -> str | None:
    """A layer in Table 1's notation, or None for layers the table leaves out (dropout)."""
    if isinstance(layer, keras.layers.Conv2D):
        return f"conv{layer.kernel_size[0]}-{layer.filters}"
    if isinstance(layer, keras.layers.MaxPooling2D):
        return "maxpool"
    if isinstance(layer, keras.layers.Dense):
        return f"FC-{layer.units}"
    if type(layer).__name__ == "LocalResponseNormalization":
        return "LRN"
    return None


def vgg_column(model: keras.Model) -> list[list[str]]:
    """The layers of a VGG model, block by block, in the paper's notation.

    Args:
        model: a VGG-like ``keras.Model`` (blocks of convolutions closed by max pooling,
            then dense layers), e.g. ``cnnkit.models.vgg(config="B")``.

    Returns:
        One list per convolutional block (its layers, then ``"maxpool"``), and a last list
        with the dense layers and ``"soft-max"`` when the output layer has that activation.

    Example:
        >>> from cnnkit.models import vgg
        >>> column = vgg_column(vgg((32, 32, 3), config="A"))
        >>> column[0], column[-1]
        (['conv3-64', 'maxpool'], ['FC-4096', 'FC-4096', 'FC-1000', 'soft-max'])
    """
    blocks: list[list[str]] = [[]]
    for layer in model.layers:
        cell = _notation(layer)
        if cell is None:
            continue
        blocks[-1].append(cell)
        if cell == "maxpool":
            blocks.append([])
    last = model.layers[-1]
    if getattr(getattr(last, "activation", None), "__name__", "") == "softmax":
        blocks[-1].append("soft-max")
    return blocks


def vgg_table(configs: Sequence[str] = VGG_CONFIGS, *,
              input_shape: tuple[int, int, int] = (224, 224, 3)) -> Any:
    """VGG's configurations as the paper's Table 1, built from ``cnnkit.models.vgg``.

    Each configuration is built (``vgg(input_shape, 1000, config=c)``, without drawing its
    initial weights) and its layers read back; rows follow the table: the input, each
    block's layers aligned by position (a configuration with fewer layers in a block leaves
    its cell empty), ``maxpool``, the three dense layers and the soft-max.

    Args:
        configs: the configurations, columns in this order (default A, A-LRN, B, C, D, E).
        input_shape: the input the networks are built for (the layers do not depend on
            it). Default the paper's 224x224 RGB.

    Returns:
        A ``pandas.DataFrame``: one column per configuration, headed ``"A: 11 capas con
        pesos"``; the index names each row (``"entrada"``, ``"bloque 1"``, ``"maxpool"``,
        ``"densas"``).

    Raises:
        ValueError: a configuration is not one of VGG's (from ``vgg``).

    Example:
        >>> table = vgg_table(("A", "C"), input_shape=(32, 32, 3))
        >>> list(table.columns)
        ['A: 11 capas con pesos', 'C: 16 capas con pesos']
        >>> table.loc["bloque 3"].values.tolist()   # C adds a 1x1 convolution
        [['conv3-256', 'conv3-256'], ['conv3-256', 'conv3-256'], ['', 'conv1-256']]
    """
    import pandas as pd

    from cnnkit.models import vgg

    columns = {}
    for config in configs:
        # the layers are read, never run: build them without drawing the initial weights
        # (drawing VGG's 130-odd million is what takes the time)
        with keras.StatelessScope(initialize_variables=False):
            model = vgg(tuple(input_shape), 1000, config=config)
        blocks = vgg_column(model)
        weights = sum(cell.startswith(("conv", "FC")) for block in blocks for cell in block)
        columns[f"{config}: {weights} capas con pesos"] = blocks
        keras.backend.clear_session(free_memory=False)  # its gc.collect() costs ~0.5 s
    h, w, c = input_shape
    image = "RGB" if c == 3 else f"{c} canales"
    rows: list[list[str]] = [[f"entrada ({h}x{w}, {image})"] * len(columns)]
    index = ["entrada"]
    n_blocks = max(len(b) for b in columns.values())
    for b in range(n_blocks):
        parts = [blocks[b] if b < len(blocks) else [] for blocks in columns.values()]
        convs = [[x for x in p if x != "maxpool"] for p in parts]
        depth = max(len(x) for x in convs)
        name = "densas" if b == n_blocks - 1 else f"bloque {b + 1}"
        rows += [[x[i] if i < len(x) else "" for x in convs] for i in range(depth)]
        index += [name] * depth
        if any("maxpool" in p for p in parts):
            rows.append(["maxpool" if "maxpool" in p else "" for p in parts])
            index.append("maxpool")
    return pd.DataFrame(rows, index=pd.Index(index, name="capa"), columns=list(columns))


def receptive_field(kernels: Sequence[int], strides: Sequence[int] | None = None) -> int:
    """Side of the input window one output pixel of a stack of layers depends on.

    ``r = 1 + sum((k_i - 1) * s_1 * ... * s_(i-1))``: each layer widens the window by
    ``k - 1`` input pixels of its own input, scaled by the strides before it.

    Args:
        kernels: the kernel sides, first layer first (pooling layers count too).
        strides: their strides (default all 1).

    Returns:
        The side of the receptive field, in input pixels.

    Raises:
        ValueError: the lengths differ or a kernel or stride is not a positive int.

    Example:
        >>> receptive_field([3, 3]), receptive_field([3, 3, 3]), receptive_field([7])
        (5, 7, 7)
        >>> receptive_field([3, 2, 3], strides=[1, 2, 1])   # conv, 2x2 pool, conv
        8
    """
    strides = [1] * len(kernels) if strides is None else list(strides)
    if len(strides) != len(kernels):
        raise ValueError(f"`strides` needs one value per kernel: {len(kernels)} kernels, "
                         f"{len(strides)} strides.")
    for i, (k, s) in enumerate(zip(kernels, strides, strict=True)):
        check_int(k, f"kernels[{i}]", minimum=1)
        check_int(s, f"strides[{i}]", minimum=1)
    field, jump = 1, 1
    for k, s in zip(kernels, strides, strict=True):
        field += (int(k) - 1) * jump
        jump *= int(s)
    return field


def stack_comparison(layers: int, channels: int) -> dict[str, int | float]:
    """n stacked 3x3 convolutions against one convolution with the same receptive field.

    As in the paper's section 2.3, the layers keep ``channels`` channels and biases are
    left out: the stack has ``n * 3 * 3 * C * C`` weights, one k x k filter ``k * k * C * C``
    with ``k = 2n + 1``.

    Args:
        layers: n, the number of stacked 3x3 convolutions (>= 1).
        channels: C, the channels of every layer (>= 1).

    Returns:
        ``{"layers", "receptive_field", "stack_weights", "single_kernel", "single_weights",
        "saving"}``; ``saving`` is the fraction of the single filter's weights the stack
        spares (``1 - stack / single``).

    Example:
        >>> row = stack_comparison(3, 64)     # three 3x3 against one 7x7: 27 C^2 vs 49 C^2
        >>> row["receptive_field"], row["stack_weights"], row["single_weights"]
        (7, 110592, 200704)
        >>> round(row["saving"], 3), stack_comparison(2, 64)["single_kernel"]
        (0.449, 5)
    """
    check_int(layers, "layers", minimum=1)
    check_int(channels, "channels", minimum=1)
    field = receptive_field([3] * int(layers))
    stack = int(layers) * 9 * int(channels) ** 2
    single = field * field * int(channels) ** 2
    return {"layers": int(layers), "receptive_field": field, "stack_weights": stack,
            "single_kernel": field, "single_weights": single, "saving": 1 - stack / single}
