"""The degradation problem (He et al., 2016): plain against residual networks of two depths.

A deeper plain network (no shortcuts) has a *higher training error* than a shallower one;
with shortcuts the deeper one trains at least as well. :func:`run` trains the CIFAR-style
networks of ``cnnkit.models.resnet`` (depth 6n + 2; ``plain=True`` drops the shortcuts and
nothing else, option-A shortcuts have no parameters) and measures the **training error on a
fixed subset of training images, in inference mode, with the weights of that moment**
(:func:`error_rate`, measured by :meth:`Network.train`): not the running train-mode
average Keras logs, which mixes the weights of many steps and batch statistics. Before
each measurement the batch-norm statistics are recomputed for those weights on a few
training batches (:func:`cnnkit.experiments.steps.batch_norm_recomputed`): the moving
averages of a short run still hold their initial values (0.99 ** 117 = 31 % after 117
steps) and average over weights long gone; the training goes on with the moving averages
it had. The error with the moving averages as trained is recorded next to it. The
seconds spent measuring are left out of the training seconds.

What is kept from the paper's CIFAR-10 recipe (section 4.2) and what is not is listed in
:data:`RECIPE_KEPT` and :data:`RECIPE_CHANGED`, for the notebook to print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from cnnkit._validate import check_int, check_number, check_seed
from cnnkit.experiments.steps import (
    as_images,
    batch_norm_recomputed,
    predict_labels,
    trace,
    train_steps,
)
from cnnkit.models import resnet

__all__ = ["RECIPE_CHANGED", "RECIPE_KEPT", "Network", "add_weight_decay", "error_rate",
           "probe_subset", "run", "schedule", "train_network", "train_subset"]

RECIPE_KEPT = (
    "SGD with momentum 0.9 and batches of 128 images",
    "weight decay 1e-4 as an L2 term in the gradient (Keras L2(5e-5) on every convolution "
    "and dense kernel; batch-norm scales and shifts are not decayed)",
    "learning rate 0.1, divided by 10 twice, at 1/2 and 3/4 of training (the paper: at 32k "
    "and 48k of 64k iterations)",
    "batch normalisation after every convolution, He-normal initial weights",
    "the CIFAR networks 6n + 2: a 3x3 convolution, three stages of n basic blocks (strides "
    "1, 2, 2), global average pooling, one dense layer; option-A shortcuts, so plain and "
    "residual networks have exactly the same parameters",
)
"""What :func:`run` keeps of He et al.'s CIFAR-10 recipe."""

RECIPE_CHANGED = (
    "data: Fashion-MNIST (28x28x1; all 60,000 training images or a fixed subset, "
    "`train_images`) instead of CIFAR-10 (32x32x3, 50,000 training images; the paper "
    "fixed its length on a 45,000/5,000 split)",
    "length: a few epochs instead of 64k iterations (about 164 epochs of 50,000 images at "
    "batch 128); the rate steps fall at the same fractions of this shorter run",
    "no data augmentation (the paper pads 4 pixels, crops 32x32 at random and flips)",
    "width: the first stage's filters are `width` (the paper: 16)",
    "depths: the ones passed (the paper: 20, 32, 44, 56 and 110, the latter with a 0.01 "
    "warm-up)",
    "the training error is measured in inference mode on a fixed subset of training images, "
    "with batch-norm statistics recomputed for the weights of that moment on `bn_batches` "
    "training batches (the paper does not say how it measured its training error)",
)
"""What :func:`run` does differently from He et al.'s CIFAR-10 recipe."""


