"""Families experiment: the bookkeeping (budget met at the nearest batch end, rows complete), not
accuracies."""

from __future__ import annotations

import math
import time

import keras
import numpy as np
import pytest
from scipy import stats as sps
from shapeless import shapeless

from cnnkit import stats
from cnnkit.experiments import families, steps

X = (np.random.default_rng(0).random((256, 28, 28)) * 255).astype("uint8")
Y = np.arange(256) % 10




def _tiny():
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3),
                             keras.layers.BatchNormalization(), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])


class _FakeClockModel:
    """A "model" whose every step advances a fake clock by the next of ``durations`` seconds."""

    def __init__(self, durations):
        self.now, self.durations = 0.0, list(durations)

    def train_on_batch(self, x, y):
        self.now += self.durations.pop(0)

    def clock(self):
        return self.now


@pytest.mark.parametrize(("first", "step", "budget", "expected_end"), [
    (3.0, 1.7, 15.0, 14.9),   # 14.9 + 1.7 would end 1.6 past 15: stop 0.1 before it
    (3.0, 1.4, 15.0, 15.6),   # at 14.2 (0.8 short) the next step ends 0.6 past: take it
    (8.0, 1.2, 15.0, 15.2),   # the slow first step is not in the median (the mean: 14.0)
    (0.5, 0.5, 10.0, 10.0),   # whole steps reach the budget exactly
])
def test_time_budget_stops_at_the_step_end_nearest_to_it(first, step, budget, expected_end):
    model = _FakeClockModel([first] + [step] * 100)
    x = np.zeros((64, 1), "float32")
    ends = steps.train_steps(model, x, np.zeros(64, int), seed=0, batch_size=8,
                             seconds=budget, clock=model.clock)
    assert ends[-1] == pytest.approx(expected_end)
    # the nearest end of all those the run could have had
    possible = first + step * np.arange(100)
    assert abs(ends[-1] - budget) == pytest.approx(np.abs(possible - budget).min())


def test_the_former_rule_would_have_overshot_by_a_whole_step():
    # "stop at the first step end past the budget" ends at 16.6 here (1.6 s, 10.7 % past 15 s)
    model = _FakeClockModel([3.0] + [1.7] * 100)
    ends = steps.train_steps(model, np.zeros((64, 1), "float32"), np.zeros(64, int), seed=0,
                             batch_size=8, seconds=15.0, clock=model.clock)
    assert ends[-1] < 15.0 and 15.0 - ends[-1] < 1.7 / 2


def test_a_time_budget_shorter_than_one_step_still_takes_one():
    model = _FakeClockModel([2.0] * 5)
    ends = steps.train_steps(model, np.zeros((8, 1), "float32"), np.zeros(8, int), seed=0,
                             batch_size=4, seconds=0.5, clock=model.clock)
    assert ends == [2.0]


def test_time_budget_with_the_real_clock_stops_when_the_next_step_is_not_nearer():
    model = _tiny()
    model.compile("adam", "sparse_categorical_crossentropy")
    x = steps.as_images(X)
    steps.trace(model, x, Y, batch_size=16)
    ends = steps.train_steps(model, x, Y, seed=0, batch_size=16, seconds=0.5,
                             on_step=lambda step: time.sleep(0.04))  # not counted
    assert len(ends) >= 3 and ends == sorted(ends)
    median = lambda e: float(np.median(np.diff(e, prepend=0.0)))  # noqa: E731
    assert ends[-1] + median(ends) / 2 >= 0.5  # stopping was nearer
    assert ends[-2] + median(ends[:-1]) / 2 < 0.5  # the step before, going on was nearer


class _CountTraces(keras.layers.Layer):
    """The identity; its Python ``call`` runs once per trace of a graph, not once per step."""

    calls = 0

    def call(self, x):
        _CountTraces.calls += 1
        return x


def test_no_step_traces_the_graph_again():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3),
                              keras.layers.BatchNormalization(), keras.layers.Flatten(),
                              _CountTraces(), keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    x = steps.as_images(X)
    steps.trace(model, x, Y, batch_size=32)
    traced = _CountTraces.calls
    assert traced >= 2  # the training step and the prediction were traced
    steps.train_steps(model, x, Y, seed=1, batch_size=32, steps=20)  # crosses two epochs
    steps.predict_labels(model, x[:37], chunk=500)
    assert _CountTraces.calls == traced


def test_batches_are_full_and_cover_each_pass():
    batches = steps.batch_indices(10, 4, seed=0)
    first = [next(batches) for _ in range(5)]  # 20 indices: two passes
    assert all(len(b) == 4 for b in first)
    flat = np.concatenate(first)
    assert sorted(flat[:10]) == list(range(10)) and sorted(flat[10:]) == list(range(10))


@pytest.fixture(scope="module")
def rows():
    return families.run(X, Y, X[:64], Y[:64], families={"mini": _tiny}, seeds=(0, 1),
                        seconds=1.0, epochs=0.5, batch_size=32)


def test_rows_are_complete(rows):
    keys = {"family", "budget", "budget_value", "seed", "steps", "epochs", "seconds",
            "last_step_seconds", "first_step_seconds", "median_step_seconds",
            "overshoot_seconds", "trace_seconds", "accuracy",
            "accuracy_moving", "parameters", "mult_adds"}
    assert [(r["seed"], r["budget"]) for r in rows] == [
        (0, "time"), (0, "epochs"), (1, "time"), (1, "epochs")]
    model = _tiny()
    for r in rows:
        assert set(r) == keys
        assert 0 <= r["accuracy"] <= 1 and 0 <= r["accuracy_moving"] <= 1
        assert (r["parameters"], r["mult_adds"]) == (model.count_params(), stats.mult_adds(model))
        assert math.isclose(r["epochs"], r["steps"] * 32 / len(X))


