"""The language of the text cnnkit draws in figures: English by default, Spanish for the course.

Library users get English; the notebooks choose Spanish once, in their first cell, with
``cnnkit.setup(seed=0, language="es")`` (or :func:`set_language`). Visualizers read
:func:`language` when they draw.

Example:
    >>> from cnnkit._language import language, set_language
    >>> set_language("es"); language()
    'es'
    >>> set_language("en"); language()
    'en'
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from cnnkit._validate import check_int, type_name

LANGUAGES = ("en", "es")
"""Languages cnnkit can draw its figures in."""

_current = "en"


def language() -> str:
    """Return the language figures are drawn in (``"en"`` or ``"es"``)."""
    return _current


def set_language(language: str) -> None:
    """Choose the language of figure text: ``"en"`` (default) or ``"es"`` (the course).

    Raises:
        TypeError: ``language`` is not a string.
        ValueError: it is not one of :data:`LANGUAGES`.
    """
    global _current
    if not isinstance(language, str):
        raise TypeError(f"`language` must be a string, 'en' or 'es'; got {language!r}.")
    if language not in LANGUAGES:
        raise ValueError(
            f"`language` must be one of {LANGUAGES}; got {language!r}. "
            "Use 'es' for the course's Spanish, 'en' for English."
        )
    _current = language


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number for the reader: Spanish usage in ``"es"``, English in ``"en"``.

    Spanish writes a decimal comma and groups thousands with a point from five digits on
    (RAE: ``2000`` but ``61.706`` and ``1.413.834``); English uses ``1,413,834`` and ``0.93``.

    Args:
        value: the number (int, float or a NumPy scalar).
        decimals: digits after the decimal separator (default 0).

    Returns:
        The formatted string.

    Raises:
        TypeError: ``value`` is not a real number or ``decimals`` not an int.
        ValueError: ``decimals`` is negative.

    Example:
        >>> set_language("es")
        >>> format_number(1413834), format_number(2000), format_number(0.9315, 2)
        ('1.413.834', '2000', '0,93')
        >>> set_language("en")
        >>> format_number(1413834), format_number(0.9315, 2)
        ('1,413,834', '0.93')
    """
    _check_real(value, "value")
    decimals = check_int(decimals, "decimals", minimum=0)
    text = f"{float(value):,.{decimals}f}"
    if _current != "es":
        return text
    if abs(round(float(value), decimals)) < 10_000:
        text = text.replace(",", "")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(fraction: float, decimals: int = 1) -> str:
    """Format a fraction as a percentage: ``93,2 %`` in Spanish, ``93.2%`` in English.

    Example:
        >>> set_language("es"); format_percent(0.9315)
        '93,2 %'
        >>> set_language("en"); format_percent(0.9315)
        '93.2%'
    """
    _check_real(fraction, "fraction")
    number = format_number(100 * float(fraction), decimals)
    return f"{number} %" if _current == "es" else f"{number}%"


def format_bool(value: bool) -> str:
    """Write a truth value for the reader: ``sí`` / ``no`` in Spanish, ``yes`` / ``no`` in English.

    Use it wherever a sentence or a table shows a boolean to the student, instead of
    Python's ``True`` / ``False``. NumPy booleans (``np.bool_``) are accepted.

    Raises:
        TypeError: ``value`` is not a bool.

    Example:
        >>> set_language("es"); format_bool(True), format_bool(1 + 1 == 3)
        ('sí', 'no')
        >>> set_language("en"); format_bool(True)
        'yes'
    """
    if type(value).__name__ not in ("bool", "bool_"):
        raise TypeError(
            f"`value` must be a bool (or a NumPy bool), got {type_name(value)}: {value!r}."
        )
    if value:
        return "sí" if _current == "es" else "yes"
    return "no"


