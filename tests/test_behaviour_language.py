"""Number formatting in the two languages, at the edges the house rule draws.

Spanish writes a decimal comma and groups thousands with a point from five digits on
(RAE: 2000, 61.706, 1.413.834); English writes 1,413,834 and 0.93. Written against the
public API (``cnnkit.format_number``, ``format_percent``, ``format_table``,
``set_language``, ``language``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cnnkit


@pytest.fixture
def spanish():
    before = cnnkit.language()
    cnnkit.set_language("es")
    yield
    cnnkit.set_language(before)


@pytest.fixture
def english():
    before = cnnkit.language()
    cnnkit.set_language("en")
    yield
    cnnkit.set_language(before)


@pytest.mark.parametrize("value, decimals, expected", [
    (0, 0, "0"), (9999, 0, "9999"), (10000, 0, "10.000"), (-9999, 0, "-9999"),
    (-12345, 0, "-12.345"), (9999.4, 0, "9999"), (9999.6, 0, "10.000"), (1234.5, 1, "1234,5"),
    (12345.25, 2, "12.345,25"), (1413834, 0, "1.413.834"), (0.9315, 2, "0,93"),
    (np.int64(61706), 0, "61.706"), (np.float32(0.5), 1, "0,5"), (2000, 0, "2000"),
])  # fmt: skip
def test_spanish_numbers(spanish, value, decimals, expected):
    assert cnnkit.format_number(value, decimals) == expected


@pytest.mark.parametrize("value, decimals, expected", [
    (9999, 0, "9,999"), (1413834, 0, "1,413,834"), (0.9315, 2, "0.93"), (-1234.5, 1, "-1,234.5"),
])  # fmt: skip
def test_english_numbers(english, value, decimals, expected):
    assert cnnkit.format_number(value, decimals) == expected


def test_default_decimals_are_0_for_numbers_and_1_for_percentages(spanish):
    assert cnnkit.format_number(2.6) == "3"
    assert cnnkit.format_percent(0.9315) == "93,2 %"
    assert cnnkit.format_percent(0.9315, 2) == "93,15 %"
    assert cnnkit.format_percent(123.456, 0) == "12.346 %"


def test_english_percentages_have_no_space(english):
    assert cnnkit.format_percent(0.5) == "50.0%"
    assert cnnkit.format_percent(0.12345, 2) == "12.35%"


@pytest.mark.parametrize("bad", [True, "3", None, [1]])
def test_formatters_refuse_what_is_not_a_real_number(bad):
    with pytest.raises(TypeError, match="must be a real number"):
        cnnkit.format_number(bad)
    with pytest.raises(TypeError, match="`fraction` must be a real number"):
        cnnkit.format_percent(bad)


def test_decimals_are_checked():
    with pytest.raises(ValueError, match="`decimals` must be"):
        cnnkit.format_number(1.0, -1)
    with pytest.raises(TypeError, match="`decimals` must be"):
        cnnkit.format_number(1.0, 1.5)


def test_set_language_checks_and_sets(english):
    assert cnnkit.language() == "en"
    with pytest.raises(ValueError, match="Use 'es' for the course's Spanish"):
        cnnkit.set_language("fr")
    with pytest.raises(TypeError, match="`language` must be a string"):
        cnnkit.set_language(1)
    assert cnnkit.language() == "en"  # a refused value changes nothing
    cnnkit.set_language("es")
    assert cnnkit.language() == "es"


def test_format_table_formats_numeric_columns_only(spanish):
    table = pd.DataFrame({"modelo": ["a", "b"], "n": [50, 20000], "acierto": [0.5762, np.nan]},
                         index=["x", "y"])  # fmt: skip
    shown = cnnkit.format_table(table, {"acierto": 3})
    assert shown.to_dict("list") == {"modelo": ["a", "b"], "n": ["50", "20.000"],
                                     "acierto": ["0,576", ""]}  # fmt: skip
    assert list(shown.index) == ["x", "y"]
    assert table["n"].tolist() == [50, 20000]  # the input is not changed
    assert cnnkit.format_table(table)["n"].tolist() == ["50,000", "20.000,000"]
    assert cnnkit.format_table(table, 1)["acierto"].tolist() == ["0,6", ""]


def test_format_table_checks_its_arguments():
    with pytest.raises(TypeError, match="`table` must be a pandas DataFrame, got dict"):
        cnnkit.format_table({"a": [1]})
    with pytest.raises(TypeError, match="`decimals` must be an int or a mapping"):
        cnnkit.format_table(pd.DataFrame({"a": [1]}), True)
    with pytest.raises(TypeError, match="`decimals` must be an int or a mapping"):
        cnnkit.format_table(pd.DataFrame({"a": [1]}), 1.5)
