"""cnnkit.models.lenet5: LeNet-5 as the slides describe it (LeCun et al., 1998)."""

from __future__ import annotations

import doctest

import keras
import numpy as np
import pytest

from cnnkit.models import lenet, lenet5

PAPER_NAMES = ["C1", "S2", "C3", "S4", "flatten", "C5", "F6", "predictions"]


def _body(model: keras.Model) -> list[keras.layers.Layer]:
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def test_classic_matches_the_paper_table():
    model = lenet5()
    body = _body(model)
    assert [layer.name for layer in body] == PAPER_NAMES
    assert model.count_params() == 61_706
    shapes = [tuple(layer.output.shape[1:]) for layer in body]
    assert shapes == [
        (28, 28, 6),
        (14, 14, 6),
        (10, 10, 16),
        (5, 5, 16),
        (400,),
        (120,),
        (84,),
        (10,),
    ]
    params = [layer.count_params() for layer in body]
    assert params == [156, 0, 2416, 0, 0, 48120, 10164, 850]
    assert {body[i].get_config()["activation"] for i in (0, 2, 5, 6)} == {"tanh"}
    assert isinstance(body[1], keras.layers.AveragePooling2D)
    assert isinstance(body[3], keras.layers.AveragePooling2D)
    assert body[-1].get_config()["activation"] == "softmax"
    assert model.name == "lenet5_classic"


def test_modern_uses_relu_and_max_pooling_with_the_same_parameters():
    model = lenet5(variant="modern")
    body = _body(model)
    assert model.count_params() == 61_706
    assert {body[i].get_config()["activation"] for i in (0, 2, 5, 6)} == {"relu"}
    assert isinstance(body[1], keras.layers.MaxPooling2D)
    assert isinstance(body[3], keras.layers.MaxPooling2D)
    assert model.name == "lenet5_modern"


def test_28x28_inputs_are_padded_only_when_asked():
    model = lenet5(input_shape=(28, 28, 1), pad_to_32=True)
    first = _body(model)[0]
    assert isinstance(first, keras.layers.ZeroPadding2D) and first.name == "padding"
    assert tuple(first.output.shape[1:]) == (32, 32, 1)
    assert model.count_params() == 61_706
    with pytest.raises(ValueError, match="pad_to_32=True"):
        lenet5(input_shape=(28, 28, 1))
    with pytest.raises(ValueError, match="np.pad"):
        lenet5(input_shape=(28, 28, 1))
    with pytest.raises(ValueError, match="pads 28x28"):
        lenet5(pad_to_32=True)


def test_padding_layer_is_the_same_as_padding_the_images():
    rng = np.random.default_rng(0)
    images = rng.random((2, 28, 28, 1)).astype("float32")
    padded_model = lenet5(input_shape=(28, 28, 1), pad_to_32=True)
    plain_model = lenet5()
    plain_model.set_weights(padded_model.get_weights())
    padded_images = np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)))
    np.testing.assert_allclose(
        padded_model.predict(images, verbose=0),
        plain_model.predict(padded_images, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_output_is_a_probability_distribution_over_num_classes():
    model = lenet5(num_classes=5, variant="modern")
    probs = model.predict(np.zeros((3, 32, 32, 1), "float32"), verbose=0)
    assert probs.shape == (3, 5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert model.count_params() == 61_706 - 850 + 85 * 5


def test_colour_input_changes_only_c1():
    model = lenet5(input_shape=(32, 32, 3))
    assert model.get_layer("C1").count_params() == 6 * (5 * 5 * 3 + 1)
    assert model.count_params() == 61_706 + 300


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"variant": "relu"}, "`variant` must be one of"),
        ({"num_classes": 1}, "`num_classes` must be an int >= 2"),
        ({"input_shape": (32, 32)}, "3 positive ints"),
        ({"input_shape": (32, 32, 0)}, "3 positive ints"),
        ({"input_shape": (64, 64, 1)}, "expects 32x32 inputs"),
        ({"classifier_activation": "softmaxx"}, "`classifier_activation` must be"),
    ],
)
def test_bad_arguments_raise_before_building(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lenet5(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_classes": 10.0}, "`num_classes` must be an int >= 2"),
        ({"num_classes": True}, "`num_classes` must be an int >= 2"),
        ({"variant": None}, "`variant` must be one of"),
        ({"input_shape": "32x32"}, "`input_shape` must be a tuple of 3 positive ints"),
        ({"input_shape": (28, 28, 1), "pad_to_32": "yes"}, "`pad_to_32` must be True or False"),
        ({"classifier_activation": 1}, "`classifier_activation` must be"),
        ({"name": 5}, "`name` must be a non-empty str or None"),
    ],
)
def test_wrong_types_are_type_errors(kwargs, message):
    with pytest.raises(TypeError, match=message):
        lenet5(**kwargs)


def test_positional_input_shape_num_classes_and_logits():
    model = lenet5((32, 32, 3), 5, classifier_activation=None, name="mine")
    assert model.output_shape == (None, 5) and model.name == "mine"
    assert model.get_layer("predictions").activation is keras.activations.linear


def test_docstring_has_examples_for_doctest_modules():
    # The examples themselves run once, under pytest --doctest-modules (scripts/test.sh).
    examples = [e for t in doctest.DocTestFinder().find(lenet) for e in t.examples]
    assert len(examples) >= 3