def error_rate(model: keras.Model, x: np.ndarray, y: np.ndarray, *, chunk: int = 500) -> float:
    """Fraction of ``x`` that ``model`` misclassifies **in inference mode**.

    ``predict_on_batch`` runs the layers with ``training=False``: batch normalisation uses
    its moving statistics and dropout is off, the weights are the current ones.

    Example:
        >>> m = keras.Sequential([keras.Input((1, 1, 1)), keras.layers.Flatten(),
        ...                       keras.layers.Dense(2)])
        >>> m.set_weights([np.array([[1.0, -1.0]]), np.array([0.0, 0.5])])
        >>> error_rate(m, np.array([[[[1.0]]], [[[0.0]]]]), np.array([0, 0]))  # 2nd: class 1
        0.5
    """
    predicted = predict_labels(model, as_images(x), chunk=min(chunk, len(x)))
    return float(np.mean(predicted != np.asarray(y)))


def schedule(total_steps: int, rate: float = 0.1) -> Any:
    """The paper's steps: ``rate``, then /10 at half of training and /100 at three quarters.

    Returns:
        A ``keras.optimizers.schedules.PiecewiseConstantDecay`` over ``total_steps`` steps.

    Example:
        >>> s = schedule(400)
        >>> [round(float(s(step)), 4) for step in (0, 199, 200, 300, 399)]
        [0.1, 0.1, 0.01, 0.001, 0.001]
    """
    half, three_quarters = max(1, total_steps // 2), max(2, 3 * total_steps // 4)
    return keras.optimizers.schedules.PiecewiseConstantDecay(  # step <= boundary: before
        [half - 1, three_quarters - 1], [rate, rate / 10, rate / 100])


def add_weight_decay(model: keras.Model, decay: float = 1e-4) -> int:
    """Puts ``L2(decay / 2)`` on every convolution and dense kernel (gradient ``decay * w``).

    Returns:
        How many kernels carry it.

    Example:
        >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3),
        ...                       keras.layers.Flatten(), keras.layers.Dense(2)])
        >>> add_weight_decay(m), len(m.losses)
        (2, 2)
    """
    kernels = [layer.kernel for layer in model.layers
               if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))]  # fmt: skip
    for kernel in kernels:
        kernel.regularizer = keras.regularizers.L2(decay / 2)
    return len(kernels)


def probe_subset(n: int, size: int) -> np.ndarray:
    """The fixed indices of the training images the error is measured on (same every run).

    Example:
        >>> probe_subset(10, 3)
        array([5, 6, 9])
    """
    return np.sort(np.random.default_rng(0).choice(n, size=min(size, n), replace=False))


