"""Tests of cnnkit.transfer: backbones (offline and ImageNet paths), transfer models,
freeze / unfreeze and the stale-compile check. No test touches the network: the ImageNet
download is replaced by a function that fails, and the Keras cache by a temporary folder."""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest

from cnnkit import data, transfer

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _seed():
    keras.utils.set_random_seed(0)


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    """An empty Keras cache, and a download function that fails like an offline machine."""
    calls: list[str] = []

    def offline_get_file(fname=None, origin=None, *args, **kwargs):
        calls.append(fname)
        raise Exception(f"URL fetch failure on {origin}: None -- [Errno -2] Name or service")

    monkeypatch.setattr("keras.src.backend.config._KERAS_DIR", str(tmp_path))
    monkeypatch.setattr("keras.src.utils.file_utils.get_file", offline_get_file)
    return tmp_path, calls


# ----------------------------------------------------------------------------- backbones


def test_small_backbone_architecture():
    model = transfer.small_backbone((28, 28, 1))
    assert model.output_shape == (None, 128)
    assert model.count_params() == 93_344
    names = [layer.name for layer in model.layers]
    assert names[1:5] == ["block1_conv", "block1_bn", "block1_relu", "block1_pool"]
    assert names[-1] == "gap" and "block3_pool" not in names
    assert transfer.model_depth(model) == 6  # 3 conv + 3 batch norm


def test_small_backbone_with_a_classifier_on_top():
    model = transfer.small_backbone((28, 28, 1), 5, filters=(8, 16), name="tiny")
    assert model.output_shape == (None, 5) and model.name == "tiny"
    assert model.layers[-1].name == "predictions" and model.layers[-2].name == "gap"
    assert model.layers[-1].activation.__name__ == "softmax"
    logits = transfer.small_backbone((28, 28, 1), 5, filters=(8,), classifier_activation=None)
    assert logits.layers[-1].activation.__name__ == "linear"
    from cnnkit.models import small_backbone

    assert small_backbone is transfer.small_backbone


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"input_shape": (28, 28)}, ValueError, "3 positive ints"),
        ({"input_shape": "28x28"}, TypeError, "input_shape"),
        ({"input_shape": (2, 2, 1)}, ValueError, "too small"),
        ({"filters": ()}, ValueError, "`filters` must be a tuple of positive ints"),
        ({"filters": 32}, TypeError, "`filters` must be a tuple of positive ints"),
        ({"filters": (32, 0)}, ValueError, "positive ints"),
        ({"num_classes": 1}, ValueError, "num_classes"),
        ({"num_classes": "5"}, TypeError, "num_classes"),
        ({"num_classes": 5, "classifier_activation": "nope"}, ValueError, "classifier_activation"),
        ({"name": 5}, TypeError, "name"),
        ({"name": ""}, ValueError, "name"),
        ({"num_classes": 5, "pooling": None}, ValueError, "`pooling` must be 'avg' or 'max'"),
    ],
)
def test_small_backbone_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        transfer.small_backbone(**kwargs)


def test_small_backbone_options_are_keyword_only():
    with pytest.raises(TypeError):
        transfer.small_backbone((28, 28, 1), None, (32, 64))


def test_shipped_backbone_loads_its_weights_offline():
    random_init = transfer.backbone("cnnkit_fashion5", weights=None)
    shipped = transfer.backbone("cnnkit_fashion5")
    again = transfer.backbone("CNNKIT_FASHION5", input_shape=(28, 28, 1))
    kernel = shipped.model.get_layer("block1_conv").get_weights()[0]
    np.testing.assert_array_equal(kernel, again.model.get_layer("block1_conv").get_weights()[0])
    assert not np.allclose(kernel, random_init.model.get_layer("block1_conv").get_weights()[0])
    assert shipped.weights == "cnnkit" and random_init.weights is None
    assert shipped.name == "cnnkit_fashion5"
    # The shipped batch normalisation statistics are the learned ones, not the defaults.
    variance = shipped.model.get_layer("block2_bn").moving_variance.numpy()
    assert not np.allclose(variance, 1.0)


