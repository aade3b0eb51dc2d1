"""The words and numbers cnnkit draws in figures: one table, English and Spanish.

Every literal a visualizer draws (titles, axis labels, legends, notes) is looked up here
with :func:`text`, in the language chosen with ``cnnkit.set_language`` (English by default;
the notebooks call ``cnnkit.setup(seed=0, language="es")``). Numbers drawn in Spanish use a
decimal comma and group thousands with a point from five digits on (``0,93``, ``61.706``):
:func:`localize_numbers` rewrites a number written in English, and :func:`finish_figure`
makes the tick labels of every axes of a figure (colour bars included) do the same.

Example:
    >>> from cnnkit._language import set_language
    >>> set_language("es"); text("epoch"), metric_label("val_accuracy")
    ('época', 'acierto (validación)')
    >>> localize_numbers("p = 0.93"), localize_numbers("61706 / 0.5")
    ('p = 0,93', '61.706 / 0,5')
    >>> set_language("en"); text("epoch"), metric_label("val_accuracy")
    ('epoch', 'val_accuracy')
"""

from __future__ import annotations

import re
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, Formatter, NullFormatter

from cnnkit._language import format_number, language

__all__ = ["TEXTS", "text", "metric_label", "localize_numbers", "finish_figure",
           "NumberFormatter"]

TEXTS: dict[str, dict[str, str]] = {
    # learning curves (plot_history, plot_stages)
    "epoch": {"en": "epoch", "es": "época"},
    "train": {"en": "train", "es": "entrenamiento"},
    "val": {"en": "val", "es": "validación"},
    "validation_metric": {"en": "val_{metric}", "es": "{metric} (validación)"},
    # metric names, as keras records them
    "loss": {"en": "loss", "es": "pérdida"},
    "accuracy": {"en": "accuracy", "es": "acierto"},
    "learning_rate": {"en": "learning_rate", "es": "tasa de aprendizaje"},
    # confusion matrix and misclassified examples
    "true_label": {"en": "True label", "es": "Clase real"},
    "predicted_label": {"en": "Predicted label", "es": "Clase predicha"},
    "no_mistakes": {"en": "no misclassified examples", "es": "ningún ejemplo mal clasificado"},
    # filters, feature maps, Grad-CAM
    "filters_title": {"en": "{layer}: {count} filters {height}x{width}",
                      "es": "{layer}: {count} filtros {height}x{width}"},
    "first_maps": {"en": " (first {count} maps)", "es": " (primeros {count} mapas)"},
    "input": {"en": "input", "es": "entrada"},
    "class_probability": {"en": "{name}: p = {probability}", "es": "{name}: p = {probability}"},
    # experiments
    "labelled_examples": {"en": "labelled examples", "es": "ejemplos etiquetados"},
    # the boxes of architecture diagrams (viz/diagrams.py; the rest is notation: ReLU, LRN)
    "box_input": {"en": "Input", "es": "Entrada"},
    "box_conv": {"en": "Conv", "es": "Convolución"},
    "box_max_pool": {"en": "MaxPool", "es": "Pooling máximo"},
    "box_average_pool": {"en": "AvgPool", "es": "Pooling medio"},
    "box_stride": {"en": "stride", "es": "paso"},
    "box_dense": {"en": "Dense", "es": "Densa"},
    "box_batch_norm": {"en": "Batch norm", "es": "Norm. por lotes"},
    "box_add": {"en": "Add", "es": "Suma"},
    "box_concatenate": {"en": "Concatenate", "es": "Concatenar"},
    "box_global_average": {"en": "Global average", "es": "Promedio global"},
    "box_flatten": {"en": "Flatten", "es": "Aplanar"},
    "box_zero_padding": {"en": "Zero padding", "es": "Relleno con ceros"},
    "box_channels": {"en": "channels", "es": "canales"},
}
"""``key -> {"en": ..., "es": ...}``: every word a figure of ``cnnkit.viz`` draws."""

_METRIC_KEYS = {
    "loss": "loss",
    "accuracy": "accuracy",
    "acc": "accuracy",
    "sparse_categorical_accuracy": "accuracy",
    "categorical_accuracy": "accuracy",
    "binary_accuracy": "accuracy",
    "learning_rate": "learning_rate",
}

