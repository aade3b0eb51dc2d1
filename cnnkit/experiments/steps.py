"""A training loop whose clock counts training only: fixed-shape batches, one graph per model.

``model.fit`` hands every call a new dataset iterator, and TensorFlow may trace the training
graph again at the first step of a call: measured on two cores, 15 to 17 seconds for
GoogLeNet's first step of a second ``fit``, inside the time a budget is supposed to give to
training. :func:`train_steps` calls ``model.train_on_batch`` on NumPy batches that all have
the same shape (the shuffled training set is cut into full batches, epoch after epoch), so
the graph traced by the first call (:func:`trace`) serves every later step, and the clock
that stops a time budget looks at every step. :func:`predict_labels` does the same for
inference (fixed chunks, the last one padded).

Inference mode normalises with batch normalisation's *moving* statistics, an exponential
average that Keras updates with momentum 0.99 (or 0.9) at each step: after ``k`` steps the
initial values (mean 0, variance 1) still weigh ``momentum ** k`` (0.99 ** 117 = 31 %), and
the weights have changed since the early terms were added. A network measured early in
training is then measured with statistics that are not its own. :func:`recompute_batch_norm`
replaces them with the average batch statistics of the current weights over a few training
batches ("precise BN": Wu and Johnson, 2021, *Rethinking "Batch" in BatchNorm*, section 3;
``pycls``'s ``compute_precise_bn_stats``), and :func:`batch_norm_recomputed` does it only for
a measurement, restoring the training state afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import keras
import numpy as np

from cnnkit._validate import check_int

__all__ = ["as_images", "batch_indices", "batch_norm_recomputed", "predict_labels",
           "recompute_batch_norm", "trace", "train_steps"]


def as_images(x: np.ndarray) -> np.ndarray:
    """float32 images in [0, 1] with a channel axis, from uint8 (N, H, W) or float arrays.

    Example:
        >>> images = as_images(np.full((2, 3, 3), 255, "uint8"))
        >>> images.shape, images.dtype.name, float(images.max())
        ((2, 3, 3, 1), 'float32', 1.0)
    """
    x = np.asarray(x)
    x = x.astype("float32") / 255.0 if np.issubdtype(x.dtype, np.integer) else x.astype(
        "float32", copy=False)
    return x[..., None] if x.ndim == 3 else x


def batch_indices(n: int, batch_size: int, seed: int) -> Iterator[np.ndarray]:
    """Endless full batches of indices: a new shuffle of ``range(n)`` per pass, cut in order.

    A batch that would cross the end of a pass is completed from the next pass, so every
    batch has ``batch_size`` images and ``k`` batches are ``k * batch_size / n`` epochs.

    Example:
        >>> batches = batch_indices(5, 2, seed=0)
        >>> [len(next(batches)) for _ in range(4)]
        [2, 2, 2, 2]
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = np.random.default_rng(seed)
    pending = np.empty(0, dtype=int)
    while True:
        while len(pending) < batch_size:
            pending = np.concatenate([pending, rng.permutation(n)])
        yield pending[:batch_size]
        pending = pending[batch_size:]


def trace(model: keras.Model, x: np.ndarray, y: np.ndarray, *, batch_size: int,
          chunk: int = 500) -> float:
    """One training step and one prediction on shapes the loop will use; their seconds.

    The step changes the weights and the optimiser: reset them before a measured run.
    """
    start = time.perf_counter()
    model.train_on_batch(x[:batch_size], y[:batch_size])
    predict_labels(model, x[:1], chunk=chunk)
    return time.perf_counter() - start