def test_shipped_backbone_features_separate_the_source_classes():
    """A linear classifier on the shipped features beats one on random features."""
    from sklearn.linear_model import LogisticRegression

    (x, y), (xt, yt) = data.load_fashion_mnist(sample=True)
    source = transfer.CNNKIT_BACKBONES["cnnkit_fashion5"].source_classes
    train, test = np.flatnonzero(np.isin(y, source))[:500], np.isin(yt, source)

    def probe(bb: transfer.Backbone) -> float:
        def features(images: np.ndarray) -> np.ndarray:
            scaled = images[..., None].astype("float32") / 255.0
            return keras.ops.convert_to_numpy(bb.model(bb.preprocess(scaled), training=False))

        clf = LogisticRegression(max_iter=2000).fit(features(x[train]), y[train])
        return clf.score(features(xt[test]), yt[test])

    shipped = probe(transfer.backbone("cnnkit_fashion5"))
    random_features = probe(transfer.backbone("cnnkit_fashion5", weights=None))
    assert shipped > 0.85
    assert shipped > random_features + 0.05


def test_shipped_backbone_preprocess_uses_source_statistics():
    bb = transfer.backbone("cnnkit_fashion5", weights=None)
    spec = transfer.CNNKIT_BACKBONES["cnnkit_fashion5"]
    images = np.linspace(0, 1, 2 * 28 * 28, dtype="float32").reshape(2, 28, 28, 1)
    out = keras.ops.convert_to_numpy(bb.preprocess(images))
    np.testing.assert_allclose(out, (images - spec.mean) / spec.std, rtol=1e-6)
    assert f"(images - {spec.mean:.4f}) / {spec.std:.4f}" == repr(bb.preprocess)


def test_shipped_weights_file_is_small_and_documented():
    folder = REPO / "cnnkit" / "weights"
    weights = folder / transfer.CNNKIT_BACKBONES["cnnkit_fashion5"].weights_file
    assert weights.is_file() and weights.stat().st_size < 2 * 1024 * 1024
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "scripts/train_backbone.py" in readme and "cnnkit_fashion5" in readme


def test_shipped_backbone_other_sizes_and_errors(tmp_path):
    assert transfer.backbone("cnnkit_fashion5", input_shape=(32, 32, 1)).model.output_shape == (
        None,
        128,
    )
    with pytest.raises(ValueError, match="1-channel"):
        transfer.backbone("cnnkit_fashion5", input_shape=(28, 28, 3))
    with pytest.raises(ValueError, match="no ImageNet weights"):
        transfer.backbone("cnnkit_fashion5", weights="imagenet")
    with pytest.raises(ValueError, match="is not a file"):
        transfer.backbone("cnnkit_fashion5", weights=str(tmp_path / "missing.weights.h5"))
    with pytest.raises(TypeError, match="weights"):
        transfer.backbone("cnnkit_fashion5", weights=3)
    # A weights file saved by the user is loaded back.
    bb = transfer.backbone("cnnkit_fashion5")
    path = tmp_path / "mine.weights.h5"
    bb.model.save_weights(path)
    again = transfer.backbone("cnnkit_fashion5", weights=path)
    assert again.weights == str(path)
    np.testing.assert_array_equal(
        again.model.get_layer("block3_conv").get_weights()[0],
        bb.model.get_layer("block3_conv").get_weights()[0],
    )


def test_backbone_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid names: .*mobilenet_v2.*resnet50"):
        transfer.backbone("alexnet", input_shape=(224, 224, 3))
    with pytest.raises(TypeError, match="name"):
        transfer.backbone(None)


@pytest.mark.parametrize(
    "name, shape, features",
    [("mobilenet_v2", (96, 96, 3), (None, 3, 3, 1280)), ("vgg16", (32, 32, 3), (None, 1, 1, 512))],
)
def test_application_architecture_without_weights(name, shape, features):
    bb = transfer.backbone(name, input_shape=shape, weights=None)
    assert bb.model.output_shape == features
    assert bb.weights is None and bb.name == name
    images = np.full((1, *shape), 0.5, dtype="float32")
    expected = getattr(keras.applications, transfer.APPLICATIONS[name].module).preprocess_input(
        images * 255.0
    )
    np.testing.assert_allclose(keras.ops.convert_to_numpy(bb.preprocess(images)), expected)


