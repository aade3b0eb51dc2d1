"""Shared pytest configuration of the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------
# Engineer "conventions": scheduling of the suite (scripts/test.sh runs 2 xdist workers,
# --dist loadfile). A file is the unit of work, so the wall time is bounded below by the
# longest file, and a long file that starts last stretches it. The files below, the longest
# of a `--durations` profile (seconds measured in short mode on an idle 2-core machine), go
# first, longest first; every other item keeps pytest's order after them.
# ---------------------------------------------------------------------------------------

LONGEST_FIRST = (
    "notebooks/03_cnn_fashion_mnist.ipynb",
    "notebooks/05_transfer_learning.ipynb",
    "tests/test_student.py",
    "notebooks/04_ejercicio_lenet5.ipynb",
    "tests/test_transfer.py",
    "notebooks/01_convolucion_y_filtros.ipynb",
    "notebooks/02_pooling_y_dimensionalidad.ipynb",
)
ROOT = Path(__file__).resolve().parents[1]


def _rank(item: pytest.Item) -> int:
    try:
        path = Path(item.path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return len(LONGEST_FIRST)
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest files first (a stable sort keeps the order of items within a file)."""
    items.sort(key=_rank)


# ---------------------------------------------------------------------------------------
# End of engineer "conventions"'s block.
# ---------------------------------------------------------------------------------------
