"""cnnkit.training: fit with wall time, time budget and early stopping."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnnkit import training


def _model() -> keras.Model:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def _xy(n: int = 32) -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(n, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")


def test_fit_measures_wall_time_and_epochs():
    x, y = _xy()
    history = training.fit(_model(), x, y=y, epochs=3, batch_size=8)
    assert history.epochs_run == 3 and len(history.history["loss"]) == 3
    assert history.wall_time > 0
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_time_budget_stops_after_the_epoch_it_runs_out(monkeypatch):
    clock = iter([0.0, 4.0, 9.0, 12.0])  # train begins, then three epoch ends
    monkeypatch.setattr(training.time, "perf_counter", lambda: next(clock))
    budget = training.TimeBudget(10)
    budget.set_model(_model())
    budget.on_train_begin()
    budget.on_epoch_end(0)
    budget.on_epoch_end(1)
    assert not budget.model.stop_training
    budget.on_epoch_end(2)
    assert budget.model.stop_training and budget.stopped_early


def test_time_budget_inside_fit():
    x, y = _xy()
    short = training.fit(_model(), x, y=y, epochs=5, time_budget=1e-9, batch_size=8)
    long = training.fit(_model(), x, y=y, epochs=5, time_budget=3600, batch_size=8)
    assert (short.epochs_run, long.epochs_run) == (1, 5)


def test_patience_restores_best_weights_and_stops():
    x, y = _xy()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1.5), loss="mse")  # diverges
    history = training.fit(model, x, y=y, epochs=30, validation_data=(x, y), patience=2)
    assert history.epochs_run < 30
    best = min(history.history["val_loss"])
    assert model.evaluate(x, y, verbose=0) == pytest.approx(best, rel=1e-4)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epochs": 0}, "`epochs` must be an int >= 1"),
        ({"epochs": 2, "patience": 0}, "`patience` must be an int >= 1"),
        ({"epochs": 2, "patience": 2}, "pass validation_data"),
        ({"epochs": 2, "time_budget": -1}, "`time_budget` must be a number"),
        ({"epochs": 2, "time_budget": 0}, "`time_budget` must be a number > 0"),
    ],
)
def test_bad_arguments(kwargs, match):
    x, y = _xy()
    with pytest.raises(ValueError, match=match):
        training.fit(_model(), x, y=y, **kwargs)


def test_model_must_be_keras():
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        training.fit(object(), None, epochs=1)


def test_fit_on_a_dataset_prints_no_keras_shuffle_warning():
    import warnings

    import numpy as np
    import tensorflow as tf

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    data = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2)), np.zeros(4))).batch(2)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        training.fit(model, data, epochs=1)
    assert not [str(w.message) for w in seen if "shuffle" in str(w.message)]


def _small_net(seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3), keras.layers.BatchNormalization(),
        keras.layers.Flatten(), keras.layers.Dropout(0.5), keras.layers.Dense(3)])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_fit_builds_the_optimizer_before_training_and_trains_as_keras_does():
    # the optimiser's variables exist before the first (traced) step, so TensorFlow does
    # not trace the step twice; the weights are those of a plain model.fit, bit for bit
    class OptimizerBuilt(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.built = self.model.optimizer.built

    x = np.random.default_rng(0).random((16, 4, 4, 1)).astype("float32")
    y = np.arange(16) % 3
    plain, ours = _small_net(0), _small_net(0)
    seen_plain, seen_ours = OptimizerBuilt(), OptimizerBuilt()
    keras.utils.set_random_seed(1)
    plain.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False, callbacks=[seen_plain])
    keras.utils.set_random_seed(1)
    training.fit(ours, x, y=y, epochs=2, batch_size=8, shuffle=False, callbacks=[seen_ours])
    assert not seen_plain.built and seen_ours.built
    assert all(np.array_equal(a, b) for a, b in zip(plain.get_weights(), ours.get_weights(),
                                                    strict=True))


def test_fit_leaves_an_unbuilt_model_to_keras():
    model = keras.Sequential([keras.layers.Dense(1)])  # no Input: built by its first batch
    model.compile(optimizer="sgd", loss="mse")
    x, y = _xy(8)
    history = training.fit(model, x, y=y, epochs=1, batch_size=4)
    assert history.epochs_run == 1 and len(model.optimizer.variables) > 1
