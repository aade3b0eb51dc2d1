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
