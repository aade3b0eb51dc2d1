"""Datasets of the course (Fashion-MNIST, MNIST) and their tf.data input pipeline.

The loaders return ``((x_train, y_train), (x_test, y_test))`` as uint8 arrays, exactly like
``keras.datasets``, and work offline. Where they look, in order:

1. the ``data_dir`` argument, or else the ``CNNKIT_DATA_DIR`` environment variable. A folder
   given this way is the only place searched: if it does not exist or lacks the files,
   :class:`DatasetNotFoundError` names the folder and the missing files (no silent fallback
   to another copy);
2. otherwise the Keras cache (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``);
3. Debian's ``/usr/share/datasets/fashion-mnist`` (package ``dataset-fashion-mnist``;
   Fashion-MNIST only);
4. a download through ``keras.datasets`` (needs internet; saved in the Keras cache).

Every file is checked by SHA-256 before use; a corrupt or truncated file raises
:class:`DatasetIntegrityError` naming the file and is never overwritten. In short mode
(``CNNKIT_QUICK=1``) or with ``sample=True`` the loaders return a small stratified sample
that ships inside the package (see ``cnnkit/samples/README.md``), unless ``data_dir`` is
given: short mode never overrides an argument.

The search, the checks and the download are one flow for both datasets
(``cnnkit._dataset_files``); :func:`make_dataset` (``cnnkit._pipeline``) builds the
``tf.data`` pipeline.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cnnkit._dataset_files import (
    DATA_DIR_ENV,
    DatasetFiles,
    DatasetIntegrityError,
    DatasetNotFoundError,
    check_file_sha256,
    find_and_read,
    read_gz_content,
    user_dir,
)
from cnnkit._mode import is_quick
from cnnkit._pipeline import make_dataset
from cnnkit._validate import check_bool, type_name

__all__ = [
    "DATA_DIR_ENV",
    "DEBIAN_FASHION_MNIST_DIR",
    "DatasetIntegrityError",
    "DatasetNotFoundError",
    "FASHION_MNIST_CLASSES",
    "FASHION_MNIST_CLASSES_ES",
    "MNIST_CLASSES",
    "load_fashion_mnist",
    "load_mnist",
    "make_dataset",
]

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

#: The ten Fashion-MNIST classes, in label order (canonical English names).
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
#: Spanish display names for the notebooks, in the same order.
FASHION_MNIST_CLASSES_ES = (
    "Camiseta",
    "Pantalón",
    "Jersey",
    "Vestido",
    "Abrigo",
    "Sandalia",
    "Camisa",
    "Zapatilla",
    "Bolso",
    "Botín",
)
#: The ten MNIST classes (digits), in label order.
MNIST_CLASSES = tuple(str(d) for d in range(10))

# SHA-256 of the *decompressed* IDX content of each Fashion-MNIST file. Hashing the content
# rather than the .gz bytes makes Keras's download and Debian's (re-compressed) package verify
# against the same values; a truncated .gz fails decompression and is reported the same way.
FASHION_MNIST_SHA256 = {
    "train-labels-idx1-ubyte.gz": (
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
    ),
    "train-images-idx3-ubyte.gz": (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
    ),
}
# SHA-256 of Keras's mnist.npz (the same value keras.datasets.mnist checks).
MNIST_FILE = "mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_SAMPLES = {"fashion_mnist": "fashion_mnist_sample.npz", "mnist": "mnist_sample.npz"}


# --------------------------------------------------------------------------------------
# Loaders: one flow (cnnkit._dataset_files.find_and_read), one spec per dataset
# --------------------------------------------------------------------------------------


def load_fashion_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    sample: bool | None = None,
    download: bool = True,
) -> Arrays:
    """Load Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) like ``keras.datasets``.

    Args:
        data_dir: a folder holding the four ``.gz`` files (directly or in a
            ``fashion-mnist/`` subfolder). Defaults to ``$CNNKIT_DATA_DIR``. When either
            is set, only that folder is searched.
        sample: ``None`` (default) follows the mode: the shipped sample in short mode
            (``CNNKIT_QUICK=1``) unless ``data_dir`` is given, the full dataset otherwise.
            ``True`` always returns the sample (3,000 training / 1,000 test images,
            stratified), ``False`` always the full dataset (60,000 / 10,000).
        download: allow the last resort, a download through Keras.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (N, 28, 28)
        and uint8 labels in 0-9 (see ``FASHION_MNIST_CLASSES``).

    Raises:
        DatasetNotFoundError: ``data_dir`` / ``$CNNKIT_DATA_DIR`` does not exist or lacks
            files (the message names the folder and the files), or no copy was found and
            no download was possible (the message lists every place searched).
        DatasetIntegrityError: a file failed its SHA-256 check.
        TypeError: ``data_dir``, ``sample`` or ``download`` has the wrong type.
        ValueError: ``sample=True`` together with a ``data_dir``.

    Example:
        >>> (x, y), (xt, yt) = load_fashion_mnist(sample=True)
        >>> x.shape, x.dtype, sorted(set(y.tolist())) == list(range(10))
        ((3000, 28, 28), dtype('uint8'), True)
    """
    spec = DatasetFiles(
        "Fashion-MNIST", FASHION_MNIST_SHA256, read=_read_fashion_files,
        download=_download_fashion_mnist, loader="load_fashion_mnist", subdir="fashion-mnist",
        debian=DEBIAN_FASHION_MNIST_DIR, apt_package="dataset-fashion-mnist",
    )
    return _load("fashion_mnist", spec, data_dir, sample, download)


def load_mnist(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    sample: bool | None = None,
    download: bool = True,
) -> Arrays:
    """Load the MNIST handwritten digits (LeCun et al., 1998) like ``keras.datasets``.

    Args:
        data_dir: a folder holding Keras's ``mnist.npz``. Defaults to ``$CNNKIT_DATA_DIR``.
            When either is set, only that folder is searched.
        sample: ``None`` (default) follows the mode: the shipped sample in short mode
            (``CNNKIT_QUICK=1``) unless ``data_dir`` is given, the full dataset otherwise.
            ``True`` always returns the sample (4,000 training / 1,000 test digits,
            stratified), ``False`` always the full dataset (60,000 / 10,000).
        download: allow the last resort, a download through Keras.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape (N, 28, 28)
        and uint8 labels 0-9.

    Raises:
        DatasetNotFoundError: ``data_dir`` / ``$CNNKIT_DATA_DIR`` does not exist or lacks
            ``mnist.npz``, or no copy was found and no download was possible (the message
            lists every place searched).
        DatasetIntegrityError: ``mnist.npz`` failed its SHA-256 check.
        TypeError: ``data_dir``, ``sample`` or ``download`` has the wrong type.
        ValueError: ``sample=True`` together with a ``data_dir``.

    Example:
        >>> (x, y), (xt, yt) = load_mnist(sample=True)
        >>> x.shape, xt.shape
        ((4000, 28, 28), (1000, 28, 28))
    """
    spec = DatasetFiles(
        "MNIST", {MNIST_FILE: MNIST_SHA256}, read=_read_mnist_npz, download=_download_mnist,
        loader="load_mnist",
    )
    return _load("mnist", spec, data_dir, sample, download)


def _load(name: str, spec: DatasetFiles, data_dir: Any, sample: Any, download: Any) -> Arrays:
    """The sample, or the files found by the one search flow; the arguments decide."""
    user = user_dir(data_dir)
    check_bool(download, "download")
    if sample is not None and not isinstance(sample, bool):
        raise TypeError(
            f"`sample` must be True, False or None, got {type_name(sample)}: {sample!r}. "
            "None follows the mode (CNNKIT_QUICK)."
        )
    if sample is True and data_dir is not None:
        raise ValueError(
            f"`sample=True` returns the sample shipped with cnnkit, so `data_dir` ({data_dir!s}) "
            "would be ignored: pass one or the other."
        )
    if sample is None:  # the mode decides only what the caller left open
        sample = is_quick() and data_dir is None
    if sample:
        return _load_sample(name)
    return find_and_read(spec, user, download=download)


def _download_fashion_mnist() -> None:  # pragma: no cover - needs the internet
    import keras

    keras.datasets.fashion_mnist.load_data()


def _download_mnist() -> None:  # pragma: no cover - needs the internet
    import keras

    keras.datasets.mnist.load_data()


def _read_fashion_files(paths: dict[str, Path]) -> Arrays:
    raw = {name: read_gz_content(path, FASHION_MNIST_SHA256[name]) for name, path in paths.items()}

    def images(name: str) -> np.ndarray:
        return np.frombuffer(raw[name], np.uint8, offset=16).reshape(-1, 28, 28).copy()

    def labels(name: str) -> np.ndarray:
        return np.frombuffer(raw[name], np.uint8, offset=8).copy()

    return (
        (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")),
        (images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")),
    )


def _read_mnist_npz(paths: dict[str, Path]) -> Arrays:
    path = paths[MNIST_FILE]
    check_file_sha256(path, MNIST_SHA256)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _load_sample(name: str) -> Arrays:
    ref = resources.files("cnnkit") / "samples" / _SAMPLES[name]
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
