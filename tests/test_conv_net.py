"""Tests for cnnkit.models.conv_net: the deck 002 pattern builder and deck 001's model."""

from __future__ import annotations

import ast
import importlib
import inspect

import keras
import numpy as np
import pytest

from cnnkit.models import conv_net, deck_cnn

# the module cnnkit.models.conv_net (the package attribute of that name is the function)
CONV_NET_MODULE = importlib.import_module("cnnkit.models.conv_net")


def layer_types(model: keras.Model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def test_deck_cnn_has_the_slides_parameter_count_and_layers():
    model = deck_cnn()
    assert model.count_params() == 1_413_834
    assert layer_types(model) == [
        "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D", "MaxPooling2D", "Conv2D", "Conv2D",
        "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense",
    ]  # fmt: skip
    first = model.get_layer("block1_conv1")
    assert first.kernel_size == (7, 7) and first.filters == 64 and first.padding == "same"
    assert model.get_layer("flatten").output.shape == (None, 3 * 3 * 256)
    assert model.get_layer("predictions").activation is keras.activations.softmax
    assert [model.get_layer(n).rate for n in ("fc1_dropout", "fc2_dropout")] == [0.5, 0.5]
    assert model.outputs[0].shape == (None, 10)


def test_deck_cnn_is_conv_net_with_the_deck_arguments():
    built = conv_net(
        (28, 28, 1), 10, filters=(64, 128, 256), convs_per_block=(1, 2, 2),
        kernel_size=(7, 3, 3), dense_units=(128, 64), dropout=0.5,
    )  # fmt: skip
    deck = deck_cnn()
    assert built.count_params() == deck.count_params()
    shapes = [w.shape for w in built.weights]
    assert shapes == [w.shape for w in deck.weights]


def test_deck_cnn_other_inputs_and_validation():
    assert deck_cnn((32, 32, 3), 5).outputs[0].shape == (None, 5)
    with pytest.raises(ValueError, match="`num_classes` must be an int >= 2"):
        deck_cnn(num_classes=1)
    with pytest.raises(TypeError, match="`num_classes` must be an int >= 2"):
        deck_cnn(num_classes="10")
    with pytest.raises(ValueError, match="too small"):
        deck_cnn((4, 4, 1))


def test_conv_net_layer_names_follow_the_pattern():
    model = conv_net((28, 28, 1), 10, filters=(8, 16), convs_per_block=2, dense_units=(32, 16))
    names = [layer.name for layer in model.layers]
    assert names == [
        "image", "block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2",
        "block2_pool", "flatten", "fc1", "fc2", "predictions",
    ]  # fmt: skip
    # 28 -> 14 -> 7 after two poolings, 16 filters
    assert model.get_layer("flatten").output.shape == (None, 7 * 7 * 16)
    assert model.count_params() == (
        (9 * 1 * 8 + 8) + (9 * 8 * 8 + 8) + (9 * 8 * 16 + 16) + (9 * 16 * 16 + 16)
        + (784 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10)
    )  # fmt: skip


def test_conv_net_batch_norm_global_pool_and_dropout():
    model = conv_net(
        (28, 28, 1), 10, filters=(8, 16), dense_units=(32,), batch_norm=True, pooling="avg",
        dropout=0.25, activation="elu",
    )  # fmt: skip
    names = [layer.name for layer in model.layers]
    assert names[1:4] == ["block1_conv1", "block1_bn1", "block1_elu1"]
    assert not model.get_layer("block1_conv1").use_bias
    assert "avg_pool" in names and "flatten" not in names
    assert model.get_layer("fc1_dropout").rate == 0.25
    assert model.get_layer("avg_pool").output.shape == (None, 16)
    maxed = conv_net((28, 28, 1), 10, filters=(8, 16), dense_units=(32,), pooling="max")
    assert isinstance(maxed.get_layer("max_pool"), keras.layers.GlobalMaxPooling2D)
    assert maxed.count_params() == model.count_params() - 3 * 2 * (8 + 16)  # biases, no BN


def test_conv_net_pool_options_and_linear_classifier():
    no_pool = conv_net((8, 8, 1), 3, filters=(4,), convs_per_block=1, dense_units=(),
                       block_pool=None)
    assert "block1_pool" not in [layer.name for layer in no_pool.layers]
    avg = conv_net((8, 8, 1), 3, filters=(4,), block_pool="avg")
    assert isinstance(avg.get_layer("block1_pool"), keras.layers.AveragePooling2D)
    linear = conv_net((28, 28, 1), 10, filters=(), dense_units=())  # N = M = K = 0 (deck 002)
    assert linear.count_params() == 28 * 28 * 10 + 10


def test_conv_net_regularizers_add_losses():
    model = conv_net((8, 8, 1), 3, filters=(4,), convs_per_block=1, dense_units=(5,), l1=1e-3,
                     l2=1e-2)
    model(np.ones((1, 8, 8, 1), "float32"))
    assert len(model.losses) == 3  # one conv, one hidden dense, the output layer
    config = model.get_layer("block1_conv1").kernel_regularizer.get_config()
    assert config["l1"] == pytest.approx(1e-3) and config["l2"] == pytest.approx(1e-2)
    assert conv_net((8, 8, 1), 3, filters=(4,)).get_layer("fc1").kernel_regularizer is None


def test_conv_net_predicts_probabilities():
    model = conv_net((16, 16, 3), 4, filters=(4, 8), dense_units=(8,), batch_norm=True)
    probs = model.predict(np.random.default_rng(0).random((2, 16, 16, 3)), verbose=0)
    assert probs.shape == (2, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_conv_net_variable_size_input_with_global_pool():
    model = conv_net((None, None, 1), 2, filters=(4,), pooling="avg")
    assert model.predict(np.zeros((1, 20, 12, 1)), verbose=0).shape == (1, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (28, 28)}, "input_shape"),
        ({"input_shape": (28, None, 1)}, "input_shape"),
        ({"num_classes": 1}, "num_classes"),
        ({"filters": (32, 0)}, "filters"),
        ({"convs_per_block": (1, 2, 3, 4)}, "convs_per_block"),
        ({"kernel_size": 0}, "kernel_size"),
        ({"dense_units": (128.0,)}, "dense_units"),
        ({"block_pool": "min"}, "block_pool"),
        ({"pooling": "mean"}, "pooling"),
        ({"dropout": 1.0}, "dropout"),
        ({"l2": -1.0}, "l2"),
        ({"activation": "relux"}, "activation"),
        ({"filters": (8,) * 5}, "too small"),
    ],
)
def test_conv_net_validates_arguments(kwargs, message):
    args = {"input_shape": (28, 28, 1), "num_classes": 10, **kwargs}
    with pytest.raises(ValueError, match=message):
        conv_net(args.pop("input_shape"), args.pop("num_classes"), **args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": "28x28"}, "`input_shape` must be"),
        ({"num_classes": 10.0}, "`num_classes` must be an int >= 2"),
        ({"filters": "32"}, "`filters` must be a tuple"),
        ({"convs_per_block": 2.0}, "`convs_per_block` must be"),
        ({"batch_norm": 1}, "`batch_norm` must be True or False"),
        ({"block_pool": 2}, "`block_pool` must be one of"),
        ({"pooling": True}, "`pooling` must be one of"),
        ({"dropout": "0.5"}, "`dropout` must be a number"),
        ({"activation": 3}, "`activation` must be a Keras activation name"),
        ({"classifier_activation": 3}, "`classifier_activation` must be"),
        ({"name": 3}, "`name` must be a non-empty str or None"),
    ],
)
def test_conv_net_wrong_types_are_type_errors(kwargs, message):
    args = {"input_shape": (28, 28, 1), "num_classes": 10, **kwargs}
    with pytest.raises(TypeError, match=message):
        conv_net(args.pop("input_shape"), args.pop("num_classes"), **args)