def test_time_rows_end_within_half_a_step_before_or_one_step_after_the_budget(rows):
    for r in (r for r in rows if r["budget"] == "time"):
        assert r["budget_value"] == 1.0
        assert r["overshoot_seconds"] == pytest.approx(r["seconds"] - 1.0)
        assert -r["median_step_seconds"] / 2 <= r["overshoot_seconds"] <= r["last_step_seconds"]
        assert 0 < r["first_step_seconds"] and 0 < r["median_step_seconds"] <= r["seconds"]


def test_epoch_rows_train_whole_batches(rows):
    for r in (r for r in rows if r["budget"] == "epochs"):
        assert r["steps"] == round(0.5 * len(X) / 32) and r["overshoot_seconds"] is None


@pytest.fixture(scope="module")
def family():
    """One traced family for the tests below: each of them starts by resetting it."""
    return families.Family(_tiny, X, Y, batch_size=32)


def test_reset_gives_the_weights_of_a_fresh_build_and_a_new_optimiser(family):
    assert family.model.train_function is not None and family.trace_seconds > 0  # traced
    # move weights, BN statistics and optimiser (train_on_batch: the graph traced above)
    steps.train_steps(family.model, steps.as_images(X), Y, seed=0, batch_size=32, steps=8)
    assert int(family.model.optimizer.iterations.numpy()) >= 8  # the optimiser moved
    family.reset(3)
    keras.utils.set_random_seed(3)
    for a, b in zip(_tiny().get_weights(), family.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert int(family.model.optimizer.iterations.numpy()) == 0
    assert all(not np.any(v.numpy()) for v in family.model.optimizer.variables
               if "momentum" in v.path or "velocity" in v.path)


def test_a_run_on_a_reused_family_equals_a_run_on_a_new_one():
    rows = families.run(X, Y, X[:64], Y[:64], families={"mini": _tiny}, seeds=(1, 0),
                        budgets=("epochs",), epochs=0.5, batch_size=32)
    alone = families.train_one(_tiny, X, Y, X[:64], Y[:64], seed=0, budget="epochs",
                               epochs=0.5, batch_size=32)
    assert rows[1]["accuracy"] == alone["accuracy"] and rows[1]["steps"] == alone["steps"]


def test_accuracy_is_measured_with_recomputed_batch_norm_statistics(family):
    row = families.train_one(family, X, Y, X[:64], Y[:64], seed=0, budget="epochs",
                             epochs=0.25, batch_size=32, bn_batches=3)
    model, x = family.model, steps.as_images(X)
    correct = lambda: float(np.mean(steps.predict_labels(model, x[:64]) == Y[:64]))  # noqa: E731
    assert row["accuracy_moving"] == correct()  # the trained model is left as trained
    with steps.batch_norm_recomputed(model, x, batches=3, batch_size=32, seed=0):
        assert row["accuracy"] == correct()
    plain = families.train_one(family, X, Y, X[:64], Y[:64], seed=0, budget="epochs",
                               epochs=0.25, batch_size=32, bn_batches=0)
    assert plain["accuracy"] == plain["accuracy_moving"] == row["accuracy_moving"]


def test_summary_mean_std_and_t_interval():
    rows = [{"budget": "time", "family": f, "seed": s, "accuracy": a, "seconds": 45 + s / 10,
             "steps": 100 + s, "overshoot_seconds": s / 10, "parameters": 7, "mult_adds": 9}
            for f, accs in (("A", [0.8, 0.83, 0.85]), ("B", [0.7])) for s, a in enumerate(accs)]
    table = families.summarize(rows)
    a = table.loc[("time", "A")]
    low, high = sps.t.interval(0.95, 2, loc=np.mean([0.8, 0.83, 0.85]),
                               scale=sps.sem([0.8, 0.83, 0.85]))
    assert (a["seeds"], a["accuracy_low"], a["accuracy_high"]) == (3, pytest.approx(low),
                                                                  pytest.approx(high))
    assert a["accuracy_std"] == pytest.approx(np.std([0.8, 0.83, 0.85], ddof=1))
    assert a["overshoot_max"] == pytest.approx(0.2) and a["steps_mean"] == 101
    assert math.isnan(table.loc[("time", "B"), "accuracy_low"])


def test_the_families_are_notebook_06s_small_members():
    assert list(families.FAMILIES) == ["AlexNet", "VGG (A)", "GoogLeNet", "ResNet-20", "DenseNet"]
    for name, build in families.FAMILIES.items():
        model = shapeless(build)  # shapes only: no weights drawn
        assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 10), name
        keras.backend.clear_session()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"budget": "pasos"}, ValueError, "budget"),
    ({"budget": "time", "seconds": 0}, ValueError, "seconds"),
    ({"budget": "time", "seconds": "45"}, TypeError, "seconds"),
    ({"budget": "epochs", "epochs": -1}, ValueError, "epochs"),
    ({"budget": "epochs", "epochs": 1, "batch_size": 0}, ValueError, "batch_size"),
    ({"budget": "epochs", "epochs": 1, "seed": -1}, ValueError, "seed"),
    ({"budget": "epochs", "epochs": 1, "bn_batches": -1}, ValueError, "bn_batches"),
])
def test_bad_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        families.train_one(_tiny, X, Y, X, Y, **{"seed": 0, **kwargs})
