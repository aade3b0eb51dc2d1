"""cnnkit.models: the case-study builders of deck 002 (AlexNet, ZF Net, VGG, GoogLeNet,
DenseNet): their parameter counts, shapes, options and errors. That each file runs when
copied alone is tested for every builder file by tests/test_models_standalone.py.

Full-size models are built with ``tests/shapeless.py``: Keras then creates the variables
with their shapes and never draws their values, so a 138-million-parameter VGG takes neither
the time nor the memory of its weights, and the counts are the real model's. Each is built
once per test process and only read.
"""

from __future__ import annotations

import importlib

import keras
import numpy as np
import pytest
import tensorflow as tf
from shapeless import shared

from cnnkit import models

# The modules, not the builders of the same name that cnnkit.models exports (torchvision's
# layout: `cnnkit.models.alexnet` is the function).
alexnet_module = importlib.import_module("cnnkit.models.alexnet")
vgg_module = importlib.import_module("cnnkit.models.vgg")


def _shapeless(builder, *args, **kwargs) -> keras.Model:
    """A model built without drawing its weights (shapes and counts only), once per process.

    The tests here only read it; tests/test_behaviour_builders.py and tests/test_resnet.py
    read the same full-size networks (``tests/shapeless.py``'s ``shared``).
    """
    return shared(builder, *args, **kwargs)


def _weight_layers(model: keras.Model) -> list[keras.layers.Layer]:
    return [
        layer
        for layer in model.layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))
    ]


# --- AlexNet and ZF Net --------------------------------------------------------------------


@pytest.mark.parametrize(("groups", "expected"), [(1, 62_378_344), (2, 60_965_224)])
def test_alexnet_counts_single_stream_and_two_gpus(groups, expected):
    model = _shapeless(models.alexnet, groups=groups)
    assert model.count_params() == expected
    assert model.output_shape == (None, 1000)
    assert model.get_layer("pool5").output.shape == (None, 6, 6, 256)
    grouped = {layer.name: layer.groups for layer in _weight_layers(model)[:5]}
    assert grouped == {
        "conv1": 1,
        "conv2": groups,
        "conv3": 1,
        "conv4": groups,
        "conv5": groups,
    }
    assert model.get_layer("conv2").kernel.shape == (5, 5, 96 // groups, 256)
    assert model.name == ("alexnet" if groups == 1 else "alexnet_groups2")


def test_alexnet_layer_sizes_follow_the_paper():
    model = _shapeless(models.alexnet)
    sizes = {
        name: model.get_layer(name).output.shape[1:]
        for name in ("conv1", "pool1", "conv2", "pool2", "conv5", "fc6")
    }
    assert sizes == {
        "conv1": (55, 55, 96),
        "pool1": (27, 27, 96),
        "conv2": (27, 27, 256),
        "pool2": (13, 13, 256),
        "conv5": (13, 13, 256),
        "fc6": (4096,),
    }


def test_zfnet_changes_the_first_layer():
    model = _shapeless(models.zfnet)
    conv1 = model.get_layer("conv1")
    assert conv1.kernel_size == (7, 7) and conv1.strides == (2, 2)
    assert model.get_layer("conv2").strides == (2, 2)
    sizes = [model.get_layer(n).output.shape[1] for n in ("conv1", "pool1", "conv2", "pool2")]
    assert sizes == [110, 55, 26, 13]
    assert model.get_layer("pool5").output.shape == (None, 6, 6, 256)
    # AlexNet minus the difference of the conv1 kernels: 11*11*3*96 - 7*7*3*96 = 20,736.
    assert model.count_params() == 62_378_344 - 20_736 == 62_357_608


def test_small_alexnet_trains_on_fashion_mnist_shapes():
    model = _shapeless(models.alexnet, (28, 28, 1), 10, stem="small", width=0.25, dense_units=256)
    assert model.count_params() == 366_650
    assert model.get_layer("pool5").output.shape == (None, 2, 2, 64)
    grouped = _shapeless(models.alexnet, (28, 28, 1), 10, stem="small", groups=2, width=0.25)
    assert grouped.get_layer("conv4").kernel.shape == (3, 3, 48, 96)
    logits = models.alexnet(
        (32, 32, 3), 10, stem="small", width=0.125, dense_units=32, classifier_activation=None
    )
    out = logits(np.zeros((2, 32, 32, 3), "float32"), training=False)
    assert out.shape == (2, 10)
    assert logits.get_layer("predictions").get_config()["activation"] == "linear"


@pytest.mark.parametrize(
    ("builder", "smallest", "kwargs"),
    [
        (models.alexnet, 67, {}),
        (models.alexnet, 15, {"stem": "small"}),
        (models.zfnet, 53, {}),
    ],
)
def test_alexnet_family_smallest_input(builder, smallest, kwargs):
    model = _shapeless(builder, (smallest, smallest, 3), **kwargs)
    assert model.get_layer("pool5").output.shape[1:3] == (1, 1)
    with pytest.raises(ValueError, match=f"at least {smallest}x{smallest} pixels"):
        builder((smallest - 1, smallest, 3), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"groups": 3}, ValueError, "`groups` must be an int between 1 and 2"),
        ({"groups": 2.0}, TypeError, "`groups` must be an int between 1 and 2"),
        ({"stem": "tiny"}, ValueError, "`stem` must be one of"),
        ({"num_classes": 1}, ValueError, "`num_classes` must be an int >= 2"),
        ({"num_classes": "10"}, TypeError, "`num_classes` must be an int"),
        ({"input_shape": (227, 227)}, ValueError, "`input_shape` must be a tuple of 3"),
        ({"input_shape": "227"}, TypeError, "`input_shape` must be a tuple of 3"),
        ({"width": 0}, ValueError, "`width` must be a number > 0"),
        ({"dropout": 1.0}, ValueError, "`dropout` must be a number in"),
        ({"dense_units": 0}, ValueError, "`dense_units` must be an int >= 1"),
        ({"lrn": 1}, TypeError, "`lrn` must be True or False"),
        ({"classifier_activation": 3}, TypeError, "`classifier_activation` must be"),
        ({"groups": 2, "width": 0.3}, ValueError, "odd number of filters"),
    ],
)
def test_alexnet_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        models.alexnet(**kwargs)


