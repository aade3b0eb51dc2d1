"""What every checker's feedback shares: the line marks and Spanish numbers.

Checker feedback is for students, so it is Spanish whatever language the figures use
(:func:`cnnkit.setup` chooses that); numbers go through :func:`cnnkit._language.format_number`
in Spanish usage.

Example:
    >>> number(48120), number(2416), decimal(0.0005)
    ('48.120', '2416', '0,0005')
"""

from __future__ import annotations

from cnnkit._language import format_number, language, set_language

OK, BAD, INFO = "✔", "✘", "ℹ"
"""The marks that start each feedback line: right, wrong (with the fix), a note."""


def number(value: float, decimals: int = 0) -> str:
    """A number as Spanish writes it (``48.120``, ``2416``, ``0,93``), whatever the language.

    Example:
        >>> number(61706), number(0.9315, 2)
        ('61.706', '0,93')
    """
    previous = language()
    set_language("es")
    try:
        return format_number(value, decimals)
    finally:
        set_language(previous)


def decimal(value: float) -> str:
    """A setting such as a learning rate, with the digits it needs (6 significant at most).

    Float32 variables hold 0.0099999998 for 0.01; six significant digits give it back.

    Example:
        >>> decimal(0.001), decimal(0.0099999998), decimal(3.0)
        ('0,001', '0,01', '3')
    """
    rounded = float(f"{value:.6g}")
    digits = f"{rounded:.12f}".rstrip("0").partition(".")[2]
    return number(rounded, len(digits))


def shape(dims: tuple) -> str:
    """A shape as Python writes it: ``(28, 28, 6)``, ``(400,)``.

    Example:
        >>> shape((400,)), shape((5, 5, 16))
        ('(400,)', '(5, 5, 16)')
    """
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
