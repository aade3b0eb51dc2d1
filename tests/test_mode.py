"""cnnkit.quick / cnnkit.is_quick / cnnkit.setup."""

from __future__ import annotations

import pytest

import cnnkit
from cnnkit._setup import KERAS_SHUFFLE_MESSAGE


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_quick_on(monkeypatch, value):
    monkeypatch.setenv("CNNKIT_QUICK", value)
    assert cnnkit.is_quick() is True
    assert cnnkit.quick(full=20, short=1) == 1


@pytest.mark.parametrize("value", [None, "", "0", "false", "No", "off"])
def test_quick_off(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CNNKIT_QUICK", raising=False)
    else:
        monkeypatch.setenv("CNNKIT_QUICK", value)
    assert cnnkit.is_quick() is False
    assert cnnkit.quick(full=20, short=1) == 20


def test_quick_typo_is_an_error(monkeypatch):
    monkeypatch.setenv("CNNKIT_QUICK", "yse")
    with pytest.raises(ValueError, match="CNNKIT_QUICK='yse' is not understood"):
        cnnkit.is_quick()


def test_setup_seeds_and_prints_versions(capsys, monkeypatch):
    import numpy as np

    monkeypatch.setenv("CNNKIT_QUICK", "1")
    cnnkit.setup(seed=3)
    first = np.random.rand()
    cnnkit.setup(seed=3, verbose=False)
    assert np.random.rand() == first
    out = capsys.readouterr().out
    assert "cnnkit 0.1.0" in out and "Keras 3." in out and "modo corto" in out


def test_setup_rejects_bad_seed():
    with pytest.raises(TypeError, match="`seed` must be an int >= 0"):
        cnnkit.setup(seed="0")


def test_lazy_submodules():
    assert cnnkit.data.__name__ == "cnnkit.data"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        cnnkit.nope  # noqa: B018


def test_setup_hides_only_kerass_shuffle_notice_on_datasets():
    import warnings

    import keras
    import numpy as np
    import tensorflow as tf

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    data = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2)), np.zeros(4))).batch(2)
    with warnings.catch_warnings(record=True) as seen:  # restores the filters after
        warnings.simplefilter("always")
        model.fit(data, verbose=0)  # the premise: Keras warns although nothing was passed
        assert any("`shuffle=True` was passed" in str(w.message) for w in seen)
        cnnkit.setup(seed=0, verbose=False)
        seen.clear()
        model.fit(data, verbose=0)
        warnings.warn("any other warning", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["any other warning"]


def test_setup_changes_only_what_its_docstring_lists(monkeypatch):
    import logging
    import os
    import warnings

    import keras  # noqa: F401 - imported first: importing TensorFlow adds its own filters
    import matplotlib
    import tensorflow  # noqa: F401
    from absl import logging as absl_logging  # noqa: F401

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    for name in ("tensorflow", "absl"):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.WARNING)
    environ, filters = dict(os.environ), list(warnings.filters)
    rc = dict(matplotlib.rcParams)
    try:
        cnnkit.setup(seed=1, verbose=False, language="es")
        assert dict(os.environ) == environ  # no TF_CPP_MIN_LOG_LEVEL, nothing else
        added = [f for f in warnings.filters if f not in filters]
        assert len(warnings.filters) == len(filters) + 1 and len(added) == 1  # one filter:
        assert added[0][0] == "ignore" and added[0][2] is UserWarning  # Keras's shuffle notice
        assert added[0][1].pattern == KERAS_SHUFFLE_MESSAGE and added[0][3] is None
        assert dict(matplotlib.rcParams) == rc  # outside IPython matplotlib is not touched
        assert rc["figure.max_open_warning"] > 0
        assert cnnkit.language() == "es"
        for name in ("tensorflow", "absl"):  # the documented change
            assert logging.getLogger(name).level == logging.ERROR
    finally:
        cnnkit.set_language("en")
