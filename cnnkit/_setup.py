"""The first cell of every notebook: versions, seed, quiet Python loggers, PNG figures.

:func:`setup` changes only what its docstring lists, each change reversible: no environment
variable and no matplotlib warning is touched, and one Keras warning, by its exact text, is
the only one hidden. (TensorFlow's C++
start-up lines are silenced by ``import cnnkit`` itself, before TensorFlow loads.)
"""

from __future__ import annotations

import logging
import platform
import sys
import warnings

from cnnkit._language import set_language
from cnnkit._mode import is_quick
from cnnkit._validate import check_bool, check_seed

KERAS_SHUFFLE_MESSAGE = (
    r"`shuffle=True` was passed, but will be ignored since the data `x` was provided as a "
    r"tf\.data\.Dataset"
)
"""The text of the one warning ``setup`` hides (a regular expression; see its docstring)."""

MIN_PYTHON = (3, 11)
MIN_KERAS = (3, 0)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def setup(seed: int = 0, *, verbose: bool = True, language: str = "en") -> None:
    """Prepare a notebook: check versions, seed everything, quiet loggers, PNG figures.

    What it changes, and how to undo each change:

    - the seeds of Python's ``random``, NumPy's global generator and the Keras backend
      (``keras.utils.set_random_seed(seed)``); call it again with another seed to change them;
    - the language of the words and numbers cnnkit draws (:func:`cnnkit.set_language`);
    - the level of the Python loggers ``"tensorflow"`` and ``"absl"`` (and absl's
      verbosity), set to ``ERROR`` so that retracing notices and similar INFO / WARNING
      log lines do not fill the notebook; undo with
      ``logging.getLogger("tensorflow").setLevel(logging.WARNING)`` (and the same for
      ``"absl"``);
    - one warnings filter, for the exact text of the UserWarning Keras 3.15 prints on every
      ``model.fit`` of a ``tf.data.Dataset`` (its default ``shuffle=True`` "will be ignored",
      although the caller passed nothing; ``make_dataset`` shuffles the data itself), which
      would otherwise show as a red block under the first training cell. Every other warning
      is shown. Undo with ``warnings.filterwarnings("default",
      message=cnnkit._setup.KERAS_SHUFFLE_MESSAGE, category=UserWarning)``;
    - in IPython / Jupyter only: ``%matplotlib inline`` with PNG figures at 80 dpi
      (``figure.dpi`` and ``savefig.dpi``); undo with
      ``matplotlib.rcParams.update({"figure.dpi": 100, "savefig.dpi": "figure"})``.

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
        >>> import cnnkit, logging
        >>> cnnkit.setup(seed=0, verbose=False)
        >>> logging.getLogger("tensorflow").level == logging.ERROR
        True
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
    import keras

    if _version_tuple(keras.__version__) < MIN_KERAS:
        raise RuntimeError(
            f"cnnkit needs Keras 3, found keras {keras.__version__}. "
            "Run `pip install -e .` in the repository (it installs keras~=3.15)."
        )
    _quiet_logging()
    warnings.filterwarnings("ignore", message=KERAS_SHUFFLE_MESSAGE, category=UserWarning)
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
    """Set TensorFlow's and absl's Python loggers to ERROR (warnings are not touched)."""
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    try:  # absl prints a warning to stderr the first time it logs before init.
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass


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

    plt.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80})
    from cnnkit._compact_png import use_compact_png

    use_compact_png(shell)  # PNGs with a 256-colour palette: about half the bytes
