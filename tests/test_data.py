"""cnnkit.data: where the loaders look, integrity checks, the samples and make_dataset."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from keras.src.backend import config as keras_config

from cnnkit import data

FASHION_NAMES = tuple(data.FASHION_MNIST_SHA256)


# --------------------------------------------------------------------------------------
# Fake datasets in IDX / npz format, with their hashes patched in, so the search order and
# parsing are tested without the real files (and without any network).
# --------------------------------------------------------------------------------------


def _idx_images(n: int, fill: int) -> bytes:
    header = (2051).to_bytes(4, "big") + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    return header + bytes([fill]) * (n * 28 * 28)


def _idx_labels(n: int) -> bytes:
    header = (2049).to_bytes(4, "big") + n.to_bytes(4, "big")
    return header + bytes(i % 10 for i in range(n))


def _fake_contents(fill: int) -> dict[str, bytes]:
    return {
        "train-labels-idx1-ubyte.gz": _idx_labels(20),
        "train-images-idx3-ubyte.gz": _idx_images(20, fill),
        "t10k-labels-idx1-ubyte.gz": _idx_labels(10),
        "t10k-images-idx3-ubyte.gz": _idx_images(10, fill),
    }


def _write_fashion(folder: Path, contents: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        with gzip.open(folder / name, "wb") as handle:
            handle.write(content)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No real data anywhere: empty Keras cache, no Debian folder, downloads fail."""
    (tmp_path / "keras_home").mkdir()  # Keras creates its home when it is imported
    # what keras.src.backend.config fixes at import when KERAS_HOME is set (cnnkit asks it)
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path / "keras_home"))
    monkeypatch.delenv(data.DATA_DIR_ENV, raising=False)
    monkeypatch.delenv("CNNKIT_QUICK", raising=False)
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "debian" / "fashion-mnist")

    def offline() -> None:
        raise Exception("URL fetch failure on https://example.invalid: Name or service not known")

    monkeypatch.setattr(data, "_download_fashion_mnist", offline)
    monkeypatch.setattr(data, "_download_mnist", offline)
    return tmp_path


@pytest.fixture
def fake_hashes(monkeypatch):
    """Fake files with fill value 1 (and their hashes) are the 'genuine' ones."""
    contents = _fake_contents(fill=1)
    hashes = {name: hashlib.sha256(c).hexdigest() for name, c in contents.items()}
    monkeypatch.setattr(data, "FASHION_MNIST_SHA256", hashes)
    return contents


