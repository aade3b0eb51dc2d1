"""The formatters and the figure-text table where the older tests left them open (mutation testing).

Each test here was written for mutants of ``benchmarks/mutation.py`` (target ``language``)
that survived the older tests: an error message that lost its fix, a check that let a wrong
type through, a default width or number of decimals changed, a missing-value rule of a table
cell, the minor ticks or the offset of a figure left in English. Written against the public
API (``cnnkit.format_*``, ``cnnkit.set_language``) and the matplotlib interface that
``cnnkit.viz._text`` plugs into figures.
"""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.ticker import FormatStrFormatter, FuncFormatter  # noqa: E402

import cnnkit  # noqa: E402
from cnnkit.viz import _text  # noqa: E402


@pytest.fixture
def spanish() -> Iterator[None]:
    before = cnnkit.language()
    cnnkit.set_language("es")
    try:
        yield
    finally:
        cnnkit.set_language(before)
        plt.close("all")


@pytest.fixture
def english() -> Iterator[None]:
    before = cnnkit.language()
    cnnkit.set_language("en")
    try:
        yield
    finally:
        cnnkit.set_language(before)


# ------------------------------------------------------------------------ language errors


def test_set_language_errors_are_whole_and_name_the_fix(english):
    with pytest.raises(TypeError) as info:
        cnnkit.set_language(1)
    assert str(info.value) == "`language` must be a string, 'en' or 'es'; got 1."
    with pytest.raises(ValueError) as info:
        cnnkit.set_language("fr")
    assert str(info.value) == ("`language` must be one of ('en', 'es'); got 'fr'. "
                               "Use 'es' for the course's Spanish, 'en' for English.")  # fmt: skip
    assert cnnkit.language() == "en"


@pytest.mark.parametrize("call", [
    lambda language: cnnkit.format_number(1, language=language),
    lambda language: cnnkit.format_percent(0.5, language=language),
    lambda language: cnnkit.format_bool(True, language=language),
    lambda language: cnnkit.format_array([1.0], language=language),
    lambda language: cnnkit.format_table(pd.DataFrame({"a": [1]}), language=language),
], ids=["number", "percent", "bool", "array", "table"])  # fmt: skip
def test_a_language_for_one_call_is_checked(call):
    with pytest.raises(TypeError) as info:
        call(1)
    assert str(info.value) == "`language` must be a string, 'en' or 'es'; got 1."
    with pytest.raises(ValueError) as info:
        call("ES")
    assert str(info.value) == "`language` must be one of ('en', 'es'); got 'ES'."


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("value", "significant", "spanish", "english"), [
    (1500, 2, "1500", "1,500"), (123456, 3, "123.000", "123,000"), (150, 2, "150", "150"),
    (-0.00125, 2, "-0,0013", "-0.0013"), (0.04, 1, "0,04", "0.04"), (96, 1, "100", "100"),
])  # fmt: skip
def test_significant_digits_keep_the_zeros_of_a_whole_number(value, significant, spanish,
                                                             english):  # fmt: skip
    assert cnnkit.format_number(value, significant=significant, language="es") == spanish
    assert cnnkit.format_number(value, significant=significant, language="en") == english


def test_number_and_percent_say_what_they_got_instead_of_a_number():
    with pytest.raises(TypeError) as info:
        cnnkit.format_number("3")
    assert str(info.value) == ("`value` must be a real number (int, float or NumPy scalar), "
                               "got str: '3'.")  # fmt: skip
    with pytest.raises(TypeError) as info:
        cnnkit.format_percent(None)
    assert str(info.value) == ("`fraction` must be a real number (int, float or NumPy scalar), "
                               "got NoneType: None.")  # fmt: skip


def test_format_bool_refuses_what_is_not_a_bool():
    for value, shown in ((1, "int: 1"), ("sí", "str: 'sí'"), (None, "NoneType: None")):
        with pytest.raises(TypeError) as info:
            cnnkit.format_bool(value)
        assert str(info.value) == f"`value` must be a bool (or a NumPy bool), got {shown}."


