"""What the course prints is Spanish: one number formatter, sí/no, NumPy arrays with decimal
commas, and ``cnnkit.summary`` instead of Keras's English ``model.summary()``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import keras
import numpy as np
import pandas as pd
import pytest

import cnnkit
from cnnkit.viz import _text


@pytest.fixture
def spanish() -> Iterator[None]:
    cnnkit.set_language("es")
    try:
        yield
    finally:
        cnnkit.set_language("en")


def test_booleans_are_si_and_no(spanish):
    assert [cnnkit.format_bool(v) for v in (True, False, np.True_, np.bool_(False))] == [
        "sí", "no", "sí", "no"]  # fmt: skip
    cnnkit.set_language("en")
    assert [cnnkit.format_bool(True), cnnkit.format_bool(False)] == ["yes", "no"]


def test_format_table_writes_boolean_cells_as_si_no_and_keeps_text(spanish):
    table = pd.DataFrame({"modelo": ["a", "b", "c"], "igual": [True, False, None],
                          "acierto": [0.5, 0.25, 1.0]})  # fmt: skip
    shown = cnnkit.format_table(table, {"acierto": 2})
    assert shown["igual"].tolist() == ["sí", "no", ""]
    assert shown["acierto"].tolist() == ["0,50", "0,25", "1,00"]
    assert shown["modelo"].tolist() == ["a", "b", "c"]
    assert table["igual"].tolist() == [True, False, None]  # the input is not modified


def test_format_array_prints_like_numpy_with_decimal_commas(spanish):
    values = np.array([[0.5, -1.25], [3.0, 10_000.0]])
    assert cnnkit.format_array(values) == "[[     0,50     -1,25]\n [     3,00 10.000,00]]"
    assert cnnkit.format_array(values, 1) == "[[     0,5     -1,2]\n [     3,0 10.000,0]]"
    assert cnnkit.format_array(np.arange(4).reshape(2, 2)) == "[[0 1]\n [2 3]]"
    assert cnnkit.format_array(np.array([True, False])) == "[sí no]"
    before = np.get_printoptions()
    cnnkit.format_array(values)
    assert np.get_printoptions() == before  # nothing process-wide
    cnnkit.set_language("en")
    assert cnnkit.format_array(values) == "[[     0.50     -1.25]\n [     3.00 10,000.00]]"


@pytest.mark.parametrize("label", ["0.93", "p = 0.5", "12345.25 / 3", "61706", "2000", "1.0",
                                   "conv2d 3x3", "0.125 y 1234567.5"])  # fmt: skip
def test_figures_write_numbers_with_the_one_formatter(spanish, label):
    """viz/_text rewrites each number with cnnkit.format_number: same text, same rules."""

    def expected(match: re.Match[str]) -> str:
        whole, decimals = match.group(1), match.group(2)
        if decimals is None:
            return cnnkit.format_number(int(whole))
        return cnnkit.format_number(float(match.group(0)), len(decimals))

    assert _text.localize_numbers(label) == _text._NUMBER.sub(expected, label)
    assert _text.localize_numbers("12345.25") == "12.345,25"
    assert _text.localize_numbers("conv2d 3x3") == "conv2d 3x3"


def test_figure_words_say_acierto_never_exactitud(spanish):
    spanish_words = " ".join(entry["es"] for entry in _text.TEXTS.values())
    assert "acierto" in spanish_words
    assert "exactitud" not in spanish_words.lower()
    assert _text.metric_label("val_accuracy") == "acierto (validación)"


@pytest.fixture(scope="module")
def small_model() -> keras.Model:
    inputs = keras.Input((12, 12, 3), name="imagen")
    x = keras.layers.Conv2D(8, 3, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="normalizacion")(x)
    x = keras.layers.GlobalAveragePooling2D(name="promedio")(x)
    outputs = keras.layers.Dense(1000, name="salida")(x)
    return keras.Model(inputs, outputs, name="pequeno")


SPANISH_TABLE = """\
Modelo «pequeno»
capa           tipo                    forma de salida  parámetros
------------------------------------------------------------------
imagen         InputLayer              (12, 12, 3)               0
conv           Conv2D                  (10, 10, 8)             224
normalizacion  BatchNormalization      (10, 10, 8)              32
promedio       GlobalAveragePooling2D  (8,)                      0
salida         Dense                   (1000,)                9000
------------------------------------------------------------------
Parámetros en total: 9256
  entrenables:       9240
  no entrenables:      16"""


def test_summary_prints_the_exact_spanish_table(spanish, small_model, capsys):
    cnnkit.summary(small_model)
    assert capsys.readouterr().out == SPANISH_TABLE + "\n"
    counts = cnnkit.stats.trainable_counts(small_model)
    assert counts == {"trainable": 9240, "non_trainable": 16}  # the totals above
    assert small_model.count_params() == 9256


def test_summary_groups_large_totals_with_points(spanish):
    model = keras.Sequential([keras.Input((2048,)), keras.layers.Dense(30_000, name="d")],
                             name="grande")  # fmt: skip
    text = cnnkit.summary_text(model)
    assert "d     Dense  (30.000,)        61.470.000" in text
    assert "Parámetros en total: 61.470.000" in text
    assert not re.search(r"\d,\d{3}", text)  # no English thousands separator
    assert not re.search(r"\b(Layer|Total|params|None|True|False)\b", text)


def test_summary_writes_unknown_sizes_as_question_marks(spanish):
    model = keras.Sequential([keras.Input((None, None, 3)), keras.layers.Conv2D(2, 1, name="c")])
    assert "(?, ?, 2)" in cnnkit.summary_text(model)


def test_summary_stays_english_for_library_users(small_model):
    text = cnnkit.summary_text(small_model)
    assert text.splitlines()[:2] == [
        'Model "pequeno"',
        "layer          type                    output shape  parameters",
    ]
    assert text.splitlines()[-3:] == [
        "Total parameters: 9,256",
        "  trainable:      9,240",
        "  non-trainable:     16",
    ]
