"""Training plots: learning curves, confusion matrix and misclassified examples.

The three figures every notebook that trains a model needs: `plot_history` draws the
loss and accuracy curves (train solid, validation dashed) of one or several runs,
`plot_confusion_matrix` wraps scikit-learn's `ConfusionMatrixDisplay`, and
`show_misclassified` shows the test images the model got wrong with `show_images`.
All three return the matplotlib `Figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.artist import setp
from matplotlib.figure import Figure

from cnnkit._validate import check_choice, check_int, check_number
from cnnkit.viz._figure import finish, subplots
from cnnkit.viz._history import check_metrics, normalize_runs, plot_run, style_epoch_axes
from cnnkit.viz._text import localize_numbers, text

__all__ = ["plot_history", "plot_confusion_matrix", "show_misclassified"]

def plot_history(
    history: Any,
    *,
    metrics: Sequence[str] = ("loss", "accuracy"),
    title: str | None = None,
) -> Figure:
    """Plots learning curves: one panel per metric, train solid and validation dashed.

    Args:
        history: a `keras.callbacks.History` (what `model.fit` returns), its
            `history.history` dict, or a mapping ``label -> History or dict`` to
            compare several runs on the same axes (one colour per run).
        metrics: metric names to plot, one panel each (default loss and accuracy).
            The validation curve ``val_<metric>`` is drawn when it was recorded.
        title: optional title over the whole figure.

    Returns:
        The matplotlib `Figure`, with one `Axes` per metric.

    Raises:
        TypeError: if `history` or `metrics` has the wrong type.
        ValueError: if a metric was recorded by none of the runs.

    Example:
        ``plot_history(model.fit(...))`` draws one run; ``plot_history({"sin BN": h1,
        "con BN": h2}, metrics=("val_accuracy",))`` compares two. With a history dict:

        >>> history = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}
        >>> ax = plot_history(history, metrics=("loss",)).axes[0]
        >>> ax.get_title(), ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
        ('loss', 'epoch', ['train', 'val'])
    """
    runs = normalize_runs(history)
    names = check_metrics(metrics, runs)
    fig, axes = subplots(1, len(names), figsize=(5.0 * len(names), 3.6), squeeze=False)
    colors = mpl.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
    for ax, metric in zip(axes[0], names, strict=True):
        for i, (label, run) in enumerate(runs.items()):
            plot_run(ax, run, metric, label, colors[i % len(colors)])
        style_epoch_axes(ax, metric)
    return finish(fig, suptitle=title)


def _as_labels(y: Any, name: str) -> np.ndarray:
    """Class indices from integer labels (N,) or scores / one-hot rows (N, C)."""
    arr = np.asarray(y)
    if arr.ndim == 2:
        arr = arr.argmax(axis=1)
    elif arr.ndim != 1:
        raise ValueError(
            f"`{name}` must be class indices of shape (N,) or scores of shape (N, C); "
            f"got shape {arr.shape}."
        )
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not np.all(np.equal(np.mod(arr, 1), 0)):
            raise ValueError(f"`{name}` must hold integer class indices; got dtype {arr.dtype}.")
        arr = arr.astype(int)
    return arr


def _check_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true, pred = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if true.shape != pred.shape:
        raise ValueError(
            f"`y_true` and `y_pred` must have one entry per example; got {true.shape[0]} "
            f"and {pred.shape[0]}."
        )
    if true.size == 0:
        raise ValueError("`y_true` is empty: pass at least one example.")
    return true, pred


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    *,
    class_names: Sequence[str] | None = None,
    normalize: str | None = None,
    title: str | None = None,
    cmap: str = "Blues",
) -> Figure:
    """Plots the confusion matrix with scikit-learn's `ConfusionMatrixDisplay`.

    Rows are the true classes, columns the predicted ones; the diagonal holds the
    correct predictions.

    Args:
        y_true: true class indices, shape (N,), or one-hot rows (N, C).
        y_pred: predicted class indices (N,) or scores / probabilities (N, C), e.g.
            the output of `model.predict` (the arg-max is taken).
        class_names: names for the ticks, one per class (default: the indices).
        normalize: None for counts, or "true", "pred", "all" as in
            `sklearn.metrics.confusion_matrix` (e.g. "true": each row sums to 1).
        title: optional axes title.
        cmap: matplotlib colour map name.

    Returns:
        The matplotlib `Figure` (one `Axes` for the matrix plus the colour bar).

    Raises:
        ValueError: if the label arrays disagree in length, `normalize` is not one of
            the allowed values, or `class_names` does not cover the classes present.

    Example:
        With a model: ``plot_confusion_matrix(y_test, model.predict(x_test, verbose=0))``.

        >>> ax = plot_confusion_matrix([0, 1, 1], [0, 1, 0], class_names=["gato", "perro"]).axes[0]
        >>> ax.get_ylabel(), ax.get_xlabel(), [t.get_text() for t in ax.texts]
        ('True label', 'Predicted label', ['1', '0', '1', '1'])
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    true, pred = _check_pair(y_true, y_pred)
    check_choice(normalize, "normalize", (None, "true", "pred", "all"),
                 hint="'true' makes each row (true class) sum to 1.")
    num_classes = int(max(true.max(), pred.max())) + 1
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if len(class_names) < num_classes:
            raise ValueError(
                f"`class_names` has {len(class_names)} names but the labels go up to "
                f"class {num_classes - 1}; pass one name per class."
            )
        num_classes = len(class_names)
    size = max(4.0, 0.6 * num_classes + 1.5)
    fig, ax = subplots(figsize=(size + 1.0, size))
    display = ConfusionMatrixDisplay.from_predictions(
        true,
        pred,
        labels=list(range(num_classes)),
        display_labels=class_names,
        normalize=normalize,
        cmap=cmap,
        ax=ax,
        xticks_rotation=45 if class_names is not None else "horizontal",
        values_format=".2f" if normalize else "d",
        colorbar=True,
    )
    ax.set_xlabel(text("predicted_label"))
    ax.set_ylabel(text("true_label"))
    for cell in display.text_.flat:
        cell.set_text(localize_numbers(cell.get_text()))
    if class_names is not None:
        setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    if title is not None:
        ax.set_title(title)
    return finish(fig)