def test_format_bool_in_english_and_spanish_for_numpy_bools():
    assert cnnkit.format_bool(np.bool_(True), language="en") == "yes"
    assert cnnkit.format_bool(np.False_, language="en") == "no"
    assert cnnkit.format_bool(np.False_, language="es") == "no"


# ----------------------------------------------------------------------------- arrays


def test_format_array_wraps_lines_at_88_characters_by_default():
    values = np.full(11, 1000.0)
    shown = cnnkit.format_array(values, language="es")
    assert shown == "[" + " ".join(["1000,00"] * 10) + "\n 1000,00]"
    assert max(len(line) for line in shown.splitlines()) <= 88
    assert cnnkit.format_array(values, language="es", max_line_width=89) == (
        "[" + " ".join(["1000,00"] * 11) + "]")  # fmt: skip


def test_format_array_writes_unsigned_and_large_integers_without_decimals():
    assert cnnkit.format_array(np.array([3, 250], dtype=np.uint8), language="es") == "[  3 250]"
    assert cnnkit.format_array(np.array([12345, 5]), 3, language="es") == "[12.345      5]"
    assert cnnkit.format_array(np.array([12345, 5]), language="en") == "[12,345      5]"


def test_format_array_checks_decimals_whatever_the_dtype():
    assert cnnkit.format_array([0.4, 2.6], 0, language="es") == "[0 3]"
    for values in (np.arange(2), np.array([True]), np.array([0.5])):
        with pytest.raises(ValueError) as info:
            cnnkit.format_array(values, -1)
        assert str(info.value) == "`decimals` must be an int >= 0, got -1."
        with pytest.raises(TypeError) as info:
            cnnkit.format_array(values, 1.5)
        assert str(info.value) == "`decimals` must be an int >= 0, got float: 1.5."


def test_format_array_refuses_text_and_objects():
    with pytest.raises(TypeError) as info:
        cnnkit.format_array(["a"])
    assert str(info.value) == "`array` must hold real numbers or booleans, got dtype <U1: ['a']."
    with pytest.raises(TypeError, match="got dtype complex128"):
        cnnkit.format_array(np.array([1 + 2j]))


def test_format_array_of_nothing_is_empty_brackets():
    assert cnnkit.format_array(np.array([]), language="es") == "[]"


# ----------------------------------------------------------------------------- tables


def test_format_table_missing_values_in_boolean_columns():
    table = pd.DataFrame({"con_none": [True, None], "con_nan": [False, np.nan],
                          "vacia": [None, None], "texto": ["sí", "no"]})  # fmt: skip
    shown = cnnkit.format_table(table, language="es")
    assert shown["con_none"].tolist() == ["sí", ""]
    assert shown["con_nan"].tolist() == ["no", ""]
    assert shown["vacia"].tolist() == [None, None]  # no value: not a boolean column
    assert shown["texto"].tolist() == ["sí", "no"]  # text is kept as it is


def test_format_table_nullable_boolean_column_with_a_missing_value():
    table = pd.DataFrame({"igual": pd.array([True, None, False], dtype="boolean")})
    assert cnnkit.format_table(table, language="es")["igual"].tolist() == ["sí", "", "no"]


def test_format_table_writes_numeric_booleans_and_english():
    table = pd.DataFrame({"igual": np.array([True, False]), "n": [12345, 7]})
    shown = cnnkit.format_table(table, {"n": 1}, language="en")
    assert shown.to_dict("list") == {"igual": ["yes", "no"], "n": ["12,345.0", "7.0"]}


# ------------------------------------------------------------------ figure text (viz/_text)


def test_metric_names_stay_as_recorded_in_english(english):
    for name in ("acc", "val_acc", "sparse_categorical_accuracy", "learning_rate", "loss"):
        assert _text.metric_label(name) == name


