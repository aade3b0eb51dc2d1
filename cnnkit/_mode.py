"""Short ("quick") mode: one environment variable shrinks data and training.

The test suite sets ``CNNKIT_QUICK=1`` so every notebook runs in seconds under nbval;
students never set it and get the full course (the default).
"""

from __future__ import annotations

import os
from typing import TypeVar

QUICK_ENV = "CNNKIT_QUICK"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

T = TypeVar("T")


def is_quick() -> bool:
    """Return True when short mode is on (environment variable ``CNNKIT_QUICK``).

    Returns:
        ``True`` for ``1``, ``true``, ``yes`` or ``on`` (any case); ``False`` when the
        variable is unset, empty, ``0``, ``false``, ``no`` or ``off``.

    Raises:
        ValueError: for any other value, so a typo never silently runs the long course.

    Example:
        >>> is_quick() in (True, False)
        True
    """
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"{QUICK_ENV}={os.environ[QUICK_ENV]!r} is not understood: "
        f"use {QUICK_ENV}=1 for short mode, or unset it (or 0) for the full course."
    )


def quick(full: T, short: T) -> T:
    """Pick a value for the current mode: ``full`` normally, ``short`` in short mode.

    Args:
        full: value used in the full course (the default mode).
        short: value used when ``CNNKIT_QUICK=1`` (tests and CI).

    Returns:
        ``short`` if :func:`is_quick` is true, else ``full``.

    Example:
        >>> epochs = quick(full=20, short=1)  # 20 for students, 1 under the test suite
        >>> epochs in (20, 1)
        True
    """
    return short if is_quick() else full