def show_misclassified(
    images: Any,
    y_true: Any,
    y_pred: Any,
    *,
    class_names: Sequence[str] | None = None,
    n: int = 16,
    ncols: int = 8,
    size: float = 1.6,
    suptitle: str | None = None,
) -> Figure:
    """Shows the examples the model got wrong, with their true and predicted labels.

    When `y_pred` holds scores (N, C), the mistakes made with the highest confidence
    come first; with class indices they keep the order of `images`.

    Args:
        images: the images, (N, H, W), (N, H, W, 1) or (N, H, W, 3).
        y_true: true class indices (N,) or one-hot rows (N, C).
        y_pred: predicted class indices (N,) or scores (N, C) from `model.predict`.
        class_names: class names for the titles (default: the indices).
        n: at most this many mistakes are shown.
        ncols: images per row.
        size: width and height of each image in inches (at the notebooks' 80 dpi, 3.2
            gives panels of about 250 px, legible digits).
        suptitle: optional title over the grid.

    Returns:
        The matplotlib `Figure` drawn by `cnnkit.viz.show_images` (an empty figure
        with a note when there is no mistake to show).

    Raises:
        TypeError: if `n` or `ncols` is not an int, or `size` not a number.
        ValueError: if `images` and the labels disagree in length, `n` < 1 or
            `size` < 0.5.

    Example:
        With a model: ``show_misclassified(x_test, y_test, model.predict(x_test, verbose=0))``.

        >>> fig = show_misclassified(np.zeros((3, 8, 8)), [0, 1, 1], [0, 0, 1],
        ...                          class_names=["gato", "perro"])
        >>> [ax.get_title().split() for ax in fig.axes]  # prediction (true label)
        [['gato', '(perro)']]
    """
    from cnnkit.viz.images import show_images

    true, pred = _check_pair(y_true, y_pred)
    images = np.asarray(images)
    if images.shape[0] != true.shape[0]:
        raise ValueError(
            f"`images` has {images.shape[0]} examples but the labels have {true.shape[0]}; "
            "pass the same examples to both."
        )
    n = check_int(n, "n", minimum=1)
    check_int(ncols, "ncols", minimum=1)
    size = check_number(size, "size", minimum=0.5, hint="inches per image, e.g. 3.2")
    wrong = np.flatnonzero(true != pred)
    scores = np.asarray(y_pred)
    if scores.ndim == 2:
        wrong = wrong[np.argsort(-scores[wrong, pred[wrong]], kind="stable")]
    wrong = wrong[:n]
    if wrong.size == 0:
        fig, ax = subplots(figsize=(4, 1), layout="constrained")
        ax.axis("off")
        ax.text(0.5, 0.5, text("no_mistakes"), ha="center", va="center")
        return finish(fig, suptitle=suptitle, tight=False)
    return show_images(
        images[wrong],
        labels=true[wrong],
        predictions=pred[wrong],
        class_names=class_names,
        ncols=ncols,
        size=size,
        suptitle=suptitle,
    )
