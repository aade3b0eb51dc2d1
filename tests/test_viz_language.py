"""Figures speak the chosen language: Spanish words and numbers for the course, English for
library users. Every public visualizer of cnnkit.viz is drawn with small inputs and every
text of the figure (titles, axis labels, legends, tick labels, annotations, colour bars)
is read back."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import cnnkit  # noqa: E402
from cnnkit import viz  # noqa: E402
from cnnkit.viz._text import TEXTS, localize_numbers  # noqa: E402

ENGLISH_WORDS = {
    "accuracy", "acc", "loss", "epoch", "epochs", "train", "training", "val", "validation",
    "true", "predicted", "prediction", "label", "labels", "labelled", "filter", "filters",
    "map", "maps", "first", "layer", "layers", "input", "output", "step", "steps",
    "example", "examples", "misclassified", "learning", "rate", "number", "of", "the",
}  # fmt: skip
"""English words that must not appear in a figure drawn in Spanish ("no" is Spanish too)."""

HISTORY = {
    "loss": [1.2, 0.61, 0.43],
    "accuracy": [0.55, 0.725, 0.86],
    "val_loss": [1.1, 0.72, 0.655],
    "val_accuracy": [0.6, 0.71, 0.79],
}
RNG = np.random.default_rng(0)
IMAGES = RNG.random((6, 12, 12)).astype("float32")
Y_TRUE = np.array([0, 1, 2, 0, 1, 2])
DRAWS_NO_TEXT = {"compare_images"}  # only the caller's titles, none given here
SCORES = np.eye(3)[[0, 2, 2, 1, 1, 2]] * 0.8 + 0.2 / 3  # two mistakes


@pytest.fixture(scope="module")
def model() -> keras.Model:
    inputs = keras.Input((12, 12, 1))
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(inputs)
    x = keras.layers.MaxPooling2D(name="p1")(x)
    x = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="c2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs)


def _results() -> dict[str, list]:
    return {
        "n": [50, 50, 20_000, 20_000],
        "accuracy": [0.5, 0.55, 0.8, 0.825],
        "strategy": ["a", "a", "a", "a"],
    }


CASES: dict[str, Callable[[keras.Model], Figure | list[Figure]]] = {
    "plot_history": lambda m: plot_both_histories(),
    "plot_confusion_matrix": lambda m: viz.plot_confusion_matrix(Y_TRUE, SCORES),
    "plot_confusion_matrix normalized": lambda m: viz.plot_confusion_matrix(
        Y_TRUE, SCORES, normalize="true"),
    "show_misclassified": lambda m: viz.show_misclassified(IMAGES, Y_TRUE, SCORES),
    "show_misclassified none": lambda m: viz.show_misclassified(IMAGES, Y_TRUE, Y_TRUE),
    "show_images": lambda m: viz.show_images(IMAGES, labels=Y_TRUE, predictions=Y_TRUE[::-1]),
    "show_matrix": lambda m: viz.show_matrix([[0.5, 1.25], [12_345.5, 3]]),
    "show_kernel": lambda m: viz.show_kernel([[0.123, -1], [1 / 9, 0.5]]),
    "show_matrices": lambda m: viz.show_matrices([np.eye(2) / 4, np.ones((2, 2))],
                                                 fmt="{:.2f}"),
    "show_maps": lambda m: viz.show_maps(IMAGES[:2].transpose(1, 2, 0), colorbar=True),
    "compare_images": lambda m: viz.compare_images([IMAGES[0], IMAGES[1]]),
    "show_filters": lambda m: viz.show_filters(m, max_filters=2),
    "show_feature_maps": lambda m: viz.show_feature_maps(m, IMAGES[0], max_maps=2),
    "grad_cam": lambda m: viz.grad_cam(m, IMAGES[:2]),
    "plot_stages": lambda m: viz.plot_stages({"1": HISTORY, "2": HISTORY}),
    "plot_accuracy_vs_examples": lambda m: viz.plot_accuracy_vs_examples(_results()),
}


def plot_both_histories() -> list[Figure]:
    return [viz.plot_history(HISTORY),
            viz.plot_history({"a": HISTORY}, metrics=("val_loss", "val_accuracy"))]


@pytest.fixture
def spanish() -> Iterator[None]:
    cnnkit.set_language("es")
    try:
        yield
    finally:
        cnnkit.set_language("en")
        plt.close("all")


@pytest.fixture
def english() -> Iterator[None]:
    cnnkit.set_language("en")
    yield
    plt.close("all")


def figure_texts(drawn: Figure | list[Figure]) -> list[str]:
    """Every text the figure(s) draw, tick labels included (not those of hidden axes)."""
    figures = drawn if isinstance(drawn, list) else [drawn]
    texts = []
    for fig in figures:
        fig.canvas.draw()
        hidden = {
            id(t) for ax in fig.axes if not ax.axison
            for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)
        }  # fmt: skip
        texts += [
            t.get_text() for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden
        ]  # fmt: skip
    return texts


def words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in re.findall(r"[^\W\d_]+", t.lower())}


def english_decimals(texts: list[str]) -> list[str]:
    """Numbers written with a decimal point (a Spanish thousands group such as 12.346 is fine)."""
    found = []
    for t in texts:
        for number in re.findall(r"\d+(?:\.\d+)+", t):
            if not re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", number):
                found.append(t)
    return found


def test_every_public_figure_function_has_a_case():
    drawn = {name.split()[0] for name in CASES}
    assert drawn == set(viz.__all__) - {"grad_cam_heatmap"}  # the heat map is an array


@pytest.mark.parametrize("case", sorted(CASES))
def test_spanish_figures_carry_no_english_word_and_no_decimal_point(case, model, spanish):
    texts = figure_texts(CASES[case](model))
    assert texts or case in DRAWS_NO_TEXT, "the figure drew no text at all"
    assert not words(texts) & ENGLISH_WORDS, (sorted(words(texts) & ENGLISH_WORDS), texts)
    assert not english_decimals(texts), texts


def test_spanish_learning_curves_use_the_course_vocabulary(spanish):
    first, second = plot_both_histories()
    assert [ax.get_title() for ax in first.axes] == ["pérdida", "acierto"]
    assert [ax.get_title() for ax in second.axes] == ["pérdida (validación)",
                                                      "acierto (validación)"]
    assert first.axes[0].get_xlabel() == "época"
    legend = [t.get_text() for t in first.axes[0].get_legend().get_texts()]
    assert legend == ["entrenamiento", "validación"]
    first.canvas.draw()
    ticks = [t.get_text() for t in first.axes[1].get_yticklabels()]
    assert any(re.fullmatch(r"0,\d+", t) for t in ticks), ticks


def test_spanish_numbers_in_cells_ticks_and_titles(model, spanish):
    cm = viz.plot_confusion_matrix(Y_TRUE, SCORES, normalize="true")
    matrix_ax, colorbar_ax = cm.axes
    assert (matrix_ax.get_xlabel(), matrix_ax.get_ylabel()) == ("Clase predicha", "Clase real")
    assert "0,50" in [t.get_text() for t in matrix_ax.texts]
    cm.canvas.draw()
    assert "0,2" in [t.get_text() for t in colorbar_ax.get_yticklabels()]
    cells = [t.get_text() for t in viz.show_matrix([[0.5, 12_345.5]]).axes[0].texts]
    assert cells == ["0,5", "12.345,5"]
    stages = viz.plot_accuracy_vs_examples(_results())
    assert [t.get_text() for t in stages.axes[0].get_xticklabels()] == ["50", "20.000"]
    assert stages.axes[0].get_xlabel() == "ejemplos etiquetados"
    overlay_title = viz.grad_cam(model, IMAGES[0]).axes[2].get_title()
    assert re.fullmatch(r"\d: p = \d,\d\d", overlay_title), overlay_title


def test_english_stays_the_default_for_library_users(model, english):
    assert cnnkit.language() == "en"
    history = viz.plot_history(HISTORY)
    assert [ax.get_title() for ax in history.axes] == ["loss", "accuracy"]
    assert history.axes[0].get_xlabel() == "epoch"
    assert [t.get_text() for t in history.axes[0].get_legend().get_texts()] == ["train", "val"]
    history.canvas.draw()
    assert any("." in t.get_text() for t in history.axes[1].get_yticklabels())
    cm = viz.plot_confusion_matrix(Y_TRUE, SCORES, normalize="true")
    assert (cm.axes[0].get_xlabel(), cm.axes[0].get_ylabel()) == ("Predicted label", "True label")
    assert "0.50" in [t.get_text() for t in cm.axes[0].texts]
    assert viz.show_filters(model, max_filters=2)._suptitle.get_text() == "c1: 2 filters 3x3"
    maps = viz.show_feature_maps(model, IMAGES[0], layers="c1", max_maps=2)
    assert maps[0]._suptitle.get_text() == "c1: 12 x 12 x 4 (first 2 maps)"
    assert viz.grad_cam(model, IMAGES[0]).axes[0].get_title() == "input"
    texts = figure_texts(viz.show_misclassified(IMAGES, Y_TRUE, Y_TRUE))
    assert texts == ["no misclassified examples"]
    assert localize_numbers("0.93") == "0.93"


def test_the_table_has_both_languages_and_spanish_carries_no_english_word():
    for key, entry in TEXTS.items():
        assert set(entry) == {"en", "es"}, key
        spanish = re.sub(r"\{\w+\}", "", entry["es"])  # the fields are filled in later
        assert not words([spanish]) & ENGLISH_WORDS, (key, entry["es"])
