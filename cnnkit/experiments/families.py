"""A small member of each family on Fashion-MNIST: equal training time, and equal epochs.

Notebook 06 trains one small network per family (AlexNet, VGG, GoogLeNet, ResNet-20,
DenseNet; :data:`FAMILIES`) with the same recipe (Adam, rate 0.001, batches of 128,
batch-norm momentum 0.9) under two budgets, because they answer two questions:

- ``"time"``: the same seconds of training for every network. The loop
  (:func:`cnnkit.experiments.steps.train_steps`) looks at the clock after **every** batch
  and takes the next batch only if it is expected to end nearer to the budget than
  stopping now (``t + d / 2 < budget``, with ``t`` the seconds so far and ``d`` the median
  duration of the batches so far), so a run ends about half a batch before or after the
  budget at most; stopping at the first batch that ends past the budget overshot by up to a
  whole batch (8.6 % of 15 s for DenseNet, whose batches take 1.2 to 1.8 s on two cores).
  Each row records the seconds really spent, the steps, the median, first and last step
  durations and the difference from the budget (``overshoot_seconds``, negative when the
  run stopped before it).
- ``"epochs"``: the same number of passes over the training images (a fraction allowed),
  whatever it costs; the row records what it cost.

Each family's graph is traced once, by one training step before any timed run (seconds
that are not training, recorded as ``trace_seconds``), and every step has the same shape, so
no run traces it again (``model.fit`` would, at the first step of each call); every run
then starts from its seed's initial weights and a new optimiser state (:class:`Family`).
The test accuracy is measured in inference mode after the batch-norm statistics are
recomputed for the final weights on a few training batches
(:func:`cnnkit.experiments.steps.batch_norm_recomputed`): after the few steps a time budget
allows (9 or 10 for DenseNet in 15 s on two cores), the moving averages still hold much of
their initial values (0.9 ** 9 = 39 %); the accuracy with the moving averages as trained is
recorded too.
:func:`run` returns tidy rows, one per network, budget and seed; :func:`summarize` gives
per family and budget the mean, the standard deviation and a 95 % Student-t interval of
the test accuracy over seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from cnnkit import stats
from cnnkit._validate import check_choice, check_int, check_number, check_seed
from cnnkit.experiments.steps import (
    as_images,
    batch_norm_recomputed,
    predict_labels,
    trace,
    train_steps,
)
from cnnkit.models import alexnet, densenet, googlenet, resnet, vgg

__all__ = ["FAMILIES", "Family", "run", "summarize", "train_one"]

Builder = Callable[[], keras.Model]

FAMILIES: dict[str, Builder] = {
    "AlexNet": lambda: alexnet((28, 28, 1), 10, stem="small", width=0.25, dense_units=256),
    "VGG (A)": lambda: vgg((28, 28, 1), 10, config="A", num_blocks=3, width=0.25,
                           dense_units=128),  # fmt: skip
    "GoogLeNet": lambda: googlenet((28, 28, 1), 10, stem="small", width=0.25),
    "ResNet-20": lambda: resnet((28, 28, 1), 10, depth=20),
    "DenseNet": lambda: densenet((28, 28, 1), 10, blocks=(4, 4, 4), growth_rate=12,
                                 stem="small"),  # fmt: skip
}
"""The small members notebook 06 trains, by name: 28x28x1 inputs, 10 classes."""

BUDGETS = ("time", "epochs")


class Family:
    """One family's model, compiled and traced once; :meth:`reset` gives each run a fresh start.

    Tracing TensorFlow's graph for the first step takes seconds (about 15 to 30 for
    GoogLeNet or DenseNet on two cores) that are not training; it is done here once per
    family, not once per run. :meth:`reset` then loads the initial weights a fresh build
    with the run's seed has (batch-norm statistics included) and the optimiser's initial
    state, so every run starts as if the network had just been built with that seed.

    Args:
        builder: a function without arguments that returns an uncompiled model.
        x, y: a few training images and labels, for the tracing step.
        batch_size: images per step; bn_momentum: momentum of every batch normalisation
            (None keeps the builder's).

    Attributes:
        model: the compiled model; trace_seconds: seconds the tracing step took.
    """

    def __init__(self, builder: Builder, x, y, *, batch_size: int = 128,
                 bn_momentum: float | None = 0.9) -> None:
        self.builder = builder
        keras.utils.set_random_seed(0)
        self.model = builder()
        for layer in self.model.layers:
            if bn_momentum is not None and isinstance(layer, keras.layers.BatchNormalization):
                layer.momentum = bn_momentum
        self.model.compile(optimizer=keras.optimizers.Adam(1e-3),
                           loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        self.model.optimizer.build(self.model.trainable_variables)
        self._optimizer_start = [v.numpy() for v in self.model.optimizer.variables]
        self.trace_seconds = trace(self.model, as_images(x[:batch_size]),
                                   np.asarray(y[:batch_size]), batch_size=batch_size)

    def reset(self, seed: int) -> None:
        """Initial weights of a fresh build with ``seed``; the optimiser as new."""
        keras.utils.set_random_seed(seed)
        self.model.set_weights(self.builder().get_weights())
        for variable, value in zip(self.model.optimizer.variables, self._optimizer_start,
                                   strict=True):  # fmt: skip
            variable.assign(value)
        keras.utils.set_random_seed(seed)


def train_one(family: Family | Builder, x_train, y_train, x_test, y_test, *, seed: int,
              budget: str,
              seconds: float | None = None, epochs: float | None = None, batch_size: int = 128,
              bn_momentum: float | None = 0.9, bn_batches: int = 10) -> dict[str, Any]:
    """Train one network under one budget and test it; one tidy row.

    Args:
        family: a :class:`Family`, or a builder (a :class:`Family` is made for this run).
        x_train, y_train, x_test, y_test: images (uint8 or float in [0, 1]) and labels.
        seed: seeds the weights and the order of the batches.
        budget: ``"time"`` (stop when the training seconds are nearest to ``seconds``,
            :func:`cnnkit.experiments.steps.train_steps`) or ``"epochs"``
            (``epochs`` passes over ``x_train``, rounded to whole batches).
        seconds, epochs: the budget's size.
        batch_size: images per step.
        bn_momentum: momentum of every batch normalisation (None keeps the builder's);
            used when ``family`` is a builder.
        bn_batches: batches of ``x_train`` the batch-norm statistics are recomputed on
            before testing (0: test with the moving averages as trained).

    Returns:
        ``{"budget", "budget_value", "seed", "steps", "epochs", "seconds", "last_step_seconds",
        "first_step_seconds", "median_step_seconds", "overshoot_seconds", "trace_seconds",
        "accuracy", "accuracy_moving", "parameters", "mult_adds"}``; ``overshoot_seconds``
        is ``seconds - budget`` (negative when the run stopped before the budget; None for
        the epochs budget); ``accuracy_moving`` is measured with the moving averages as
        trained.

    Example:
        >>> import numpy as np
        >>> x, y = np.zeros((64, 28, 28), "uint8"), np.arange(64) % 10
        >>> tiny = lambda: keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
        ...                                  keras.layers.Dense(10, activation="softmax")])
        >>> row = train_one(tiny, x, y, x, y, seed=0, budget="epochs", epochs=1.0, batch_size=16)
        >>> row["steps"], row["epochs"], row["overshoot_seconds"]
        (4, 1.0, None)
    """
    check_choice(budget, "budget", BUDGETS)
    check_seed(seed)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    bn_batches = check_int(bn_batches, "bn_batches", minimum=0)
    n = len(x_train)
    if budget == "time":
        limit, max_steps = check_number(seconds, "seconds", minimum=1e-3), None
    else:
        limit = None
        max_steps = max(1, round(check_number(epochs, "epochs", minimum=1e-6) * n / batch_size))
    x_train, y_train = as_images(x_train), np.asarray(y_train)
    if not isinstance(family, Family):
        family = Family(family, x_train, y_train, batch_size=batch_size, bn_momentum=bn_momentum)
    family.reset(seed)
    model = family.model
    ends = train_steps(model, x_train, y_train, seed=seed, batch_size=batch_size,
                       steps=None if budget == "time" else max_steps, seconds=limit)
    x_test, y_test = as_images(x_test), np.asarray(y_test)
    moving = float(np.mean(predict_labels(model, x_test) == y_test))
    with batch_norm_recomputed(model, x_train if bn_batches else None,
                               batches=max(1, bn_batches), batch_size=batch_size, seed=seed):
        accuracy = float(np.mean(predict_labels(model, x_test) == y_test))
    steps, seconds = len(ends), ends[-1]
    durations = np.diff(ends, prepend=0.0)
    return {"budget": budget, "budget_value": limit if budget == "time" else float(epochs),
            "seed": seed, "steps": steps, "epochs": steps * batch_size / n,
            "seconds": seconds, "last_step_seconds": float(durations[-1]),
            "first_step_seconds": float(durations[0]),
            "median_step_seconds": float(np.median(durations)),
            "overshoot_seconds": seconds - limit if limit is not None else None,
            "trace_seconds": family.trace_seconds, "accuracy": accuracy,
            "accuracy_moving": moving,
            "parameters": model.count_params(), "mult_adds": stats.mult_adds(model)}  # fmt: skip


def run(x_train, y_train, x_test, y_test, *, families: dict[str, Builder] | None = None,
        seeds: Sequence[int] = (0, 1, 2), budgets: Sequence[str] = BUDGETS,
        seconds: float = 45.0, epochs: float = 1.0, batch_size: int = 128,
        bn_momentum: float | None = 0.9, bn_batches: int = 10,
        progress: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """Every family under every budget with every seed; one row each (see :func:`train_one`).

    Args:
        families: name -> builder (default :data:`FAMILIES`).
        seeds, budgets: the seeds and the budgets (``"time"``, ``"epochs"``) to run.
        seconds: the time budget per network; epochs: the epochs budget.
        progress: called with each row as it is done (e.g. ``print``).
        Other arguments as :func:`train_one`.

    Returns:
        The rows, each with ``"family"`` added, in order seed, family, budget (each family
        is traced once, :class:`Family`, before the first run; a run cut short still has
        every family for its first seeds).

    Example:
        >>> import numpy as np
        >>> x, y = np.zeros((64, 28, 28), "uint8"), np.arange(64) % 10
        >>> tiny = {"lineal": lambda: keras.Sequential([
        ...     keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])}
        >>> rows = run(x, y, x, y, families=tiny, seeds=(0,), seconds=0.5, epochs=0.5,
        ...            batch_size=16)
        >>> [(r["family"], r["budget"]) for r in rows]
        [('lineal', 'time'), ('lineal', 'epochs')]
    """
    families = FAMILIES if families is None else families
    x_train, y_train = as_images(x_train), np.asarray(y_train)
    built = {name: Family(builder, x_train, y_train, batch_size=batch_size,
                          bn_momentum=bn_momentum) for name, builder in families.items()}
    rows = []
    for seed in seeds:
        for name, family in built.items():
            for budget in budgets:
                row = {"family": name, **train_one(
                    family, x_train, y_train, x_test, y_test, seed=seed, budget=budget,
                    seconds=seconds, epochs=epochs, batch_size=batch_size,
                    bn_batches=bn_batches)}  # fmt: skip
                rows.append(row)
                if progress is not None:
                    progress(row)
    del built
    keras.backend.clear_session(free_memory=False)  # gc.collect() costs ~0.5 s here
    return rows


def _t_interval(values: np.ndarray) -> tuple[float, float]:
    from scipy import stats as sps

    if len(values) < 2:
        return math.nan, math.nan
    half = sps.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def summarize(rows: list[dict[str, Any]]) -> Any:
    """Per budget and family: seeds, mean, std and 95 % t-interval of the test accuracy.

    Returns:
        A ``pandas.DataFrame`` indexed by (budget, family) with columns ``seeds``,
        ``accuracy_mean``, ``accuracy_std``, ``accuracy_low``, ``accuracy_high`` (NaN with
        one seed), ``seconds_mean``, ``steps_mean``, ``overshoot_max``, ``parameters`` and
        ``mult_adds``.

    Example:
        >>> rows = [{"budget": "time", "family": "A", "seed": s, "accuracy": a, "seconds": 45.2,
        ...          "steps": 100, "overshoot_seconds": 0.2, "parameters": 10, "mult_adds": 5}
        ...         for s, a in enumerate([0.80, 0.82, 0.84])]
        >>> row = summarize(rows).loc[("time", "A")]
        >>> round(float(row["accuracy_mean"]), 3), round(float(row["accuracy_low"]), 3)
        (0.82, 0.77)
    """
    import pandas as pd

    out = []
    frame = pd.DataFrame(rows)
    for (budget, family), group in frame.groupby(["budget", "family"], sort=False):
        acc = group["accuracy"].to_numpy(dtype=float)
        low, high = _t_interval(acc)
        overshoot = group["overshoot_seconds"].dropna()
        out.append({"budget": budget, "family": family, "seeds": len(acc),
                    "accuracy_mean": acc.mean(),
                    "accuracy_std": acc.std(ddof=1) if len(acc) > 1 else math.nan,
                    "accuracy_low": low, "accuracy_high": high,
                    "seconds_mean": group["seconds"].mean(), "steps_mean": group["steps"].mean(),
                    "overshoot_max": overshoot.max() if len(overshoot) else math.nan,
                    "parameters": group["parameters"].iloc[0],
                    "mult_adds": group["mult_adds"].iloc[0]})  # fmt: skip
    return pd.DataFrame(out).set_index(["budget", "family"])
