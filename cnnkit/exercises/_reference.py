"""LeNet-5 as the reference table the checker compares with (LeCun et al., 1998).

One :class:`Step` per layer: C1, S2, C3, S4, C5, F6 and the output, with the output shape
and the parameter count of each, for the accepted forms (32x32 input, or 28x28 padded by a
``ZeroPadding2D(2)`` layer or by ``padding="same"`` in C1; C5 as ``Flatten`` + ``Dense(120)``
or as ``Conv2D(120, 5)`` + ``Flatten``).

Example:
    >>> steps = reference(channels=1, num_classes=10, pad="none", c5="dense")
    >>> [s.name for s in steps]
    ['C1', 'S2', 'C3', 'S4', 'aplanado', 'C5', 'F6', 'salida']
    >>> sum(s.params for s in steps)
    61706
"""

from __future__ import annotations

from dataclasses import dataclass

VARIANTS: dict[str | None, dict[str, tuple[str, ...]]] = {
    None: {"activation": ("tanh", "relu"), "pool": ("avg", "max")},
    "classic": {"activation": ("tanh",), "pool": ("avg",)},
    "modern": {"activation": ("relu",), "pool": ("max",)},
}
"""What each ``variant=`` of :func:`cnnkit.exercises.check_lenet` accepts."""

VARIANT_ES = {"classic": "clásica", "modern": "moderna"}
POOL_CLASS = {"avg": "AveragePooling2D", "max": "MaxPooling2D"}


@dataclass(frozen=True)
class Step:
    """One layer of the reference LeNet-5."""

    name: str
    kind: str  # "pad", "conv", "pool", "flatten" or "dense"
    in_shape: tuple[int, ...]
    shape: tuple[int, ...]
    params: int
    size: int = 0  # filters (conv) or units (dense)
    kernel: int = 0
    padding: str = "valid"
    is_output: bool = False


def reference(channels: int, num_classes: int, pad: str, c5: str) -> list[Step]:
    """LeNet-5's layers for ``channels`` input channels and ``num_classes`` outputs.

    Args:
        channels: channels of the input images.
        num_classes: neurons of the output layer.
        pad: ``"none"`` (32x32 input), ``"layer"`` (28x28 + ``ZeroPadding2D``) or
            ``"same"`` (28x28 + C1 with ``padding="same"``).
        c5: ``"dense"`` (``Flatten`` + ``Dense(120)``) or ``"conv"`` (``Conv2D(120, 5)``
            + ``Flatten``).

    Returns:
        The steps in order.
    """
    steps: list[Step] = []
    first = (28, 28, channels) if pad != "none" else (32, 32, channels)
    if pad == "layer":
        steps.append(Step("relleno", "pad", first, (32, 32, channels), 0))
    c1_in = steps[-1].shape if steps else first
    c1_padding = "same" if pad == "same" else "valid"
    steps += [
        Step("C1", "conv", c1_in, (28, 28, 6), 6 * (25 * channels + 1), 6, 5, c1_padding),
        Step("S2", "pool", (28, 28, 6), (14, 14, 6), 0),
        Step("C3", "conv", (14, 14, 6), (10, 10, 16), 2416, 16, 5),
        Step("S4", "pool", (10, 10, 16), (5, 5, 16), 0),
    ]
    if c5 == "dense":
        steps += [
            Step("aplanado", "flatten", (5, 5, 16), (400,), 0),
            Step("C5", "dense", (400,), (120,), 48120, 120),
        ]
    else:
        steps += [
            Step("C5", "conv", (5, 5, 16), (1, 1, 120), 48120, 120, 5),
            Step("aplanado", "flatten", (1, 1, 120), (120,), 0),
        ]
    steps += [
        Step("F6", "dense", (120,), (84,), 10164, 84),
        Step("salida", "dense", (84,), (num_classes,), 85 * num_classes, num_classes,
             is_output=True),
    ]  # fmt: skip
    return steps


def candidates(size: tuple, channels: int, num_classes: int) -> list[list[Step]]:
    """Every accepted form of LeNet-5 for an input of ``size`` (height, width).

    Example:
        >>> len(candidates((28, 28), 1, 10)), len(candidates((32, 32), 1, 10))
        (4, 2)
    """
    pads = ("layer", "same") if size == (28, 28) else ("none",)
    return [reference(channels, num_classes, pad, c5) for pad in pads for c5 in ("dense", "conv")]
