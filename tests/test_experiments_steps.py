"""Batch-norm statistics recomputed for a measurement ("precise BN"), and restored after it."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnkit.experiments import degradation, steps


def _bn_model():
    """x -> BN -> Dense: class 0 when the normalised x is positive, 1 otherwise; moving mean 10."""
    model = keras.Sequential([keras.Input((1, 1, 1)), keras.layers.BatchNormalization(),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    model.layers[0].set_weights([np.ones(1), np.zeros(1), np.full(1, 10.0), np.ones(1)])
    model.layers[2].set_weights([np.array([[1.0, -1.0]]), np.zeros(2)])
    return model


X4 = np.array([0.2, 0.9, 0.1, 0.8], "float32").reshape(4, 1, 1, 1)
Y4 = np.array([1, 0, 1, 0])


def test_stale_moving_statistics_and_recomputed_ones_give_different_errors():
    model = _bn_model()
    assert degradation.error_rate(model, X4, Y4) == 0.5  # x - 10 < 0: class 1 everywhere
    with steps.batch_norm_recomputed(model, X4, batches=1, batch_size=4):
        assert degradation.error_rate(model, X4, Y4) == 0.0  # x - 0.5: all four right
    assert degradation.error_rate(model, X4, Y4) == 0.5  # the moving mean is 10 again
    np.testing.assert_array_equal(model.layers[0].moving_mean.numpy(), [10.0])


def test_recomputed_statistics_are_the_mean_of_the_batch_statistics():
    model = _bn_model()
    bn = model.layers[0]
    x = np.array([0.0, 1.0, 2.0, 3.0, 10.0, 20.0, 30.0, 40.0], "float32").reshape(8, 1, 1, 1)
    assert steps.recompute_batch_norm(model, x, batches=2, batch_size=4, seed=5) == 1
    order = np.random.default_rng(5).permutation(8)
    parts = [x[np.sort(order[:4])].ravel(), x[np.sort(order[4:])].ravel()]
    assert bn.moving_mean.numpy()[0] == pytest.approx(np.mean([p.mean() for p in parts]))
    assert bn.moving_variance.numpy()[0] == pytest.approx(np.mean([p.var() for p in parts]))
    assert bn.momentum == 0.99  # put back
    assert steps.recompute_batch_norm(model, x[:3], batches=4, batch_size=2) == 1  # x short


def test_nested_layers_are_recomputed_and_frozen_ones_left_alone():
    inner = keras.Sequential([keras.Input((1, 1, 1)), keras.layers.BatchNormalization()])
    frozen = keras.layers.BatchNormalization(trainable=False)
    model = keras.Sequential([keras.Input((1, 1, 1)), inner, frozen])
    x = np.full((4, 1, 1, 1), 7.0, "float32")
    assert steps.recompute_batch_norm(model, x, batches=1, batch_size=4) == 1
    assert float(inner.layers[0].moving_mean.numpy()[0]) == pytest.approx(7.0)
    assert float(frozen.moving_mean.numpy()[0]) == 0.0
    assert steps.recompute_batch_norm(keras.Sequential([keras.Input((2,)),
                                                        keras.layers.Dense(1)]), x) == 0


def _dropout_bn_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3),
                              keras.layers.BatchNormalization(momentum=0.5),
                              keras.layers.Dropout(0.5), keras.layers.Flatten(),
                              keras.layers.Dense(3)])
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    return model


def test_measuring_inside_the_block_does_not_change_the_training():
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 6, 6, 1)).astype("float32"), np.arange(40) % 3

    def trained(measure: bool) -> list[np.ndarray]:
        model = _dropout_bn_model()

        def on_step(step: int) -> None:
            if measure:
                with steps.batch_norm_recomputed(model, x, batches=3, batch_size=8):
                    steps.predict_labels(model, x)

        steps.train_steps(model, x, y, seed=0, batch_size=8, steps=6, on_step=on_step)
        return [v.numpy() for v in model.variables]

    for a, b in zip(trained(False), trained(True), strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_images_means_the_moving_statistics_as_trained():
    model = _bn_model()
    with steps.batch_norm_recomputed(model, None):
        assert degradation.error_rate(model, X4, Y4) == 0.5


@pytest.mark.parametrize("kwargs, match", [({"batches": 0}, "batches"),
                                           ({"batch_size": 0}, "batch_size")])
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        steps.recompute_batch_norm(_bn_model(), X4, **kwargs)
