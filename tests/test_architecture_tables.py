"""VGG's Table 1 built from the builder, and the arithmetic of stacked 3x3 filters."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnkit.architecture_tables import receptive_field, stack_comparison, vgg_column, vgg_table

# Simonyan & Zisserman (ICLR 2015), Table 1, transcribed from the paper (not from CONFIGS):
# the convolutional layers of each block, per configuration.
PAPER_TABLE_1 = {
    "A": [["conv3-64"], ["conv3-128"], ["conv3-256"] * 2, ["conv3-512"] * 2, ["conv3-512"] * 2],
    "A-LRN": [["conv3-64", "LRN"], ["conv3-128"], ["conv3-256"] * 2, ["conv3-512"] * 2,
              ["conv3-512"] * 2],
    "B": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 2, ["conv3-512"] * 2,
          ["conv3-512"] * 2],
    "C": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256", "conv3-256", "conv1-256"],
          ["conv3-512", "conv3-512", "conv1-512"], ["conv3-512", "conv3-512", "conv1-512"]],
    "D": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 3, ["conv3-512"] * 3,
          ["conv3-512"] * 3],
    "E": [["conv3-64"] * 2, ["conv3-128"] * 2, ["conv3-256"] * 4, ["conv3-512"] * 4,
          ["conv3-512"] * 4],
}
WEIGHT_LAYERS = {"A": 11, "A-LRN": 11, "B": 13, "C": 16, "D": 16, "E": 19}  # the table's header


@pytest.fixture(scope="module")
def table():
    return vgg_table(input_shape=(32, 32, 3))


def test_headers_are_spanish_with_the_papers_weight_layers(table):
    assert list(table.columns) == [f"{c}: {n} capas con pesos" for c, n in WEIGHT_LAYERS.items()]
    assert table.index.name == "capa"


def test_every_column_is_the_papers_table_1(table):
    for column, config in zip(table.columns, PAPER_TABLE_1, strict=True):
        cells = table[column]
        assert cells.iloc[0] == "entrada (32x32, RGB)"
        for b, expected in enumerate(PAPER_TABLE_1[config], 1):
            got = [c for c in cells[cells.index == f"bloque {b}"] if c]
            assert got == expected, (config, b)
        assert list(cells[cells.index == "maxpool"]) == ["maxpool"] * 5
        assert list(cells[cells.index == "densas"]) == ["FC-4096", "FC-4096", "FC-1000",
                                                         "soft-max"]


def test_rows_are_aligned_as_in_the_paper(table):
    # block 3 has 4 rows (E); C's 1x1 sits in the third row, with D's and E's third 3x3
    third = table[table.index == "bloque 3"].iloc[2].tolist()
    assert third == ["", "", "", "conv1-256", "conv3-256", "conv3-256"]
    lrn_row = table[table.index == "bloque 1"].iloc[1].tolist()
    assert lrn_row == ["", "LRN", "conv3-64", "conv3-64", "conv3-64", "conv3-64"]
    assert len(table) == 1 + (2 + 2 + 4 + 4 + 4) + 5 + 4


def test_the_paper_input_by_default_and_a_single_channel_input():
    assert vgg_table(("A",), input_shape=(224, 224, 3)).iloc[0, 0] == "entrada (224x224, RGB)"
    assert vgg_table(("A",), input_shape=(32, 32, 1)).iloc[0, 0] == "entrada (32x32, 1 canales)"


def test_vgg_column_reads_the_layers_not_the_configs():
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(5, 7),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    assert vgg_column(model) == [["conv7-5", "maxpool"], ["FC-3"]]


def test_unknown_configuration():
    with pytest.raises(ValueError, match="config"):
        vgg_table(("F",), input_shape=(32, 32, 3))


def _measured_field(kernels, strides):
    """The receptive field measured: which input pixels move the centre output pixel."""
    import tensorflow as tf

    size = 2 * receptive_field(kernels, strides) + 9
    layers = [keras.layers.Conv2D(1, k, strides=s, kernel_initializer="ones", use_bias=False)
              for k, s in zip(kernels, strides, strict=True)]
    x = tf.Variable(np.zeros((1, size, size, 1), "float32"))
    with tf.GradientTape() as tape:
        y = x
        for layer in layers:
            y = layer(y)
        centre = y[0, y.shape[1] // 2, y.shape[2] // 2, 0]
    grad = tape.gradient(centre, x).numpy()[0, :, :, 0]
    rows = np.flatnonzero(grad.any(axis=1))
    return int(rows[-1] - rows[0] + 1)


@pytest.mark.parametrize("kernels, strides", [([3, 3], [1, 1]), ([3, 3, 3], [1, 1, 1]),
                                              ([5], [1]), ([3, 3, 3], [1, 2, 1]),
                                              ([7, 3, 3], [2, 2, 1]), ([11, 5, 3], [4, 1, 1])])
def test_receptive_field_matches_the_gradient_of_a_real_stack(kernels, strides):
    assert receptive_field(kernels, strides) == _measured_field(kernels, strides)


def test_section_2_3_of_the_paper():
    three, two = stack_comparison(3, 10), stack_comparison(2, 10)
    assert (three["receptive_field"], three["single_kernel"]) == (7, 7)
    assert (three["stack_weights"], three["single_weights"]) == (27 * 100, 49 * 100)
    assert round(three["single_weights"] / three["stack_weights"] - 1, 2) == 0.81  # "81% more"
    assert (two["receptive_field"], two["stack_weights"], two["single_weights"]) == (5, 1800, 2500)
    assert stack_comparison(1, 10)["saving"] == 0.0


@pytest.mark.parametrize("call, error, match", [
    (lambda: receptive_field([3, 3], [1]), ValueError, "one value per kernel"),
    (lambda: receptive_field([3, 0]), ValueError, "kernels\\[1\\]"),
    (lambda: receptive_field([3], [1.5]), TypeError, "strides\\[0\\]"),
    (lambda: stack_comparison(0, 64), ValueError, "layers"),
    (lambda: stack_comparison(2, "64"), TypeError, "channels"),
])
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