# --------------------------------------------------------------------------------------
# Samples and short mode
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "n_train", "n_test"),
    [(data.load_fashion_mnist, 3000, 1000), (data.load_mnist, 4000, 1000)],
)
def test_sample_is_small_stratified_and_like_keras(loader, n_train, n_test):
    (x, y), (xt, yt) = loader(sample=True)
    assert x.shape == (n_train, 28, 28) and xt.shape == (n_test, 28, 28)
    assert x.dtype == xt.dtype == y.dtype == yt.dtype == np.uint8
    assert np.bincount(y).tolist() == [n_train // 10] * 10
    assert np.bincount(yt).tolist() == [n_test // 10] * 10
    assert x.max() > 200 and x.min() == 0  # real 0-255 images, not scaled


def test_quick_mode_returns_the_sample(isolated, monkeypatch):
    monkeypatch.setenv("CNNKIT_QUICK", "1")
    (x, y), _ = data.load_fashion_mnist()
    assert len(x) == 3000 and set(np.unique(y)) == set(range(10))


def test_sample_false_ignores_quick_mode(isolated, monkeypatch):
    monkeypatch.setenv("CNNKIT_QUICK", "1")
    with pytest.raises(data.DatasetNotFoundError):
        data.load_fashion_mnist(sample=False)


@pytest.mark.parametrize("loader", ["load_fashion_mnist", "load_mnist"])
def test_quick_mode_never_overrides_data_dir(isolated, fake_hashes, monkeypatch, loader):
    # the same error with and without short mode: the folder the caller named is used
    load = getattr(data, loader)
    messages = []
    for quick in ("0", "1"):
        monkeypatch.setenv("CNNKIT_QUICK", quick)
        with pytest.raises(data.DatasetNotFoundError) as info:
            load(data_dir="/nonexistent")
        messages.append(str(info.value))
    assert messages[0] == messages[1] and "/nonexistent" in messages[0]
    _write_fashion(isolated / "mine", fake_hashes)  # and a named folder's files are read
    (x, _), _ = data.load_fashion_mnist(data_dir=isolated / "mine")
    assert x.shape == (20, 28, 28)


def test_sample_true_and_data_dir_conflict(isolated):
    with pytest.raises(ValueError, match="`sample=True`.*`data_dir`"):
        data.load_fashion_mnist(data_dir=isolated, sample=True)


def test_sample_must_be_bool_or_none():
    with pytest.raises(TypeError, match="`sample` must be"):
        data.load_mnist(sample="yes")


def test_class_names():
    assert len(data.FASHION_MNIST_CLASSES) == len(data.FASHION_MNIST_CLASSES_ES) == 10
    assert data.FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert data.MNIST_CLASSES == tuple("0123456789")


# --------------------------------------------------------------------------------------
# Search order
# --------------------------------------------------------------------------------------


def test_data_dir_argument_comes_first(isolated, fake_hashes):
    _write_fashion(isolated / "mine", fake_hashes)
    _write_fashion(isolated / "keras_home" / "datasets" / "fashion-mnist", _fake_contents(2))
    (x, y), (xt, yt) = data.load_fashion_mnist(isolated / "mine")
    assert x.shape == (20, 28, 28) and xt.shape == (10, 28, 28)
    assert (x == 1).all() and y.tolist() == [i % 10 for i in range(20)]


def test_env_variable_and_subfolder(isolated, fake_hashes, monkeypatch):
    _write_fashion(isolated / "env" / "fashion-mnist", fake_hashes)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(isolated / "env"))
    (x, _), _ = data.load_fashion_mnist()
    assert (x == 1).all()


def test_named_folder_that_does_not_exist_is_an_error_not_a_fallback(isolated, fake_hashes):
    _write_fashion(isolated / "keras_home" / "datasets" / "fashion-mnist", fake_hashes)
    missing = isolated / "nowhere"
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_fashion_mnist(missing)
    message = str(info.value)
    assert "`data_dir`" in message and str(missing) in message and "does not exist" in message
    assert "t10k-images-idx3-ubyte.gz" in message


def test_named_folder_lacking_files_names_them(isolated, fake_hashes, monkeypatch):
    _write_fashion(isolated / "keras_home" / "datasets" / "fashion-mnist", fake_hashes)
    partial = {k: v for k, v in fake_hashes.items() if not k.startswith("t10k-images")}
    _write_fashion(isolated / "env", partial)
    monkeypatch.setenv(data.DATA_DIR_ENV, str(isolated / "env"))
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    assert "$CNNKIT_DATA_DIR" in message and str(isolated / "env") in message
    assert "lacks t10k-images-idx3-ubyte.gz" in message and "train-images" not in message


def test_mnist_named_folder_without_npz(isolated, monkeypatch):
    monkeypatch.setenv(data.DATA_DIR_ENV, str(isolated))
    with pytest.raises(data.DatasetNotFoundError, match=r"lacks mnist\.npz"):
        data.load_mnist()
    with pytest.raises(TypeError, match="`data_dir` must be a folder path"):
        data.load_mnist(data_dir=3)


def test_keras_cache_before_debian(isolated, fake_hashes):
    _write_fashion(isolated / "keras_home" / "datasets" / "fashion-mnist", fake_hashes)
    _write_fashion(data.DEBIAN_FASHION_MNIST_DIR, _fake_contents(2))
    (x, _), _ = data.load_fashion_mnist()
    assert (x == 1).all()


def test_debian_package_folder(isolated, fake_hashes):
    _write_fashion(data.DEBIAN_FASHION_MNIST_DIR, fake_hashes)
    (x, _), (xt, _) = data.load_fashion_mnist()
    assert len(x) == 20 and len(xt) == 10


def test_download_through_keras_is_last(isolated, fake_hashes, monkeypatch):
    calls = []

    def download() -> None:
        calls.append(1)
        _write_fashion(isolated / "keras_home" / "datasets" / "fashion-mnist", fake_hashes)

    monkeypatch.setattr(data, "_download_fashion_mnist", download)
    (x, _), _ = data.load_fashion_mnist()
    assert calls == [1] and (x == 1).all()


def test_nothing_found_lists_every_place_and_the_fixes(isolated):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    for expected in (
        "$CNNKIT_DATA_DIR: not given",
        str(isolated / "keras_home" / "datasets" / "fashion-mnist"),
        str(data.DEBIAN_FASHION_MNIST_DIR),
        "download through keras.datasets: failed",
        "Name or service not known",
        "apt-get install dataset-fashion-mnist",
        "connect to the internet once",
        "CNNKIT_DATA_DIR=",
        "load_fashion_mnist(sample=True)",
    ):
        assert expected in message


def test_download_false_does_not_try(isolated, monkeypatch):
    def boom() -> None:
        raise AssertionError("must not download")

    monkeypatch.setattr(data, "_download_fashion_mnist", boom)
    with pytest.raises(data.DatasetNotFoundError, match=r"not tried \(download=False\)"):
        data.load_fashion_mnist(download=False)


# --------------------------------------------------------------------------------------
# Integrity
# --------------------------------------------------------------------------------------


def test_truncated_file_is_reported_and_left_alone(isolated, fake_hashes):
    folder = isolated / "keras_home" / "datasets" / "fashion-mnist"
    _write_fashion(folder, fake_hashes)
    victim = folder / "train-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    before = victim.read_bytes()
    with pytest.raises(data.DatasetIntegrityError) as info:
        data.load_fashion_mnist()
    assert str(victim) in str(info.value)
    assert "delete or move this file" in str(info.value)
    assert victim.read_bytes() == before  # never overwritten


def test_wrong_content_fails_the_hash(isolated, fake_hashes):
    folder = isolated / "mine"
    _write_fashion(folder, {**fake_hashes, "t10k-images-idx3-ubyte.gz": _idx_images(10, 7)})
    with pytest.raises(data.DatasetIntegrityError, match="SHA-256 of its content"):
        data.load_fashion_mnist(folder)


def test_mnist_npz_search_and_hash(isolated, monkeypatch):
    folder = isolated / "keras_home" / "datasets"
    folder.mkdir(parents=True)
    path = folder / data.MNIST_FILE
    arrays = {
        "x_train": np.full((6, 28, 28), 3, np.uint8),
        "y_train": np.arange(6, dtype=np.uint8),
        "x_test": np.zeros((2, 28, 28), np.uint8),
        "y_test": np.arange(2, dtype=np.uint8),
    }
    np.savez(path, **arrays)
    with pytest.raises(data.DatasetIntegrityError, match="mnist.npz"):
        data.load_mnist()
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    (x, y), (xt, yt) = data.load_mnist()
    assert x.shape == (6, 28, 28) and (x == 3).all() and yt.tolist() == [0, 1]


def test_mnist_not_found_message(isolated):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_mnist()
    assert "load_mnist(sample=True)" in str(info.value)
    assert "mnist.npz" in str(info.value)


@pytest.mark.skipif(
    not data.DEBIAN_FASHION_MNIST_DIR.is_dir(),
    reason="Debian package dataset-fashion-mnist not installed (.ci/run installs it)",
)
def test_real_fashion_mnist_from_debian_package(isolated, monkeypatch):
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST_DIR", Path("/usr/share/datasets/fashion-mnist"))
    (x, y), (xt, yt) = data.load_fashion_mnist()
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)
    assert np.bincount(y).tolist() == [6000] * 10 and np.bincount(yt).tolist() == [1000] * 10