# --- Local response normalisation ----------------------------------------------------------


@pytest.mark.parametrize("module", [alexnet_module, vgg_module])
def test_lrn_matches_tensorflow(module):
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 7)).astype("float32") * 10
    layer = module.LocalResponseNormalization()
    expected = tf.nn.local_response_normalization(
        x, depth_radius=2, bias=2.0, alpha=1e-4, beta=0.75
    )
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), expected, rtol=1e-5)
    assert layer.count_params() == 0
    clone = module.LocalResponseNormalization.from_config(layer.get_config())
    assert (clone.size, clone.alpha, clone.beta, clone.k) == (5, 1e-4, 0.75, 2.0)
    with pytest.raises(ValueError, match="`size` must be an odd int"):
        module.LocalResponseNormalization(size=4)
    with pytest.raises(TypeError, match="`size` must be an odd int"):
        module.LocalResponseNormalization(size=5.0)


@pytest.mark.parametrize(
    ("build", "layer"),
    [
        (lambda: models.vgg((32, 32, 3), 3, config="A-LRN", num_blocks=1, width=0.125,
                           dense_units=4), "block1_lrn"),
        (lambda: models.alexnet((32, 32, 3), 3, stem="small", width=0.0625, dense_units=4),
         "conv2_lrn"),
    ],
    ids=["vgg_A-LRN", "alexnet"],
)  # fmt: skip
def test_models_with_lrn_save_and_load(tmp_path, build, layer):
    model = build()
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.random.default_rng(0).uniform(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)
    assert loaded.get_layer(layer).get_config()["beta"] == 0.75
    assert isinstance(loaded.get_layer(layer), alexnet_module.LocalResponseNormalization)


