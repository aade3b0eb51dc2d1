"""cnnkit: the helper package of a course on convolutional neural networks.

The notebooks of the course import it instead of repeating code. Submodules are loaded on
first use, so ``import cnnkit`` is cheap and does not import TensorFlow, except in a Jupyter
kernel: there it imports Keras (and TensorFlow) at once, with the lines TensorFlow writes to
stderr at start-up kept out of the notebook (``cnnkit._quiet_import``), so a notebook that
imports cnnkit first shows no red start-up block under its first cell::

    import cnnkit
    cnnkit.setup(seed=0)                      # versions, seed, quiet logs, PNG figures
    cnnkit.summary(model)                     # model.summary() in the chosen language
    (x, y), (xt, yt) = cnnkit.data.load_fashion_mnist()
    epochs = cnnkit.quick(full=15, short=1)   # short mode for CI (CNNKIT_QUICK=1)

Submodules: ``data``, ``training``, ``models``, ``augment``, ``ops``, ``convmatrix``, ``kernels``,
``viz``, ``transfer``, ``stats``, ``exercises``, ``student``, ``model_summary``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from cnnkit._backend import check_backend as _check_backend

_check_backend()  # Keras and its backend installed? If not, say which extra (cnnkit[tf])

from cnnkit._language import (  # noqa: E402
    format_array,
    format_bool,
    format_number,
    format_percent,
    format_table,
    language,
    set_language,
)
from cnnkit._mode import QUICK_ENV, is_quick, quick  # noqa: E402
from cnnkit._setup import setup  # noqa: E402

if "ipykernel" in sys.modules:  # a notebook: load Keras now, without TensorFlow's stderr lines
    from cnnkit._quiet_import import import_keras_quietly

    import_keras_quietly()

__version__ = "0.1.0"

__all__ = [
    "QUICK_ENV",
    "__version__",
    "format_array",
    "format_bool",
    "format_number",
    "format_percent",
    "format_table",
    "is_quick",
    "language",
    "quick",
    "set_language",
    "setup",
    "summary",
    "summary_text",
]

_SUBMODULES = frozenset(
    {
        "augment",
        "convmatrix",
        "data",
        "exercises",
        "experiments",
        "kernels",
        "model_summary",
        "models",
        "ops",
        "stats",
        "student",
        "training",
        "transfer",
        "viz",
        "workspace",
    }
)


_LAZY_FUNCTIONS = {"summary": "cnnkit.model_summary", "summary_text": "cnnkit.model_summary"}
"""Functions of modules that import Keras, loaded on first use like the submodules."""


def __getattr__(name: str) -> Any:
    """Import a submodule on first attribute access (``cnnkit.data``...)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"cnnkit.{name}")
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(_LAZY_FUNCTIONS[name]), name)
    raise AttributeError(f"module 'cnnkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)