@pytest.mark.skipif(
    not data.DEBIAN_FASHION_MNIST_DIR.is_dir(),
    reason="Debian package dataset-fashion-mnist not installed (.ci/run installs it)",
)
def test_truncated_copy_of_a_real_file(isolated):
    folder = isolated / "copy"
    folder.mkdir()
    for name in FASHION_NAMES:
        shutil.copy(Path("/usr/share/datasets/fashion-mnist") / name, folder / name)
    victim = folder / "t10k-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    with pytest.raises(data.DatasetIntegrityError, match="t10k-images-idx3-ubyte.gz"):
        data.load_fashion_mnist(folder)


# --------------------------------------------------------------------------------------
# make_dataset
# --------------------------------------------------------------------------------------


def test_make_dataset_scales_adds_channel_and_batches():
    x = np.arange(10 * 4 * 4, dtype=np.uint8).reshape(10, 4, 4)
    y = np.arange(10)
    batches = list(data.make_dataset(x, y, batch_size=4, shuffle=False))
    assert [tuple(b.shape) for b, _ in batches] == [(4, 4, 4, 1), (4, 4, 4, 1), (2, 4, 4, 1)]
    first = batches[0][0].numpy()
    assert first.dtype == np.float32
    np.testing.assert_allclose(first[..., 0], x[:4] / 255.0, rtol=1e-6)
    assert np.concatenate([t.numpy() for _, t in batches]).tolist() == list(range(10))


def test_make_dataset_shuffle_is_seeded():
    x = np.zeros((50, 2, 2, 1), np.uint8)
    y = np.arange(50)

    def order(seed: int) -> list[int]:
        ds = data.make_dataset(x, y, batch_size=50, shuffle=True, seed=seed)
        return next(iter(ds))[1].numpy().tolist()

    assert order(1) == order(1)
    assert order(1) != order(2)  # the seed decides the order
    assert order(1) != list(range(50)) and sorted(order(1)) == list(range(50))
    assert sorted(order(2)) == list(range(50))