def test_lrn_is_one_class_registered_once():
    # alexnet.py and vgg.py carry identical copies (tests/test_builder_rules.py); the first
    # one imported registers the class and the other reuses it: no "last import wins".
    assert alexnet_module.LocalResponseNormalization is vgg_module.LocalResponseNormalization
    registered = keras.saving.get_registered_object("cnnkit>LocalResponseNormalization")
    assert registered is alexnet_module.LocalResponseNormalization


# --- VGG -----------------------------------------------------------------------------------

VGG_COUNTS = {
    "A": (132_863_336, 11),
    "A-LRN": (132_863_336, 11),
    "B": (133_047_848, 13),
    "C": (133_638_952, 16),
    "D": (138_357_544, 16),
    "E": (143_667_240, 19),
}


@pytest.mark.parametrize("config", list(VGG_COUNTS))
def test_vgg_configurations_match_the_table(config):
    params, weight_layers = VGG_COUNTS[config]
    model = _shapeless(models.vgg, config=config)
    assert model.count_params() == params
    assert len(_weight_layers(model)) == weight_layers
    assert model.get_layer("block5_pool").output.shape == (None, 7, 7, 512)
    assert model.name == f"vgg_{config}"
    ones = [layer.kernel_size for layer in _weight_layers(model) if layer.name.startswith("b")]
    assert ones.count((1, 1)) == (3 if config == "C" else 0)
    has_lrn = any(
        isinstance(layer, vgg_module.LocalResponseNormalization) for layer in model.layers
    )
    assert has_lrn == (config == "A-LRN")


def test_vgg_d_is_keras_vgg16_layer_for_layer():
    ours = _shapeless(models.vgg, config="D")
    theirs = _shapeless(keras.applications.VGG16, weights=None)
    assert ours.count_params() == theirs.count_params()

    def layout(model):
        return [(w.path, tuple(w.shape)) for layer in _weight_layers(model) for w in layer.weights]

    assert layout(ours) == layout(theirs)


def test_vgg_batch_norm_and_small_members():
    model = _shapeless(models.vgg, config="D", batch_norm=True)
    assert model.name == "vgg_D_bn"
    assert not model.get_layer("block1_conv1").use_bias
    assert isinstance(model.get_layer("block1_bn1"), keras.layers.BatchNormalization)
    # 13 convolutions lose their biases, each gains 4 batch-norm vectors of its width.
    conv_widths = [64] * 2 + [128] * 2 + [256] * 3 + [512] * 6
    assert model.count_params() == 138_357_544 + 3 * sum(conv_widths)
    small = models.vgg((28, 28, 1), 10, config="A", num_blocks=3, width=0.25, dense_units=128)
    assert small.count_params() == 151_882
    assert small.get_layer("block3_pool").output.shape == (None, 3, 3, 64)
    assert small(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 10)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"config": "F"}, ValueError, "`config` must be one of"),
        ({"config": 16}, TypeError, "`config` must be one of"),
        ({"num_blocks": 6}, ValueError, "`num_blocks` must be an int between 1 and 5"),
        ({"batch_norm": "yes"}, TypeError, "`batch_norm` must be True or False"),
        ({"input_shape": (28, 28, 1)}, ValueError, "at least 32x32 pixels.*num_blocks=4 or"),
        ({"input_shape": (224, 224, 0)}, ValueError, "`input_shape` must be a tuple of 3"),
        ({"num_classes": 1}, ValueError, "`num_classes` must be an int >= 2"),
        ({"width": -1}, ValueError, "`width` must be a number > 0"),
        ({"dropout": "0.5"}, TypeError, "`dropout` must be a number"),
    ],
)
def test_vgg_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        models.vgg(**kwargs)


# --- GoogLeNet -----------------------------------------------------------------------------


