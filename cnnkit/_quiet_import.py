"""Import Keras (and TensorFlow) without the start-up lines TensorFlow writes to stderr.

TensorFlow 2.21 writes lines such as ``WARNING: All log messages before
absl::InitializeLog() is called are written to STDERR`` and ``oneDNN custom operations are
on ...`` straight to file descriptor 2 while it is imported, whatever
``TF_CPP_MIN_LOG_LEVEL`` says. A Jupyter kernel (ipykernel captures the descriptor by
default) shows them as a red stderr block under the first cell of every notebook. A build
of TensorFlow with CUDA support (plain ``tensorflow`` on Linux, what hosted Jupyter images
have) on a machine without a usable GPU writes one more, ``failed call to cuInit``, when it
first looks for its devices: under the first cell that computes anything.

:func:`import_keras_quietly` imports Keras with descriptor 2 pointed at a temporary file for
the duration of the import only, then restores it; when the import loaded TensorFlow, its
physical devices are listed inside that window too (:func:`_find_devices`). Lines known to
be harmless start-up noise (:data:`STARTUP_NOISE`) are dropped; any other line is written
back to ``sys.stderr``, so a real warning stays visible; if the import fails, the exception is
re-raised with everything that was captured attached as a note. Nothing else in the
process changes (no environment variable, no logger level; TensorFlow's runtime is not
initialised, so ``tf.config`` settings such as threads or visible devices still apply).

Example:
    >>> keras = import_keras_quietly()
    >>> keras.__name__
    'keras'
    >>> _noise("I0000 00:00:17.5  8350 port.cc:153] oneDNN custom operations are on.")
    True
    >>> _noise("E0000 00:00:17.5  8350 some_kernel.cc:10] out of memory")
    False
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import tempfile
from types import ModuleType

__all__ = ["STARTUP_NOISE", "import_keras_quietly", "quiet_import"]

STARTUP_NOISE = (
    r"WARNING: All log messages before absl::InitializeLog\(\) is called",
    r"\] oneDNN custom operations are on",
    r"cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized",
    r"To enable the following instructions: .* rebuild TensorFlow",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"computation placer already registered",
    r"TF-TRT Warning: Could not find TensorRT",
    r"Could not find cuda drivers on your machine",
    r"\] failed call to cuInit: ",
)
"""Patterns of the lines TensorFlow writes at import that :func:`import_keras_quietly` drops
(CPU builds and, for the last ones, GPU builds without or with CUDA; the cuInit line is what
TensorFlow 2.21.0's ``tensorflow`` wrote on a machine with no GPU when it first listed its
devices; it then runs on the CPU, as the course expects)."""

_NOISE = re.compile("|".join(STARTUP_NOISE))


def _noise(line: str) -> bool:
    """Whether ``line`` is a known start-up line (or blank)."""
    return not line.strip() or bool(_NOISE.search(line))


def _find_devices() -> None:
    """List TensorFlow's physical devices, if the import loaded TensorFlow: its CUDA build
    then probes for a GPU now, while descriptor 2 is redirected, instead of writing
    ``failed call to cuInit`` under the first notebook cell that computes. Listing the
    physical devices does not initialise the runtime (0.5 ms on a CPU-only machine)."""
    tf = sys.modules.get("tensorflow")
    config = getattr(tf, "config", None)
    if config is not None and hasattr(config, "list_physical_devices"):
        config.list_physical_devices()


def _redirected_import(name: str) -> tuple[ModuleType | None, BaseException | None, str]:
    """Import ``name`` with descriptor 2 sent to a temporary file; return what it wrote."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        module = error = None
        try:
            module = importlib.import_module(name)
            _find_devices()
        except BaseException as exc:  # re-raised by the caller with the captured text
            error = exc
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        captured = sink.read().decode("utf-8", errors="replace")
    return module, error, captured


def import_keras_quietly() -> ModuleType:
    """Import and return ``keras`` without TensorFlow's start-up lines on stderr.

    Returns:
        The ``keras`` module (imported once; later calls return it at no cost).

    Raises:
        ImportError: Keras or one of its dependencies is missing or broken; the message
            says what to install and a note carries what TensorFlow wrote to stderr.
    """
    return quiet_import("keras")


def quiet_import(name: str) -> ModuleType:
    """Import module ``name`` with its start-up noise on descriptor 2 dropped (see above)."""
    if name in sys.modules:
        return sys.modules[name]
    try:
        _, error, captured = _redirected_import(name)
    except OSError:  # no usable descriptor 2 (a closed or odd stderr): import plainly
        return importlib.import_module(name)
    kept = "".join(line for line in captured.splitlines(keepends=True) if not _noise(line))
    if error is None:
        if kept:
            sys.stderr.write(kept)
            sys.stderr.flush()
        return sys.modules[name]
    if captured.strip():
        error.add_note(f"Written to stderr while {name} was imported:\n{captured}")
    if isinstance(error, ModuleNotFoundError):
        # Not a ModuleNotFoundError: the notebooks' first cell catches that one to say that
        # cnnkit itself is missing.
        raise ImportError(
            f"cnnkit needs Keras 3 and TensorFlow, but importing {name} failed: {error}. "
            "Install them with `pip install cnnkit` (or `pip install -e .` in the repository)."
        ) from error
    raise error
