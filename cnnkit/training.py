"""Training helpers: ``keras.Model.fit`` with a wall-time measurement, a time budget and
early stopping, so notebooks report how long each model took without repeating code."""

from __future__ import annotations

import time
from typing import Any

import keras

__all__ = ["TimeBudget", "fit"]


class TimeBudget(keras.callbacks.Callback):
    """Stop training at the end of the epoch in which ``seconds`` of training have passed.

    Args:
        seconds: the budget, a positive number of seconds of wall time.

    Example:
        >>> budget = TimeBudget(60)  # at most about one minute (whole epochs)
    """

    def __init__(self, seconds: float) -> None:
        super().__init__()
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise ValueError(f"seconds must be a positive number, got {seconds!r}")
        self.seconds = float(seconds)
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

    Returns:
        The ``keras.callbacks.History``, with two more attributes: ``wall_time``
        (seconds, float) and ``epochs_run`` (int).

    Example:
        >>> import numpy as np, keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        >>> model.compile("adam", "mse")
        >>> h = fit(model, np.zeros((8, 4)), y=np.zeros((8, 2)), epochs=2)
        >>> h.epochs_run, h.wall_time > 0
        (2, True)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if patience is not None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive int or None, got {patience!r}")
        if validation_data is None and "validation_split" not in fit_kwargs:
            raise ValueError(
                "patience watches val_loss: pass validation_data=... (or validation_split=...)"
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
