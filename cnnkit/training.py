"""Training helpers: ``keras.Model.fit`` with a wall-time measurement, a time budget and
early stopping, so notebooks report how long each model took without repeating code."""

from __future__ import annotations

import time
from typing import Any

import keras

from cnnkit._validate import check_int, check_number, type_name

__all__ = ["TimeBudget", "fit"]


class TimeBudget(keras.callbacks.Callback):
    """Stop training at the end of the epoch in which ``seconds`` of training have passed.

    Args:
        seconds: the budget, a positive number of seconds of wall time.

    Raises:
        TypeError: ``seconds`` is not a number.
        ValueError: ``seconds`` is not positive.

    Example:
        >>> budget = TimeBudget(60)  # at most about one minute (whole epochs)
    """

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = _check_seconds(seconds, "seconds")
        self.start = 0.0
        self.stopped_early = False

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.start = time.perf_counter()
        self.stopped_early = False

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if time.perf_counter() - self.start >= self.seconds:
            self.stopped_early = True
            self.model.stop_training = True


def fit(
    model: keras.Model,
    train: Any,
    *,
    epochs: int,
    validation_data: Any = None,
    time_budget: float | None = None,
    patience: int | None = None,
    verbose: int = 0,
    callbacks: list[keras.callbacks.Callback] | None = None,
    **fit_kwargs: Any,
) -> keras.callbacks.History:
    """Train a compiled model with ``model.fit`` and measure its wall time.

    Args:
        model: a compiled Keras model.
        train: the training data as ``model.fit`` takes it (a ``tf.data.Dataset`` from
            ``cnnkit.data.make_dataset``, or an array when ``y=`` is passed in ``fit_kwargs``).
        epochs: the maximum number of epochs.
        validation_data: passed to ``model.fit``; needed for ``patience``.
        time_budget: stop after the epoch in which this many seconds have passed
            (``None``: no budget).
        patience: stop when ``val_loss`` has not improved for this many epochs and
            restore the best weights (``None``: no early stopping).
        verbose: ``model.fit`` verbosity; 0 keeps notebook outputs clean.
        callbacks: more Keras callbacks.
        **fit_kwargs: anything else ``model.fit`` accepts (``y``, ``batch_size``...).

    TensorFlow 2.21 on CPU: its oneDNN kernels can corrupt the heap (the process dies with
    "Segmentation fault" or "double free") in gradients through a 1x1 ``Conv2D`` with
    stride 2 and few channels on an odd batch (seen with small models under a
    ``GradientTape`` and in a ``tf.function``; see ``cnnkit.viz.grad_cam_heatmap``).
    Training ``cnnkit.models.resnet((28, 28, 1), 10, depth=8, width=8)``, whose projection
    shortcuts are such convolutions, with batches of 1 and 3 images did not crash in our
    tests (graph and eager, with and without XLA). If a training process dies that way,
    make the last batch even (``len(x) % batch_size``) or start Python with
    ``TF_ENABLE_ONEDNN_OPTS=0`` (before TensorFlow is imported; about 1.5x slower).

    Returns:
        The ``keras.callbacks.History``, with two more attributes: ``wall_time``
        (seconds, float) and ``epochs_run`` (int).

    Raises:
        TypeError: ``model`` is not a ``keras.Model`` or a number has the wrong type.
        ValueError: ``epochs``, ``patience`` or ``time_budget`` is out of range, or
            ``patience`` without validation data.

    Example:
        >>> import numpy as np, keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> model.compile("adam", "mse")
        >>> h = fit(model, np.zeros((8, 4)), y=np.zeros((8, 2)), epochs=2)
        >>> h.epochs_run, h.wall_time > 0
        (2, True)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be a keras.Model, got {type_name(model)}. Build one with "
            "cnnkit.models and compile it first."
        )
    check_int(epochs, "epochs", minimum=1)
    if time_budget is not None:
        _check_seconds(time_budget, "time_budget")
    if patience is not None:
        check_int(patience, "patience", minimum=1, hint="Or None for no early stopping.")
        if validation_data is None and "validation_split" not in fit_kwargs:
            raise ValueError(
                "`patience` watches val_loss: pass validation_data=... (or validation_split=...)"
            )
    all_callbacks = list(callbacks or [])
    if time_budget is not None:
        all_callbacks.append(TimeBudget(time_budget))
    if patience is not None:
        all_callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=patience, restore_best_weights=True
            )
        )
    if "shuffle" not in fit_kwargs and _is_tf_dataset(train):
        # a tf.data pipeline shuffles itself (make_dataset does); Keras ignores `shuffle`
        # for it and warns about its own default True, so say False
        fit_kwargs["shuffle"] = False
    _build_optimizer(model)
    start = time.perf_counter()
    history = model.fit(
        train,
        epochs=epochs,
        validation_data=validation_data,
        verbose=verbose,
        callbacks=all_callbacks,
        **fit_kwargs,
    )
    history.wall_time = time.perf_counter() - start
    history.epochs_run = len(history.epoch)
    return history


def _build_optimizer(model: keras.Model) -> None:
    # Keras (no distribution strategy) creates the optimiser's variables inside the first
    # traced training step, and TensorFlow traces a function that creates variables twice;
    # building them here, with the same call Keras makes there (zeros, no random draw), saves
    # that second trace of the optimiser (about 1 CPU-second per fit of a small network)
    # and trains to the same weights, bit for bit (tests/test_training.py)
    optimizer = getattr(model, "optimizer", None)
    if model.built and optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)


def _is_tf_dataset(value: Any) -> bool:
    import tensorflow as tf

    return isinstance(value, tf.data.Dataset)


def _check_seconds(value: float, name: str) -> float:
    seconds = check_number(value, name, minimum=0, hint="Pass a positive number of seconds.")
    if seconds == 0:
        raise ValueError(f"`{name}` must be a number > 0, got {value!r}. Pass a positive "
                         "number of seconds.")
    return seconds