def _inception_weights(c: int, f1, f3r, f3, f5r, f5, pp) -> int:
    """Weights and biases of an Inception module on ``c`` channels, by hand."""
    weights = c * (f1 + f3r + f5r + pp) + 9 * f3r * f3 + 25 * f5r * f5
    return weights + (f1 + f3r + f3 + f5r + f5 + pp)


@pytest.mark.parametrize(
    ("channels", "filters"),
    [(192, (64, 96, 128, 16, 32, 32)), (7, (1, 2, 3, 4, 5, 6))],
)
def test_inception_block_channels_and_parameters(channels, filters):
    inputs = keras.Input((9, 11, channels))
    outputs = models.inception_block(inputs, *filters, name="inception_x")
    f1, _, f3, _, f5, pp = filters
    assert outputs.shape == (None, 9, 11, f1 + f3 + f5 + pp)
    block = keras.Model(inputs, outputs)
    assert block.count_params() == _inception_weights(channels, *filters)
    names = {layer.name for layer in block.layers}
    assert {"inception_x_1x1", "inception_x_3x3_reduce", "inception_x_pool_proj"} <= names
    anonymous = models.inception_block(keras.Input((4, 4, 3)), 1, 1, 1, 1, 1, 1)
    assert anonymous.shape == (None, 4, 4, 4)


def test_googlenet_follows_table_1():
    model = _shapeless(models.googlenet)
    assert model.count_params() == 6_998_552
    sizes = {
        name: model.get_layer(name).output.shape[1:]
        for name in ("conv1", "pool1", "conv2", "pool2", "inception_3b_output", "pool3")
    }
    assert sizes == {
        "conv1": (112, 112, 64),
        "pool1": (56, 56, 64),
        "conv2": (56, 56, 192),
        "pool2": (28, 28, 192),
        "inception_3b_output": (28, 28, 480),
        "pool3": (14, 14, 480),
    }
    table_1_outputs = {"3a": 256, "3b": 480, "4a": 512, "4b": 512, "4c": 512, "4d": 528}
    table_1_outputs |= {"4e": 832, "5a": 832, "5b": 1024}
    for key, channels in table_1_outputs.items():
        assert model.get_layer(f"inception_{key}_output").output.shape[-1] == channels
    assert model.get_layer("inception_5b_output").output.shape[1:3] == (7, 7)
    weights = sum(int(np.prod(layer.kernel.shape)) for layer in _weight_layers(model))
    assert weights == 6_990_272  # the paper's Table 1 column, in K of 1024: about 6.8 M
    assert len(_weight_layers(model)) == 58
    assert model.get_layer("dropout").rate == 0.4


def test_small_googlenet():
    model = models.googlenet((28, 28, 1), 10, stem="small", width=0.25)
    assert model.count_params() == 376_838
    assert model.get_layer("inception_3a_output").output.shape == (None, 14, 14, 64)
    assert model.get_layer("inception_5b_output").output.shape == (None, 4, 4, 256)
    assert model(np.zeros((2, 28, 28, 1), "float32")).shape == (2, 10)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: models.googlenet(stem="big"), ValueError, "`stem` must be one of"),
        (lambda: models.googlenet(width="1"), TypeError, "`width` must be a number"),
        (lambda: models.googlenet(dropout=-0.1), ValueError, "`dropout` must be a number in"),
        (lambda: models.googlenet(num_classes=0), ValueError, "`num_classes` must be an int"),
        (lambda: models.googlenet((224, 224)), ValueError, "`input_shape` must be a tuple"),
        (
            lambda: models.inception_block(keras.Input((8, 8, 3)), 1, 1, 0, 1, 1, 1),
            ValueError,
            "`f3` must be an int >= 1",
        ),
        (
            lambda: models.inception_block(keras.Input((8, 8, 3)), 1, 1, 1, 1, 1, 2.5),
            TypeError,
            "`pool_proj` must be an int",
        ),
    ],
)
def test_googlenet_rejects_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- DenseNet ------------------------------------------------------------------------------