class Network:
    """One plain or residual network, compiled and traced once; :meth:`train` runs a seed.

    Tracing the training and prediction graphs of a 44-layer network takes seconds that
    are not training; they are spent once here, not once per seed. :meth:`train` loads the
    initial weights a fresh build with the seed has and the optimiser's initial state (the
    step counter included, so the rate schedule starts over), then trains.

    Args:
        input_shape, classes: the images' shape (H, W, C) and the number of classes.
        depth: 6n + 2; plain: drop the shortcuts; width: filters of the first stage.
        total_steps: length of training in batches (the schedule's length).
        rate, momentum, weight_decay: the recipe (see :data:`RECIPE_KEPT`).
    """

    def __init__(self, input_shape: tuple[int, int, int], classes: int, *, depth: int,
                 plain: bool, width: int, total_steps: int, rate: float = 0.1,
                 momentum: float = 0.9, weight_decay: float = 1e-4) -> None:
        self.build = lambda: resnet(input_shape, classes, depth=depth, stem="small",
                                    plain=plain, init_filters=width)  # fmt: skip
        self.depth, self.plain, self.total_steps = depth, plain, total_steps
        keras.utils.set_random_seed(0)
        self.model = self.build()
        add_weight_decay(self.model, weight_decay)
        self.model.compile(optimizer=keras.optimizers.SGD(schedule(total_steps, rate),
                                                          momentum=momentum),
                           loss="sparse_categorical_crossentropy")
        self.model.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in self.model.optimizer.variables]
        # Traced on 2 images; the first real batch traces the step again and TensorFlow then
        # generalises the batch dimension. Notebook 06's stored runs used that graph: one
        # traced on the real batch shape alone has constant divisors (batch-norm means) that
        # Grappler folds differently, and differs in the last bits (all 97 weight arrays of a
        # depth-20 network after 20 steps, measured).
        one = np.zeros((2, *input_shape), "float32")
        self.trace_seconds = trace(self.model, one, np.zeros(2, int), batch_size=2)

    def train(self, x, y, *, seed: int, probe: Sequence[int] | np.ndarray, probes: int = 10,
              batch_size: int = 128, bn_batches: int = 10) -> list[dict[str, Any]]:
        """Train from the seed's initial weights; the measured training-error curve.

        The error on ``x[probe]`` is measured before the first step, every
        ``total_steps // probes`` steps and after the last; the seconds of each row are
        training seconds (measuring is left out). ``train_error`` is measured with
        batch-norm statistics recomputed on ``bn_batches`` batches of ``x`` (the same
        images at every point; 0: not recomputed), ``train_error_moving`` with the moving
        averages as trained; the measurement does not change the training.
        """
        check_seed(seed)
        bn_batches = check_int(bn_batches, "bn_batches", minimum=0)
        keras.utils.set_random_seed(seed)
        self.model.set_weights(self.build().get_weights())
        for variable, value in zip(self.model.optimizer.variables, self._optimizer_start,
                                   strict=True):  # fmt: skip
            variable.assign(value)
        keras.utils.set_random_seed(seed)
        x, y = as_images(x), np.asarray(y)
        probe_x, probe_y = x[probe], y[probe]
        every, total = max(1, self.total_steps // probes), self.total_steps

        def errors() -> dict[str, float]:
            moving = error_rate(self.model, probe_x, probe_y)
            with batch_norm_recomputed(self.model, x if bn_batches else None,
                                       batches=max(1, bn_batches), batch_size=batch_size):
                return {"train_error": error_rate(self.model, probe_x, probe_y),
                        "train_error_moving": moving}

        records = [{"step": 0, "seconds": 0.0, **errors()}]

        def measure(step: int) -> None:
            if step % every == 0 or step == total:
                records.append({"step": step, "seconds": None, **errors()})

        ends = train_steps(self.model, x, y, seed=seed, batch_size=batch_size, steps=total,
                           on_step=measure)
        for row in records[1:]:
            row["seconds"] = ends[row["step"] - 1]
        name = "plain" if self.plain else "residual"
        return [{"network": name, "depth": self.depth, "seed": seed, **r,
                 "epoch": r["step"] * batch_size / len(x)} for r in records]


def _shape(x: np.ndarray) -> tuple[int, int, int]:
    return tuple(x.shape[1:3]) + ((x.shape[3],) if x.ndim == 4 else (1,))


def _steps(epochs: float, n: int, batch_size: int) -> int:
    return max(1, round(check_number(epochs, "epochs", minimum=1e-6) * n / batch_size))


def train_network(x, y, *, depth: int, plain: bool, seed: int, epochs: float, width: int = 16,
                  probe: Sequence[int] | np.ndarray, probes: int = 10, batch_size: int = 128,
                  rate: float = 0.1, momentum: float = 0.9, weight_decay: float = 1e-4,
                  bn_batches: int = 10) -> list[dict[str, Any]]:
    """Train one network and return its measured training-error curve, one row per point.

    Args:
        x, y: training images (uint8 or float in [0, 1]) and labels.
        depth: 6n + 2; plain: drop the shortcuts; seed: weights and batch order.
        epochs: length of training (a fraction allowed), rounded to whole batches.
        width: filters of the first stage (the paper: 16).
        probe: indices of the training images the error is measured on.
        probes: measurements after the start, evenly spaced (plus one at step 0).
        batch_size, rate, momentum, weight_decay: the recipe (see :data:`RECIPE_KEPT`).
        bn_batches: batches of ``x`` the batch-norm statistics are recomputed on before
            each measurement (0: measure with the moving averages as trained).

    Returns:
        Rows ``{"network", "depth", "seed", "step", "epoch", "seconds", "train_error",
        "train_error_moving"}`` (the latter with the moving averages as trained).

    Example:
        >>> x, y = np.zeros((64, 28, 28), "uint8"), np.arange(64) % 10
        >>> rows = train_network(x, y, depth=8, plain=True, seed=0, epochs=1.0, width=2,
        ...                      probe=np.arange(20), probes=2, batch_size=16)
        >>> [(r["step"], r["epoch"]) for r in rows]
        [(0, 0.0), (2, 0.5), (4, 1.0)]
    """
    check_seed(seed)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    probes = check_int(probes, "probes", minimum=1)
    bn_batches = check_int(bn_batches, "bn_batches", minimum=0)  # before the seconds of a build
    network = Network(_shape(x), int(np.max(y)) + 1, depth=depth, plain=plain, width=width,
                      total_steps=_steps(epochs, len(x), batch_size), rate=rate,
                      momentum=momentum, weight_decay=weight_decay)  # fmt: skip
    return network.train(x, y, seed=seed, probe=probe, probes=probes, batch_size=batch_size,
                         bn_batches=bn_batches)


def train_subset(n: int, size: int | None) -> np.ndarray:
    """The fixed training images a run trains on: all, or ``size`` drawn once with seed 1.

    Example:
        >>> train_subset(10, 4), len(train_subset(10, None))
        (array([3, 4, 6, 9]), 10)
    """
    if size is None or size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(1).choice(n, size=size, replace=False))