def train_steps(model: keras.Model, x: np.ndarray, y: np.ndarray, *, seed: int,
                batch_size: int = 128, steps: int | None = None, seconds: float | None = None,
                on_step: Callable[[int], None] | None = None,
                clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Train until ``steps`` batches are done or the training time is nearest to ``seconds``.

    The time budget is met as closely as whole steps allow. After each step, with ``t``
    seconds of training so far and ``d`` the median duration of the steps done so far (the
    expected duration of the next one; the median ignores a slow first step), the loop
    takes the next step only if it is expected to end closer to the budget than stopping
    now: ``t + d / 2 < seconds``. So a run stops at most about half a step before or after
    the budget (before it: at most half the median step; after it: the last step less
    half the median step), where the rule "stop at the first step that ends past the
    budget" overshoots by up to a whole step (5.5 to 8.6 % of a 15-second budget, measured
    for a network whose steps take 1.2 to 1.8 s on two cores).

    Args:
        model: a compiled model (traced with :func:`trace` if its first step must not count).
        x, y: images from :func:`as_images` and labels.
        seed: the order of the batches (:func:`batch_indices`).
        batch_size: images per step.
        steps, seconds: stop after this many steps, or when the seconds of training are
            nearest to ``seconds`` (the rule above); with both, whichever comes first.
            At least one step is always taken.
        on_step: called with the step number after each step; its time is not counted.
        clock: the clock, in seconds (tests pass a fake one).

    Returns:
        The seconds of training from the start to the end of each step.

    Example:
        >>> m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        >>> m.compile("sgd", "sparse_categorical_crossentropy")
        >>> ends = train_steps(m, np.zeros((8, 2), "float32"), np.zeros(8, int), seed=0,
        ...                    batch_size=4, steps=3)
        >>> len(ends), ends == sorted(ends)
        (3, True)
    """
    if steps is None and seconds is None:
        raise ValueError("train_steps needs `steps` or `seconds` (or both) to know when to stop.")
    ends: list[float] = []
    paused, start = 0.0, clock()
    for step, chosen in enumerate(batch_indices(len(x), batch_size, seed), 1):
        model.train_on_batch(x[chosen], y[chosen])
        ends.append(clock() - start - paused)
        if on_step is not None:
            began = clock()
            on_step(step)
            paused += clock() - began
        if (steps is not None and step >= steps) or (
                seconds is not None and not _next_step_is_nearer(ends, seconds)):
            return ends
    raise AssertionError("unreachable")  # pragma: no cover - batch_indices never ends


def _next_step_is_nearer(ends: list[float], seconds: float) -> bool:
    """Whether one more step, of the median duration so far, is expected to end nearer to
    ``seconds`` than the last end (``ends``: the end of each step so far, from 0).

    Example:
        >>> _next_step_is_nearer([3.0, 4.7, 6.4], 7.0), _next_step_is_nearer([3.0, 4.7, 6.4], 7.3)
        (False, True)
    """
    durations = np.diff(ends, prepend=0.0)
    return ends[-1] + float(np.median(durations)) / 2 < seconds


def predict_labels(model: keras.Model, x: np.ndarray, *, chunk: int = 500) -> np.ndarray:
    """The predicted class of each image, in inference mode, in chunks of one shape.

    Example:
        >>> m = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2)])
        >>> m.set_weights([np.array([[1.0, -1.0]]), np.zeros(2)])
        >>> predict_labels(m, np.array([[1.0], [-1.0], [2.0]], "float32"), chunk=2)
        array([0, 1, 0])
    """
    chunk = check_int(chunk, "chunk", minimum=1)
    out = []
    for begin in range(0, len(x), chunk):
        part = x[begin:begin + chunk]
        padded = np.concatenate([part, np.repeat(part[-1:], chunk - len(part), axis=0)])
        out.append(np.asarray(model.predict_on_batch(padded)).argmax(axis=1)[:len(part)])
    return np.concatenate(out) if out else np.empty(0, dtype=int)


def _batch_norms(model: keras.Model) -> list[keras.layers.BatchNormalization]:
    # _flatten_layers also finds the layers of nested models and of custom layers
    return [layer for layer in model._flatten_layers(include_self=False, recursive=True)
            if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable]


def _training_forward(model: keras.Model) -> Callable[[np.ndarray], object]:
    """``model(x, training=True)``, traced once per model with TensorFlow (3.5 times less CPU
    than eager for a 44-layer ResNet, measured); the batch-norm momenta it was traced with
    must be the ones of every call (0 here)."""
    if keras.backend.backend() != "tensorflow":
        return lambda batch: model(batch, training=True)
    forward = getattr(model, "_cnnkit_training_forward", None)
    if forward is None:
        import tensorflow as tf

        forward = tf.function(lambda batch: model(batch, training=True), reduce_retracing=True)
        object.__setattr__(model, "_cnnkit_training_forward", forward)  # not a tracked layer
    return forward


def recompute_batch_norm(model: keras.Model, x: np.ndarray, *, batches: int = 10,
                         batch_size: int = 128, seed: int = 0) -> int:
    """Sets every batch normalisation's moving statistics to its average batch statistics.

    ``batches`` batches of ``x`` (distinct images, drawn with ``seed``; fewer if ``x`` is
    short) go through ``model`` in training mode, as in a training step but without one,
    with every momentum at 0, so that each batch leaves its own statistics in the moving
    variables; the moving mean and variance end as the mean of the ``batches`` batch means
    and variances, and nothing of their former values is left. Layers with
    ``trainable=False`` (frozen) are left alone. Only the moving statistics (and the random
    state of layers such as dropout) change: use :func:`batch_norm_recomputed` to measure
    without changing the training.

    Args:
        model: a built model; x: training images as the model takes them.
        batches, batch_size: how many batches of how many images.
        seed: which images.

    Returns:
        How many batch-normalisation layers were recomputed.

    Example:
        >>> m = keras.Sequential([keras.Input((1,)), keras.layers.BatchNormalization()])
        >>> x = np.arange(8, dtype="float32").reshape(8, 1)  # mean 3.5, variance 5.25
        >>> recompute_batch_norm(m, x, batches=1, batch_size=8)
        1
        >>> bn = m.layers[0]
        >>> float(bn.moving_mean.numpy()[0]), float(bn.moving_variance.numpy()[0])
        (3.5, 5.25)
    """
    batches = check_int(batches, "batches", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    layers = _batch_norms(model)
    if not layers:
        return 0
    order = np.random.default_rng(seed).permutation(len(x))[:batches * batch_size]
    momenta = [layer.momentum for layer in layers]
    sums = [[np.zeros(layer.moving_mean.shape), np.zeros(layer.moving_variance.shape)]
            for layer in layers]  # fmt: skip
    forward = _training_forward(model)
    try:
        for layer in layers:
            layer.momentum = 0.0
        for begin in range(0, len(order), batch_size):
            forward(x[np.sort(order[begin:begin + batch_size])])
            for (mean, variance), layer in zip(sums, layers, strict=True):
                mean += layer.moving_mean.numpy()
                variance += layer.moving_variance.numpy()
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
    count = len(range(0, len(order), batch_size))
    for (mean, variance), layer in zip(sums, layers, strict=True):
        layer.moving_mean.assign(mean / count)
        layer.moving_variance.assign(variance / count)
    return len(layers)


@contextmanager
def batch_norm_recomputed(model: keras.Model, x: np.ndarray | None, *, batches: int = 10,
                          batch_size: int = 128, seed: int = 0) -> Iterator[keras.Model]:
    """Inside the block, ``model`` has recomputed batch-norm statistics; after it, its own.

    Every non-trainable variable (moving statistics, random-generator states) is saved,
    :func:`recompute_batch_norm` runs, and on leaving the block the saved values are put
    back, so the training that goes on afterwards is exactly the one without the
    measurement. With ``x=None`` nothing is recomputed (the moving statistics as trained).

    Example:
        >>> m = keras.Sequential([keras.Input((1,)), keras.layers.BatchNormalization()])
        >>> x = np.full((4, 1), 3.0, "float32")
        >>> with batch_norm_recomputed(m, x, batches=1, batch_size=4):
        ...     print(round(float(m(x)[0, 0]), 3))  # normalised with mean 3: 0
        0.0
        >>> print(float(m(x)[0, 0]) > 2.9)  # the moving mean is 0 again
        True
    """
    saved = [variable.numpy() for variable in model.non_trainable_variables]
    try:
        if x is not None:
            recompute_batch_norm(model, x, batches=batches, batch_size=batch_size, seed=seed)
        yield model
    finally:
        for variable, value in zip(model.non_trainable_variables, saved, strict=True):
            variable.assign(value)
