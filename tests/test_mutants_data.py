"""The dataset search flow and pixel scaling, message by message (cnnkit._dataset_files).

``test_data.py`` drives the flow through the loaders with the real file names; here a toy
dataset of two files goes through :func:`find_and_read` in every branch (a named folder
and its subfolder, the Keras cache, a Debian folder, a download that fails, succeeds, or
says it succeeded without files) and each error is asserted whole, since a student reads
it to fix the setup (mutation testing found the places, their order and the fixes
unchecked: ``benchmarks/mutation.py data``). No TensorFlow work, no network.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest
from keras.src.backend import config as keras_config

from cnnkit import _dataset_files as files
from cnnkit._pixels import scale_pixels

SHA = {"a.bin": hashlib.sha256(b"a").hexdigest(), "b.bin": hashlib.sha256(b"b").hexdigest()}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty Keras home in tmp_path and no $CNNKIT_DATA_DIR."""
    (tmp_path / "keras_home").mkdir()
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path / "keras_home"))
    monkeypatch.delenv(files.DATA_DIR_ENV, raising=False)
    return tmp_path


def _spec(download=None, *, subdir="toy", debian=None, apt=None) -> files.DatasetFiles:
    def never() -> None:
        raise AssertionError("no download expected")

    return files.DatasetFiles("Toy", SHA, read=lambda paths: paths, download=download or never,
                              loader="load_toy", subdir=subdir, debian=debian,
                              apt_package=apt)  # fmt: skip


def _put(folder: Path, names=("a.bin", "b.bin")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(name[0].encode())
    return folder


def _paths(folder: Path) -> dict[str, Path]:
    return {"a.bin": folder / "a.bin", "b.bin": folder / "b.bin"}


# ------------------------------------------------------------------- the folder a user names


def test_user_dir_from_the_argument_or_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(files.DATA_DIR_ENV, raising=False)
    assert files.user_dir(None) is None
    assert files.user_dir(tmp_path) == ("`data_dir`", tmp_path)
    assert files.user_dir("~/datos") == ("`data_dir`", Path.home() / "datos")
    monkeypatch.setenv(files.DATA_DIR_ENV, "~/otra")
    assert files.user_dir(None) == ("$CNNKIT_DATA_DIR", Path.home() / "otra")
    assert files.user_dir(str(tmp_path)) == ("`data_dir`", tmp_path)  # the argument first
    monkeypatch.setenv(files.DATA_DIR_ENV, "")
    assert files.user_dir(None) is None  # set but empty: not named
    with pytest.raises(TypeError) as info:
        files.user_dir(3)
    assert str(info.value) == ("`data_dir` must be a folder path (str or pathlib.Path) or None, "
                               "got int: 3.")  # fmt: skip


def test_a_named_folder_or_its_subfolder_is_read_the_subfolder_first(home):
    folder = _put(home / "mine")
    assert files.find_and_read(_spec(), ("`data_dir`", folder), download=True) == _paths(folder)
    _put(folder / "toy")
    assert files.find_and_read(_spec(), ("`data_dir`", folder), download=True) == _paths(
        folder / "toy"
    )
    # without a subdir only the folder itself counts
    assert files.find_and_read(_spec(subdir=None), ("`data_dir`", folder),
                               download=True) == _paths(folder)  # fmt: skip


def test_a_named_folder_that_does_not_exist(home):
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(), ("`data_dir`", home / "nada"), download=True)
    assert str(info.value) == (
        f"`data_dir` is {home / 'nada'}, which does not exist. Put a.bin, b.bin there or its "
        "toy/ subfolder or point `data_dir` to the folder that holds them; cnnkit does not "
        "fall back to other copies when a folder is named."
    )


def test_a_named_folder_that_lacks_a_file_names_only_that_file(home):
    folder = _put(home / "mine", names=("a.bin",))
    _put(home / "keras_home" / "datasets" / "toy")  # a copy elsewhere is not used
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(subdir=None), ("$CNNKIT_DATA_DIR", folder), download=True)
    assert str(info.value) == (
        f"$CNNKIT_DATA_DIR is {folder}, which lacks b.bin. Put b.bin there or point "
        "$CNNKIT_DATA_DIR to the folder that holds them; cnnkit does not fall back to other "
        "copies when a folder is named."
    )


# --------------------------------------------------------------- the places searched in order


def test_the_keras_cache_comes_before_the_debian_folder(home):
    cache, debian = home / "keras_home" / "datasets" / "toy", _put(home / "debian")
    spec = _spec(debian=debian, apt="toy-data")
    assert files.find_and_read(spec, None, download=False) == _paths(debian)
    _put(cache)
    assert files.find_and_read(spec, None, download=False) == _paths(cache)
    top = _put(home / "keras_home" / "datasets")  # subdir=None: the cache's top folder
    assert files.find_and_read(_spec(subdir=None), None, download=False) == _paths(top)


