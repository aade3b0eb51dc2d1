"""Is Keras installed with a backend? The check ``import cnnkit`` runs first.

cnnkit depends on Keras, not on a backend: hosted Jupyter (Colab, Kaggle, JupyterHub
images) already has TensorFlow, and installing a second TensorFlow distribution on top of
it breaks both. Laptops get one through an extra: ``pip install "cnnkit[tf]"`` (or
``cnnkit[course]``), which installs ``tensorflow-cpu`` on x86-64 and ``tensorflow``
elsewhere. Without a backend, :func:`check_backend` raises an ``ImportError`` (not a
``ModuleNotFoundError``: the first cell of the notebooks turns that one into "cnnkit is not
installed") saying which extra to install; in English, or in Spanish inside a Jupyter kernel,
where the student reads it. The check only looks for the modules: it imports nothing heavy.

Parts of cnnkit need TensorFlow itself whatever Keras's backend is (``tf.data`` pipelines,
Grad-CAM, the experiments); they call :func:`require_tensorflow`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["BackendMissingError", "check_backend", "keras_backend", "require_tensorflow"]

SUPPORTED = "TensorFlow 2.20-2.21 with Keras 3.14-3.15"
_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "numpy": "numpy",
            "openvino": "openvino"}  # fmt: skip


class BackendMissingError(ImportError):
    """Keras or the backend it is configured to use is not installed."""


def keras_backend() -> str:
    """The backend Keras uses (once imported) or will load: ``KERAS_BACKEND``, else
    ``~/.keras/keras.json``, else TensorFlow.

    Example:
        >>> keras_backend() in ("tensorflow", "jax", "torch", "numpy", "openvino")
        True
    """
    loaded = sys.modules.get("keras")
    if loaded is not None and hasattr(loaded, "backend"):
        return loaded.backend.backend()  # Keras is imported: the backend it actually uses
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    try:
        return json.loads((home / "keras.json").read_text()).get("backend", "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _installed(module: str) -> bool:
    return module in sys.modules or importlib.util.find_spec(module) is not None


def _message(missing: str, backend: str, spanish: bool) -> str:
    if spanish:
        return (
            f"cnnkit necesita Keras con un backend, y en este entorno falta {missing}. "
            'Instálalo en una celda con  %pip install "cnnkit[tf]"  (instala TensorFlow para '
            "CPU), reinicia el núcleo y vuelve a ejecutar el cuaderno. En Colab, Kaggle o un "
            "JupyterHub con TensorFlow basta  %pip install cnnkit . "
            f"Versiones probadas: {SUPPORTED}."
        )
    return (
        f"cnnkit needs Keras with a backend, and {missing} is not installed in this "
        f"environment (Keras backend: {backend!r}). Install the backend with the extra: "
        'pip install "cnnkit[tf]" (tensorflow-cpu on x86-64, tensorflow elsewhere), or '
        '"cnnkit[course]" for the whole course; where TensorFlow is already installed (Colab, '
        f"Kaggle, JupyterHub images) plain `pip install cnnkit` is enough. Tested: {SUPPORTED}."
    )


def check_backend(*, spanish: bool | None = None) -> None:
    """Raise :class:`BackendMissingError` when Keras or its backend is not installed.

    Args:
        spanish: the language of the message; ``None`` picks Spanish inside a Jupyter
            kernel (a student's notebook) and English elsewhere.

    Raises:
        BackendMissingError: (an ``ImportError``) naming what is missing and the extra to
            install.

    Example:
        >>> check_backend()  # Keras and TensorFlow are installed here: nothing happens
    """
    spanish = _in_notebook() if spanish is None else spanish
    backend = keras_backend()
    if not _installed("keras"):
        raise BackendMissingError(_message("Keras (keras)", backend, spanish))
    module = _MODULES.get(backend)
    if module is not None and not _installed(module):
        raise BackendMissingError(_message(f"{backend} (el backend)" if spanish else backend,
                                           backend, spanish))


def require_tensorflow(feature: str) -> Any:
    """TensorFlow itself, for ``feature``; a clear error on another Keras backend.

    Args:
        feature: what needs it, for the message (``"cnnkit.data.make_dataset"``).

    Returns:
        The ``tensorflow`` module.

    Raises:
        RuntimeError: Keras runs on another backend, or TensorFlow is not installed.

    Example:
        >>> require_tensorflow("cnnkit.data.make_dataset").__name__
        'tensorflow'
    """
    backend = keras_backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{feature} needs the TensorFlow backend (it uses tf.data or tf.GradientTape), "
            f"but Keras runs on {backend!r} (KERAS_BACKEND). Run it with KERAS_BACKEND="
            "tensorflow; the model builders (cnnkit.models) work on any backend."
        )
    if not _installed("tensorflow"):
        raise RuntimeError(f"{feature} needs TensorFlow: pip install \"cnnkit[tf]\".")
    import tensorflow

    return tensorflow
