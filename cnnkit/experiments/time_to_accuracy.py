"""Time to 92 % on Fashion-MNIST: deck 001's CNN against notebook 03's recommended CNN.

Both models get the same recipe and the same tuning procedure; only the architecture
differs:

- data: the 60,000 training images split as in notebook 03 (the last 5,000 validate, the
  other 55,000 train), batches of 128, a seeded shuffle and a seeded horizontal flip;
- optimiser: Adam with a linear warm-up from ``peak / 30`` to ``peak`` over the first 10 % of
  the steps and a cosine decay to zero over the rest (``keras.optimizers.schedules.CosineDecay``);
- budget: an epoch count per model, chosen so that both models get about the same training
  seconds on a 2-core CPU (the deck model's epoch costs several of the recommended model's);
  the rows record the seconds each run actually trained;
- tuning: the peak rate is chosen from the same grid for both models, one seed-0 run per
  candidate with the same tuning budget (``tune_epochs``, the same for both models), by the
  validation accuracy after its last epoch;
- final runs: seeds 1, 2, 3 with the chosen rate (fresh seeds, so the pick's luck on seed 0
  does not inflate them); after each epoch the validation accuracy is measured (not counted
  as training time) and the time to a threshold is read there; the test set is evaluated
  once, at the end of each final run.

:func:`run` writes JSON-lines rows (:mod:`cnnkit.experiments.records`); :func:`summarize`,
:func:`time_to` and :func:`chosen_rates` compute the statistics from the rows. No full run is
stored yet: on the 2-core machine of 2026-12-07 one epoch of the recommended model took 146-245
s under the heavy-work lock, so the protocol with 2 and 7 epochs needs well over an hour there
(see benchmarks/README.md). A full run, once made, ships as package data for notebook 03. The
training (``tf.data``) needs the TensorFlow backend.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cnnkit.experiments.records import Recorder, machine

__all__ = ["BATCH", "GRID", "MODELS", "SEEDS", "THRESHOLDS", "build", "chosen_rates",
           "mean_interval", "measure_speed", "run", "summarize", "time_to"]  # fmt: skip

MODELS = ("deck", "recommended")
GRID = (1e-3, 3e-3)  # peak learning rates, the same candidates for both models
SEEDS = (1, 2, 3)  # the final runs (seed 0 is spent on tuning)
THRESHOLDS = (0.90, 0.91, 0.92)
BATCH = 128
VALIDATION = 5_000


def build(name: str):
    """The model ``name`` (one of :data:`MODELS`), uncompiled, with Keras's current seed.

    Example:
        >>> build("recommended").count_params()
        459050
    """
    from cnnkit.models import conv_net, deck_cnn

    if name == "deck":
        return deck_cnn((28, 28, 1), 10)
    if name == "recommended":
        return conv_net((28, 28, 1), 10, filters=(32, 64), convs_per_block=(1, 2),
                        dense_units=(128,), batch_norm=True, dropout=0.3, name="recommended")
    raise ValueError(f"`name` must be one of {MODELS}, got {name!r}.")


def schedule(peak: float, steps: int):
    """Linear warm-up from ``peak / 30`` to ``peak`` over 10 % of ``steps``, then cosine decay
    to zero over the rest.

    Example:
        >>> s = schedule(3e-3, 100)
        >>> [round(float(s(step)), 5) for step in (0, 10, 100)]
        [0.0001, 0.003, 0.0]
    """
    import keras

    warmup = max(1, round(steps / 10))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / 30, warmup_target=peak, warmup_steps=warmup,
        decay_steps=max(steps - warmup, 1))  # fmt: skip


# -- statistics on rows (no training) ------------------------------------------------------
def time_to(epochs: Sequence[dict[str, Any]], threshold: float) -> tuple[float, int] | None:
    """Training seconds and epoch at which validation accuracy first reaches ``threshold``.

    Args:
        epochs: the ``epoch`` rows of one run (any order): ``epoch``, ``seconds``
            (cumulative training time) and ``val_accuracy``.
        threshold: an accuracy in (0, 1).

    Returns:
        ``(seconds, epoch)``, or ``None`` when the run never reaches it.

    Example:
        >>> rows = [{"epoch": 2, "seconds": 40.0, "val_accuracy": 0.921},
        ...         {"epoch": 1, "seconds": 20.0, "val_accuracy": 0.90}]
        >>> time_to(rows, 0.92), time_to(rows, 0.93)
        ((40.0, 2), None)
    """
    for row in sorted(epochs, key=lambda r: r["epoch"]):
        if row["val_accuracy"] >= threshold:
            return float(row["seconds"]), int(row["epoch"])
    return None


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean, and the 95 % Student-t interval of the mean (NaN with fewer than two values).

    Example:
        >>> [round(v, 4) for v in mean_interval([1.0, 2.0, 3.0])]
        [2.0, -0.4841, 4.4841]
    """
    from scipy import stats

    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return float(v.mean()), float("nan"), float("nan")
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)