def _searched(home: Path) -> str:
    return f"  - Keras cache: {home / 'keras_home' / 'datasets' / 'toy'} (a.bin, b.bin not there)"


def _fixes(home: Path, apt: str | None = None) -> list[str]:
    lines = ["Fix it with any one of these:"]
    if apt:
        lines.append(f"  - install the Debian/Ubuntu package: sudo apt-get install {apt}")
    return lines + [
        "  - connect to the internet once: Keras downloads the files into "
        f"{home / 'keras_home' / 'datasets'} and later runs work offline",
        "  - copy the files (a.bin, b.bin) into a folder and set CNNKIT_DATA_DIR=/that/folder "
        "(or pass data_dir=...)",
        "  - or use the small sample shipped with cnnkit: load_toy(sample=True)",
    ]


def test_not_found_without_download_lists_every_place_and_every_fix(home):
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(), None, download=False)
    assert str(info.value).splitlines() == [
        "Toy was not found on this computer and could not be downloaded.",
        "Searched:",
        "  - data_dir argument / $CNNKIT_DATA_DIR: not given",
        _searched(home),
        "  - Debian/Ubuntu: no package ships Toy in Keras's format",
        "  - download through keras.datasets: not tried (download=False)",
        *_fixes(home),
    ]


def test_a_failed_download_gives_its_first_line_and_the_debian_advice(home):
    def offline() -> None:
        raise OSError("URL fetch failure\nsecond line")

    debian = home / "debian"
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(offline, debian=debian, apt="toy-data"), None, download=True)
    assert str(info.value).splitlines() == [
        "Toy was not found on this computer and could not be downloaded.",
        "Searched:",
        "  - data_dir argument / $CNNKIT_DATA_DIR: not given",
        _searched(home),
        f"  - Debian package toy-data: {debian} (a.bin, b.bin not there)",
        "  - download through keras.datasets: failed (OSError: URL fetch failure)",
        *_fixes(home, apt="toy-data"),
    ]


@pytest.mark.parametrize(("error", "reason"), [
    (RuntimeError(""), "RuntimeError: "),
    (RuntimeError("x" * 400), "RuntimeError: " + "x" * 286),  # 300 characters at most
    (ValueError("  padded  \n"), "ValueError: padded"),
])  # fmt: skip
def test_the_download_failure_reason(error, reason):
    def fail() -> None:
        raise error

    assert files._try_download(fail) == reason
    assert files._try_download(lambda: None) is None


def test_a_download_that_brings_the_files_is_read_from_the_cache(home):
    cache = home / "keras_home" / "datasets" / "toy"
    assert files.find_and_read(_spec(lambda: _put(cache)), None, download=True) == _paths(cache)


def test_a_download_that_reports_success_without_files(home):
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(lambda: None), None, download=True)
    cache = home / "keras_home" / "datasets" / "toy"
    assert str(info.value).splitlines()[4:6] == [
        "  - Debian/Ubuntu: no package ships Toy in Keras's format",
        "  - download through keras.datasets: failed (Keras reported success but the files "
        f"are not in {cache})",
    ]


# ---------------------------------------------------------------------------- file checks


def test_gz_content_is_checked_by_the_sha256_of_what_it_holds(tmp_path):
    path = tmp_path / "a.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"a")
    assert files.read_gz_content(path, SHA["a.bin"]) == b"a"
    with pytest.raises(files.DatasetIntegrityError) as info:
        files.read_gz_content(path, SHA["b.bin"])
    assert str(info.value) == (
        f"{path} is not a valid copy (SHA-256 of its content is {SHA['a.bin']}, expected "
        f"{SHA['b.bin']}). It may be truncated or corrupt. cnnkit never overwrites your files: "
        "delete or move this file yourself and run again (the loader then uses another copy "
        "or downloads a fresh one), or point CNNKIT_DATA_DIR to a good copy."
    )
    path.write_bytes(path.read_bytes()[:-6])  # truncated
    with pytest.raises(files.DatasetIntegrityError, match=r"\(cannot decompress: "):
        files.read_gz_content(path, SHA["a.bin"])


def test_file_sha256_reads_files_larger_than_one_block(tmp_path):
    path = tmp_path / "big.npz"
    content = bytes(range(256)) * (5 * 4096 + 7)  # 5 MiB and a bit: several 1 MiB blocks
    path.write_bytes(content)
    files.check_file_sha256(path, hashlib.sha256(content).hexdigest())
    with pytest.raises(files.DatasetIntegrityError) as info:
        files.check_file_sha256(path, SHA["a.bin"])
    assert str(info.value).startswith(
        f"{path} is not a valid copy (SHA-256 is {hashlib.sha256(content).hexdigest()}, "
        f"expected {SHA['a.bin']}). It may be"
    )