def test_metric_names_in_spanish(spanish):
    assert [_text.metric_label(m) for m in (
        "acc", "binary_accuracy", "categorical_accuracy", "learning_rate",
        "val_sparse_categorical_accuracy", "val_loss", "otra", "val_otra")] == [
        "acierto", "acierto", "acierto", "tasa de aprendizaje", "acierto (validación)",
        "pérdida (validación)", "otra", "otra (validación)"]  # fmt: skip


def test_numbers_with_leading_zeros_are_not_quantities(spanish):
    assert _text.localize_numbers("época 05, 007 y 0; 61706 de 0.5") == (
        "época 05, 007 y 0; 61.706 de 0,5")  # fmt: skip
    assert _text.localize_numbers("1234.50 y 0.125") == "1234,50 y 0,125"
    assert _text.localize_numbers("00.25 y 12.5") == "00.25 y 12,5"


def test_text_fills_its_fields_in_the_current_language(spanish):
    assert _text.text("filters_title", layer="c1", count=6, height=5, width=5) == (
        "c1: 6 filtros 5x5")  # fmt: skip
    assert _text.text("epoch") == "época"


def test_number_formatter_writes_ticks_with_0_decimals_by_default(spanish):
    assert _text.NumberFormatter()(12345.4) == "12.345"
    assert _text.NumberFormatter()(2.6, 0) == "3"
    assert _text.NumberFormatter(2)(0.5) == "0,50"


def test_finish_figure_writes_every_formatter_of_an_axis_in_spanish(spanish):
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [0.0, 1.0])
    ax.xaxis.set_minor_formatter(FormatStrFormatter("%.2f"))
    offset = FuncFormatter(lambda x, pos: f"{x:.1f}" if pos is None else f"{pos}: {x:.1f}")
    offset.set_offset_string("+0.5")
    ax.yaxis.set_major_formatter(offset)
    assert _text.finish_figure(fig) is fig
    assert ax.xaxis.get_minor_formatter()(0.25) == "0,25"
    assert ax.xaxis.get_major_formatter().format_data_short(0.5) == "0,500"
    assert ax.yaxis.get_major_formatter()(0.25, 3) == "3: 0,2"
    assert ax.yaxis.get_major_formatter()(0.25) == "0,2"
    assert ax.yaxis.get_major_formatter().get_offset() == "+0,5"
    assert ax.yaxis.get_major_formatter().format_ticks([1.5, 2.0]) == ["0: 1,5", "1: 2,0"]
    fig.canvas.draw()
    assert {"0,0", "0,2", "1,0"} <= {t.get_text() for t in ax.get_xticklabels()}
    assert ax.xaxis.get_major_formatter().axis is ax.xaxis


def test_finish_figure_passes_tick_locations_to_the_formatter_it_wraps(spanish):
    fig, ax = plt.subplots()
    ax.set_xlim(0, 3.5e6)
    _text.finish_figure(fig)
    wrapped = ax.xaxis.get_major_formatter()
    wrapped.set_locs([0.0, 1e6, 2e6, 3e6])  # the wrapped ScalarFormatter takes out 10^6
    assert (wrapped(2e6), wrapped.get_offset()) == ("2", "1e6")


def test_finish_figure_keeps_formatters_that_already_speak_the_language(spanish):
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [0.0, 1.0])
    numbers = _text.NumberFormatter(1)
    ax.xaxis.set_major_formatter(numbers)
    ax.set_yticks([0.0, 1.0], ["a.b", "c.d"])  # labels set by name stay as given
    _text.finish_figure(fig)
    _text.finish_figure(fig)  # a second call wraps nothing twice
    assert ax.xaxis.get_major_formatter() is numbers
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a.b", "c.d"]


def test_finish_figure_changes_nothing_in_english(english):
    fig, ax = plt.subplots()
    before = ax.xaxis.get_major_formatter(), ax.xaxis.get_minor_formatter()
    assert _text.finish_figure(fig) is fig
    assert (ax.xaxis.get_major_formatter(), ax.xaxis.get_minor_formatter()) == before
    plt.close(fig)
