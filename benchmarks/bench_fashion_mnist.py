"""Time to 90 / 91 / 92 % test accuracy on Fashion-MNIST: deck 001's CNN vs notebook 03's.

Trains both models on the same machine, one after the other, on the 60,000 training
images (55,000 for training as in notebook 03), and measures the test accuracy after
every epoch. Training time counts only `fit`'s epochs (the per-epoch evaluation is
excluded). Each model runs until its time budget is spent (the epoch in which it runs out
is finished) or its epochs are done. The goal of issue 4: the recommended model reaches
92 % in at most a third of the time the deck model needs for its best accuracy.

Usage::

    .venv/bin/python benchmarks/bench_fashion_mnist.py                   # ~1 hour on 2 cores
    .venv/bin/python benchmarks/bench_fashion_mnist.py --deck-budget 1200 --recommended-budget 600
    .venv/bin/python benchmarks/bench_fashion_mnist.py --quick           # smoke run, ~1 min

The recommended model and its training recipe are the ones of notebook 03
(`recommended_model` and `RECOMMENDED_EPOCHS` below must match it).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import dataclass, field

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from cnnkit import data  # noqa: E402
from cnnkit.augment import augmentation  # noqa: E402
from cnnkit.models import conv_net, deck_cnn  # noqa: E402

THRESHOLDS = (0.90, 0.91, 0.92)
BATCH_SIZE = 128
VALIDATION = 5_000
RECOMMENDED_EPOCHS = 10
DECK_MAX_EPOCHS = 100


@dataclass
class Run:
    """Per-epoch record of one model: cumulative training seconds and test accuracy."""

    name: str
    params: int
    seconds: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    def time_to(self, threshold: float) -> str:
        for epoch, (sec, acc) in enumerate(zip(self.seconds, self.accuracy, strict=True), 1):
            if acc >= threshold:
                return f"{sec:.0f} s (ep. {epoch})"
        total = self.seconds[-1] if self.seconds else 0.0
        return f"not reached in {total:.0f} s"

    def best(self) -> str:
        epoch = int(np.argmax(self.accuracy))
        return f"{self.accuracy[epoch]:.4f} (ep. {epoch + 1}, {self.seconds[epoch]:.0f} s)"

    def seconds_per_epoch(self) -> float:
        return self.seconds[-1] / len(self.seconds)


class TestAccuracy(keras.callbacks.Callback):
    """Evaluates on the test set after each epoch; stops when the time budget is spent."""

    def __init__(self, run: Run, test: tf.data.Dataset, budget: float) -> None:
        super().__init__()
        self.run, self.test, self.budget = run, test, budget
        self.trained = 0.0
        self.start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.trained += time.perf_counter() - self.start
        accuracy = self.model.evaluate(self.test, verbose=0, return_dict=True)["accuracy"]
        self.run.seconds.append(self.trained)
        self.run.accuracy.append(float(accuracy))
        print(f"  {self.run.name} epoch {epoch + 1}: {self.trained:7.1f} s, "
              f"test accuracy {accuracy:.4f}", flush=True)
        if self.trained >= self.budget:
            self.model.stop_training = True


def recommended_model() -> keras.Model:
    """Notebook 03's recommended CNN: batch normalisation, small, with dropout."""
    return conv_net(
        (28, 28, 1), 10, filters=(32, 64), convs_per_block=(1, 2), dense_units=(128,),
        batch_norm=True, dropout=0.3, name="recommended",
    )  # fmt: skip


def recommended_optimizer(steps_per_epoch: int, epochs: int) -> keras.optimizers.Optimizer:
    """Adam with one epoch of linear warm-up to 3e-3, then cosine decay to zero."""
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=1e-4,
        decay_steps=steps_per_epoch * (epochs - 1),
        warmup_target=3e-3,
        warmup_steps=steps_per_epoch,
    )
    return keras.optimizers.Adam(schedule)


def train(name: str, model: keras.Model, optimizer, train_ds, test_ds, *, epochs: int,
          budget: float) -> Run:
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    run = Run(name, model.count_params())
    print(f"{name}: {run.params:,} parameters, budget {budget:.0f} s, at most {epochs} epochs",
          flush=True)
    model.fit(train_ds, epochs=epochs, verbose=0, shuffle=False,
              callbacks=[TestAccuracy(run, test_ds, budget)])
    return run


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            names = [ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    gpus = tf.config.list_physical_devices("GPU")
    device = f"{len(gpus)} GPU" if gpus else "no GPU"
    return (f"{cpu}, {os.cpu_count()} cores visible, {device}; Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}")


def load() -> str:
    """The system load averages: above the core count, other processes shared the CPU."""
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def table(runs: list[Run]) -> str:
    head = ["model", "params", "s/epoch", *[f"time to {t:.0%}" for t in THRESHOLDS],
            "best test acc (epoch, time)"]
    rows = [
        [r.name, f"{r.params:,}", f"{r.seconds_per_epoch():.0f}",
         *[r.time_to(t) for t in THRESHOLDS], r.best()]
        for r in runs
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deck-budget", type=float, default=2400.0,
                        help="training seconds for the deck model (default 2400)")
    parser.add_argument("--recommended-budget", type=float, default=900.0,
                        help="training seconds for the recommended model (default 900)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the 3,000-image sample, 1 epoch each")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    for name in ("deck_budget", "recommended_budget"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")

    keras.utils.set_random_seed(args.seed)
    (x, y), (x_test, y_test) = data.load_fashion_mnist(sample=args.quick)
    validation = 500 if args.quick else VALIDATION
    x, y = x[:-validation], y[:-validation]  # the notebook's split: last images validate
    test_ds = data.make_dataset(x_test, y_test, batch_size=1000, shuffle=False)
    plain = data.make_dataset(x, y, batch_size=BATCH_SIZE, shuffle=True, seed=args.seed)
    augmented = data.make_dataset(x, y, batch_size=BATCH_SIZE, shuffle=True, seed=args.seed,
                                  augment=augmentation(translation=0.0, seed=args.seed))
    steps = int(np.ceil(len(x) / BATCH_SIZE))
    rec_epochs = 1 if args.quick else RECOMMENDED_EPOCHS

    print(f"machine: {machine()}")
    print(f"load average at start (1, 5, 15 min): {load()}")
    print(f"data: {len(x):,} training images, {len(x_test):,} test images, batch {BATCH_SIZE}")
    runs = [
        train("deck_cnn (deck 001)", deck_cnn(), keras.optimizers.Adam(), plain, test_ds,
              epochs=1 if args.quick else DECK_MAX_EPOCHS, budget=args.deck_budget),
        train("recommended (notebook 03)", recommended_model(),
              recommended_optimizer(steps, max(rec_epochs, 2)), augmented, test_ds,
              epochs=rec_epochs, budget=args.recommended_budget),
    ]
    print(f"\nload average at end (1, 5, 15 min): {load()}\n")
    print(table(runs))
    deck, rec = runs
    best_deck = deck.seconds[int(np.argmax(deck.accuracy))]
    reached = [s for s, a in zip(rec.seconds, rec.accuracy, strict=True) if a >= 0.92]
    if reached:
        ratio = reached[0] / best_deck
        verdict = "goal met" if ratio <= 1 / 3 else "goal NOT met"
        print(f"\nrecommended reaches 92% in {reached[0]:.0f} s = {ratio:.2f} x the deck model's "
              f"time to its best ({best_deck:.0f} s): {verdict} (goal <= 0.33)")
    else:
        print("\nrecommended model did not reach 92% within its budget: goal NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