# ---------------------------------------------------------------------------- pixel scaling


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.int64])
def test_8bit_values_in_a_wider_type_at_both_ends(dtype):
    out = scale_pixels(np.array([0, 1, 254, 255], dtype), "x")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([0, 1, 254, 255], np.float32) / np.float32(255))


@pytest.mark.parametrize(("values", "low", "high"), [([-1, 0], -1, 0), ([0, 256], 0, 256)])
def test_one_step_outside_0_255_is_refused_with_the_whole_message(values, low, high):
    with pytest.raises(ValueError) as info:
        scale_pixels(np.array(values, np.int32), "imagen")
    assert str(info.value) == (
        f"`imagen` holds int32 values in [{low}, {high}], outside the 0-255 of 8-bit pixels, "
        "so their scale is unknown: convert them to float32 in [0, 1] yourself (e.g. x / 65535 "
        "for 16-bit images, or (x - x.min()) / (x.max() - x.min()))."
    )


def test_empty_integer_arrays_bools_floats_and_other_types():
    assert scale_pixels(np.zeros((0, 2), np.int32), "x").shape == (0, 2)
    assert scale_pixels(np.array([True, False]), "x").tolist() == [1.0, 0.0]
    floats = scale_pixels(np.array([0.25, 2.0], np.float64), "x")  # unchanged, not checked
    assert floats.dtype == np.float32 and floats.tolist() == [0.25, 2.0]
    with pytest.raises(TypeError) as info:
        scale_pixels(np.array(["a"]), "x")
    assert str(info.value) == ("`x` must hold numbers (uint8, another integer type in 0-255, "
                               "bool or float), got dtype <U1.")  # fmt: skip


def test_a_named_folder_that_holds_none_of_the_files_names_them_all(home):
    folder = home / "empty"
    folder.mkdir()
    with pytest.raises(files.DatasetNotFoundError) as info:
        files.find_and_read(_spec(subdir=None), ("`data_dir`", folder), download=True)
    assert str(info.value).startswith(f"`data_dir` is {folder}, which lacks a.bin, b.bin. Put "
                                      "a.bin, b.bin there or point")  # fmt: skip


# ------------------------------------------------- make_dataset and the loaders, whole messages
# (benchmarks/mutation.py data: these checks were tested by a fragment of their message only)


@pytest.mark.parametrize(("x", "y", "kwargs", "error", "message"), [
    ([[1]], None, {}, TypeError,
     "`x` must be a NumPy array of images, got list. Convert it with np.asarray."),
    (np.zeros((4, 4)), None, {}, ValueError,
     "`x` must have shape (N, H, W) or (N, H, W, C), got shape (4, 4); for a single image use "
     "x[np.newaxis]"),
    (np.zeros((0, 4, 4)), None, {}, ValueError,
     "`x` is empty: make_dataset needs at least one image."),
    (np.array([[["a"]]]), None, {}, TypeError,
     "`x` must hold numbers (uint8 or float), got dtype <U1. Convert it with "
     "x.astype('float32') / 255."),
    (np.array([[[0.5, np.nan]]]), None, {}, ValueError,
     "`x` contains NaN values; clean the images before building a dataset."),
    (np.array([[[-0.5, 1.5]]]), None, {}, ValueError,
     "`x` (float images) must be in [0, 1], got values in [-0.5, 1.5]; pass the uint8 arrays "
     "from the loaders (make_dataset scales them) or divide by 255."),
    (np.zeros((2, 3, 3)), np.zeros((2, 1, 1)), {}, ValueError,
     "`y` must be a 1-D array of labels (or 2-D one-hot), got shape (2, 1, 1)."),
    (np.zeros((2, 3, 3)), None, {"batch_size": 0}, ValueError,
     "`batch_size` must be an int >= 1, got 0. For example batch_size=128."),
    (np.zeros((2, 3, 3)), None, {"shuffle": "yes"}, TypeError,
     "`shuffle` must be True or False, got str: 'yes'. Use shuffle=True for training data only."),
    (np.zeros((2, 3, 3)), None, {"augment": 3}, TypeError,
     "`augment` must be a Keras layer or keras.Sequential (something callable) or None, got "
     "int. For example augment=cnnkit.augment.augmentation()."),
])  # fmt: skip
def test_make_dataset_errors_whole(x, y, kwargs, error, message):
    from cnnkit.data import make_dataset

    with pytest.raises(error) as info:
        make_dataset(x, y, **{"batch_size": 2, "shuffle": False, **kwargs})
    assert str(info.value) == message


