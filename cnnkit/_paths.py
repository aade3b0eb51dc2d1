"""Where Keras keeps its downloads: one answer for datasets and pre-trained weights.

``keras.utils.get_file`` (``keras/src/utils/file_utils.py``) stores a file of
``cache_subdir=subdir`` under ``keras.src.backend.config.keras_home()``, a folder Keras
fixes once, when it is imported (``$KERAS_HOME`` if that variable was set then, else
``~/.keras``), and falls back to ``/tmp/.keras`` when that folder is not writable.
:func:`keras_cache` asks Keras for the same folder instead of re-reading the environment,
so setting ``KERAS_HOME`` after Keras was imported changes neither answer. The accessor is
private to Keras; ``tests/test_paths.py`` checks the answer against a real ``get_file``,
so a Keras release that moves it fails there, loudly.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["keras_cache"]


def keras_cache(subdir: str) -> Path:
    """The folder where ``keras.utils.get_file`` stores files of ``cache_subdir=subdir``.

    Imports Keras (and its backend) if it is not imported yet.

    Args:
        subdir: ``"datasets"`` or ``"models"`` (Keras's names).

    Returns:
        The ``pathlib.Path`` of the folder (which may not exist yet).

    Example:
        >>> from keras.src.backend import config
        >>> cache = keras_cache("models")
        >>> cache.name, cache.parent == keras_cache("datasets").parent
        ('models', True)
    """
    from keras.src.backend import config

    base = os.path.expanduser(config.keras_home())
    if not os.access(base, os.W_OK):  # get_file's own fallback, decided at call time too
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return Path(base) / subdir
