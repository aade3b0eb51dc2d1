"""Plots of experiments: training in stages and accuracy against the amount of data.

`plot_stages` draws the learning curves of a training done in consecutive stages
(feature extraction, then fine-tuning) on one epoch axis, with a line where each stage
starts. `plot_accuracy_vs_examples` draws the accuracy of several methods against the
number of labelled training examples (mean over repetitions, with their range).
Both return the matplotlib `Figure`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from cnnkit._validate import check_bool
from cnnkit.viz._figure import finish, subplots
from cnnkit.viz._history import as_history, plot_run, style_epoch_axes
from cnnkit.viz._text import NumberFormatter, metric_label, text

__all__ = ["plot_stages", "plot_accuracy_vs_examples"]


def plot_stages(
    stages: Mapping[str, Any],
    *,
    metrics: Sequence[str] = ("loss", "accuracy"),
    title: str | None = None,
) -> Figure:
    """Plots the learning curves of consecutive training stages on one epoch axis.

    Each stage continues where the previous one ended (e.g. "feature extraction" then
    "fine-tuning" of the same model): its epochs are numbered after the previous stage's,
    a dotted vertical line marks where it starts, and its curves get their own colour
    (train solid, validation dashed).

    Args:
        stages: an ordered mapping ``stage name -> keras History (or its dict)``.
        metrics: metric names, one panel each; ``val_<metric>`` is drawn when recorded.
        title: optional title over the figure.

    Returns:
        The matplotlib `Figure`, with one `Axes` per metric.

    Raises:
        TypeError: if `stages` is not a non-empty mapping of histories.
        ValueError: if a metric was not recorded by every stage.

    Example:
        With a model: ``h1 = model.fit(...)`` (head only), then
        ``transfer.unfreeze(model, from_layer=...)``, ``model.compile(...)`` and
        ``h2 = model.fit(...)``; here two history dicts:

        >>> h1 = {"loss": [0.9, 0.6], "val_loss": [1.0, 0.8]}
        >>> h2 = {"loss": [0.5, 0.4], "val_loss": [0.7, 0.65]}
        >>> ax = plot_stages({"extracción": h1, "ajuste fino": h2}, metrics=("loss",)).axes[0]
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['extracción train', 'extracción val', 'ajuste fino train', 'ajuste fino val']
    """
    if not isinstance(stages, Mapping) or not stages:
        error = TypeError if not isinstance(stages, Mapping) else ValueError
        raise error(
            "`stages` must be a non-empty mapping such as {'extracción': h1, 'ajuste fino': h2}"
        )
    if isinstance(metrics, str):
        metrics = (metrics,)
    runs = {str(name): as_history(run, f"stage {str(name)!r}") for name, run in stages.items()}
    for metric in metrics:
        missing = [name for name, run in runs.items() if metric not in run]
        if missing:
            raise ValueError(
                f"metric {metric!r} was not recorded by stage(s) {missing}; pass metrics= "
                "with names every stage recorded (e.g. 'loss', 'accuracy')."
            )
    fig, axes = subplots(1, len(metrics), figsize=(5.0 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        start = 0
        for i, (name, run) in enumerate(runs.items()):
            plot_run(ax, run, metric, name, f"C{i}", first_epoch=start + 1)
            if start > 0:
                ax.axvline(start + 0.5, color="gray", linestyle=":", linewidth=1)
            start += len(run[metric])
        style_epoch_axes(ax, metric)
    return finish(fig, suptitle=title)


def plot_accuracy_vs_examples(
    results: Any,
    *,
    x: str = "n",
    y: str = "accuracy",
    hue: str = "strategy",
    logx: bool = True,
    title: str | None = None,
) -> Figure:
    """Plots accuracy against the number of labelled examples, one line per method.

    Each line joins the mean over repetitions (e.g. seeds) at each size; a shaded band
    spans the lowest to the highest repetition.

    Args:
        results: a pandas DataFrame (or a mapping of equal-length columns) with one row
            per run and at least the columns `x`, `y` and `hue`.
        x: column with the number of labelled examples.
        y: column with the accuracy (or any metric).
        hue: column naming the method of each run.
        logx: logarithmic x axis (sizes such as 50, 100, 500, 1000...).
        title: optional axes title.

    Returns:
        The matplotlib `Figure`.

    Raises:
        TypeError: if `logx` is not True or False.
        ValueError: if a column is missing or `results` is empty.

    Example:
        >>> rows = {"n": [50, 50, 1000, 1000], "accuracy": [0.6, 0.62, 0.8, 0.84],
        ...         "strategy": ["desde cero"] * 4}
        >>> ax = plot_accuracy_vs_examples(rows).axes[0]
        >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_ylabel()
        (['50', '1,000'], 'accuracy')
    """
    import pandas as pd

    check_bool(logx, "logx")
    if not isinstance(results, pd.DataFrame | Mapping | list):
        raise TypeError(
            "`results` must be a pandas DataFrame, a mapping of columns or a list of rows, "
            f"got {type(results).__name__}: {results!r}."
        )
    frame = results if isinstance(results, pd.DataFrame) else pd.DataFrame(results)
    missing = [c for c in (x, y, hue) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"`results` has no column(s) {missing}; its columns are {list(frame.columns)}. "
            "Pass x=, y= and hue= with the names of your columns."
        )
    if frame.empty:
        raise ValueError("`results` is empty: run the experiment first.")
    stats = frame.groupby([hue, x], sort=False)[y].agg(["mean", "min", "max"]).reset_index()
    fig, ax = subplots(figsize=(6.4, 4.0))
    for i, (name, group) in enumerate(stats.groupby(hue, sort=False)):
        group = group.sort_values(x)
        color = f"C{i}"
        ax.plot(group[x], group["mean"], "-o", color=color, label=str(name))
        if (group["max"] > group["min"]).any():
            ax.fill_between(group[x], group["min"], group["max"], color=color, alpha=0.15)
    if logx:
        ax.set_xscale("log")
    sizes = sorted(frame[x].unique())
    ax.set_xticks(sizes)
    ax.xaxis.set_major_formatter(NumberFormatter())
    ax.minorticks_off()
    ax.set_xlabel(text("labelled_examples"))
    ax.set_ylabel(metric_label(y))
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title is not None:
        ax.set_title(title)
    return finish(fig)
