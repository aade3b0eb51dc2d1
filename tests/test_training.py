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
