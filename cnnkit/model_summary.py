"""A model's layers as the course shows them: Spanish words and Spanish numbers.

``model.summary()`` prints Keras's English table (``Layer (type)``, ``Total params:
62,378,344 (237.95 MB)``). The notebooks print :func:`summary` instead: one row per layer
with its name, type, output shape and parameters, and the totals, in the language chosen
with ``cnnkit.set_language`` (Spanish in the course; English for library users). The
numbers come from :mod:`cnnkit.stats` (``layer_table`` and ``trainable_counts``), so they
are the ones ``model.summary()`` reports.

Example:
    >>> import keras
    >>> from cnnkit._language import set_language
    >>> model = keras.Sequential([
    ...     keras.Input((28, 28, 1)), keras.layers.Conv2D(6, 5, name="conv"),
    ...     keras.layers.Flatten(name="aplanar"), keras.layers.Dense(10, name="salida")],
    ...     name="mini")
    >>> set_language("es"); summary(model)
    Modelo «mini»
    capa     tipo     forma de salida  parámetros
    ---------------------------------------------
    conv     Conv2D   (24, 24, 6)             156
    aplanar  Flatten  (3456,)                   0
    salida   Dense    (10,)                34.570
    ---------------------------------------------
    Parámetros en total: 34.726
      entrenables:       34.726
      no entrenables:         0
    >>> set_language("en")
"""

from __future__ import annotations

from typing import Any

import keras

from cnnkit import stats
from cnnkit._language import format_number, language

__all__ = ["summary", "summary_text"]

_WORDS = {
    "es": {
        "model": "Modelo «{name}»",
        "columns": ("capa", "tipo", "forma de salida", "parámetros"),
        "total": "Parámetros en total:",
        "trainable": "  entrenables:",
        "non_trainable": "  no entrenables:",
    },
    "en": {
        "model": 'Model "{name}"',
        "columns": ("layer", "type", "output shape", "parameters"),
        "total": "Total parameters:",
        "trainable": "  trainable:",
        "non_trainable": "  non-trainable:",
    },
}
"""The words of the table, per language."""


def _shape(shape: tuple[Any, ...]) -> str:
    """``(24, 24, 6)``; an unknown size is written ``?`` (not Python's ``None``)."""
    sizes = ["?" if size is None else format_number(int(size)) for size in shape]
    return f"({sizes[0]},)" if len(sizes) == 1 else "(" + ", ".join(sizes) + ")"


def summary_text(model: keras.Model) -> str:
    """The table :func:`summary` prints, as a string.

    Args:
        model: a built Keras model (a nested model is one row, as in ``model.summary()``).

    Returns:
        The title, one line per layer (name, type, output shape without the batch axis,
        parameters) and the totals: all, trainable and non-trainable parameters.

    Raises:
        TypeError: ``model`` is not a Keras model.
    """
    words = _WORDS[language()]
    rows = [
        (row["layer"], row["type"], _shape(row["output_shape"]), format_number(row["parameters"]))
        for row in stats.layer_table(model)
    ]
    counts = stats.trainable_counts(model)
    header = words["columns"]
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        left = [cell.ljust(width) for cell, width in zip(cells[:3], widths, strict=False)]
        return "  ".join([*left, cells[3].rjust(widths[3])])

    rule = "-" * len(line(header))
    totals = {
        "total": format_number(counts["trainable"] + counts["non_trainable"]),
        "trainable": format_number(counts["trainable"]),
        "non_trainable": format_number(counts["non_trainable"]),
    }
    label_width = max(len(words[key]) for key in totals)
    number_width = max(len(number) for number in totals.values())
    lines = [words["model"].format(name=model.name), line(header), rule]
    lines += [line(row) for row in rows]
    lines.append(rule)
    lines += [
        f"{words[key].ljust(label_width)} {number.rjust(number_width)}"
        for key, number in totals.items()
    ]
    return "\n".join(lines)


def summary(model: keras.Model) -> None:
    """Print the layers and parameters of ``model`` in the current language.

    The course's replacement for ``model.summary()``: Spanish headings (capa, tipo, forma de
    salida, parámetros) and Spanish numbers (``62.378.344``); see the module's example.

    Args:
        model: a built Keras model.

    Raises:
        TypeError: ``model`` is not a Keras model.
    """
    print(summary_text(model))
