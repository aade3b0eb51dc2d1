"""pytest configuration for the docstring examples of ``cnnkit`` (``--doctest-modules cnnkit``).

The examples of the model builders (``cnnkit/models/*.py``) and of
``cnnkit.architecture_tables`` build full-size networks (VGG-16's 138 million weights,
AlexNet's 62 million, DenseNet-121's 400-odd layers) to print their parameter counts, output
shapes and layer names, never a weight's value. Drawing the initial weights is most of the
time of such a build (VGG-16: about 3 CPU-seconds of 3), so these doctests run inside
``keras.StatelessScope(initialize_variables=False)``: Keras gives every variable its shape
but no value, and the printed counts and shapes are the real model's (the method of
``tests/shapeless.py``, which the structure tests use). The examples' text is unchanged: a
reader who runs one gets the same output, with the weights drawn.

An example that did read an undrawn weight (calling a model, ``get_weights()``) would see a
fresh draw of the initializer at every read and fail; the builders' weights and forward
passes are tested with drawn weights in tests/ (``test_conv_net.py``, ``test_resnet.py``...).
The variables those examples create are taken off Keras's list of variables to draw later,
so no later test draws them either.

This file is here, at the root, because a conftest under ``tests/`` does not apply to
``cnnkit/``, and a conftest inside ``cnnkit/models/`` would ship in the package as a
builder file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# One OpenBLAS thread in the test processes and in everything they start (nbval's kernels,
# subprocesses): set here, in the controller, before xdist starts its workers. Two workers
# keep both cores busy, and a NumPy call that OpenBLAS splits over two threads then waits for
# a thread that has no core: np.linalg.norm of a 318 x 318 array took 15 ms instead of 15 us
# after `import tensorflow` under load (notebook 02's code cell 10: 7 s of the test command,
# 0.85 s with one thread). The cnnkit grader does the same for its parallel kernels
# (OMP_NUM_THREADS, which OpenBLAS reads too). TensorFlow's own thread pools are unchanged.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent
SHAPES_ONLY = (ROOT / "cnnkit" / "models", ROOT / "cnnkit" / "architecture_tables.py")


def _reads_shapes_only(item: pytest.Item) -> bool:
    """A doctest of a builder module or of cnnkit.architecture_tables."""
    if type(item).__name__ != "DoctestItem":
        return False
    path = Path(item.path).resolve()
    return any(path == p or p in path.parents for p in SHAPES_ONLY)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not _reads_shapes_only(item):
        yield
        return
    import keras
    from keras.src.backend.common import global_state  # the variables not yet drawn

    pending = list(global_state.get_global_attribute("uninitialized_variables") or [])
    with keras.StatelessScope(initialize_variables=False):
        yield
    global_state.set_global_attribute("uninitialized_variables", pending)
