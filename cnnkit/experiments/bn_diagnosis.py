"""What re-estimating batch normalisation on the labelled images does to EfficientNet-Lite0.

The ``bn_reestimate`` variant of :mod:`cnnkit.experiments.transfer_labels` replaces the
ImageNet mean and variance of every batch-normalisation layer with those of the 100
labelled images (then freezes them again), and its fine-tuning ends at exactly 0.100 test
accuracy (one class out of ten) on some seeds. :func:`diagnose` repeats those runs and
records, before any explanation:

- the statistics: per seed, how the re-estimated variances compare with ImageNet's
  (:func:`variance_change`): a channel almost constant on the labelled images gets a
  variance near 0, and its normalisation multiplies it by up to ``1 / sqrt(epsilon)``;
- the fine-tuning: the loss Keras reports after each step (the mean so far), the first
  step where it is not finite, whether every weight is still finite at the end, how many
  distinct classes the test predictions take, and the test accuracy;

for each ``(re-estimate, fine-tuning rate)`` setting: the variant as run (re-estimated,
the rate its cross-validation chose), the same with the base recipe's rate, and the base
recipe with the variant's rate. :func:`run` writes the rows as JSON lines
(:mod:`cnnkit.experiments.records`). Needs the TensorFlow backend.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import keras
import numpy as np

from cnnkit import data
from cnnkit._mode import QUICK_ENV, is_quick
from cnnkit.experiments.records import Recorder, machine
from cnnkit.experiments.training import Lite, train_head
from cnnkit.experiments.transfer_labels import QUICK_TEST_IMAGES, draw
from cnnkit.experiments.transfer_recipes import BATCH, schedule, steps_for

__all__ = ["SETTINGS", "diagnose", "run", "variance_change"]

SETTINGS = (  # (re-estimate, extractor rate, fine-tuning rate): the stored runs' chosen rates
    (True, 3e-3, 1e-3),  # the variant as run: its cross-validation chose 1e-3 (10x the base)
    (True, 3e-3, 1e-4),  # the same statistics, the base recipe's fine-tuning rate
    (False, 1e-3, 1e-3),  # the base statistics (ImageNet's), the variant's rate
)
LOGGED_STEPS = (1, 10, 25, 50, 100, 150)


def _bns(lite: Lite) -> list[keras.layers.BatchNormalization]:
    return [la for la in lite.base.layers if isinstance(la, keras.layers.BatchNormalization)]


def variance_change(before: list[np.ndarray], after: list[np.ndarray],
                    epsilon: list[float]) -> dict[str, float]:
    """How much the re-estimated statistics amplify each channel, over every BN layer.

    The normalisation divides a channel by ``sqrt(variance + epsilon)``; replacing the
    ImageNet variance ``v0`` by the re-estimated ``v1`` multiplies the channel's output by
    ``sqrt((v0 + eps) / (v1 + eps))``.

    Args:
        before: the moving variances of each layer (ImageNet's).
        after: the same layers' re-estimated variances.
        epsilon: each layer's epsilon.

    Returns:
        ``channels``, ``near_constant`` (re-estimated variance below epsilon),
        ``amplified_10x`` (channels multiplied by 10 or more), ``max_gain`` and
        ``median_gain``.

    Example:
        >>> change = variance_change([np.array([1.0, 4.0])], [np.array([1.0, 0.0])], [1e-3])
        >>> change["near_constant"], change["amplified_10x"], round(change["max_gain"], 1)
        (1, 1, 63.3)
    """
    gains, near = [], 0
    for v0, v1, eps in zip(before, after, epsilon, strict=True):
        gains.append(np.sqrt((np.asarray(v0) + eps) / (np.asarray(v1) + eps)))
        near += int(np.sum(np.asarray(v1) < eps))
    g = np.concatenate(gains)
    return {"channels": int(g.size), "near_constant": near, "amplified_10x": int(np.sum(g >= 10)),
            "max_gain": round(float(g.max()), 1), "median_gain": round(float(np.median(g)), 2)}


class _Losses(keras.callbacks.Callback):
    """The loss Keras reports after every step (its running mean over the epoch)."""

    def __init__(self) -> None:
        super().__init__()
        self.losses: list[float] = []

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.losses.append(float((logs or {}).get("loss", math.nan)))


def diagnose(x, y, test, seed: int, reestimate: bool, extractor_rate: float,
             finetune_rate: float, steps: int, *, eager: bool | None = None) -> dict:
    """One fine-tuning run of the recipe at 100 labels, with what went on inside it.

    ``eager`` trains without tracing a graph; ``None`` (default) follows the mode: eager in
    short mode (``CNNKIT_QUICK=1``), whose few steps do not repay the seconds spent tracing
    EfficientNet-Lite0's training step, traced otherwise.
    """
    start = time.perf_counter()
    eager = is_quick() if eager is None else eager
    fit = {"schedule": lambda rate, s: schedule(rate, s, False), "eager": eager}
    lite = Lite(96, "top", False, seed, eager=eager)
    row = {"kind": "diagnosis", "seed": seed, "reestimate": reestimate,
           "extractor_rate": extractor_rate, "finetune_rate": finetune_rate}
    if reestimate:
        before = [bn.moving_variance.numpy().copy() for bn in _bns(lite)]
        lite.reestimate_bn(x)
        after = [bn.moving_variance.numpy() for bn in _bns(lite)]
        row["variances"] = variance_change(before, after, [bn.epsilon for bn in _bns(lite)])
    half = steps // 2
    head = train_head(lite.feats(x), y, extractor_rate, seed, half, BATCH, **fit)
    losses = _Losses()
    lite.fine_tune(head, x, y, finetune_rate, seed, steps - half, BATCH, callbacks=[losses],
                   **fit)
    bad = [i + 1 for i, v in enumerate(losses.losses) if not math.isfinite(v)]
    predictions = lite.model.predict(data.make_dataset(test[0], None, batch_size=256,
                                                       shuffle=False), verbose=0)
    row.update({
        "loss": {str(s): round(losses.losses[s - 1], 4) for s in LOGGED_STEPS
                 if s <= len(losses.losses) and math.isfinite(losses.losses[s - 1])},
        "first_nonfinite_step": bad[0] if bad else None,
        "weights_finite": bool(all(np.isfinite(w).all() for w in lite.model.get_weights())),
        "predictions_finite": bool(np.isfinite(predictions).all()),
        "distinct_predictions": int(np.unique(predictions.argmax(1)).size),
        "accuracy": round(float(np.mean(predictions.argmax(1) == test[1])), 4),
        "seconds": round(time.perf_counter() - start, 1)})
    return row


def run(out: str | Path, *, seeds=(0, 1, 2), settings=SETTINGS, n: int = 100,
        quick: bool = False, quiet: bool = False) -> list[dict]:
    """Runs :func:`diagnose` for every seed and setting; writes the rows to ``out`` (new).

    Args:
        out: the JSON-lines file to write; it must not exist.
        seeds: the draws (the same as the stored run's seeds).
        settings: ``(re-estimate, extractor rate, fine-tuning rate)`` triples.
        n: labelled images per draw.
        quick: a smoke run on cnnkit's sample (20 test images, 2 steps, the first seed
            and setting); it measures nothing.
        quiet: do not print the rows.

    Raises:
        FileExistsError: ``out`` exists.
        RuntimeError: a full run while ``CNNKIT_QUICK`` is set.

    Example (minutes; a smoke run takes seconds)::

        rows = run(Path(tempfile.mkdtemp()) / "bn.jsonl", quick=True)
    """
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists: pass another file.")
    if not quick and is_quick():
        raise RuntimeError(f"{QUICK_ENV} is set (short mode), so a full run would train on "
                           f"cnnkit's sample. Unset {QUICK_ENV}, or pass quick=True.")
    if quick:
        seeds, settings = list(seeds)[:1], list(settings)[:1]
    (xp, yp), (xt, yt) = data.load_fashion_mnist(sample=quick)
    test = (xt[:QUICK_TEST_IMAGES], yt[:QUICK_TEST_IMAGES]) if quick else (xt, yt)
    rec = Recorder(out, quiet=quiet)
    rec.add(machine(data={"dataset": "fashion_mnist_sample" if quick else "fashion_mnist",
                          "train_pool": len(yp), "test": len(test[1])},
                    plan={"seeds": list(seeds), "settings": [list(s) for s in settings],
                          "n": n, "quick": quick}))
    start = time.perf_counter()
    for seed in seeds:
        x, y = draw(xp, yp, n, seed)
        for reestimate, extractor_rate, finetune_rate in settings:
            rec.add(diagnose(x, y, test, seed, reestimate, extractor_rate, finetune_rate,
                             steps_for(n, quick), eager=quick))
    rec.add({**machine(), "kind": "end", "seconds": round(time.perf_counter() - start, 1)})
    return rec.rows()
