"""cnnkit.stats where the older tests left it open (mutation testing, target ``stats``).

The older tests named the argument of each error but not what was wrong with it: a message
that says "got NoneType" for a string, or that loses the value it was given, passed them.
Written against the public API only.
"""

from __future__ import annotations

import keras
import pytest

from cnnkit import stats

MODEL_FUNCTIONS = [stats.trainable_counts, stats.model_depth, stats.parameters_by_kind,
                   stats.weight_layers, stats.dense_share, stats.mult_adds, stats.layer_table,
                   stats.summary_row]  # fmt: skip


@pytest.mark.parametrize("function", MODEL_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("value", "shown"), [("vgg16", "str"), (None, "NoneType"),
                                               (keras.layers.Dense(2), "Dense")])  # fmt: skip
def test_every_function_says_what_it_got_instead_of_a_model(function, value, shown):
    with pytest.raises(TypeError) as info:
        function(value)
    assert str(info.value) == f"`model` must be a keras.Model, got {shown}"


def test_layer_kind_says_what_it_got_instead_of_a_layer():
    with pytest.raises(TypeError) as info:
        stats.layer_kind("conv")
    assert str(info.value) == "`layer` must be a keras layer, got str: 'conv'"
    with pytest.raises(TypeError) as info:
        stats.layer_kind(keras.layers.ReLU(), detailed="yes")
    assert str(info.value) == "`detailed` must be True or False, got str: 'yes'."


def test_layer_table_checks_with_mult_adds_by_name():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(TypeError) as info:
        stats.layer_table(model, with_mult_adds=1)
    assert str(info.value) == "`with_mult_adds` must be True or False, got int: 1."
    assert "mult_adds" not in stats.layer_table(model)[0]


def _frozen_dense_and_batch_norm() -> keras.Model:
    frozen = keras.layers.Dense(3, name="frozen")
    frozen.trainable = False
    return keras.Sequential([keras.Input((4,)), frozen, keras.layers.BatchNormalization(),
                             keras.layers.Dense(2)], name="mixed")  # fmt: skip


def test_non_trainable_parameters_count_in_totals_and_dense_share():
    model = _frozen_dense_and_batch_norm()  # dense 15 (frozen) + 8; batch norm 6 + 6 moving
    assert stats.trainable_counts(model) == {"trainable": 14, "non_trainable": 21}
    row = stats.summary_row(model)
    assert (row["parameters"], row["trainable"], row["non_trainable"]) == (35, 14, 21)
    assert row["parameters"] == model.count_params()
    assert stats.dense_share(model) == pytest.approx((15 + 8) / 35)
    assert row["dense_share"] == stats.dense_share(model)
