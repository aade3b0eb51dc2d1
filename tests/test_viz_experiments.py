"""Tests for cnnkit.viz.experiments: training stages and accuracy against labelled examples."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cnnkit import viz  # noqa: E402

HEAD = {"loss": [1.0, 0.8, 0.7], "accuracy": [0.5, 0.6, 0.7], "val_loss": [0.9, 0.8, 0.75],
        "val_accuracy": [0.55, 0.6, 0.65]}  # fmt: skip
FINE = {"loss": [0.6, 0.5], "accuracy": [0.75, 0.8], "val_loss": [0.7, 0.65],
        "val_accuracy": [0.7, 0.72]}  # fmt: skip


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax, label):
    return [line for line in ax.get_lines() if line.get_label() == label]


def test_plot_stages_continues_the_epoch_axis_and_marks_each_stage():
    fig = viz.plot_stages({"extracción": HEAD, "ajuste fino": FINE})
    loss_ax, acc_ax = fig.axes
    assert (loss_ax.get_title(), acc_ax.get_title()) == ("loss", "accuracy")
    (head,) = _lines(loss_ax, "extracción train")
    (fine,) = _lines(loss_ax, "ajuste fino train")
    np.testing.assert_array_equal(head.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(fine.get_xdata(), [4, 5])  # after the first stage
    np.testing.assert_allclose(fine.get_ydata(), FINE["loss"])
    (fine_val,) = _lines(acc_ax, "ajuste fino val")
    np.testing.assert_allclose(fine_val.get_ydata(), FINE["val_accuracy"])
    assert fine_val.get_linestyle() == "--" and fine.get_color() != head.get_color()
    boundaries = [line for line in loss_ax.get_lines() if line.get_linestyle() == ":"]
    assert len(boundaries) == 1 and boundaries[0].get_xdata()[0] == 3.5


def test_plot_stages_accepts_keras_history_objects():
    class History:  # what model.fit returns: an object with a `history` dict
        history = HEAD

    fig = viz.plot_stages({"cabeza": History()}, metrics="accuracy", title="t")
    assert len(fig.axes) == 1 and fig._suptitle.get_text() == "t"


@pytest.mark.parametrize(
    ("stages", "kwargs", "error", "match"),
    [
        ({}, {}, ValueError, "non-empty mapping"),
        ([HEAD], {}, TypeError, "non-empty mapping"),
        ({"a": [1, 2]}, {}, TypeError, "stage 'a' must be a keras.callbacks.History"),
        ({"a": HEAD, "b": {"loss": [0.5]}}, {}, ValueError, r"'accuracy' was not.*\['b'\]"),
    ],
)
def test_plot_stages_rejects_bad_input(stages, kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_stages(stages, **kwargs)


def test_plot_accuracy_vs_examples_draws_the_mean_and_the_range_of_the_seeds():
    rows = [
        {"n": n, "strategy": s, "seed": seed, "accuracy": base + 0.01 * seed + n / 10_000}
        for s, base in (("scratch", 0.5), ("fine-tuning", 0.7))
        for n in (50, 100, 500)
        for seed in (0, 1, 2)
    ]
    fig = viz.plot_accuracy_vs_examples(pd.DataFrame(rows), title="100 etiquetas")
    (ax,) = fig.axes
    (scratch,) = _lines(ax, "scratch")
    np.testing.assert_array_equal(scratch.get_xdata(), [50, 100, 500])
    np.testing.assert_allclose(scratch.get_ydata(), [0.515, 0.52, 0.56])  # mean of 3 seeds
    assert len(ax.collections) == 2  # one min-max band per strategy
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_xticklabels()] == [
        "50", "100", "500"
    ]
    assert ax.get_title() == "100 etiquetas"


def test_plot_accuracy_vs_examples_without_repetitions_has_no_band():
    fig = viz.plot_accuracy_vs_examples(
        {"labels": [10, 20], "acc": [0.3, 0.4], "method": ["a", "a"]},
        x="labels", y="acc", hue="method", logx=False,
    )  # fmt: skip
    (ax,) = fig.axes
    assert len(ax.collections) == 0 and ax.get_xscale() == "linear"


@pytest.mark.parametrize(
    ("results", "match"),
    [
        ({"n": [1], "accuracy": [0.5]}, r"no column\(s\) \['strategy'\]"),
        (pd.DataFrame(columns=["n", "accuracy", "strategy"]), "is empty"),
    ],
)
def test_plot_accuracy_vs_examples_rejects_bad_input(results, match):
    with pytest.raises(ValueError, match=match):
        viz.plot_accuracy_vs_examples(results)
