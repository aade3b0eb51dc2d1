"""Learning-curve helpers shared by ``plot_history`` and ``plot_stages``: one way to read a
keras ``History`` (or its dict) and one style of epoch axes.

Example:
    >>> as_history({"loss": [1, 0.5]}, "`history`")
    {'loss': [1.0, 0.5]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from cnnkit.viz._text import metric_label, text

__all__ = ["as_history", "is_run", "normalize_runs", "check_metrics", "plot_run",
           "style_epoch_axes"]


def as_history(run: Any, what: str) -> dict[str, list[float]]:
    """The ``{metric: [value per epoch]}`` dict of a keras ``History`` or of a mapping.

    Args:
        run: a ``keras.callbacks.History`` or its ``history`` dict.
        what: how error messages name the argument (e.g. ``"`history`"``, ``"stage 'a'"``).

    Raises:
        TypeError: if ``run`` is neither, or a metric's values are not numbers.
    """
    if hasattr(run, "history") and isinstance(run.history, Mapping):
        run = run.history
    if not isinstance(run, Mapping):
        raise TypeError(
            f"{what} must be a keras.callbacks.History, a history dict "
            f"(`history.history`) or a mapping label -> History/dict; got {type(run).__name__}."
        )
    out: dict[str, list[float]] = {}
    for key, values in run.items():
        if not isinstance(key, str) or isinstance(values, (str, bytes)):
            raise TypeError(
                f"{what} must map metric names to per-epoch values; "
                f"got {key!r}: {type(values).__name__}."
            )
        try:
            out[key] = [float(v) for v in np.ravel(np.asarray(values, dtype=float))]
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"{what}[{key!r}] must be a sequence of numbers (one per epoch); "
                f"got {type(values).__name__}."
            ) from err
    return out


def is_run(value: Any) -> bool:
    """Whether ``value`` is a keras ``History`` or a mapping (one run's curves)."""
    return (hasattr(value, "history") and isinstance(value.history, Mapping)) or isinstance(
        value, Mapping
    )


def normalize_runs(history: Any) -> dict[str | None, dict[str, list[float]]]:
    """Turns any accepted ``history`` argument into ``{label or None: history dict}``."""
    if isinstance(history, Mapping) and history and all(is_run(v) for v in history.values()):
        return {str(label): as_history(run, f"`history[{label!r}]`")
                for label, run in history.items()}
    return {None: as_history(history, "`history`")}


def check_metrics(metrics: Any, runs: Mapping[Any, Mapping[str, Any]]) -> list[str]:
    """The metric names to plot; each must be recorded by at least one run."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    if not isinstance(metrics, Sequence) or not metrics or not all(
        isinstance(m, str) for m in metrics
    ):
        raise TypeError(
            f"`metrics` must be a non-empty tuple of metric names such as ('loss', 'accuracy'); "
            f"got {metrics!r}."
        )
    available = sorted({k for run in runs.values() for k in run if not k.startswith("val_")})
    missing = [m for m in metrics if not any(m in run for run in runs.values())]
    if missing:
        raise ValueError(
            f"`metrics` contains {missing}, which no run recorded; available metrics: "
            f"{available}. Pass metrics= with names from that list."
        )
    return list(metrics)


def plot_run(ax: Any, run: Mapping[str, list[float]], metric: str, label: str | None,
             color: str, first_epoch: int = 1) -> None:
    """Draws one run's train (solid) and validation (dashed) curves of ``metric``."""
    if metric.startswith("val_"):
        curves = [(metric, "--", text("val"))]
    else:
        curves = [(metric, "-", text("train")), (f"val_{metric}", "--", text("val"))]
    prefix = "" if label is None else f"{label} "
    for key, style, kind in curves:
        if key not in run:
            continue
        values = run[key]
        epochs = np.arange(first_epoch, first_epoch + len(values))
        ax.plot(epochs, values, style, color=color, marker="." if len(values) < 30 else None,
                label=f"{prefix}{kind}")


def style_epoch_axes(ax: Any, metric: str) -> None:
    """Titles an axes by its metric, labels epochs on x (integers only), adds grid and legend."""
    ax.set_title(metric_label(metric))
    ax.set_xlabel(text("epoch"))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    ax.xaxis.get_major_locator().set_params(integer=True)