def test_application_depth_matches_the_keras_table():
    vgg = transfer.backbone("vgg16", input_shape=(32, 32, 3), weights=None).model
    assert transfer.model_depth(vgg) == 13  # the 13 convolutions; the table's 16 adds 3 Dense


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"name": "resnet50", "input_shape": (28, 28, 3), "weights": None}, "at least 32x32"),
        ({"name": "inception_v3", "input_shape": (64, 64, 3), "weights": None}, "at least 75"),
        ({"name": "mobilenet_v2", "input_shape": (96, 96, 1)}, "3-channel"),
        ({"name": "mobilenet_v2", "input_shape": (96, 96)}, "3 positive ints"),
        ({"name": "mobilenet_v2", "input_shape": (96, 96, 3), "weights": "nope.h5"}, "not a file"),
    ],
)
def test_application_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        transfer.backbone(**kwargs)


def test_imagenet_offline_raises_a_clear_error(empty_keras_home):
    home, calls = empty_keras_home
    with pytest.raises(transfer.WeightsNotAvailableError) as info:
        transfer.backbone("mobilenet_v2", input_shape=(96, 96, 3))
    message = str(info.value)
    expected = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5"
    assert calls == [expected]  # exactly the file transfer.imagenet_weights_file names
    assert expected in message and str(home / "models") in message
    assert "connect to the internet once" in message and "URL fetch failure" in message
    assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize(
    ("error", "download_problem"),
    [(Exception("URL fetch failure on https://x: None -- [Errno -2] Name or service"), True),
     (ConnectionResetError("Connection reset by peer"), True),
     (ValueError("Input size must be at least 32x32"), False),
     (TypeError("unexpected keyword argument 'foo'"), False),
     (KeyError("block_1_expand"), False)],
)
def test_only_download_failures_become_weights_not_available(empty_keras_home, monkeypatch,
                                                             error, download_problem):
    def failing_build(*args, **kwargs):
        raise error

    monkeypatch.setattr(keras.applications, "MobileNetV2", failing_build)
    expected = transfer.WeightsNotAvailableError if download_problem else type(error)
    with pytest.raises(expected) as info:
        transfer.backbone("mobilenet_v2", input_shape=(96, 96, 3))
    if download_problem:
        assert "could not download" in str(info.value) and info.value.__cause__ is error
    else:
        assert info.value is error  # the real error, unchanged, with a note on what was built
        assert any("keras.applications.MobileNetV2" in note for note in error.__notes__)


def test_a_damaged_cached_file_is_not_reported_as_a_download_problem(empty_keras_home):
    home, calls = empty_keras_home
    path = transfer.imagenet_weights_file("mobilenet_v2", input_shape=(96, 96, 3))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an HDF5 file")
    with pytest.raises(Exception) as info:
        transfer.backbone("mobilenet_v2", input_shape=(96, 96, 3))
    assert not isinstance(info.value, transfer.WeightsNotAvailableError) and calls == []
    assert any(str(path) in note for note in getattr(info.value, "__notes__", []))


@pytest.mark.parametrize("name, shape", [("vgg16", (32, 32, 3)), ("mobilenet_v2", (100, 100, 3))])
def test_imagenet_weights_file_is_the_one_keras_asks_for(empty_keras_home, name, shape):
    home, calls = empty_keras_home
    # Keras warns that 100x100 has no weights of its own and falls back to the 224 file.
    expect = pytest.warns(UserWarning, match="will be loaded as the default")
    with expect if shape[0] == 100 else contextlib.nullcontext():
        with pytest.raises(transfer.WeightsNotAvailableError):
            transfer.backbone(name, input_shape=shape, weights="imagenet")
    path = transfer.imagenet_weights_file(name, input_shape=shape)
    assert calls == [path.name] and path.parent == home / "models"


