"""Shared argument checks: the same mistake gets the same exception and wording everywhere.

The rules (after scikit-image's ``check_nD``): a value of the wrong *type* raises
``TypeError``, a value of the right type but out of range raises ``ValueError``; the
message names the argument in backticks, says what was given and how to fix it.

Builder files under ``cnnkit/models/`` import only ``keras`` and the standard library, so
they carry copies of the same rules, written once in ``cnnkit/models/_shared.py``.

Example:
    >>> from cnnkit._validate import check_int
    >>> check_int(3, "epochs", minimum=1)
    3
    >>> check_int(0, "epochs", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be an int >= 1, got 0.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

__all__ = [
    "check_bool",
    "check_choice",
    "check_int",
    "check_number",
    "check_seed",
    "check_shape",
    "type_name",
]


def type_name(value: Any) -> str:
    """Name of the type of ``value``, for messages (``'str'``, ``'numpy.ndarray'``)."""
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _hint(hint: str) -> str:
    return f" {hint}" if hint else ""


def _range_words(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" between {minimum} and {maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def check_bool(value: Any, name: str, *, hint: str = "") -> bool:
    """Return ``value`` if it is ``True`` or ``False``; else raise ``TypeError``.

    Example:
        >>> check_bool(True, "shuffle")
        True
    """
    if not isinstance(value, bool):
        raise TypeError(
            f"`{name}` must be True or False, got {type_name(value)}: {value!r}.{_hint(hint)}"
        )
    return value


def check_int(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    hint: str = "",
) -> int:
    """Return ``value`` as an ``int`` after checking its type and range.

    NumPy integers are accepted; ``bool`` is not (``True`` is not a count).

    Raises:
        TypeError: ``value`` is not an integer.
        ValueError: ``value`` is outside ``[minimum, maximum]``.

    Example:
        >>> check_int(2, "stride", minimum=1)
        2
    """
    words = f"an int{_range_words(minimum, maximum)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be {words}, got {type_name(value)}: {value!r}.{_hint(hint)}"
        )
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"`{name}` must be {words}, got {value!r}.{_hint(hint)}")
    return value


def check_number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    hint: str = "",
) -> float:
    """Return ``value`` as a ``float`` after checking it is a finite real number in range.

    Example:
        >>> check_number(0.5, "dropout", minimum=0, maximum=1)
        0.5
    """
    words = f"a number{_range_words(minimum, maximum)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"`{name}` must be {words}, got {type_name(value)}: {value!r}.{_hint(hint)}"
        )
    value = float(value)
    if (
        value != value  # NaN
        or value in (float("inf"), float("-inf"))
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise ValueError(f"`{name}` must be {words}, got {value!r}.{_hint(hint)}")
    return value


def _choice_type(choice: Any) -> type:
    """The type a value must have to be compared with ``choice`` (any int for an int)."""
    if isinstance(choice, numbers.Integral) and not isinstance(choice, bool):
        return numbers.Integral
    return str if isinstance(choice, str) else type(choice)


def check_choice(value: Any, name: str, choices: Sequence[Any], *, hint: str = "") -> Any:
    """Return ``value`` if it is one of ``choices``.

    Raises ``TypeError`` when ``value`` has none of the choices' types (``mode=1`` where
    the choices are strings) and ``ValueError`` when it has the right type but is not
    one of them (``mode="min"``).

    Example:
        >>> check_choice("max", "pool", ("max", "avg"))
        'max'
        >>> check_choice("min", "pool", ("max", "avg"))
        Traceback (most recent call last):
        ...
        ValueError: `pool` must be one of 'max', 'avg'; got 'min'.
        >>> check_choice(2, "pool", ("max", "avg"))
        Traceback (most recent call last):
        ...
        TypeError: `pool` must be one of 'max', 'avg'; got int: 2.
    """
    try:
        ok = value in choices
    except TypeError:  # unhashable value and a set of choices
        ok = False
    if ok and not (isinstance(value, bool) and not any(isinstance(c, bool) for c in choices)):
        return value
    allowed = ", ".join(repr(c) for c in choices)
    types = tuple({_choice_type(c) for c in choices})
    if isinstance(value, types) and not (isinstance(value, bool) and bool not in types):
        raise ValueError(f"`{name}` must be one of {allowed}; got {value!r}.{_hint(hint)}")
    raise TypeError(
        f"`{name}` must be one of {allowed}; got {type_name(value)}: {value!r}.{_hint(hint)}"
    )


def check_seed(seed: Any, name: str = "seed", *, allow_none: bool = False) -> int | None:
    """Return a valid random seed: an int >= 0 (or ``None`` when allowed).

    Example:
        >>> check_seed(0)
        0
    """
    if seed is None and allow_none:
        return None
    what = "an int >= 0 or None" if allow_none else "an int >= 0"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"`{name}` must be {what}, got {type_name(seed)}: {seed!r}.")
    if seed < 0:
        raise ValueError(f"`{name}` must be {what}, got {seed!r}.")
    return int(seed)


def check_shape(
    shape: Any,
    name: str = "input_shape",
    *,
    ndim: int = 3,
    example: str = "(28, 28, 1)",
) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of ``ndim`` positive ints (height, width, channels).

    Raises:
        TypeError: ``shape`` is not a tuple or list.
        ValueError: it has the wrong length or a non-positive / non-int entry.

    Example:
        >>> check_shape([28, 28, 1])
        (28, 28, 1)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
        raise TypeError(
            f"`{name}` must be a tuple of {ndim} positive ints, e.g. {example}; "
            f"got {type_name(shape)}: {shape!r}."
        )
    if len(shape) != ndim or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in shape
    ):
        raise ValueError(
            f"`{name}` must be a tuple of {ndim} positive ints, e.g. {example}; got {shape!r}."
        )
    return tuple(int(d) for d in shape)
