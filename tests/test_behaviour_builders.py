"""Every builder's structure against its paper's table, not only its parameter count.

A parameter count does not see a stride moved from one convolution to another, two blocks
swapped in place of each other or a normalisation layer dropped (issue 25 found all three
passing the older tests). Here each convolution's filters, kernel size and stride, and
the place of every pooling, LRN, shortcut and concatenation, are compared with the table
of the paper the builder's docstring cites. The large networks are built without drawing
their weights (``tests/shapeless.py``): the tests read layers and shapes only. Structure
does not depend on the input size, and without the weights the size costs nothing: the
networks that tests/test_architectures.py and tests/test_resnet.py also read are the same
full-size builds (ImageNet input, 1000 classes), made once per test process (``shared``).

Written against ``cnnkit.models`` (public builders) only.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from shapeless import shapeless, shared

from cnnkit import models


def convs(model: keras.Model, prefix: str = "") -> list[tuple[str, int, int, int]]:
    """(name, filters, kernel size, stride) of every Conv2D whose name starts with prefix."""
    return [
        (layer.name, layer.filters, layer.kernel_size[0], layer.strides[0])
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D) and layer.name.startswith(prefix)
    ]


def kinds(model: keras.Model, *classes: type) -> list[str]:
    """Names of the layers of the given classes, in model order."""
    return [layer.name for layer in model.layers if isinstance(layer, classes)]


def skeleton(model: keras.Model) -> list[str]:
    """The layer names that carry structure: convolutions, poolings, LRN, dense layers."""
    keep = (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.AveragePooling2D,
            keras.layers.Dense, keras.layers.GlobalAveragePooling2D)  # fmt: skip
    return [
        layer.name for layer in model.layers
        if isinstance(layer, keep) or type(layer).__name__ == "LocalResponseNormalization"
    ]  # fmt: skip


# ---------------------------------------------------------------------------------- ResNet
# He et al. 2016, table 1: conv1 7x7/2 64, 3x3 max pool /2, then stages conv2_x..conv5_x.

BOTTLENECK_WIDTHS = (64, 128, 256, 512)


@pytest.fixture(scope="module")
def resnet50():
    return shared(models.resnet, depth=50)


def test_resnet50_stem_is_7x7_stride_2_then_3x3_max_pool_stride_2(resnet50):
    assert convs(resnet50, "conv1") == [("conv1_conv", 64, 7, 2)]
    pool = resnet50.get_layer("pool1_pool")
    assert isinstance(pool, keras.layers.MaxPooling2D)
    assert pool.pool_size == (3, 3) and pool.strides == (2, 2)


@pytest.mark.parametrize("stage, blocks", [(2, 3), (3, 4), (4, 6), (5, 3)])
def test_resnet50_bottlenecks_with_the_stride_on_the_first_1x1(resnet50, stage, blocks):
    width = BOTTLENECK_WIDTHS[stage - 2]
    for b in range(1, blocks + 1):
        block = f"conv{stage}_block{b}"
        stride = 2 if stage > 2 and b == 1 else 1  # the docstring: "the stride in the first 1x1"
        main = [c for c in convs(resnet50, block + "_") if not c[0].endswith("_0_conv")]
        assert main == [
            (f"{block}_1_conv", width, 1, stride),
            (f"{block}_2_conv", width, 3, 1),
            (f"{block}_3_conv", 4 * width, 1, 1),
        ]
        projection = [c for c in convs(resnet50, block + "_") if c[0].endswith("_0_conv")]
        # option B: a 1x1 projection only where the block changes size or channels
        assert projection == ([(f"{block}_0_conv", 4 * width, 1, stride)] if b == 1 else [])
    assert f"conv{stage}_block{blocks + 1}_add" not in [layer.name for layer in resnet50.layers]


def test_resnet50_has_16_shortcut_additions_of_block_output_and_input(resnet50):
    adds = kinds(resnet50, keras.layers.Add)
    assert len(adds) == 3 + 4 + 6 + 3
    second = resnet50.get_layer("conv3_block2_add")
    sources = {t._keras_history.operation.name for t in second.input}
    assert sources == {"conv3_block2_3_bn", "conv3_block1_out"}  # residual + identity
    first = resnet50.get_layer("conv3_block1_add")
    assert {t._keras_history.operation.name for t in first.input} == {
        "conv3_block1_3_bn", "conv3_block1_0_bn"}  # fmt: skip


def test_resnet18_basic_blocks_with_the_stride_on_the_first_3x3():
    model = shared(models.resnet, depth=18)
    for stage, width in zip((2, 3, 4, 5), BOTTLENECK_WIDTHS, strict=True):
        for b in (1, 2):
            block = f"conv{stage}_block{b}"
            stride = 2 if stage > 2 and b == 1 else 1
            main = [c for c in convs(model, block + "_") if not c[0].endswith("_0_conv")]
            assert main == [(f"{block}_1_conv", width, 3, stride), (f"{block}_2_conv", width, 3, 1)]
    assert len(kinds(model, keras.layers.Add)) == 8
    assert [c[0] for c in convs(model) if c[0].endswith("_0_conv")] == [
        "conv3_block1_0_conv", "conv4_block1_0_conv", "conv5_block1_0_conv"]  # fmt: skip


@pytest.mark.parametrize("depth, blocks", [(34, (3, 4, 6, 3)), (101, (3, 4, 23, 3)),
                                           (152, (3, 8, 36, 3))])  # fmt: skip
def test_deeper_resnets_have_the_blocks_of_table_1(depth, blocks):
    assert models.resnet.__globals__["IMAGENET_DEPTHS"][depth] == blocks


def test_cifar_resnet20_is_6n_plus_2_with_16_32_64_filters_and_padding_shortcuts():
    # Section 4.2: 3x3 conv of 16 maps, three stages of n = 3 basic blocks (16, 32, 64 maps),
    # subsampling by stride-2 convolutions, option A shortcuts (no extra parameters).
    model = shapeless(models.resnet, (32, 32, 3), 10, depth=20, stem="small")
    weighted = convs(model) + kinds(model, keras.layers.Dense)
    assert len(weighted) == 6 * 3 + 2
    assert convs(model, "conv1") == [("conv1_conv", 16, 3, 1)]
    assert "pool1_pool" not in [layer.name for layer in model.layers]
    for stage, width in ((2, 16), (3, 32), (4, 64)):
        first = convs(model, f"conv{stage}_block1_1")
        assert first == [(f"conv{stage}_block1_1_conv", width, 3, 2 if stage > 2 else 1)]
    assert not [c for c in convs(model) if c[0].endswith("_0_conv")]  # no projection
    assert [layer.name for layer in model.layers if layer.name.endswith("_0_subsample")] == [
        "conv3_block1_0_subsample", "conv4_block1_0_subsample"]  # fmt: skip
    assert model.get_layer("conv4_block3_out").output.shape[1:] == (8, 8, 64)


def test_plain_network_is_the_same_without_shortcuts():
    plain = shapeless(models.resnet, (32, 32, 3), 10, depth=20, stem="small", plain=True)
    residual = shapeless(models.resnet, (32, 32, 3), 10, depth=20, stem="small")
    assert kinds(plain, keras.layers.Add) == []
    assert convs(plain) == convs(residual)


# -------------------------------------------------------------------------------- DenseNet
# Huang et al. 2017, table 1: 7x7/2 conv (2k maps), 3x3/2 max pool, dense blocks separated
# by transitions (1x1 conv to half the channels, 2x2/2 average pool); k = 32.


def _dense_layers(model: keras.Model, block: int) -> int:
    names = [layer.name for layer in model.layers]
    prefix = f"dense_block{block}_layer"
    return sum(1 for n in names if n.startswith(prefix) and n.endswith("_concat"))


@pytest.mark.parametrize("depth, blocks, transitions, features", [
    (121, (6, 12, 24, 16), (128, 256, 512), 1024),
    (201, (6, 12, 48, 32), (128, 256, 896), 1920),
])  # fmt: skip
def test_densenet_blocks_in_the_order_of_table_1(depth, blocks, transitions, features, request):
    # DenseNet-121 is the module's shared build (the fixture below), not built a second time
    model = (request.getfixturevalue("densenet121") if depth == 121
             else shapeless(models.densenet, (64, 64, 3), 10, depth=depth))
    assert tuple(_dense_layers(model, b) for b in (1, 2, 3, 4)) == blocks
    assert _dense_layers(model, 5) == 0
    assert [c[1:] for c in convs(model, "transition")] == [(t, 1, 1) for t in transitions]
    assert model.get_layer("avg_pool").output.shape[-1] == features
    assert convs(model, "conv1") == [("conv1", 64, 7, 2)]
    for t in (1, 2, 3):
        pool = model.get_layer(f"transition{t}_pool")
        assert isinstance(pool, keras.layers.AveragePooling2D)
        assert pool.pool_size == (2, 2) and pool.strides == (2, 2)


@pytest.fixture(scope="module")
def densenet121():
    return shared(models.densenet)


def test_densenet_layer_is_bottleneck_1x1_4k_then_3x3_k(densenet121):
    model = densenet121
    assert convs(model, "dense_block3_layer7_") == [
        ("dense_block3_layer7_conv1", 128, 1, 1), ("dense_block3_layer7_conv2", 32, 3, 1)]
    concat = model.get_layer("dense_block3_layer7_concat")
    assert concat.output.shape[-1] == 256 + 7 * 32  # transition 2 gives 256 maps


def test_densenet_bn_relu_conv_order(densenet121):
    names = [layer.name for layer in densenet121.layers]
    i = names.index("dense_block1_layer1_conv1")
    assert names[i - 2 : i] == ["dense_block1_layer1_bn1", "dense_block1_layer1_relu1"]
    concat = densenet121.get_layer("dense_block2_layer3_concat")
    sources = [t._keras_history.operation.name for t in concat.input]
    assert sources == ["dense_block2_layer2_concat", "dense_block2_layer3_conv2"]


# ---------------------------------------------------------------------- AlexNet and ZFNet
# Krizhevsky et al. 2012, section 3.5: conv1 96 11x11/4, conv2 256 5x5, conv3 384 3x3,
# conv4 384 3x3, conv5 256 3x3; response normalisation after conv1 and conv2; overlapping
# max pooling (3x3/2) after both LRN layers and after conv5; fc 4096, 4096.

ALEXNET_SKELETON = ["conv1", "conv1_lrn", "pool1", "conv2", "conv2_lrn", "pool2", "conv3",
                    "conv4", "conv5", "pool5", "fc6", "fc7", "predictions"]  # fmt: skip


@pytest.fixture(scope="module")
def alexnet():
    return shared(models.alexnet)


def test_alexnet_layer_order_has_lrn_after_conv1_and_conv2(alexnet):
    assert skeleton(alexnet) == ALEXNET_SKELETON


def test_alexnet_convolutions_and_pools_of_the_paper(alexnet):
    assert convs(alexnet) == [("conv1", 96, 11, 4), ("conv2", 256, 5, 1), ("conv3", 384, 3, 1),
                              ("conv4", 384, 3, 1), ("conv5", 256, 3, 1)]  # fmt: skip
    for name in ("pool1", "pool2", "pool5"):
        pool = alexnet.get_layer(name)
        assert pool.pool_size == (3, 3) and pool.strides == (2, 2)  # overlapping pooling
    assert [alexnet.get_layer(n).units for n in ("fc6", "fc7", "predictions")] == [4096, 4096,
                                                                                  1000]
    assert alexnet.get_layer("conv1").output.shape[1:] == (55, 55, 96)
    assert alexnet.get_layer("pool5").output.shape[1:] == (6, 6, 256)


def test_alexnet_lrn_has_the_papers_constants_and_formula(alexnet):
    # section 3.3: b = a / (k + alpha * sum of a^2 over n adjacent maps) ** beta,
    # k = 2, n = 5, alpha = 1e-4, beta = 0.75
    for name in ("conv1_lrn", "conv2_lrn"):
        layer = alexnet.get_layer(name)
        assert (layer.size, layer.alpha, layer.beta, layer.k) == (5, 1e-4, 0.75, 2.0)
    lrn = type(alexnet.get_layer("conv1_lrn"))(size=3, alpha=0.5, beta=0.75, k=2.0)
    a = np.arange(1.0, 6.0, dtype="float32").reshape(1, 1, 1, 5)
    window = np.array([1 + 4, 1 + 4 + 9, 4 + 9 + 16, 9 + 16 + 25, 16 + 25])  # radius 1
    expected = a[0, 0, 0] / (2.0 + 0.5 * window) ** 0.75
    np.testing.assert_allclose(keras.ops.convert_to_numpy(lrn(a))[0, 0, 0], expected, rtol=1e-5)


def test_alexnet_without_lrn_and_with_two_groups():
    assert skeleton(shapeless(models.alexnet, lrn=False)) == [
        n for n in ALEXNET_SKELETON if not n.endswith("_lrn")]  # fmt: skip
    grouped = shared(models.alexnet, groups=2)
    assert [grouped.get_layer(f"conv{i}").groups for i in range(1, 6)] == [1, 2, 1, 2, 2]


def test_zfnet_first_layers_are_7x7_stride_2_and_5x5_stride_2():
    # Zeiler & Fergus 2014, figure 3: 96 7x7/2, then 256 5x5/2; contrast normalisation
    # after the first two layers, as AlexNet.
    model = shared(models.zfnet)
    assert convs(model)[:2] == [("conv1", 96, 7, 2), ("conv2", 256, 5, 2)]
    assert convs(model)[2:] == [("conv3", 384, 3, 1), ("conv4", 384, 3, 1), ("conv5", 256, 3, 1)]
    assert skeleton(model)[:6] == ["conv1", "conv1_lrn", "pool1", "conv2", "conv2_lrn", "pool2"]
    assert model.get_layer("conv1").output.shape[1:] == (110, 110, 96)


# ------------------------------------------------------------------------------------ VGG
# Simonyan & Zisserman 2015, table 1: configurations A-E, 3x3 convolutions with stride 1 (C
# adds 1x1 ones), 2x2/2 max pooling after each of the five blocks, fc 4096, 4096.

VGG_TABLE = {
    "A": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "B": ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    "C": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    "D": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    "E": ((64, 64), (128, 128), (256,) * 4, (512,) * 4, (512,) * 4),
}


@pytest.mark.parametrize("config", ["A", "A-LRN", "B", "C", "D", "E"])
def test_vgg_configurations_of_table_1(config):
    model = shapeless(models.vgg, (32, 32, 3), 10, config=config)
    for block, widths in enumerate(VGG_TABLE[config[0]], start=1):
        found = convs(model, f"block{block}_conv")
        sizes = [3] * len(widths)
        if config == "C" and block >= 3:
            sizes[-1] = 1  # conv1-256 / conv1-512 as the third layer of blocks 3-5
        assert found == [(f"block{block}_conv{i}", w, s, 1)
                         for i, (w, s) in enumerate(zip(widths, sizes, strict=True), start=1)]
        pool = model.get_layer(f"block{block}_pool")
        assert pool.pool_size == (2, 2) and pool.strides == (2, 2)
    lrn = [n for n in skeleton(model) if "lrn" in n]
    assert lrn == (["block1_lrn"] if config == "A-LRN" else [])
    if lrn:
        assert skeleton(model)[:3] == ["block1_conv1", "block1_lrn", "block1_pool"]
    assert [layer.units for layer in model.layers if isinstance(layer, keras.layers.Dense)][:2] \
        == [4096, 4096]


# ------------------------------------------------------------------------------ GoogLeNet
# Szegedy et al. 2015, table 1: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.

GOOGLENET_TABLE = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64), "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128), "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}  # fmt: skip
BRANCHES = ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj")


@pytest.fixture(scope="module")
def googlenet():
    return shared(models.googlenet)


@pytest.mark.parametrize("block", list(GOOGLENET_TABLE))
def test_googlenet_inception_widths_of_table_1(googlenet, block):
    sizes = {"1x1": 1, "3x3_reduce": 1, "3x3": 3, "5x5_reduce": 1, "5x5": 5, "pool_proj": 1}
    for branch, width in zip(BRANCHES, GOOGLENET_TABLE[block], strict=True):
        layer = googlenet.get_layer(f"inception_{block}_{branch}")
        assert (layer.filters, layer.kernel_size[0], layer.strides[0]) == (width, sizes[branch], 1)
    pool = googlenet.get_layer(f"inception_{block}_pool")
    assert pool.pool_size == (3, 3) and pool.strides == (1, 1)
    out = googlenet.get_layer(f"inception_{block}_output").output.shape[-1]
    one, _, three, _, five, proj = GOOGLENET_TABLE[block]
    assert out == one + three + five + proj


def test_googlenet_stem_and_max_pools_between_stages(googlenet):
    assert convs(googlenet)[:3] == [("conv1", 64, 7, 2), ("conv2_reduce", 64, 1, 1),
                                    ("conv2", 192, 3, 1)]  # fmt: skip
    order = skeleton(googlenet)
    stage = [n for n in order if n.startswith("pool") or n.endswith("_output") is False
             and n.startswith("inception_") and n.endswith("_1x1")]  # fmt: skip
    assert stage == ["pool1", "pool2", "inception_3a_1x1", "inception_3b_1x1", "pool3",
                     "inception_4a_1x1", "inception_4b_1x1", "inception_4c_1x1",
                     "inception_4d_1x1", "inception_4e_1x1", "pool4", "inception_5a_1x1",
                     "inception_5b_1x1"]  # fmt: skip
    for name in ("pool1", "pool2", "pool3", "pool4"):
        pool = googlenet.get_layer(name)
        assert pool.pool_size == (3, 3) and pool.strides == (2, 2)
    assert googlenet.get_layer("inception_5b_output").output.shape[1:] == (7, 7, 1024)


# --------------------------------------------------------------------------------- LeNet-5
# LeCun et al. 1998, section II.B: C1 6@28x28 (5x5), S2 6@14x14, C3 16@10x10 (5x5),
# S4 16@5x5, C5 120, F6 84, output 10.


@pytest.mark.parametrize("variant, pool, activation", [
    ("classic", keras.layers.AveragePooling2D, "tanh"),
    ("modern", keras.layers.MaxPooling2D, "relu"),
])  # fmt: skip
def test_lenet5_feature_map_sizes_of_the_paper(variant, pool, activation):
    model = models.lenet5(variant=variant)
    shapes = {name: model.get_layer(name).output.shape[1:] for name in
              ("C1", "S2", "C3", "S4", "C5", "F6", "predictions")}  # fmt: skip
    assert shapes == {"C1": (28, 28, 6), "S2": (14, 14, 6), "C3": (10, 10, 16),
                      "S4": (5, 5, 16), "C5": (120,), "F6": (84,), "predictions": (10,)}
    assert convs(model) == [("C1", 6, 5, 1), ("C3", 16, 5, 1)]
    for name in ("S2", "S4"):
        layer = model.get_layer(name)
        assert isinstance(layer, pool) and layer.pool_size == (2, 2) and layer.strides == (2, 2)
    for name in ("C1", "C3", "C5", "F6"):
        assert model.get_layer(name).activation.__name__ == activation


def test_lenet5_pads_28_to_32_with_two_pixels():
    model = models.lenet5((28, 28, 1), pad_to_32=True)
    assert model.get_layer("padding").padding == ((2, 2), (2, 2))
    assert model.get_layer("C1").output.shape[1:] == (28, 28, 6)
