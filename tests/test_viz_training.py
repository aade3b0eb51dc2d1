"""Tests for cnnkit.viz.training: learning curves, confusion matrix, misclassified."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnkit.viz.training import (  # noqa: E402
    plot_confusion_matrix,
    plot_history,
    show_misclassified,
)

HISTORY = {
    "loss": [1.0, 0.6, 0.4],
    "accuracy": [0.6, 0.75, 0.85],
    "val_loss": [0.9, 0.7, 0.65],
    "val_accuracy": [0.65, 0.72, 0.78],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lines(ax) -> list[tuple[str, str, list[float]]]:
    return [(line.get_label(), line.get_linestyle(), list(line.get_ydata())) for line in ax.lines]


def test_plot_history_dict_train_solid_validation_dashed():
    fig = plot_history(HISTORY, title="run")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert fig._suptitle.get_text() == "run"
    assert lines(fig.axes[0]) == [
        ("train", "-", HISTORY["loss"]),
        ("val", "--", HISTORY["val_loss"]),
    ]
    assert list(fig.axes[1].lines[0].get_xdata()) == [1, 2, 3]  # epochs count from 1


def test_plot_history_accepts_a_keras_history():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((4, 2)), np.ones(4), epochs=2, verbose=0)
    fig = plot_history(history, metrics=("loss",))
    assert len(fig.axes) == 1
    assert lines(fig.axes[0])[0][2] == pytest.approx(history.history["loss"])


def test_plot_history_compares_runs_with_one_colour_each():
    other = {k: [v * 0.5 for v in vals] for k, vals in HISTORY.items()}
    fig = plot_history({"A": HISTORY, "B": other}, metrics=("accuracy",))
    drawn = fig.axes[0].lines
    assert [line.get_label() for line in drawn] == ["A train", "A val", "B train", "B val"]
    assert drawn[0].get_color() == drawn[1].get_color() != drawn[2].get_color()


def test_plot_history_validation_metric_alone_and_missing_validation():
    fig = plot_history(HISTORY, metrics=("val_accuracy",))
    assert lines(fig.axes[0]) == [("val", "--", HISTORY["val_accuracy"])]
    train_only = {"loss": [1.0, 0.5]}
    assert len(plot_history(train_only, metrics=("loss",)).axes[0].lines) == 1


def test_plot_history_errors():
    with pytest.raises(ValueError, match=r"available metrics: \['accuracy', 'loss'\]"):
        plot_history(HISTORY, metrics=("auc",))
    with pytest.raises(TypeError, match="history"):
        plot_history([0.1, 0.2])
    with pytest.raises(TypeError, match="metrics"):
        plot_history(HISTORY, metrics=())


def test_confusion_matrix_counts_and_labels():
    y_true = [0, 0, 1, 2, 2, 2]
    probs = np.eye(3)[[0, 1, 1, 2, 2, 0]]  # scores: the arg-max is taken
    fig = plot_confusion_matrix(y_true, probs, class_names=["a", "b", "c"], title="cm")
    ax = fig.axes[0]
    assert ax.get_title() == "cm"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    cells = np.array([t.get_text() for t in ax.texts]).reshape(3, 3)
    assert cells.tolist() == [["1", "1", "0"], ["0", "1", "0"], ["1", "0", "2"]]
    assert len(fig.axes) == 2  # the matrix and its colour bar


def test_confusion_matrix_normalized_rows_and_errors():
    fig = plot_confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1], normalize="true")
    cells = [t.get_text() for t in fig.axes[0].texts]
    assert cells == ["0.50", "0.50", "0.00", "1.00"]
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="one entry per example"):
        plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="class_names"):
        plot_confusion_matrix([0, 3], [0, 1], class_names=["a", "b"])


def test_show_misclassified_most_confident_mistakes_first():
    images = np.arange(5 * 4 * 4, dtype="float32").reshape(5, 4, 4) / 80
    y_true = np.array([0, 1, 1, 0, 2])
    probs = np.array(
        [[0.9, 0.1, 0.0], [0.6, 0.4, 0.0], [0.0, 0.1, 0.9], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]]
    )  # wrong: 1 (p 0.6), 2 (p 0.9), 3 (p 0.8)
    fig = show_misclassified(images, y_true, probs, class_names=["a", "b", "c"])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["c\n(b)", "b\n(a)", "a\n(b)"]  # prediction (true label)
    assert len(show_misclassified(images, y_true, probs, n=2).axes) == 2


def test_show_misclassified_without_mistakes_and_errors():
    images = np.zeros((2, 4, 4))
    fig = show_misclassified(images, [0, 1], [0, 1])
    assert fig.axes[0].texts[0].get_text() == "no misclassified examples"
    with pytest.raises(ValueError, match="images"):
        show_misclassified(np.zeros((3, 4, 4)), [0, 1], [1, 0])
    with pytest.raises(ValueError, match="`n`"):
        show_misclassified(images, [0, 1], [1, 0], n=0)
