"""cnnkit.viz leaves pyplot alone: a visualizer called in a loop does not pile up figures
under a non-interactive backend, and under one that shows figures (Jupyter's inline
backend) its figures are pyplot's, so ``plt.show()`` shows them as before."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnnkit import viz  # noqa: E402
from cnnkit.viz import _figure  # noqa: E402

IMAGES = np.zeros((4, 8, 8), "uint8")
HISTORY = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.7]}


def small_model() -> keras.Model:
    return keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="c1"),
        keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax"),
    ])


CALLS = {
    "show_images": lambda m: viz.show_images(IMAGES, labels=[0, 1, 2, 0]),
    "show_matrix": lambda m: viz.show_matrix(np.eye(3)),
    "show_kernel": lambda m: viz.show_kernel(np.ones((3, 3)) / 9),
    "show_matrices": lambda m: viz.show_matrices([np.eye(2), np.ones((2, 3))]),
    "show_maps": lambda m: viz.show_maps(np.zeros((4, 4, 3))),
    "compare_images": lambda m: viz.compare_images([np.zeros((4, 4)), np.ones((4, 4))]),
    "plot_history": lambda m: viz.plot_history(HISTORY),
    "plot_confusion_matrix": lambda m: viz.plot_confusion_matrix([0, 1, 1], [0, 1, 0]),
    "show_misclassified": lambda m: viz.show_misclassified(IMAGES[:3], [0, 1, 1], [0, 0, 1]),
    "plot_stages": lambda m: viz.plot_stages({"a": HISTORY, "b": HISTORY}),
    "plot_accuracy_vs_examples": lambda m: viz.plot_accuracy_vs_examples(
        {"n": [50, 100], "accuracy": [0.5, 0.6], "strategy": ["x", "x"]}),
    "show_filters": lambda m: viz.show_filters(m),
    "show_feature_maps": lambda m: viz.show_feature_maps(m, IMAGES[0])[0],
    "grad_cam": lambda m: viz.grad_cam(m, IMAGES[0]),
}


def test_every_public_figure_function_is_checked():
    assert set(CALLS) == set(viz.__all__) - {"grad_cam_heatmap"}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_loop_of_calls_leaves_no_figure_open_under_agg(name):
    model = small_model()
    plt.close("all")
    # the cheapest one past matplotlib's 20 open figures (figure.max_open_warning), as a
    # student's loop would be; one figure left open already fails the check below
    calls = 21 if name == "show_matrix" else 3
    for _ in range(calls):
        figure = CALLS[name](model)
        assert isinstance(figure, Figure)
    assert plt.get_fignums() == []
    figure.canvas.draw()  # still a complete figure that renders (and saves) on its own
    assert figure.canvas.buffer_rgba().shape[-1] == 4


def test_under_a_backend_that_shows_figures_they_are_pyplots(monkeypatch):
    monkeypatch.setattr(matplotlib, "get_backend",
                        lambda *args, **kwargs: "module://matplotlib_inline.backend_inline")
    assert _figure.pyplot_shows_figures()
    plt.close("all")
    try:
        figures = [viz.show_matrix(np.eye(2)), viz.show_images(IMAGES)]
        assert plt.get_fignums() == [f.number for f in figures]  # plt.show() shows both
    finally:
        plt.close("all")


def test_the_backends_that_cannot_show_figures(monkeypatch):
    for backend, shows in (("agg", False), ("pdf", False), ("svg", False), ("QtAgg", True),
                           ("module://matplotlib_inline.backend_inline", True)):
        monkeypatch.setattr(matplotlib, "get_backend", lambda *a, b=backend, **k: b)
        assert _figure.pyplot_shows_figures() is shows, backend
