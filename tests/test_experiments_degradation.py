"""Degradation and gradient experiments: bookkeeping and the measurements, on tiny cases."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnnkit.experiments import degradation, gradients, steps
from cnnkit.models import resnet

X = (np.random.default_rng(1).random((96, 28, 28)) * 255).astype("uint8")
Y = np.arange(96) % 10


def _bn_model():
    """x -> BN -> Dense: class 0 when the normalised x is positive, 1 otherwise."""
    model = keras.Sequential([keras.Input((1, 1, 1)), keras.layers.BatchNormalization(),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    bn, dense = model.layers[0], model.layers[2]
    bn.set_weights([np.ones(1), np.zeros(1), np.full(1, 10.0), np.ones(1)])  # moving mean 10
    dense.set_weights([np.array([[1.0, -1.0]]), np.zeros(2)])
    return model


def test_error_rate_is_measured_in_inference_mode():
    x = np.array([0.2, 0.9, 0.1, 0.8], "float32").reshape(4, 1, 1, 1)
    y = np.array([1, 0, 1, 0])
    model = _bn_model()
    # inference: x - 10 < 0 for all, so class 1 everywhere: 2 of 4 wrong
    assert degradation.error_rate(model, x, y) == 0.5
    # train mode (batch statistics) would classify all four right: a different number
    train_mode = model(x, training=True).numpy().argmax(axis=1)
    assert np.mean(train_mode != y) == 0.0


def test_probe_measures_at_start_every_k_steps_and_at_the_end():
    network = degradation.Network((28, 28, 1), 10, depth=8, plain=False, width=2,
                                  total_steps=7)
    rows = network.train(X, Y, seed=0, probe=np.arange(40), probes=3, batch_size=16)
    assert [r["step"] for r in rows] == [0, 2, 4, 6, 7]
    seconds = [r["seconds"] for r in rows]
    assert seconds[0] == 0.0 and seconds == sorted(seconds)
    x = steps.as_images(X)
    assert rows[-1]["train_error_moving"] == degradation.error_rate(network.model, x[:40],
                                                                    Y[:40])
    with steps.batch_norm_recomputed(network.model, x, batch_size=16):  # bn_batches=10
        assert rows[-1]["train_error"] == degradation.error_rate(network.model, x[:40], Y[:40])


@pytest.fixture(scope="module")
def plain_network():
    """One traced plain network of 4 steps for the tests below (each train() starts over:
    fresh weights and optimiser, as test_a_reused_network_equals_a_new_one shows)."""
    return degradation.Network((28, 28, 1), 10, depth=8, plain=True, width=2, total_steps=4)


def test_the_error_is_measured_with_recomputed_batch_norm_statistics(plain_network,
                                                                      monkeypatch):
    """A network whose moving statistics are off (mean 10) is measured with its own."""
    network = plain_network
    build = network.build

    def shifted():  # every moving mean 10: after ReLU nothing is left, one class for all
        model = build()
        for layer in model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.moving_mean.assign(np.full(layer.moving_mean.shape, 10.0))
        return model

    monkeypatch.setattr(network, "build", shifted)  # this test only
    x = steps.as_images(X) * np.linspace(0.1, 1.0, len(X))[:, None, None, None]  # varied
    keras.utils.set_random_seed(0)
    model = network.model  # traced already; given the weights train(seed=0) starts from
    model.set_weights(shifted().get_weights())
    stale = steps.predict_labels(model, x[:40], chunk=40)
    with steps.batch_norm_recomputed(model, x, batch_size=16):
        y = steps.predict_labels(model, x, chunk=40)  # labels the recomputed statistics get right
    assert (stale != y[:40]).any()  # the case is one where it matters
    rows = network.train(x, y, seed=0, probe=np.arange(40), probes=1, batch_size=16)
    assert rows[0]["train_error"] == 0.0
    assert rows[0]["train_error_moving"] == float(np.mean(stale != y[:40])) > 0
    again = network.train(x, y, seed=0, probe=np.arange(40), probes=1, batch_size=16,
                          bn_batches=0)
    assert [r["train_error"] for r in again] == [r["train_error_moving"] for r in again]
    assert [r["train_error_moving"] for r in again] == [r["train_error_moving"] for r in rows]


def test_a_reused_network_equals_a_new_one(plain_network):
    network = plain_network  # may have trained already (another test); trains seed 1 here
    network.train(X, Y, seed=1, probe=np.arange(20), probes=2, batch_size=16)
    again = network.train(X, Y, seed=0, probe=np.arange(20), probes=2, batch_size=16)
    alone = degradation.train_network(X, Y, depth=8, plain=True, seed=0, epochs=4 * 16 / 96,
                                      width=2, probe=np.arange(20), probes=2, batch_size=16)
    assert [r["train_error"] for r in again] == [r["train_error"] for r in alone]


def test_train_subset_is_fixed_and_sorted():
    a = degradation.train_subset(60_000, 5000)
    assert len(set(a)) == 5000 and (a == np.sort(a)).all()
    assert (a == degradation.train_subset(60_000, 5000)).all()
    assert len(degradation.train_subset(100, None)) == 100


def test_train_network_rows():
    rows = degradation.train_network(X, Y, depth=8, plain=False, seed=0, epochs=1.0, width=2,
                                     probe=degradation.probe_subset(len(X), 32), probes=3,
                                     batch_size=16)
    assert [r["step"] for r in rows] == [0, 2, 4, 6]
    assert {tuple(sorted(r)) for r in rows} == {
        ("depth", "epoch", "network", "seconds", "seed", "step", "train_error",
         "train_error_moving")}
    assert rows[-1]["epoch"] == 1.0 and {r["network"] for r in rows} == {"residual"}
    assert all(0 <= r["train_error"] <= 1 for r in rows)


def test_weight_decay_is_an_l2_term_on_every_kernel():
    model = resnet((28, 28, 1), 10, depth=8, init_filters=2)
    assert degradation.add_weight_decay(model, 1e-4) == 7 + 1  # 7 convolutions, 1 dense
    kernels = [la.kernel for la in model.layers if hasattr(la, "kernel")]
    expected = sum(5e-5 * float(np.sum(k.numpy() ** 2)) for k in kernels)
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)


def test_schedule_falls_where_the_paper_does_for_64k_iterations():
    s = degradation.schedule(64_000)
    rates = [float(s(step)) for step in (0, 31_999, 32_000, 47_999, 48_000, 63_999)]
    assert rates == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_the_recipe_is_named():
    kept, changed = " ".join(degradation.RECIPE_KEPT), " ".join(degradation.RECIPE_CHANGED)
    for words in ("momentum 0.9", "1e-4", "128", "0.1", "32k", "48k", "batch normalisation"):
        assert words in kept
    for words in ("Fashion-MNIST", "augmentation", "64k", "inference mode", "recomputed"):
        assert words in changed


def test_probe_subset_is_fixed():
    a = degradation.probe_subset(60_000, 5000)
    assert len(set(a)) == 5000 and (a == degradation.probe_subset(60_000, 5000)).all()


def test_conv_gradients_are_per_weight_rms():
    keras.utils.set_random_seed(0)
    model = resnet((28, 28, 1), 10, depth=8, init_filters=2)
    x, y = X[:8], Y[:8]
    rows = gradients.conv_gradients(model, x, y)
    convs = [la for la in model.layers if isinstance(la, keras.layers.Conv2D)]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
            y, model(x[..., None].astype("float32") / 255, training=True)))
    grads = tape.gradient(loss, [c.kernel for c in convs])
    assert [r["layer"] for r in rows] == [c.name for c in convs]
    for r, g, c in zip(rows, grads, convs, strict=True):
        assert r["weights"] == g.numpy().size
        assert r["grad_rms"] == pytest.approx(float(np.sqrt(np.mean(g.numpy() ** 2))), rel=1e-5)
        w_rms = float(np.sqrt(np.mean(c.kernel.numpy() ** 2)))
        assert r["relative"] == pytest.approx(r["grad_rms"] / w_rms, rel=1e-6)


def test_gradient_run_pairs_plain_and_residual_with_the_same_weights():
    rows = gradients.run(X, Y, depth=8, width=2, seeds=(0, 1), batches=2, batch_size=16)
    assert len(rows) == 2 * 2 * 2 * 7
    for seed in (0, 1):
        plain = [r["weight_rms"] for r in rows if (r["seed"], r["network"]) == (seed, "plain")]
        resid = [r["weight_rms"] for r in rows if (r["seed"], r["network"]) == (seed, "residual")]
        assert plain == pytest.approx(resid)
    table = gradients.summarize(rows)
    assert len(table) == 2 * 7 and set(table["samples"]) == {4}
    assert (table["grad_rms_min"] <= table["grad_rms_median"]).all()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 1, "batch_size": 2.5}, TypeError, "batch_size"),
    ({"epochs": 1, "probes": 0}, ValueError, "probes"),
    ({"epochs": 1, "seed": "0"}, TypeError, "seed"),
    ({"epochs": 1, "bn_batches": -1}, ValueError, "bn_batches"),
])
def test_bad_inputs(kwargs, error, match):
    with pytest.raises(error, match=match):
        degradation.train_network(X, Y, depth=8, plain=True, probe=np.arange(4),
                                  **{"seed": 0, **kwargs})
