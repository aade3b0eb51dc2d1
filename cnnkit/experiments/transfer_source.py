"""A small source task: cnnkit's pre-trained CNN on the other five Fashion-MNIST classes.

Notebook 05's section 8. ``backbone("cnnkit_fashion5")`` was trained on five classes of
Fashion-MNIST (the source); the target task is the other five classes. Three options, each
trained on n labelled images of the target (n = 50, 100, 500, 1000; the same number per
class) and scored on the target's 5,000 test images:

- ``scratch``: the same CNN with random weights (``weights=None``), all of it trained for
  the whole step budget;
- ``extractor``: the pre-trained backbone frozen and a new ``Dropout`` + ``Dense`` head on
  its **standardised** features (mean 0 and variance 1 per feature on the labelled images),
  trained for the whole step budget. The frozen backbone never changes, so its features are
  computed once and the head is trained on them: the same model, much cheaper;
- ``finetune``: the extractor's head trained for the first half of the steps, folded into
  the model's ``Dense`` layer (the standardisation is affine, so it folds exactly), then the
  last block unfrozen (``block3_conv``; batch normalisation stays frozen) and trained for the
  other half. It gets as many steps in all as ``scratch``.

Tuning: each option's learning rate is chosen from :data:`GRIDS` (four candidates each, the
same number for every option) by the accuracy on 2,000 **validation** images of the target
(held out of the pool the labelled images are drawn from, never the test images), with the
first draw (seed 0) of each size; the chosen rate is then used for every seed. Fine-tuning is
tuned starting from the extractor's head trained with the extractor's chosen rate. Each seed
draws other labelled images and other initial weights; the options of one seed share the
draw, so their differences are paired. The learning rate decays to 0 with a cosine over each
stage; batches of 32; ``max(300, 3 epochs)`` steps; no early stopping.

:func:`run` writes the rows (:mod:`cnnkit.experiments.records`); notebook 05 reads the stored
full run (``read_rows("transfer_source.jsonl")``) and reproduces a few of its seeds in the
kernel. ``benchmarks/bench_transfer_source.py`` is its command line. TensorFlow backend.
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from cnnkit import data, transfer
from cnnkit._mode import QUICK_ENV, is_quick
from cnnkit.experiments.records import Recorder, machine
from cnnkit.experiments.training import accuracy, head_accuracy, train_head
from cnnkit.experiments.transfer_recipes import BATCH, schedule, steps_for

__all__ = ["GRIDS", "SIZES", "SEEDS", "VALIDATION", "fold_standardisation", "run", "split",
           "standardise", "target_data", "tune"]  # fmt: skip

BACKBONE = "cnnkit_fashion5"
UNFREEZE_FROM = "block3_conv"
VALIDATION = 2000  # target images held out for choosing the rates
SIZES = (100, 50, 500, 1000)  # 100 first: the size the notebook reproduces
SEEDS = 5
GRIDS = {  # learning-rate candidates, four per option (half-decade steps)
    "scratch": (3e-4, 1e-3, 3e-3, 1e-2),
    "extractor": (1e-2, 3e-2, 1e-1, 3e-1),
    "finetune": (1e-4, 3e-4, 1e-3, 3e-3),
}
OPTIONS = ("scratch", "extractor", "finetune")
QUICK_TEST_IMAGES = 20


def target_data(quick: bool = False) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The target task: labels 0-4 for the five classes the backbone never saw.

    Returns ``{"pool": ..., "validation": ..., "test": ...}``, each ``(x, y)``: the pool the
    labelled images are drawn from, the validation images (stratified, ``random_state=0``)
    and the test images. ``quick``: cnnkit's sample, 200 validation and 20 test images.
    """
    source = transfer.CNNKIT_BACKBONES[BACKBONE].source_classes
    target = np.array([c for c in range(10) if c not in source])
    (x, y), (xt, yt) = data.load_fashion_mnist(sample=quick)
    keep, keep_t = np.isin(y, target), np.isin(yt, target)
    x, y = x[keep], np.searchsorted(target, y[keep])
    xt, yt = xt[keep_t], np.searchsorted(target, yt[keep_t])
    xv, xp, yv, yp = train_test_split(x, y, train_size=200 if quick else VALIDATION,
                                      stratify=y, random_state=0)
    if quick:
        xt, yt = xt[:QUICK_TEST_IMAGES], yt[:QUICK_TEST_IMAGES]
    return {"pool": (xp, yp), "validation": (xv, yv), "test": (xt, yt)}


