"""cnnkit.stats: parameters by kind, depth, weight layers, multiply-adds, one-row summaries.

The oracles are notebook 03's former cell-local ``layer_table`` and ``mult_adds`` (copied
below), hand formulas, and the "ops" column of the GoogLeNet paper's Table 1.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from shapeless import shapeless

from cnnkit import models, stats


def _notebook03_layer_table(model):
    return [
        (layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params())
        for layer in model.layers
    ]


def _notebook03_mult_adds(model):
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            total += int(np.prod(layer.output.shape[1:])) * int(np.prod(layer.kernel.shape[:3]))
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
    return total


NOTEBOOK03_MODELS = {
    "small": lambda: models.conv_net(
        (28, 28, 1), 10, filters=(32, 64), convs_per_block=1, dense_units=(128,)
    ),
    "deck": models.deck_cnn,
    "recommended": lambda: models.conv_net(
        (28, 28, 1),
        10,
        filters=(32, 64),
        convs_per_block=(1, 2),
        dense_units=(128,),
        batch_norm=True,
        dropout=0.3,
    ),
}


@pytest.mark.parametrize("which", list(NOTEBOOK03_MODELS))
def test_same_numbers_as_notebook03(which):
    model = NOTEBOOK03_MODELS[which]()
    assert stats.mult_adds(model) == _notebook03_mult_adds(model)
    rows = stats.layer_table(model)
    assert [tuple(row.values()) for row in rows] == _notebook03_layer_table(model)
    assert list(rows[0]) == ["layer", "type", "output_shape", "parameters"]


def test_deck_cnn_numbers():
    row = stats.summary_row(models.deck_cnn())
    assert row == {
        "model": "deck_cnn",
        "parameters": 1_413_834,
        "trainable": 1_413_834,
        "non_trainable": 0,
        "weight_layers": 8,
        "depth": 8,
        "mult_adds": 89_466_496,
        "dense_share": pytest.approx((2_304 * 128 + 128 + 8_256 + 650) / 1_413_834),
    }


def test_layer_table_mult_adds_column_adds_up():
    model = models.deck_cnn()
    rows = stats.layer_table(model, with_mult_adds=True)
    assert sum(row["mult_adds"] for row in rows) == 89_466_496
    assert rows[0]["mult_adds"] == 28 * 28 * 64 * 7 * 7 * 1


def test_grouped_depthwise_separable_transposed_and_dense_on_maps():
    inputs = keras.Input((10, 10, 8), name="image")
    x = keras.layers.Conv2D(16, 3, padding="same", groups=4, name="grouped")(inputs)
    x = keras.layers.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise")(x)
    x = keras.layers.SeparableConv2D(4, 3, name="separable")(x)
    x = keras.layers.Conv2DTranspose(2, 2, strides=2, name="transposed")(x)
    x = keras.layers.Dense(5, name="dense")(x)
    model = keras.Model(inputs, x)
    cost = {row["layer"]: row["mult_adds"] for row in stats.layer_table(model, with_mult_adds=True)}
    assert cost == {
        "image": 0,
        "grouped": 10 * 10 * 16 * 3 * 3 * 2,  # each output sees 8 / 4 channels
        "depthwise": 8 * 8 * 32 * 3 * 3,
        "separable": 6 * 6 * (32 * 3 * 3 + 32 * 4),
        "transposed": 6 * 6 * (2 * 2 * 2 * 4),
        "dense": 12 * 12 * 2 * 5,
    }
    assert stats.mult_adds(model) == sum(cost.values())
    kinds = stats.parameters_by_kind(model)
    assert kinds["conv"]["layers"] == 4 and kinds["dense"]["layers"] == 1


def test_alexnet_two_groups_halve_the_grouped_layers():
    single = stats.mult_adds(_shapeless(models.alexnet))
    grouped = stats.mult_adds(_shapeless(models.alexnet, groups=2))
    halved = 27 * 27 * 256 * 25 * 96 + 13 * 13 * 384 * 9 * 384 + 13 * 13 * 256 * 9 * 384
    assert single - grouped == halved // 2
    assert (single, grouped) == (1_135_256_096, 724_406_816)


def _shapeless(builder, *args, **kwargs):
    return shapeless(builder, *args, **kwargs)  # no weight drawn: counts and shapes only


def test_googlenet_matches_the_ops_column_of_table_1():
    model = _shapeless(models.googlenet)
    rows = stats.layer_table(model, with_mult_adds=True)
    cost = {}
    for row in rows:
        key = row["layer"].split("_")[1] if row["layer"].startswith("inception") else row["layer"]
        cost[key] = cost.get(key, 0) + row["mult_adds"]
    # Table 1, "ops" (millions): conv2 360, 3a 128, 3b 304, 4a 73, 4b 88, 4c 100, 4d 119,
    # 4e 170, 5a 54, 5b 71, linear 1. Its conv1 (34M) and 5a (54M) rows do not fit the
    # filter counts of the same table: 7x7x3x64 kernels and 5a's filters give 118M and 51M.
    paper = {"3a": 128, "3b": 304, "4a": 73, "4b": 88, "4c": 100, "4d": 119, "4e": 170}
    paper |= {"5b": 71, "predictions": 1}
    for key, millions in paper.items():
        assert cost[key] / 1e6 == pytest.approx(millions, abs=1), key  # rounded
    assert (cost["conv2_reduce"] + cost["conv2"]) / 1e6 == pytest.approx(360, abs=0.6)
    assert cost["conv1"] == 112 * 112 * 64 * 7 * 7 * 3
    assert cost["5a"] == 7 * 7 * (832 * (256 + 160 + 32 + 128) + 9 * 160 * 320 + 25 * 32 * 128)
    assert stats.mult_adds(model) == 1_582_671_872


def test_vgg16_and_densenet121_rows():
    vgg16 = stats.summary_row(_shapeless(models.vgg, config="D"))
    assert (vgg16["weight_layers"], vgg16["depth"], vgg16["mult_adds"]) == (16, 16, 15_470_264_320)
    assert vgg16["dense_share"] == pytest.approx(123_642_856 / 138_357_544)
    densenet = _shapeless(models.densenet)
    kinds = stats.parameters_by_kind(densenet)
    assert kinds["batch_norm"] == {"layers": 121, "trainable": 83_648, "non_trainable": 83_648}
    assert kinds["conv"] == {"layers": 120, "trainable": 6_870_208, "non_trainable": 0}
    assert kinds["dense"]["trainable"] == 1_025_000
    assert stats.summary_row(densenet)["depth"] == 242


def test_nested_models_are_counted_layer_by_layer():
    inner = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3), keras.layers.BatchNormalization()],
        name="backbone",
    )
    inner.trainable = False
    inputs = keras.Input((8, 8, 3))
    outputs = keras.layers.Dense(2)(keras.layers.Flatten()(inner(inputs)))
    model = keras.Model(inputs, outputs)
    assert stats.mult_adds(model) == 6 * 6 * 4 * 27 + 144 * 2
    kinds = stats.parameters_by_kind(model)
    assert kinds["conv"] == {"layers": 1, "trainable": 0, "non_trainable": 112}
    assert stats.trainable_counts(model) == {"trainable": 290, "non_trainable": 128}
    assert stats.weight_layers(model) == 2
    rows = stats.layer_table(model, with_mult_adds=True)
    assert [row["mult_adds"] for row in rows] == [0, 6 * 6 * 4 * 27, 0, 144 * 2]


def test_errors():
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        stats.mult_adds("vgg16")
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        stats.summary_row(None)
    model = models.conv_net((None, None, 3), 2, filters=(4,), pooling="avg")
    with pytest.raises(ValueError, match="fixed input_shape"):
        stats.mult_adds(model)
    assert stats.dense_share(keras.Sequential([keras.Input((3,)), keras.layers.ReLU()])) == 0.0


# --------------------------------------------------------------------------- layer kinds

L = keras.layers
KIND_ROWS = [  # (layer, detailed kind, kind)
    (L.Conv1D(2, 3), "conv", "conv"),
    (L.Conv2D(2, 3, groups=1), "conv", "conv"),
    (L.Conv3D(2, 3), "conv", "conv"),
    (L.DepthwiseConv2D(3), "depthwise_conv", "conv"),
    (L.SeparableConv2D(2, 3), "separable_conv", "conv"),
    (L.Conv2DTranspose(2, 3), "transposed_conv", "conv"),
    (L.Dense(3), "dense", "dense"),
    (L.BatchNormalization(), "batch_norm", "batch_norm"),
    (L.MaxPooling2D(), "pool", "other"),
    (L.AveragePooling1D(2), "pool", "other"),
    (L.GlobalAveragePooling2D(), "global_pool", "other"),
    (L.ReLU(), "activation", "other"),
    (L.PReLU(), "activation", "other"),
    (L.Activation("tanh"), "activation", "other"),
    (L.Softmax(), "activation", "other"),
    (L.Flatten(), "flatten", "other"),
    (L.ZeroPadding2D(2), "pad", "other"),
    (L.Dropout(0.5), "other", "other"),
    (L.Add(), "other", "other"),
]


@pytest.mark.parametrize(("layer", "detailed", "kind"), KIND_ROWS,
                         ids=[type(row[0]).__name__ for row in KIND_ROWS])
def test_layer_kind_detailed_and_grouped(layer, detailed, kind):
    assert stats.layer_kind(layer, detailed=True) == detailed
    assert stats.layer_kind(layer) == kind
    assert detailed in stats.DETAILED_KINDS and kind in stats.KINDS


def test_every_detailed_kind_is_in_the_rows_and_subclasses_inherit_their_kind():
    assert {row[1] for row in KIND_ROWS} == set(stats.DETAILED_KINDS)

    class MyConv(L.Conv2D):
        pass

    assert stats.layer_kind(MyConv(2, 3), detailed=True) == "conv"
    with pytest.raises(TypeError, match="`detailed`"):
        stats.layer_kind(L.ReLU(), detailed="yes")


def test_prelu_weights_count_as_other_in_the_parameter_table():
    model = keras.Sequential([keras.Input((4, 4, 1)), L.Conv2D(2, 3), L.PReLU()])
    kinds = stats.parameters_by_kind(model)
    assert kinds["other"] == {"layers": 1, "trainable": 8, "non_trainable": 0}
    assert kinds["conv"]["trainable"] == 20