def test_imagenet_weights_are_read_from_the_cache_without_download(empty_keras_home):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    home, calls = empty_keras_home
    source = transfer.backbone("mobilenet_v2", input_shape=(96, 96, 3), weights=None).model
    path = transfer.imagenet_weights_file("mobilenet_v2", input_shape=(96, 96, 3))
    path.parent.mkdir(parents=True)
    with h5py.File(path, "w") as f:  # the legacy .h5 layout of Keras's downloads
        legacy_h5_format.save_weights_to_hdf5_group(f, source)
    bb = transfer.backbone("mobilenet_v2", input_shape=(96, 96, 3))
    assert calls == [] and bb.weights == "imagenet"
    np.testing.assert_array_equal(
        bb.model.get_layer("Conv1").get_weights()[0], source.get_layer("Conv1").get_weights()[0]
    )


def test_imagenet_weights_file_validates_the_name():
    with pytest.raises(ValueError, match="keras.applications backbones"):
        transfer.imagenet_weights_file("cnnkit_fashion5")


# ------------------------------------------------------------------------ transfer model


def _tiny_data(n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((n, 28, 28, 1), dtype=np.float32), np.arange(n) % 5


def test_transfer_model_puts_preprocessing_inside_and_skips_pooled_gap():
    bb = transfer.backbone("cnnkit_fashion5")
    model = transfer.transfer_model(bb, num_classes=5, dropout=0.3)
    assert isinstance(model, transfer.TransferModel)
    assert model.output_shape == (None, 5)
    names = [layer.name for layer in model.layers]
    assert "gap" not in names and names[-2:] == ["dropout", "predictions"]
    assert names[:4] == ["image", "subtract_mean", "divide_by_std", "cnnkit_fashion5"]
    x, _ = _tiny_data()
    dense = model.get_layer("predictions")
    manual = dense(bb.model(bb.preprocess(x), training=False))
    np.testing.assert_allclose(model(x, training=False), manual, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("where", [{}, {"from_layer": "block2_conv"}])
def test_frozen_or_fine_tuned_base_keeps_batch_norm_in_inference_mode(where):
    bb = transfer.backbone("cnnkit_fashion5")
    model = transfer.transfer_model(bb, num_classes=5)
    transfer.freeze(model)
    bn = bb.model.get_layer("block3_bn")
    before = bn.moving_mean.numpy().copy()
    x, y = _tiny_data()
    model(x + 5.0, training=True)  # a training-mode call with very different data
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)
    transfer.unfreeze(model, **where)
    _compile(model)
    model.fit(x + 5.0, y, epochs=1, verbose=0)  # fit passes training=True
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)


def test_trainable_base_updates_batch_norm_when_training_from_scratch():
    """Keras 3 passes fit's training=True to the nested base despite training=False, so a
    fully trainable base (training from scratch) learns its statistics as it should."""
    bb = transfer.backbone("cnnkit_fashion5", weights=None)
    model = transfer.transfer_model(bb, num_classes=5)
    bn = bb.model.get_layer("block1_bn")
    x, _ = _tiny_data()
    model(x, training=True)
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)


@pytest.fixture(scope="module")
def mobilenet32():
    """An untrained MobileNetV2 backbone for 32x32 images, built once for this file."""
    return transfer.backbone("mobilenet_v2", input_shape=(32, 32, 3), weights=None)


def test_transfer_model_resizes_and_converts_gray_to_rgb(mobilenet32):
    bb = mobilenet32
    augment = keras.Sequential([keras.layers.RandomFlip("horizontal")])
    model = transfer.transfer_model(bb, num_classes=3, input_shape=(28, 28, 1), augment=augment)
    names = [layer.name for layer in model.layers]
    assert {"resize", "gray_to_rgb", "gap"} <= set(names)
    assert names.index("gray_to_rgb") < names.index("to_plus_minus_1") < names.index(bb.model.name)
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 3)
    x, _ = _tiny_data(2)
    assert tuple(model(x, training=False).shape) == (2, 3)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"num_classes": 1}, ValueError, "num_classes"),
        ({"num_classes": 5, "dropout": 1.0}, ValueError, "dropout"),
        ({"num_classes": 5, "augment": "flip"}, TypeError, "augment"),
        ({"num_classes": 5, "preprocess": "standardize"}, TypeError, "`preprocess` must be"),
        ({"num_classes": 2.5}, TypeError, "`num_classes` must be an int >= 2"),
        ({"num_classes": 5, "input_shape": (28, 28, 2)}, ValueError, "channels"),
    ],
)
def test_transfer_model_rejects_bad_arguments(kwargs, error, match):
    bb = transfer.backbone("cnnkit_fashion5", weights=None)
    with pytest.raises(error, match=match):
        transfer.transfer_model(bb, **kwargs)