_NUMBER = re.compile(r"(?<![\w.,])(\d+)(?:\.(\d+))?(?![\w.,])")


def text(key: str, **fields: Any) -> str:
    """The string ``key`` of :data:`TEXTS` in the current language, with ``fields`` filled in.

    Raises:
        KeyError: ``key`` is not in the table.

    Example:
        >>> from cnnkit._language import set_language
        >>> set_language("es"); text("first_maps", count=8)
        ' (primeros 8 mapas)'
        >>> set_language("en"); text("first_maps", count=8)
        ' (first 8 maps)'
    """
    entry = TEXTS[key][language()]
    return entry.format(**fields) if fields else entry


def metric_label(metric: str) -> str:
    """How a figure names a recorded metric (``"val_loss"``): unchanged in English.

    In Spanish known metrics are translated (``"pérdida (validación)"``); other names, for
    example a column a notebook already named in Spanish, are drawn as given.

    Example:
        >>> from cnnkit._language import set_language
        >>> set_language("es"); metric_label("loss"), metric_label("acierto")
        ('pérdida', 'acierto')
        >>> set_language("en")
    """
    if language() == "en":
        return metric
    if metric.startswith("val_"):
        return text("validation_metric", metric=metric_label(metric[len("val_"):]))
    key = _METRIC_KEYS.get(metric)
    return text(key) if key else metric


def _spanish_number(match: re.Match[str]) -> str:
    """One number written in English, rewritten by :func:`cnnkit.format_number` (the one
    formatter of the package) with as many decimals as it was written with."""
    whole, decimals = match.group(1), match.group(2)
    if len(whole) > 1 and whole.startswith("0"):  # "007", "05": not a quantity
        return match.group(0)
    if decimals is None:
        return format_number(int(whole))
    return format_number(float(match.group(0)), len(decimals))


def _spanish(label: Any) -> str:
    return _NUMBER.sub(_spanish_number, str(label))


def localize_numbers(label: str) -> str:
    """Rewrite the numbers of ``label``, written in English (``0.93``), for the language.

    Spanish: decimal comma, thousands grouped with a point from five digits on. Digits
    inside names (``conv2d``, ``3x3``) are left alone. English: ``label`` unchanged.
    """
    if language() != "es":
        return label
    return _spanish(label)


class NumberFormatter(Formatter):
    """Tick labels written with ``cnnkit.format_number`` (language of the drawing time)."""

    def __init__(self, decimals: int = 0) -> None:
        self.decimals = decimals

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, self.decimals)


class _LocalizedFormatter(Formatter):
    """Wraps a matplotlib tick formatter and rewrites its numbers in Spanish."""

    def __init__(self, base: Formatter) -> None:
        self.base = base

    def set_axis(self, axis: Any) -> None:
        self.axis = axis
        self.base.set_axis(axis)

    def set_locs(self, locs: Any) -> None:
        self.locs = locs
        self.base.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _spanish(self.base(x, pos))

    def format_ticks(self, values: Any) -> list[str]:
        return [_spanish(label) for label in self.base.format_ticks(values)]

    def get_offset(self) -> str:
        return _spanish(self.base.get_offset())

    def format_data_short(self, value: float) -> str:
        return _spanish(self.base.format_data_short(value))


_KEEP = (_LocalizedFormatter, NumberFormatter, FixedFormatter, NullFormatter)


def finish_figure(figure: Figure) -> Figure:
    """Make the tick labels of every axes of ``figure`` follow the language; return it.

    In Spanish each numeric tick formatter (colour bars included) is wrapped so that it
    writes a decimal comma; tick labels set by name (class names) are left alone.
    In English nothing changes.
    """
    if language() != "es":
        return figure
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter, setter in (
                (axis.get_major_formatter(), axis.set_major_formatter),
                (axis.get_minor_formatter(), axis.set_minor_formatter),
            ):
                if not isinstance(formatter, _KEEP):
                    setter(_LocalizedFormatter(formatter))
    return figure