def test_make_dataset_on_another_backend_names_itself(monkeypatch):
    from cnnkit import _backend
    from cnnkit.data import make_dataset

    monkeypatch.setattr(_backend, "keras_backend", lambda: "jax")
    with pytest.raises(RuntimeError) as info:
        make_dataset(np.zeros((1, 2, 2), np.uint8), None, batch_size=1, shuffle=False)
    assert str(info.value).startswith("cnnkit.data.make_dataset needs the TensorFlow backend ")


def test_make_dataset_augments_images_without_labels_in_training_mode():
    from cnnkit.data import make_dataset

    seen = []

    def augment(batch, training=False):
        seen.append(training)
        return batch * 0.5 + (0.25 if training else 0.0)

    x = np.array([[[0, 255]], [[255, 0]], [[51, 51]]], np.uint8)  # 3 images of 1x2
    batches = [b.numpy() for b in make_dataset(x, None, batch_size=2, shuffle=False,
                                               augment=augment)]  # fmt: skip
    assert seen and all(t is True for t in seen)
    assert [b.shape for b in batches] == [(2, 1, 2, 1), (1, 1, 2, 1)]
    np.testing.assert_allclose(np.concatenate(batches)[..., 0], x / 255 * 0.5 + 0.25, rtol=1e-6)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"sample": "yes"}, TypeError,
     "`sample` must be True, False or None, got str: 'yes'. None follows the mode "
     "(CNNKIT_QUICK)."),
    ({"data_dir": "/datos", "sample": True}, ValueError,
     "`sample=True` returns the sample shipped with cnnkit, so `data_dir` (/datos) would be "
     "ignored: pass one or the other."),
])  # fmt: skip
@pytest.mark.parametrize("loader", ["load_fashion_mnist", "load_mnist"])
def test_loader_argument_errors_whole(loader, kwargs, error, message):
    from cnnkit import data

    with pytest.raises(error) as info:
        getattr(data, loader)(**kwargs)
    assert str(info.value) == message


@pytest.fixture
def no_copies(home, monkeypatch):
    """No dataset anywhere (empty Keras cache, no Debian folder), not in short mode."""
    from cnnkit import data

    monkeypatch.delenv("CNNKIT_QUICK", raising=False)
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST_DIR", home / "debian")
    return home


@pytest.mark.parametrize(("loader", "name"), [("load_fashion_mnist", "Fashion-MNIST"),
                                              ("load_mnist", "MNIST")])  # fmt: skip
def test_the_not_found_message_names_the_dataset(no_copies, loader, name):
    from cnnkit import data

    with pytest.raises(files.DatasetNotFoundError) as info:
        getattr(data, loader)(download=False)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{name} was not found on this computer and could not be downloaded."
    assert lines[-1] == f"  - or use the small sample shipped with cnnkit: {loader}(sample=True)"


def test_load_mnist_downloads_by_default_as_a_last_resort(no_copies, monkeypatch):
    from cnnkit import data

    arrays = {"x_train": np.full((3, 28, 28), 9, np.uint8), "y_train": np.arange(3, dtype=np.uint8),
              "x_test": np.zeros((1, 28, 28), np.uint8), "y_test": np.zeros(1, np.uint8)}
    cache = no_copies / "keras_home" / "datasets"
    calls = []

    def download() -> None:  # what keras.datasets.mnist.load_data does: mnist.npz in the cache
        calls.append(1)
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(cache / data.MNIST_FILE, **arrays)

    monkeypatch.setattr(data, "_download_mnist", download)
    monkeypatch.setattr(data, "MNIST_SHA256", "will be set below")
    with pytest.raises(data.DatasetIntegrityError):  # downloaded, then checked
        data.load_mnist()
    assert calls == [1]
    monkeypatch.setattr(data, "MNIST_SHA256",
                        hashlib.sha256((cache / data.MNIST_FILE).read_bytes()).hexdigest())
    (x, y), _ = data.load_mnist()  # the cache now has it: no second download
    assert calls == [1] and (x == 9).all() and y.tolist() == [0, 1, 2]


def test_an_mnist_npz_holding_pickled_objects_is_never_unpickled(no_copies, monkeypatch):
    # np.load(allow_pickle=True) would run the pickle's code: a file that passes the hash
    # must still be read as plain arrays only.
    from cnnkit import data

    cache = no_copies / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    objects = np.empty(1, dtype=object)
    objects[0] = {"not": "pixels"}
    np.savez(cache / data.MNIST_FILE, x_train=objects, y_train=np.zeros(1, np.uint8),
             x_test=objects, y_test=np.zeros(1, np.uint8))  # fmt: skip
    monkeypatch.setattr(data, "MNIST_SHA256",
                        hashlib.sha256((cache / data.MNIST_FILE).read_bytes()).hexdigest())
    with pytest.raises(ValueError, match="allow_pickle=False"):
        data.load_mnist(download=False)