def test_transfer_model_rejects_a_base_that_is_not_a_model():
    with pytest.raises(TypeError, match="base"):
        transfer.transfer_model("mobilenet_v2", num_classes=5)


def test_transfer_model_saves_and_loads(tmp_path):
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, transfer.TransferModel)
    x, _ = _tiny_data()
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), rtol=1e-5)


# ------------------------------------------------------------------- freeze / unfreeze


def _bn_layers(model: keras.Model) -> list[keras.layers.Layer]:
    base = model.get_layer("cnnkit_fashion5")
    return [layer for layer in base.layers if isinstance(layer, keras.layers.BatchNormalization)]


def test_freeze_then_unfreeze_changes_the_trainable_weights():
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    assert len(model.trainable_weights) == 3 * 3 + 2  # 3 conv + 3x(gamma, beta) + Dense
    transfer.freeze(model)
    assert len(model.trainable_weights) == 2
    assert transfer.trainable_counts(model) == {"trainable": 128 * 5 + 5, "non_trainable": 93_344}
    assert transfer.unfreeze(model, from_layer="block3_conv") == ["block3_conv"]
    assert len(model.trainable_weights) == 3
    assert transfer.unfreeze(model, top=4) == ["block3_conv"]  # conv, bn, relu, gap
    assert transfer.unfreeze(model, top=5) == ["block3_conv"]  # + block2_pool, no weights
    assert transfer.unfreeze(model, top=8) == ["block2_conv", "block3_conv"]  # + block2
    assert transfer.unfreeze(model) == ["block1_conv", "block2_conv", "block3_conv"]
    assert len(model.trainable_weights) == 5
    assert not any(layer.trainable or layer.trainable_weights for layer in _bn_layers(model))
    transfer.freeze(model)
    assert len(model.trainable_weights) == 2


def test_unfreeze_on_a_backbone_alone_and_on_keras_applications(mobilenet32):
    bb = mobilenet32
    try:
        transfer.freeze(bb.model)
        assert bb.model.trainable_weights == []
        unfrozen = transfer.unfreeze(bb.model, from_layer="block_16_expand")
        assert unfrozen[0] == "block_16_expand" and "Conv_1" in unfrozen
        assert all("bn" not in name.lower() for name in unfrozen)
    finally:  # the module's backbone as it was: every layer trainable
        bb.model.trainable = True
        for layer in bb.model.layers:
            layer.trainable = True


@pytest.mark.parametrize(
    "where, error, match",
    [
        ({"top": 0}, ValueError, "`top` must be an int between 1 and 13"),
        ({"top": 99}, ValueError, "between 1 and 13, got 99. The backbone 'cnnkit_fashion5'"),
        ({"from_layer": "block9_conv"}, ValueError, "`from_layer` must name a layer.*block1_conv"),
        ({"top": 1.5}, TypeError, "top"),
        ({"top": True}, TypeError, "top"),
        ({"top": "block3_conv"}, TypeError, "top"),
        ({"from_layer": 3}, TypeError, "use top=3"),
        ({"top": 2, "from_layer": "block3_conv"}, ValueError, "not both"),
    ],
)
def test_unfreeze_rejects_bad_arguments(where, error, match):
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    with pytest.raises(error, match=match):
        transfer.unfreeze(model, **where)


def test_unfreeze_arguments_are_keyword_only():
    model = transfer.backbone("cnnkit_fashion5", weights=None).model
    with pytest.raises(TypeError):
        transfer.unfreeze(model, 3)


def test_freeze_needs_a_model():
    with pytest.raises(TypeError, match="keras.Model"):
        transfer.freeze("model")