def split(pool: tuple[np.ndarray, np.ndarray], n: int, seed: int):
    """n labelled images of the pool, the same number per class (the draw of ``seed``)."""
    x, y = pool
    if n >= len(y):
        return x, y
    xs, _, ys, _ = train_test_split(x, y, train_size=n, stratify=y, random_state=seed)
    return xs, ys


def standardise(f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale of each feature on ``f`` (a constant feature gets scale 1).

    Example:
        >>> mean, scale = standardise(np.array([[0.0, 2.0], [2.0, 2.0]]))
        >>> mean.tolist(), scale.tolist()
        ([1.0, 2.0], [1.0, 1.0])
    """
    mean, scale = f.mean(axis=0), f.std(axis=0)
    return mean, np.where(scale > 1e-6, scale, 1.0)


def fold_standardisation(kernel, bias, mean, scale):
    """Dense weights on raw features equal to ``(kernel, bias)`` on standardised ones.

    ``((f - mean) / scale) @ kernel + bias == f @ (kernel / scale) + bias'``.

    Example:
        >>> k, b = fold_standardisation(np.array([[2.0]]), np.array([1.0]), np.array([3.0]),
        ...                             np.array([2.0]))
        >>> k.tolist(), b.tolist()
        ([[1.0]], [-2.0])
    """
    folded = kernel / scale[:, None]
    return folded, bias - (mean / scale) @ kernel


class _Models:
    """The models of one job: the frozen extractor's features, computed once per image set."""

    def __init__(self, job: dict):
        self.job = job
        model = transfer.transfer_model(transfer.backbone(BACKBONE), 5)  # pre-trained
        self.features = keras.Model(model.input, model.get_layer("predictions").input)
        self.cache = {name: self.feats(job[name][0]) for name in ("validation", "test")}

    def feats(self, x: np.ndarray) -> np.ndarray:
        ds = data.make_dataset(x, None, batch_size=256, shuffle=False)
        return self.features.predict(ds, verbose=0)

    def _fit(self, model, x, y, rate, seed, steps):
        model.compile(optimizer=keras.optimizers.Adam(schedule(rate, steps, False)),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      run_eagerly=self.job["quick"])
        ds = data.make_dataset(x, y, batch_size=BATCH, shuffle=True, seed=seed).repeat()
        model.fit(ds, epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)

    def scratch(self, x, y, rate, seed, steps, on: str) -> float:
        keras.utils.set_random_seed(seed)
        model = transfer.transfer_model(transfer.backbone(BACKBONE, weights=None), 5)
        self._fit(model, x, y, rate, seed, steps)
        return accuracy(model, *self.job[on])

    def head(self, f, y, rate, seed, steps):
        mean, scale = standardise(f)
        head = train_head((f - mean) / scale, y, rate, seed, steps, BATCH, classes=5,
                          schedule=lambda r, s: schedule(r, s, False), eager=self.job["quick"])
        return head, mean, scale

    def extractor(self, f, y, rate, seed, steps, on: str) -> float:
        head, mean, scale = self.head(f, y, rate, seed, steps)
        return head_accuracy(head, (self.cache[on] - mean) / scale, self.job[on][1])

    def finetune(self, x, y, f, head_rate, rate, seed, steps, on: str) -> float:
        half = steps // 2
        head, mean, scale = self.head(f, y, head_rate, seed, half)
        keras.utils.set_random_seed(seed)
        model = transfer.transfer_model(transfer.backbone(BACKBONE), 5)
        kernel, bias = head.layers[-1].get_weights()
        model.get_layer("predictions").set_weights(fold_standardisation(kernel, bias, mean,
                                                                        scale))
        transfer.freeze(model)
        transfer.unfreeze(model, from_layer=UNFREEZE_FROM)
        self._fit(model, x, y, rate, seed, steps - half)
        return accuracy(model, *self.job[on])


def tune(models: _Models, x, y, steps: int) -> tuple[dict, dict]:
    """Each option's rate by validation accuracy (draw 0); returns (chosen, accuracies)."""
    f = models.feats(x)
    val = {"scratch": [models.scratch(x, y, r, 0, steps, "validation") for r in GRIDS["scratch"]],
           "extractor": [models.extractor(f, y, r, 0, steps, "validation")
                         for r in GRIDS["extractor"]]}  # fmt: skip
    chosen = {o: GRIDS[o][int(np.argmax(v))] for o, v in val.items()}
    val["finetune"] = [models.finetune(x, y, f, chosen["extractor"], r, 0, steps, "validation")
                       for r in GRIDS["finetune"]]  # fmt: skip
    chosen["finetune"] = GRIDS["finetune"][int(np.argmax(val["finetune"]))]
    return chosen, {o: [round(float(a), 4) for a in v] for o, v in val.items()}


def _seed_rows(models: _Models, n: int, seed: int, chosen: dict, steps: int) -> list[dict]:
    x, y = split(models.job["pool"], n, seed)
    f = models.feats(x)
    runs = {"scratch": lambda: models.scratch(x, y, chosen["scratch"], seed, steps, "test"),
            "extractor": lambda: models.extractor(f, y, chosen["extractor"], seed, steps, "test"),
            "finetune": lambda: models.finetune(x, y, f, chosen["extractor"], chosen["finetune"],
                                                seed, steps, "test")}  # fmt: skip
    rows = []
    for option in OPTIONS:
        start = time.perf_counter()
        acc = runs[option]()
        rows.append({"kind": "test", "recipe": "base", "n": n, "seed": seed, "option": option,
                     "rate": chosen[option], "accuracy": round(acc, 4),
                     "seconds": round(time.perf_counter() - start, 1)})
    return rows


def run(out: str | Path, *, sizes=SIZES, seeds: int = SEEDS, quick: bool = False,
        quiet: bool = False, resume: bool = False) -> list[dict]:
    """Runs the experiment and writes its rows to ``out`` (a new JSON-lines file).

    Args:
        out: the file to write; it must not exist unless ``resume`` (then the tunings and
            the test runs it already holds are skipped: a file holding only a stored run's
            ``tune`` row reproduces that run's seeds without tuning again).
        sizes: numbers of labelled images.
        seeds: draws per size (seeds 0 .. seeds-1).
        quick: a smoke run on cnnkit's sample (200 validation and 20 test images), 2 steps,
            no tuning (the second rate of each grid). It checks that the code runs.
        quiet: do not print the rows as they are written.
        resume: continue (or reproduce) a run in ``out``.

    Returns:
        Every row of ``out``.

    Raises:
        FileExistsError: ``out`` exists and ``resume`` is False.
        RuntimeError: a full run while ``CNNKIT_QUICK`` is set.

    Example (seconds; one smoke run)::

        rows = run(Path(tempfile.mkdtemp()) / "smoke.jsonl", sizes=[20], seeds=1, quick=True)
    """
    out = Path(out)
    if out.exists() and not resume:
        raise FileExistsError(f"{out} exists: pass another file, or resume=True to continue it.")
    if not quick and is_quick():
        raise RuntimeError(f"{QUICK_ENV} is set (short mode), so a full run would train on "
                           f"cnnkit's sample. Unset {QUICK_ENV}, or ask for quick=True.")
    from cnnkit.experiments.training import _tensorflow

    _tensorflow()
    job = {**target_data(quick), "quick": quick}
    rec = Recorder(out, quiet=quiet)
    rec.add(machine(data={"dataset": "fashion_mnist_sample" if quick else "fashion_mnist",
                          "target_classes": 5, "pool": len(job["pool"][1]),
                          "validation": len(job["validation"][1]), "test": len(job["test"][1])},
                    plan={"sizes": list(sizes), "seeds": seeds, "quick": quick,
                          "grids": {o: list(g) for o, g in GRIDS.items()}}))
    start = time.perf_counter()
    models = _Models(job)
    for n in sizes:
        steps = steps_for(n, quick)
        done = [r for r in rec.rows() if r["kind"] == "tune" and r["n"] == n]
        if done:
            chosen = done[0]["chosen"]
        elif quick:
            chosen = {o: GRIDS[o][1] for o in OPTIONS}
            rec.add({"kind": "tune", "n": n, "chosen": chosen, "validation": {}, "seconds": 0.0})
        else:
            t0 = time.perf_counter()
            chosen, val = tune(models, *split(job["pool"], n, 0), steps)
            rec.add({"kind": "tune", "n": n, "steps": steps, "chosen": chosen,
                     "validation": val, "seconds": round(time.perf_counter() - t0, 1)})
        for seed in range(seeds):
            if any(r["kind"] == "test" and r["n"] == n and r["seed"] == seed
                   for r in rec.rows()):  # fmt: skip
                continue
            for row in _seed_rows(models, n, seed, chosen, steps):
                rec.add(row)
    rec.add({**machine(), "kind": "end", "seconds": round(time.perf_counter() - start, 1)})
    return rec.rows()
