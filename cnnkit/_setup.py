"""The first cell of every notebook: versions, seed, quiet logging, PNG figures."""

from __future__ import annotations

import logging
import os
import platform
import sys
import warnings

from cnnkit._language import set_language
from cnnkit._mode import is_quick
from cnnkit._validate import check_bool, check_seed

MIN_PYTHON = (3, 11)
MIN_KERAS = (3, 0)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def setup(seed: int = 0, *, verbose: bool = True, language: str = "en") -> None:
    """Prepare a notebook: check versions, seed everything, silence logs, PNG figures.

    Args:
        seed: seed for Python, NumPy and the Keras backend
            (``keras.utils.set_random_seed``), so runs are repeatable.
        verbose: print one line with the versions and the mode.
        language: language of the text cnnkit draws in figures, ``"en"`` (default) or
            ``"es"`` (the notebooks of the course pass ``language="es"``).

    Raises:
        RuntimeError: when Python or Keras is too old, saying what to install.
        TypeError: when ``seed`` is not an int or ``verbose`` not a bool.
        ValueError: when ``seed`` is negative or ``language`` is unknown.

    Example:
        >>> import cnnkit
        >>> cnnkit.setup(seed=0, verbose=False)
    """
    check_seed(seed)
    check_bool(verbose, "verbose")
    if sys.version_info[:2] < MIN_PYTHON:
        raise RuntimeError(
            f"cnnkit needs Python >= {MIN_PYTHON[0]}.{MIN_PYTHON[1]}, "
            f"this kernel runs {platform.python_version()}. Create the environment as the "
            "README says (Python 3.11) and select its kernel."
        )
    set_language(language)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    if _version_tuple(keras.__version__) < MIN_KERAS:
        raise RuntimeError(
            f"cnnkit needs Keras 3, found keras {keras.__version__}. "
            "Run `pip install -e .` in the repository (it installs keras~=3.15)."
        )
    _quiet_logging()
    keras.utils.set_random_seed(seed)
    _png_figures()
    if verbose:
        import tensorflow as tf

        import cnnkit

        mode = "corto (CNNKIT_QUICK=1)" if is_quick() else "completo"
        print(
            f"cnnkit {cnnkit.__version__} | Python {platform.python_version()} | "
            f"Keras {keras.__version__} | TensorFlow {tf.__version__} | modo {mode} | "
            f"semilla {seed}"
        )


def _quiet_logging() -> None:
    """Silence TensorFlow's Python and absl loggers and known harmless warnings."""
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    try:  # absl prints a warning to stderr the first time it logs before init.
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    warnings.filterwarnings("ignore", module="keras.src.trainers")


def _png_figures() -> None:
    """Inline matplotlib figures as PNG in Jupyter; nothing outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    shell.run_line_magic("matplotlib", "inline")
    set_matplotlib_formats("png")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.max_open_warning": 0})
    from cnnkit._compact_png import use_compact_png

    use_compact_png(shell)  # PNGs with a 256-colour palette: about half the bytes