def test_classifier_activation_none_gives_logits_in_every_builder():
    for model in (
        conv_net((8, 8, 1), 3, filters=(4,), dense_units=(), classifier_activation=None),
        deck_cnn((8, 8, 1), 3, classifier_activation=None, name="logits"),
    ):
        assert model.get_layer("predictions").activation is keras.activations.linear
    assert deck_cnn(name="mine").name == "mine" and conv_net((8, 8, 1), 3).name == "conv_net"
    with pytest.raises(ValueError, match="`classifier_activation`"):
        deck_cnn(classifier_activation="softmaxx")


def test_builders_depend_only_on_keras():
    tree = ast.parse(inspect.getsource(CONV_NET_MODULE))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "collections", "numbers", "typing", "warnings", "keras"}
    for builder in (conv_net, deck_cnn):
        assert inspect.getdoc(builder).splitlines()[0].startswith("Instantiates")


def test_the_old_keywords_still_work_with_a_deprecation_warning():
    with pytest.warns(PendingDeprecationWarning, match="`dense` is now `dense_units`"):
        old = conv_net((28, 28, 1), 10, filters=(8,), dense=(16,))
    assert old.get_layer("fc1").units == 16
    with pytest.warns(PendingDeprecationWarning, match="`global_pool=True` is now `pooling='avg'`"):
        old = conv_net((28, 28, 1), 10, filters=(8,), global_pool=True)
    assert isinstance(old.get_layer("avg_pool"), keras.layers.GlobalAveragePooling2D)
    with pytest.raises(TypeError, match="Pass `dense_units` only"):
        conv_net((28, 28, 1), 10, dense=(16,), dense_units=(8,))