def test_densenet121_matches_keras_and_torchvision():
    model = _shapeless(models.densenet)
    theirs = _shapeless(keras.applications.DenseNet121, weights=None)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == 7_978_856
    assert model.count_params() == theirs.count_params() == 8_062_504
    kinds = [type(layer).__name__ for layer in model.layers if layer.weights]
    assert len(kinds) == 242  # the "depth" column of the Keras table and deck 002
    assert (kinds.count("Conv2D"), kinds.count("BatchNormalization")) == (120, 121)
    shapes = [tuple(w.shape) for w in model.weights]
    assert shapes == [tuple(w.shape) for w in theirs.weights]
    sizes = [
        model.get_layer(name).output.shape[1:]
        for name in ("pool1", "dense_block1_layer6_concat", "transition1_pool", "relu")
    ]
    assert sizes == [(56, 56, 64), (56, 56, 256), (28, 28, 128), (7, 7, 1024)]
    assert model.name == "densenet121"


def test_densenet169_matches_keras():
    # keras.applications.DenseNet169(weights=None).count_params() is 14,307,880 (Keras 3.15).
    model = _shapeless(models.densenet, depth=169)
    assert model.count_params() == 14_307_880
    assert model.name == "densenet169"


@pytest.mark.parametrize(("c0", "layers", "k", "bottleneck"), [(64, 6, 32, True), (5, 3, 4, False)])
def test_dense_block_grows_by_k_per_layer(c0, layers, k, bottleneck):
    inputs = keras.Input((6, 6, c0))
    outputs = models.dense_block(inputs, layers, k, bottleneck=bottleneck, name="db")
    assert outputs.shape == (None, 6, 6, c0 + layers * k)
    convs = [
        layer
        for layer in keras.Model(inputs, outputs).layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert len(convs) == layers * (2 if bottleneck else 1)
    assert not any(conv.use_bias for conv in convs)


@pytest.mark.parametrize(
    ("channels", "compression", "expected"), [(256, 0.5, 128), (90, 0.5, 45), (12, 1.0, 12)]
)
def test_transition_halves_size_and_compresses_channels(channels, compression, expected):
    outputs = models.transition(keras.Input((14, 15, channels)), compression, name="t")
    assert outputs.shape == (None, 7, 7, expected)


def test_small_densenet():
    model = models.densenet((28, 28, 1), 10, blocks=(4, 4, 4), growth_rate=12, stem="small")
    assert model.count_params() == 105_190
    assert model.name == "densenet"
    assert model.get_layer("conv1").kernel.shape == (3, 3, 1, 24)
    assert model.get_layer("dense_block3_layer4_concat").output.shape == (None, 7, 7, 90)
    assert model(np.zeros((2, 28, 28, 1), "float32"), training=False).shape == (2, 10)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: models.densenet(depth=100), ValueError, "`depth` must be one of"),
        (lambda: models.densenet(depth="121"), TypeError, "`depth` must be one of"),
        (lambda: models.densenet(blocks=(4, 0)), ValueError, "`blocks` must be a tuple of posi"),
        (lambda: models.densenet(blocks="444"), TypeError, "`blocks` must be a tuple of posit"),
        (lambda: models.densenet(growth_rate=0), ValueError, "`growth_rate` must be an int >= 1"),
        (lambda: models.densenet(compression=0), ValueError, "`compression` must be a number in"),
        (lambda: models.densenet(bottleneck=None), TypeError, "`bottleneck` must be True or False"),
        (lambda: models.densenet((28, 28, 1)), ValueError, "too small"),
        (lambda: models.densenet(stem="tiny"), ValueError, "`stem` must be one of"),
        (lambda: models.densenet(classifier_activation=0), TypeError, "`classifier_activation`"),
        (lambda: models.dense_block(keras.Input((4, 4, 3)), 0, 4), ValueError, "`num_layers`"),
        (lambda: models.transition(keras.Input((4, 4, 3)), "half"), TypeError, "`compression`"),
    ],
)
def test_densenet_rejects_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