def format_array(array: Any, decimals: int = 2, *, max_line_width: int = 88) -> str:
    """Write a NumPy array as ``print`` would, with numbers written for the reader.

    In Spanish the numbers take a decimal comma (``0,25``) and thousands are grouped as in
    :func:`format_number`; the elements are separated by spaces as in ``print(array)``, so
    the comma is never ambiguous. Integer arrays keep their digits; booleans become
    ``sí`` / ``no``. Nothing process-wide changes (NumPy's print options are untouched).

    Args:
        array: anything ``numpy.asarray`` accepts (real numbers or booleans).
        decimals: digits after the decimal separator of floating-point elements.
        max_line_width: characters per line before NumPy wraps.

    Returns:
        The text, to ``print``.

    Raises:
        TypeError: ``array`` is not numeric or ``decimals`` is not an int.
        ValueError: ``decimals`` is negative.

    Example:
        >>> import numpy as np
        >>> set_language("es")
        >>> print(format_array(np.array([[0.25, -1.5], [12345.0, 2.0]])))
        [[     0,25     -1,50]
         [12.345,00      2,00]]
        >>> print(format_array(np.array([True, False])), format_array(np.arange(3)))
        [sí no] [0 1 2]
        >>> set_language("en"); print(format_array([0.25, 1.0], 1))
        [0.2 1.0]
    """
    import numpy as np

    decimals = check_int(decimals, "decimals", minimum=0)
    values = np.asarray(array)
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"`array` must hold real numbers or booleans, got dtype {values.dtype}: {array!r}."
        )
    if values.dtype.kind == "b":
        write = format_bool
    elif values.dtype.kind == "f":
        write = lambda v: format_number(v, decimals)  # noqa: E731
    else:
        write = format_number
    width = max((len(write(v)) for v in values.flat), default=0)
    return np.array2string(
        values,
        separator=" ",
        formatter={"all": lambda v: write(v).rjust(width)},
        max_line_width=max_line_width,
    )


def _check_real(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be a real number (int, float or NumPy scalar), got "
            f"{type_name(value)}: {value!r}."
        )


def format_table(table: Any, decimals: int | Mapping[str, int] = 3) -> Any:
    """A copy of a pandas table whose numbers are written for the reader (:func:`format_number`).

    Numeric columns become strings in the current language (``0,576`` in Spanish), boolean
    cells become ``sí`` / ``no`` (:func:`format_bool`); other columns and the index are kept.
    Missing values are shown as an empty string.

    Args:
        table: a ``pandas.DataFrame``.
        decimals: digits after the decimal separator, for every numeric column (an int) or
            per column (a mapping; columns it does not name get 0).

    Returns:
        A new ``DataFrame`` of strings for display.

    Raises:
        TypeError: ``table`` is not a DataFrame or ``decimals`` not an int or a mapping.

    Example:
        >>> import pandas as pd
        >>> set_language("es")
        >>> format_table(pd.DataFrame({"n": [50, 20000], "acierto": [0.5762, 0.9],
        ...                            "igual": [True, False]}), {"acierto": 3})
                n acierto igual
        0      50   0,576    sí
        1  20.000   0,900    no
        >>> set_language("en")
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`table` must be a pandas DataFrame, got {type(table).__name__}.")
    if isinstance(decimals, bool) or not isinstance(decimals, int | Mapping):
        raise TypeError(f"`decimals` must be an int or a mapping column -> int, got {decimals!r}.")
    result = table.copy()
    for column in result.columns:
        if pd.api.types.is_bool_dtype(result[column]) or _all_bools(result[column]):
            result[column] = result[column].map(lambda v: "" if pd.isna(v) else format_bool(v))
        elif pd.api.types.is_numeric_dtype(result[column]):
            digits = decimals if isinstance(decimals, int) else decimals.get(column, 0)
            result[column] = result[column].map(
                lambda v, d=digits: "" if pd.isna(v) else format_number(v, d)
            )
    return result


def _all_bools(column: Any) -> bool:
    """An object column whose cells are all booleans (or missing): pandas keeps such columns
    as ``object`` when a value is missing."""
    values = [v for v in column if v is not None and v == v]
    return bool(values) and all(type(v).__name__ in ("bool", "bool_") for v in values)