def _compile(model: keras.Model, learning_rate: float = 1e-3) -> None:
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy"
    )


def test_fit_on_a_stale_compile_raises_until_compiled_again():
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    x, y = _tiny_data()
    transfer.freeze(model)
    _compile(model)
    model.fit(x, y, epochs=1, verbose=0)
    transfer.unfreeze(model, from_layer="block3_conv")
    with pytest.raises(transfer.StaleCompileError, match="compile"):
        model.fit(x, y, epochs=1, verbose=0)
    with pytest.raises(transfer.StaleCompileError, match="2 trainable weight tensors then, 3 now"):
        model.train_on_batch(x, y)
    _compile(model, 1e-4)
    kernel = model.get_layer("cnnkit_fashion5").get_layer("block3_conv").kernel.numpy().copy()
    model.fit(x, y, epochs=1, verbose=0)
    updated = model.get_layer("cnnkit_fashion5").get_layer("block3_conv").kernel.numpy()
    assert not np.array_equal(kernel, updated)  # the recompiled model trains the top block


def test_fit_before_compile_keeps_keras_error():
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    x, y = _tiny_data()
    with pytest.raises(ValueError, match="compile"):
        model.fit(x, y, epochs=1, verbose=0)


def test_model_depth_counts_nested_models():
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=5)
    assert transfer.model_depth(model) == 7  # 6 in the backbone + the Dense head
    with pytest.raises(TypeError, match="keras.Model"):
        transfer.model_depth("vgg16")


# ------------------------------------------------------------------- the training script


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "train_backbone", REPO / "scripts" / "train_backbone.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_script_source_never_contains_target_classes():
    script = _load_script()
    source = script.SOURCE_CLASSES
    assert source == transfer.CNNKIT_BACKBONES["cnnkit_fashion5"].source_classes
    (x, y), _ = data.load_fashion_mnist(sample=True)
    x_src, y_src = script.source_split(x, y)
    assert sorted(np.unique(y_src).tolist()) == list(range(len(source)))  # relabelled 0-4
    original = np.asarray(source)[y_src]  # back to Fashion-MNIST labels
    np.testing.assert_array_equal(original, y[np.isin(y, source)])
    np.testing.assert_array_equal(x_src, x[np.isin(y, source)])
    target = set(range(10)) - set(source)
    assert target.isdisjoint(original.tolist()) and len(target) == 5
    args = script.parse_args(["--epochs", "2", "--seed", "3"])
    assert (args.epochs, args.seed) == (2, 3)
    with pytest.raises(SystemExit):
        script.parse_args(["--epochs", "0"])


@pytest.mark.parametrize("name", list(transfer.APPLICATIONS))
def test_preprocessing_layers_match_keras_preprocess_input(name):
    from cnnkit.transfer.preprocessing import application_preprocessing

    spec = transfer.APPLICATIONS[name]
    images = np.random.default_rng(0).random((2, 8, 8, 3), dtype=np.float32)
    ours = keras.ops.convert_to_numpy(application_preprocessing(spec.module, spec.mode)(images))
    app = getattr(keras.applications, spec.module)
    expected = keras.ops.convert_to_numpy(app.preprocess_input(images * 255.0))
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_caffe_preprocessing_is_saved_with_the_model(tmp_path):
    from cnnkit.transfer.preprocessing import application_preprocessing

    # a tiny RGB base: what is saved and loaded here is the preprocessing, not the base
    base = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(2, 3)])
    model = transfer.transfer_model(
        base, num_classes=2, preprocess=application_preprocessing("vgg16", "caffe")
    )
    assert "rgb_to_bgr" in [layer.name for layer in model.layers]
    model.save(tmp_path / "caffe.keras")
    loaded = keras.models.load_model(tmp_path / "caffe.keras")
    x = np.random.default_rng(1).random((2, 32, 32, 3), dtype=np.float32)
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), rtol=1e-5)


def test_weights_file_lookups_check_the_name():
    with pytest.raises(TypeError, match="`name` must be a str"):
        transfer.imagenet_weights_file(3)
    with pytest.raises(ValueError, match="packaged backbones"):
        transfer.packaged_weights_file("mobilenet_v2")