@pytest.mark.parametrize(
    ("dtype", "scale"),
    [(np.uint8, 255), (np.uint16, 255), (np.int16, 255), (np.int32, 255), (np.int64, 255)],
)
def test_make_dataset_scales_8bit_pixels_in_any_integer_type(dtype, scale):
    x = np.array([0, 51, 128, 255], dtype=dtype).reshape(1, 2, 2)
    (images,) = [b.numpy() for b in data.make_dataset(x, None, batch_size=1, shuffle=False)]
    np.testing.assert_allclose(images[0, ..., 0], x[0] / scale, rtol=1e-6)


@pytest.mark.parametrize(
    ("values", "dtype"),
    [([0, 256], np.uint16), ([-1, 10], np.int8), ([0, 4095], np.int32), ([0, 70000], np.int64)],
)
def test_make_dataset_rejects_integers_outside_0_255(values, dtype):
    x = np.array(values, dtype=dtype).reshape(1, 1, 2)
    with pytest.raises(ValueError, match=rf"`x` holds {np.dtype(dtype)} values in "
                                         rf"\[{values[0]}, {values[1]}\]"):
        data.make_dataset(x, None, batch_size=1, shuffle=False)


def test_make_dataset_boolean_images_become_0_and_1():
    x = np.array([[[True, False], [False, True]]])
    (images,) = [b.numpy() for b in data.make_dataset(x, None, batch_size=1, shuffle=False)]
    assert images.dtype == np.float32
    assert images[0, ..., 0].tolist() == [[1.0, 0.0], [0.0, 1.0]]


def _through_make_dataset(x):
    return next(iter(data.make_dataset(x, None, batch_size=len(x), shuffle=False))).numpy()


def _through_viz(x):
    import keras

    from cnnkit.viz._layers import as_batch

    model = keras.Sequential([keras.Input(x.shape[1:] + (1,)), keras.layers.Flatten()])
    return as_batch(model, x, "images")[0]


def _through_gradients(x):
    from cnnkit.experiments.gradients import _float_images

    return _float_images(x)


@pytest.mark.parametrize("path", [_through_make_dataset, _through_viz, _through_gradients])
def test_every_pixel_path_turns_a_boolean_mask_into_0_and_1_as_skimage_does(path):
    # skimage.util.img_as_float(bool) gives 0.0 / 1.0: a mask stays a mask, never 1/255.
    mask = np.array([[[True, False], [False, True]]])
    got = path(mask)
    assert got.dtype == np.float32
    assert got.reshape(2, 2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    # and the 8-bit rule is the same on every path
    np.testing.assert_allclose(path(mask.astype(np.uint8) * 255).reshape(2, 2), got.reshape(2, 2))


def test_make_dataset_applies_augmentation():
    calls = []

    def augment(batch, training=False):
        calls.append(training)
        return 1.0 - batch

    x = np.zeros((4, 3, 3), np.uint8)
    (images, _), = list(data.make_dataset(x, np.zeros(4), batch_size=4, shuffle=False,
                                          augment=augment))
    assert calls and all(calls)  # traced with training=True
    assert np.allclose(images.numpy(), 1.0)


def test_make_dataset_without_labels():
    ds = data.make_dataset(np.zeros((3, 5, 5, 3), np.uint8), None, batch_size=2, shuffle=False)
    assert [tuple(b.shape) for b in ds] == [(2, 5, 5, 3), (1, 5, 5, 3)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x": [[1]]}, TypeError, "`x` must be a NumPy array"),
        ({"x": np.zeros((4, 4))}, ValueError, r"\(N, H, W\)"),
        ({"x": np.full((2, 3, 3), 200.0)}, ValueError, "must be in \\[0, 1\\]"),
        ({"x": np.full((2, 3, 3), np.nan)}, ValueError, "NaN"),
        ({"y": np.zeros(3)}, ValueError, "one label per image"),
        ({"batch_size": 0}, ValueError, "`batch_size` must be an int >= 1"),
        ({"shuffle": "yes"}, TypeError, "`shuffle` must be True or False"),
        ({"augment": 3}, TypeError, "`augment` must be a Keras layer"),
        ({"seed": 1.5}, TypeError, "`seed` must be an int >= 0 or None"),
    ],
)
def test_make_dataset_rejects_bad_input(kwargs, error, match):
    args = {"x": np.zeros((2, 3, 3), np.uint8), "y": np.zeros(2), "batch_size": 2,
            "shuffle": False}
    args.update(kwargs)
    x, y = args.pop("x"), args.pop("y")
    with pytest.raises(error, match=match):
        data.make_dataset(x, y, **args)
