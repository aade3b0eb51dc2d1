"""Datasets of the course (Fashion-MNIST, MNIST) and tf.data input pipelines.

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
that ships inside the package (see ``cnnkit/samples/README.md``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from cnnkit._mode import is_quick
from cnnkit._paths import keras_cache
from cnnkit._validate import check_bool, check_int, check_seed, type_name

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

DATA_DIR_ENV = "CNNKIT_DATA_DIR"
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


class DatasetNotFoundError(FileNotFoundError):
    """No copy of a dataset was found and it could not be downloaded."""


class DatasetIntegrityError(ValueError):
    """A dataset file exists but is corrupt, truncated or not the expected file."""


# --------------------------------------------------------------------------------------
# Public loaders
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
            (``CNNKIT_QUICK=1``), the full dataset otherwise. ``True`` always returns the
            sample (3,000 training / 1,000 test images, stratified), ``False`` always the
            full dataset (60,000 / 10,000).
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

    Example:
        >>> (x, y), (xt, yt) = load_fashion_mnist(sample=True)
        >>> x.shape, x.dtype, sorted(set(y.tolist())) == list(range(10))
        ((3000, 28, 28), dtype('uint8'), True)
    """
    user = _user_dir(data_dir)
    check_bool(download, "download")
    if _use_sample(sample):
        return _load_sample("fashion_mnist")
    if user is not None:
        label, folder = user
        for candidate in (folder / "fashion-mnist", folder):
            found = _fashion_files_in(candidate)
            if found is not None:
                return _read_fashion_files(found)
        raise _missing_in_user_dir(label, folder, tuple(FASHION_MNIST_SHA256))
    searched: list[str] = []
    for label, folder in _candidate_dirs("fashion-mnist", debian=True):
        if folder is None:
            searched.append(f"{label}: not given")
            continue
        found = _fashion_files_in(folder)
        if found is not None:
            return _read_fashion_files(found)
        searched.append(f"{label}: {folder} (the four .gz files are not there)")
    if download:
        error = _try_download(_download_fashion_mnist)
        if error is None:
            cache = _keras_cache() / "fashion-mnist"
            found = _fashion_files_in(cache)
            if found is not None:
                return _read_fashion_files(found)
            error = f"Keras reported success but the files are not in {cache}"
        searched.append(f"download through keras.datasets: failed ({error})")
    else:
        searched.append("download through keras.datasets: not tried (download=False)")
    raise DatasetNotFoundError(_not_found_message("Fashion-MNIST", searched, fashion=True))


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
            (``CNNKIT_QUICK=1``), the full dataset otherwise. ``True`` always returns the
            sample (4,000 training / 1,000 test digits, stratified), ``False`` always the
            full dataset (60,000 / 10,000).
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

    Example:
        >>> (x, y), (xt, yt) = load_mnist(sample=True)
        >>> x.shape, xt.shape
        ((4000, 28, 28), (1000, 28, 28))
    """
    user = _user_dir(data_dir)
    check_bool(download, "download")
    if _use_sample(sample):
        return _load_sample("mnist")
    if user is not None:
        label, folder = user
        if (folder / MNIST_FILE).is_file():
            return _read_mnist_npz(folder / MNIST_FILE)
        raise _missing_in_user_dir(label, folder, (MNIST_FILE,))
    searched: list[str] = []
    for label, folder in _candidate_dirs(None, debian=False):
        if folder is None:
            searched.append(f"{label}: not given")
            continue
        path = folder / MNIST_FILE
        if path.is_file():
            return _read_mnist_npz(path)
        searched.append(f"{label}: {path} (not there)")
    searched.append("Debian/Ubuntu: no package ships MNIST in Keras's format")
    if download:
        error = _try_download(_download_mnist)
        if error is None:
            path = _keras_cache() / MNIST_FILE
            if path.is_file():
                return _read_mnist_npz(path)
            error = f"Keras reported success but {path} does not exist"
        searched.append(f"download through keras.datasets: failed ({error})")
    else:
        searched.append("download through keras.datasets: not tried (download=False)")
    raise DatasetNotFoundError(_not_found_message("MNIST", searched, fashion=False))


# --------------------------------------------------------------------------------------
# Input pipeline
# --------------------------------------------------------------------------------------


def make_dataset(
    x: np.ndarray,
    y: np.ndarray | None,
    *,
    batch_size: int,
    shuffle: bool,
    augment: Callable[..., Any] | None = None,
    seed: int | None = None,
) -> Any:
    """Build a ``tf.data`` pipeline: scale, add the channel axis, shuffle, batch, augment.

    Integer images (uint8, 0-255) are scaled to float32 in [0, 1]; float images must
    already be in [0, 1]. Images of shape (N, H, W) get a channel axis (N, H, W, 1).
    Augmentation runs in ``map`` on each batch with ``training=True``: pass it for the
    training set only. The pipeline ends with ``prefetch(AUTOTUNE)``.

    Args:
        x: images, (N, H, W) or (N, H, W, C), integer or float.
        y: labels of length N, or ``None`` for a dataset of images only.
        batch_size: images per batch, a positive int.
        shuffle: shuffle the whole set each epoch (use it for training).
        augment: a Keras layer or ``keras.Sequential`` of preprocessing layers
            (for example ``cnnkit.augment.augmentation()``), or ``None``.
        seed: seed of the shuffle order, for repeatable runs.

    Returns:
        A ``tf.data.Dataset`` of ``(images, labels)`` batches (or images only).

    Raises:
        ValueError / TypeError: on a wrong shape, dtype, range, length or argument.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((10, 28, 28), dtype="uint8"); y = np.arange(10)
        >>> ds = make_dataset(x, y, batch_size=4, shuffle=False)
        >>> [tuple(b.shape) for b, _ in ds]
        [(4, 28, 28, 1), (4, 28, 28, 1), (2, 28, 28, 1)]
    """
    images = _check_images(x)
    labels = _check_labels(y, len(images))
    check_int(batch_size, "batch_size", minimum=1, hint="For example batch_size=128.")
    check_bool(shuffle, "shuffle", hint="Use shuffle=True for training data only.")
    if augment is not None and not callable(augment):
        raise TypeError(
            "`augment` must be a Keras layer or keras.Sequential (something callable) or "
            f"None, got {type_name(augment)}. For example augment=cnnkit.augment.augmentation()."
        )
    seed = check_seed(seed, allow_none=True)

    from cnnkit._backend import require_tensorflow

    tf = require_tensorflow("cnnkit.data.make_dataset")  # tf.data, whatever Keras's backend

    tensors = images if labels is None else (images, labels)
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment is not None:
        if labels is None:
            ds = ds.map(lambda b: augment(b, training=True), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(
                lambda b, t: (augment(b, training=True), t), num_parallel_calls=tf.data.AUTOTUNE
            )
    return ds.prefetch(tf.data.AUTOTUNE)


def _check_images(x: Any) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"`x` must be a NumPy array of images, got {type_name(x)}. Convert it with np.asarray."
        )
    if x.ndim == 3:
        x = x[..., np.newaxis]
    elif x.ndim != 4:
        raise ValueError(
            f"`x` must have shape (N, H, W) or (N, H, W, C), got shape {x.shape}; "
            "for a single image use x[np.newaxis]"
        )
    if len(x) == 0:
        raise ValueError("`x` is empty: make_dataset needs at least one image.")
    if np.issubdtype(x.dtype, np.integer) or x.dtype == bool:
        return (x.astype("float32") / 255.0).astype("float32")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"`x` must hold numbers (uint8 or float), got dtype {x.dtype}. Convert it with "
            "x.astype('float32') / 255."
        )
    low, high = float(np.min(x)), float(np.max(x))
    if np.isnan(low) or np.isnan(high):
        raise ValueError("`x` contains NaN values; clean the images before building a dataset.")
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"`x` (float images) must be in [0, 1], got values in [{low:g}, {high:g}]; pass "
            "the uint8 arrays from the loaders (make_dataset scales them) or divide by 255."
        )
    return x.astype("float32")


def _check_labels(y: Any, n: int) -> np.ndarray | None:
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim not in (1, 2):
        raise ValueError(
            f"`y` must be a 1-D array of labels (or 2-D one-hot), got shape {y.shape}."
        )
    if len(y) != n:
        raise ValueError(
            f"`y` must have one label per image of `x`: got {n} images and {len(y)} labels."
        )
    return y


# --------------------------------------------------------------------------------------
# Where to look
# --------------------------------------------------------------------------------------


def _use_sample(sample: bool | None) -> bool:
    if sample is None:
        return is_quick()
    if not isinstance(sample, bool):
        raise TypeError(
            f"`sample` must be True, False or None, got {type_name(sample)}: {sample!r}. "
            "None follows the mode (CNNKIT_QUICK)."
        )
    return sample


def _user_dir(data_dir: Any) -> tuple[str, Path] | None:
    """The folder the user named (``data_dir`` or ``$CNNKIT_DATA_DIR``) with its label."""
    if data_dir is not None:
        if not isinstance(data_dir, str | os.PathLike):
            raise TypeError(
                f"`data_dir` must be a folder path (str or pathlib.Path) or None, got "
                f"{type_name(data_dir)}: {data_dir!r}."
            )
        return "`data_dir`", Path(data_dir).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return f"${DATA_DIR_ENV}", Path(os.environ[DATA_DIR_ENV]).expanduser()
    return None


def _missing_in_user_dir(label: str, folder: Path, files: tuple[str, ...]) -> Exception:
    """The error for a named folder that does not exist or lacks the dataset files."""
    if not folder.is_dir():
        problem = "does not exist"
        missing = files
    else:
        missing = tuple(f for f in files if not (folder / f).is_file())
        problem = "lacks " + ", ".join(missing)
    where = "or its fashion-mnist/ subfolder " if len(files) > 1 else ""
    return DatasetNotFoundError(
        f"{label} is {folder}, which {problem}. Put {', '.join(missing)} there {where}"
        f"or point {label} to the folder that holds them; cnnkit does not fall back to "
        "other copies when a folder is named."
    )


def _keras_cache() -> Path:
    """The folder where keras.datasets stores downloads (``$KERAS_HOME/datasets``)."""
    return keras_cache("datasets")


def _candidate_dirs(subdir: str | None, *, debian: bool) -> list[tuple[str, Path | None]]:
    """The folders to search when no folder is named, in order, each with a label.

    A ``None`` folder stands for "not given" and is only reported, never searched.
    """
    places: list[tuple[str, Path | None]] = [(f"data_dir argument / ${DATA_DIR_ENV}", None)]
    cache = _keras_cache()
    places.append(("Keras cache", cache / subdir if subdir else cache))
    if debian:
        places.append(("Debian package dataset-fashion-mnist", DEBIAN_FASHION_MNIST_DIR))
    return places


def _fashion_files_in(folder: Path) -> dict[str, Path] | None:
    paths = {name: folder / name for name in FASHION_MNIST_SHA256}
    if all(p.is_file() for p in paths.values()):
        return paths
    return None


def _try_download(download: Callable[[], None]) -> str | None:
    """Run a Keras download; return None on success or a one-line reason on failure."""
    try:
        download()
    except Exception as exc:  # noqa: BLE001 - any failure means "no download possible"
        text = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
    return None


def _download_fashion_mnist() -> None:  # pragma: no cover - needs the internet
    import keras

    keras.datasets.fashion_mnist.load_data()


def _download_mnist() -> None:  # pragma: no cover - needs the internet
    import keras

    keras.datasets.mnist.load_data()


def _not_found_message(name: str, searched: list[str], *, fashion: bool) -> str:
    lines = [f"{name} was not found on this computer and could not be downloaded.", "Searched:"]
    lines += [f"  - {place}" for place in searched]
    lines.append("Fix it with any one of these:")
    if fashion:
        lines.append(
            "  - install the Debian/Ubuntu package: sudo apt-get install dataset-fashion-mnist"
        )
    lines.append(
        "  - connect to the internet once: Keras downloads the files into "
        f"{_keras_cache()} and later runs work offline"
    )
    files = ", ".join(FASHION_MNIST_SHA256) if fashion else MNIST_FILE
    lines.append(
        f"  - copy the files ({files}) into a folder and set {DATA_DIR_ENV}=/that/folder "
        "(or pass data_dir=...)"
    )
    loader = "load_fashion_mnist" if fashion else "load_mnist"
    lines.append(f"  - or use the small sample shipped with cnnkit: {loader}(sample=True)")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Reading and checking files
# --------------------------------------------------------------------------------------


def _integrity_error(path: Path, problem: str) -> DatasetIntegrityError:
    return DatasetIntegrityError(
        f"{path} is not a valid copy ({problem}). It may be truncated or corrupt. "
        "cnnkit never overwrites your files: delete or move this file yourself and run "
        "again (the loader then uses another copy or downloads a fresh one), or point "
        f"{DATA_DIR_ENV} to a good copy."
    )


def _read_idx_gz(path: Path, expected_sha256: str) -> bytes:
    try:
        with gzip.open(path, "rb") as handle:
            content = handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise _integrity_error(path, f"cannot decompress: {exc}") from exc
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected_sha256:
        raise _integrity_error(
            path, f"SHA-256 of its content is {digest}, expected {expected_sha256}"
        )
    return content


def _read_fashion_files(paths: dict[str, Path]) -> Arrays:
    raw = {name: _read_idx_gz(path, FASHION_MNIST_SHA256[name]) for name, path in paths.items()}

    def images(name: str) -> np.ndarray:
        return np.frombuffer(raw[name], np.uint8, offset=16).reshape(-1, 28, 28).copy()

    def labels(name: str) -> np.ndarray:
        return np.frombuffer(raw[name], np.uint8, offset=8).copy()

    return (
        (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz")),
        (images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")),
    )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_mnist_npz(path: Path) -> Arrays:
    digest = _sha256_file(path)
    if digest != MNIST_SHA256:
        raise _integrity_error(path, f"SHA-256 is {digest}, expected {MNIST_SHA256}")
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _load_sample(name: str) -> Arrays:
    ref = resources.files("cnnkit") / "samples" / _SAMPLES[name]
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