def run(x, y, *, depths: Sequence[int] = (20, 44), seeds: Sequence[int] = (0, 1, 2),
        epochs: float = 3.0, width: int = 16, train_images: int | None = None,
        probe_images: int = 5000, probes: int = 10, batch_size: int = 128, bn_batches: int = 10,
        progress: Callable[[list[dict[str, Any]]], None] | None = None) -> list[dict[str, Any]]:
    """Plain and residual networks at each depth and seed; the rows of every curve.

    Each network is built and traced once (:class:`Network`) and trained once per seed;
    seed ``s`` gives the plain and the residual network of a depth the same initial
    weights and the same batches.

    Args:
        train_images: train on this many training images (:func:`train_subset`), or all.
        probe_images: size of the fixed subset of those images the error is measured on
            (:func:`probe_subset`).
        progress: called with each network's rows when it is done.
        Other arguments as :func:`train_network`.

    Returns:
        The rows of every curve, each with ``"trace_seconds"`` of its network added.

    Example:
        >>> x, y = np.zeros((64, 28, 28), "uint8"), np.arange(64) % 10
        >>> rows = run(x, y, depths=(8,), seeds=(0,), epochs=0.5, width=2, probe_images=16,
        ...            probes=1, batch_size=16)
        >>> sorted({(r["network"], r["step"]) for r in rows})
        [('plain', 0), ('plain', 2), ('residual', 0), ('residual', 2)]
    """
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    probes = check_int(probes, "probes", minimum=1)
    chosen = train_subset(len(x), train_images)
    x, y = np.asarray(x)[chosen], np.asarray(y)[chosen]
    probe = probe_subset(len(x), probe_images)
    total = _steps(epochs, len(x), batch_size)
    rows = []
    for plain in (True, False):
        for depth in depths:
            network = Network(_shape(x), int(np.max(y)) + 1, depth=depth, plain=plain,
                              width=width, total_steps=total)  # fmt: skip
            for seed in seeds:
                curve = network.train(x, y, seed=seed, probe=probe, probes=probes,
                                      batch_size=batch_size, bn_batches=bn_batches)  # fmt: skip
                curve = [{**r, "trace_seconds": network.trace_seconds} for r in curve]
                rows += curve
                if progress is not None:
                    progress(curve)
            del network
            keras.backend.clear_session()
    return rows