def chosen_rates(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The peak rate each model's tuning chose: the best last-epoch validation accuracy.

    Ties go to the smaller rate.

    Example:
        >>> rows = [{"kind": "tune", "model": "deck", "rate": r, "val_accuracy": a}
        ...         for r, a in ((0.001, 0.90), (0.003, 0.91))]
        >>> chosen_rates(rows)
        {'deck': 0.003}
    """
    best: dict[str, tuple[float, float]] = {}
    for r in rows:
        if r["kind"] != "tune":
            continue
        key = (r["val_accuracy"], -r["rate"])
        if r["model"] not in best or key > best[r["model"]]:
            best[r["model"]] = key
    return {model: -key[1] for model, key in best.items()}


def summarize(rows: Sequence[dict[str, Any]],
              thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, Any]]:
    """One dict per model over its final runs: accuracies, seconds and times to thresholds.

    Returns:
        Per model: ``model``, ``rate``, ``seeds``, ``epochs``, ``seconds_per_epoch`` (mean
        over runs), ``val_accuracy`` and ``test_accuracy`` (each ``(mean, low, high)``, the
        95 % t interval over seeds, after the last epoch), ``val_std`` / ``test_std``
        (standard deviation over seeds), and for each threshold ``t``: ``reached[t]``
        (runs that reached it) and ``time_to[t]`` (the mean seconds of those runs, or None).

    Raises:
        ValueError: a final run has test rows but no epoch rows (or the reverse), or the
            runs of one model used different rates (the protocol was broken).

    Example:
        >>> rows = [{"kind": "epoch", "model": "m", "seed": s, "rate": 0.003, "epoch": e,
        ...          "seconds": 10.0 * e, "val_accuracy": a}
        ...         for s, accs in ((1, (0.90, 0.92)), (2, (0.91, 0.915)))
        ...         for e, a in enumerate(accs, 1)]
        >>> rows += [{"kind": "test", "model": "m", "seed": s, "rate": 0.003, "accuracy": a}
        ...          for s, a in ((1, 0.92), (2, 0.91))]
        >>> out = summarize(rows)[0]
        >>> out["reached"][0.92], out["time_to"][0.92], out["time_to"][0.91]
        (1, 20.0, 15.0)
    """
    out = []
    for model in dict.fromkeys(r["model"] for r in rows if r["kind"] == "test"):
        tests = {r["seed"]: r for r in rows if r["kind"] == "test" and r["model"] == model}
        runs = {s: [r for r in rows if r["kind"] == "epoch" and r["model"] == model
                    and r["seed"] == s] for s in tests}  # fmt: skip
        if any(not epochs for epochs in runs.values()) or {
                r["seed"] for r in rows if r["kind"] == "epoch" and r["model"] == model
        } != set(tests):
            raise ValueError(f"model {model!r}: every final run needs its epoch rows and its "
                             "test row (the rows are incomplete).")
        rates = {r["rate"] for r in tests.values()}
        if len(rates) != 1:
            raise ValueError(f"model {model!r}: the final runs used different rates {rates}.")
        last = [max(epochs, key=lambda r: r["epoch"]) for epochs in runs.values()]
        val = [r["val_accuracy"] for r in last]
        test = [tests[s]["accuracy"] for s in runs]
        times = {t: [hit[0] for epochs in runs.values() if (hit := time_to(epochs, t))]
                 for t in thresholds}  # fmt: skip
        out.append({
            "model": model, "rate": rates.pop(), "seeds": sorted(tests),
            "epochs": max(r["epoch"] for r in last),
            "seconds_per_epoch": float(np.mean([r["seconds"] / r["epoch"] for r in last])),
            "val_accuracy": mean_interval(val), "val_std": float(np.std(val, ddof=1))
            if len(val) > 1 else float("nan"),
            "test_accuracy": mean_interval(test), "test_std": float(np.std(test, ddof=1))
            if len(test) > 1 else float("nan"),
            "reached": {t: len(v) for t, v in times.items()},
            "time_to": {t: float(np.mean(v)) if v else None for t, v in times.items()},
        })  # fmt: skip
    return out


# -- training ------------------------------------------------------------------------------
def _data(sample: bool):
    from cnnkit import data

    (x, y), (x_test, y_test) = data.load_fashion_mnist(sample=sample)
    n_val = 500 if sample else VALIDATION
    return (x[:-n_val], y[:-n_val]), (x[-n_val:], y[-n_val:]), (x_test, y_test)


def _train(name: str, rate: float, seed: int, epochs: int, split, *, steps: int | None,
           test: bool) -> tuple[list[dict[str, Any]], float | None]:
    """One run: per-epoch validation rows, and the test accuracy at the end if ``test``."""
    import keras

    from cnnkit import data
    from cnnkit.augment import augmentation

    (x, y), (x_val, y_val), (x_test, y_test) = split
    keras.utils.set_random_seed(seed)
    flip = augmentation(flip="horizontal", translation=0.0, seed=seed)
    train_ds = data.make_dataset(x, y, batch_size=BATCH, shuffle=True, seed=seed, augment=flip)
    val_ds = data.make_dataset(x_val, y_val, batch_size=1000, shuffle=False)
    per_epoch = steps or math.ceil(len(x) / BATCH)
    model = build(name)
    model.compile(optimizer=keras.optimizers.Adam(schedule(rate, per_epoch * epochs)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rows: list[dict[str, Any]] = []
    trained = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.fit(train_ds, initial_epoch=epoch - 1, epochs=epoch, verbose=0, shuffle=False,
                  steps_per_epoch=steps)
        trained += time.perf_counter() - start
        val = float(model.evaluate(val_ds, verbose=0, return_dict=True)["accuracy"])
        rows.append({"epoch": epoch, "seconds": round(trained, 2), "val_accuracy": val})
    accuracy = None
    if test:
        test_ds = data.make_dataset(x_test, y_test, batch_size=1000, shuffle=False)
        accuracy = float(model.evaluate(test_ds, verbose=0, return_dict=True)["accuracy"])
    return rows, accuracy


def measure_speed(steps: int = 200, *, sample: bool = False) -> dict[str, float]:
    """Seconds per training step of each model (after one warm-up step), batch :data:`BATCH`.

    Example (slow, trains)::

        measure_speed(200)   # {'deck': 0.18, 'recommended': 0.05}
    """
    import keras

    from cnnkit import data
    from cnnkit.augment import augmentation

    (x, y), _, _ = _data(sample)
    out = {}
    for name in MODELS:
        keras.utils.set_random_seed(0)
        ds = data.make_dataset(x, y, batch_size=BATCH, shuffle=True, seed=0,
                               augment=augmentation(flip="horizontal", translation=0.0, seed=0))
        model = build(name)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(ds.repeat(), epochs=1, steps_per_epoch=2, verbose=0)
        start = time.perf_counter()
        model.fit(ds.repeat(), epochs=1, steps_per_epoch=steps, verbose=0)
        out[name] = (time.perf_counter() - start) / steps
    return out


def run(out: Path, *, epochs: int | Mapping[str, int], tune_epochs: int = 1,
        grid: Sequence[float] = GRID, seeds: Sequence[int] = SEEDS,
        models: Sequence[str] = ("recommended", "deck"), sample: bool = False,
        steps: int | None = None, quiet: bool = False) -> list[dict[str, Any]]:
    """Tune each model's peak rate on validation, then train the final seeds; write rows.

    Args:
        out: the JSON-lines file to write (it must not exist: a run never appends).
        epochs: the budget of every run in epochs: one number for both models, or one
            per model (``{"deck": 2, "recommended": 6}``: the same seconds, not epochs).
        tune_epochs: the budget of each tuning run, the same for every candidate and model.
        grid: the candidate peak rates.
        seeds: the final runs' seeds.
        models: which of :data:`MODELS`, in the order they train.
        sample: the 3,000-image sample instead of the full data set (smoke runs).
        steps: training steps per epoch (None: the whole training split; smoke runs).
        quiet: do not print the rows.

    Returns:
        All the rows written.
    """
    out = Path(out)
    budget = {m: epochs for m in models} if isinstance(epochs, int) else dict(epochs)
    if set(budget) != set(models) or min(budget.values()) < 1 or tune_epochs < 1:
        raise ValueError(f"`epochs` must give a positive epoch count for each of {list(models)}, "
                         f"got {epochs!r}.")
    if out.exists():
        raise FileExistsError(f"{out} exists; a run writes a new file (choose another --out).")
    split = _data(sample)
    rec = Recorder(out, quiet=quiet)
    begin = time.perf_counter()
    rec.add(machine(data={"train": len(split[0][0]), "validation": len(split[1][0]),
                          "test": len(split[2][0]), "sample": sample},
                    protocol={"epochs": budget, "tune_epochs": tune_epochs,
                              "grid": list(grid), "seeds": list(seeds), "batch": BATCH,
                              "steps_per_epoch": steps, "augment": "horizontal flip",
                              "warmup": "10 % of the steps"}))
    for name in models:
        for rate in grid:
            start = time.perf_counter()
            epochs_rows, _ = _train(name, rate, 0, tune_epochs, split, steps=steps, test=False)
            rec.add({"kind": "tune", "model": name, "rate": rate, "seed": 0,
                     "val_accuracy": epochs_rows[-1]["val_accuracy"],
                     "curve": [r["val_accuracy"] for r in epochs_rows],
                     "seconds": epochs_rows[-1]["seconds"],
                     "wall": round(time.perf_counter() - start, 1)})
        rate = chosen_rates(rec.rows())[name]
        for seed in seeds:
            start = time.perf_counter()
            epochs_rows, accuracy = _train(name, rate, seed, budget[name], split, steps=steps,
                                           test=True)
            for row in epochs_rows:
                rec.add({"kind": "epoch", "model": name, "rate": rate, "seed": seed, **row})
            rec.add({"kind": "test", "model": name, "rate": rate, "seed": seed,
                     "accuracy": accuracy, "wall": round(time.perf_counter() - start, 1)})
    rec.add({"kind": "end", "wall": round(time.perf_counter() - begin, 1),
             "load_average": [round(v, 2) for v in os.getloadavg()]})
    return rec.rows()
