"""Where Keras keeps its downloads: one answer for datasets and pre-trained weights.

``keras.utils.get_file`` (``keras/src/utils/file_utils.py``) stores files under
``keras.src.backend.config.keras_home()``, which is ``$KERAS_HOME`` whenever the variable
is set (even to an empty string), else ``~/.keras`` (``/tmp/.keras`` if the home folder is
not writable); and when that folder is not writable (an empty string, or a folder that
does not exist), it falls back to ``/tmp/.keras``. cnnkit looks for cached files exactly
where Keras would have written them, reading the environment at call time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["keras_cache"]


def keras_cache(subdir: str) -> Path:
    """The folder where ``keras.utils.get_file`` stores files of ``cache_subdir=subdir``.

    Args:
        subdir: ``"datasets"`` or ``"models"`` (Keras's names).

    Returns:
        The ``pathlib.Path`` of the folder (which may not exist yet).

    Example:
        >>> import os
        >>> os.environ["KERAS_HOME"] = "/nonexistent/keras"   # not writable: Keras uses /tmp
        >>> str(keras_cache("models"))
        '/tmp/.keras/models'
        >>> del os.environ["KERAS_HOME"]
    """
    if "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    base = os.path.expanduser(base)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return Path(base) / subdir
