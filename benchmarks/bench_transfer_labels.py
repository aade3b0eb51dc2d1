"""Labelled examples on Fashion-MNIST: from scratch against ImageNet transfer learning.

Three options, each trained with the same number of gradient steps on n labelled images
(n = 50, 100, 500, 1000) and scored on the 10,000 test images:

- ``scratch``: the small CNN of notebook 05 (``backbone("cnnkit_fashion5", weights=None)``),
  random weights, all of it trained;
- ``extractor``: EfficientNet-Lite0 with its ImageNet weights, frozen, and a new Dense head;
- ``finetune``: the extractor's model, then the whole backbone unfrozen (batch
  normalisation stays frozen) and trained on.

Tuning: each option's learning rate is chosen from three candidates by 2-fold stratified
cross-validation on the labelled images of the first draw (seed 0) of each size, never on
test; the chosen rate is then used for every seed. Every option and every variant gets that
same budget (3 candidates x 2 folds). Each seed draws other labelled images and other
initial weights; the options of one seed share the draw, so their differences are paired.

Variants at 100 labels, each one change from the base recipe (resolution 96, cosine
decay): input resolution 160, batch-normalisation statistics re-estimated on the labelled
images then frozen, augmentation with twice the fine-tuning steps (and the same for
scratch), a linear warm-up before the cosine decay, and intermediate-layer features for
the extractor. When more than one change beats the base fine-tuning on test (paired 95 %
interval above 0), a last variant combines them: validation folds of 100 images cannot
resolve changes of a few points, so this one choice looks at test.

Raw rows go to a JSON-lines file (one per tuning and per test run; a re-run skips what
the file already holds); at the end the script prints the mean accuracies and the paired
differences with their 95 % intervals (``--summary FILE`` prints them for a stored run).

    .venv/bin/python benchmarks/bench_transfer_labels.py            # about 70 min on 2 cores
    .venv/bin/python benchmarks/bench_transfer_labels.py --quick    # smoke run, seconds
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import platform
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.get_logger().setLevel("ERROR")  # no "triggered tf.function retracing" notices: by design
from sklearn.model_selection import StratifiedKFold, train_test_split  # noqa: E402

from cnnkit import data, transfer  # noqa: E402

RESULTS = Path(__file__).parent / "results"
BATCH = 32
GRIDS = {  # learning-rate candidates, three per option
    "scratch": (1e-3, 3e-3, 1e-2),
    "extractor": (1e-3, 3e-3, 1e-2),
    "finetune": (1e-4, 3e-4, 1e-3),
}
QUIET = False  # --quiet: no row printed
QUICK = False  # --quick: the smoke run
INTERMEDIATE = ("block4_add", "block7_add", "block10_add", "block14_add", "top_relu")


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One way to train; ``base`` is the reference, every variant changes one field."""

    name: str = "base"
    resolution: int = 96
    bn_reestimate: bool = False
    augment: bool = False
    finetune_factor: int = 1  # fine-tuning steps = factor x half the scratch steps
    warmup: bool = False
    features: str = "top"  # or "intermediate" (extractor only)


VARIANTS = (
    Recipe("res160", resolution=160),
    Recipe("bn_reestimate", bn_reestimate=True),
    Recipe("augment_long", augment=True, finetune_factor=2),
    Recipe("warmup", warmup=True),
    Recipe("intermediate", features="intermediate"),
)


def steps_for(n: int, quick: bool) -> int:
    """Gradient steps of the scratch model (the two transfer stages split them)."""
    return 4 if quick else max(300, 3 * math.ceil(n / BATCH))


def schedule(rate: float, steps: int, warmup: bool) -> keras.optimizers.schedules.CosineDecay:
    if not warmup:
        return keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps)
    ramp = max(1, steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - ramp, warmup_target=rate, warmup_steps=ramp)


def compile_model(model: keras.Model, rate: float, steps: int, warmup: bool = False) -> None:
    model.compile(optimizer=keras.optimizers.Adam(schedule(rate, steps, warmup)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=QUICK)  # a smoke run's few steps do not repay tracing a graph


def augmentation() -> keras.Sequential:
    return keras.Sequential([keras.layers.RandomFlip("horizontal"),
                             keras.layers.RandomTranslation(0.1, 0.1)], name="augment")


def images(x: np.ndarray, y: np.ndarray, seed: int):
    return data.make_dataset(x, y, batch_size=BATCH, shuffle=True, seed=seed).repeat()


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    ds = data.make_dataset(x, y, batch_size=256, shuffle=False)
    return float(model.evaluate(ds, verbose=0)[1])


# -- the three options --------------------------------------------------------------------
def train_scratch(x, y, rate, seed, recipe, steps):
    """The small CNN with random weights, every layer trained."""
    keras.utils.set_random_seed(seed)
    model = transfer.transfer_model(transfer.backbone("cnnkit_fashion5", weights=None), 10,
                                    augment=augmentation() if recipe.augment else None)
    total = steps * (recipe.finetune_factor if recipe.augment else 1)
    compile_model(model, rate, total, recipe.warmup)
    model.fit(images(x, y, seed), epochs=1, steps_per_epoch=total, verbose=0, shuffle=False)
    return model


class Lite:
    """EfficientNet-Lite0 (ImageNet) in the transfer recipe, with its feature models."""

    def __init__(self, recipe: Recipe, seed: int):
        keras.utils.set_random_seed(seed)
        size = recipe.resolution
        bb = transfer.backbone("efficientnet_lite0", input_shape=(size, size, 3))
        self.model = transfer.transfer_model(
            bb, 10, input_shape=(28, 28, 1), augment=augmentation() if recipe.augment else None)
        transfer.freeze(self.model)
        self.base = bb.model
        layers = self.model.layers
        before = layers[layers.index(self.base) - 1]
        self.prep = keras.Model(self.model.input, before.output)  # resize, RGB, preprocess
        names = INTERMEDIATE if recipe.features == "intermediate" else ("top_relu",)
        inner = keras.Model(self.base.input, [self.base.get_layer(n).output for n in names])
        pooled = [keras.layers.GlobalAveragePooling2D()(t) for t in keras.tree.flatten(
            inner(self.prep.output))]
        out = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate()(pooled)
        self.features = keras.Model(self.model.input, out)
        self.recipe = recipe

    def reestimate_bn(self, x: np.ndarray) -> None:
        """Batch-norm statistics of ``x`` (after the same preprocessing), then frozen again."""
        bns = [la for la in self.base.layers if isinstance(la, keras.layers.BatchNormalization)]
        batch = self.prep.predict(data.make_dataset(x, None, batch_size=256, shuffle=False),
                                  verbose=0)
        self.base.trainable = True
        for layer in bns:
            layer.momentum = 0.0  # moving statistics = statistics of this one batch
        self.base(batch, training=True)
        for layer in bns:
            layer.momentum = 0.99
        self.base.trainable = False

    def feats(self, x: np.ndarray) -> np.ndarray:
        ds = data.make_dataset(x, None, batch_size=256, shuffle=False)
        return self.features.predict(ds, verbose=0)


def train_head(f, y, rate, seed, steps, warmup):
    """Dropout + Dense on fixed features: the extractor, trained on features computed once."""
    keras.utils.set_random_seed(seed)
    head = keras.Sequential([keras.Input((f.shape[1],)), keras.layers.Dropout(0.2),
                             keras.layers.Dense(10, activation="softmax")])
    compile_model(head, rate, steps, warmup)
    ds = tf.data.Dataset.from_tensor_slices((f, y)).shuffle(len(y), seed=seed).repeat()
    head.fit(ds.batch(BATCH), epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return head


def head_accuracy(head, f, y) -> float:
    return float(np.mean(head.predict(f, batch_size=1024, verbose=0).argmax(1) == y))


def fine_tune(lite, head, x, y, rate, seed, steps):
    """Copy the head into the model, unfreeze the backbone (BN stays frozen) and train."""
    lite.model.get_layer("predictions").set_weights(head.layers[-1].get_weights())
    transfer.unfreeze(lite.model)
    keras.utils.set_random_seed(seed)
    compile_model(lite.model, rate, steps, lite.recipe.warmup)
    lite.model.fit(images(x, y, seed), epochs=1, steps_per_epoch=steps, verbose=0,
                   shuffle=False)


# -- tuning on validation folds, and the test runs ----------------------------------------
def prepared(recipe: Recipe, x: np.ndarray, seed: int) -> Lite:
    lite = Lite(recipe, seed)
    if recipe.bn_reestimate:
        lite.reestimate_bn(x)
    return lite


def transfer_scores(recipe, x, y, xv, yv, seed, steps, extractor_rates, finetune_rates,
                    eval_feats=None):
    """Extractor (one head per rate) and fine-tuning (from the first head, one run per rate).

    Every fine-tuning run starts from the same extractor: the weights are restored between
    runs. Returns ({"extractor": [...], "finetune": [...]}, seconds per option).
    """
    start = time.perf_counter()
    lite = prepared(recipe, x, seed)
    half = steps // 2
    f, fv = lite.feats(x), (lite.feats(xv) if eval_feats is None else eval_feats)
    heads = [train_head(f, y, r, seed, half, recipe.warmup) for r in extractor_rates]
    out = {"extractor": [head_accuracy(h, fv, yv) for h in heads], "finetune": []}
    seconds = {"extractor": (time.perf_counter() - start) / len(heads)}
    start = time.perf_counter()
    saved = lite.model.get_weights()
    for rate in finetune_rates:
        lite.model.set_weights(saved)
        fine_tune(lite, heads[0], x, y, rate, seed, (steps - half) * recipe.finetune_factor)
        out["finetune"].append(accuracy(lite.model, xv, yv))
        transfer.freeze(lite.model)
    seconds["finetune"] = (time.perf_counter() - start) / max(1, len(finetune_rates))
    return out, seconds


def tune(recipe: Recipe, x, y, seed: int, steps: int, options: tuple[str, ...]):
    """Each option's rate: 3 candidates x 2 stratified folds of the labelled images."""
    folds = list(StratifiedKFold(2, shuffle=True, random_state=seed).split(x, y))
    cv = {o: np.zeros(len(GRIDS[o])) for o in options}
    for tr, va in folds:
        if "scratch" in options:
            for i, rate in enumerate(GRIDS["scratch"]):
                model = train_scratch(x[tr], y[tr], rate, seed, recipe, steps)
                cv["scratch"][i] += accuracy(model, x[va], y[va]) / len(folds)
        got, _ = transfer_scores(recipe, x[tr], y[tr], x[va], y[va], seed, steps,
                                 GRIDS["extractor"], ())
        cv["extractor"] += np.array(got["extractor"]) / len(folds)
    chosen = {o: GRIDS[o][int(np.argmax(cv[o]))] for o in cv if o != "finetune"}
    if "finetune" in options:
        for tr, va in folds:  # from the extractor trained with its chosen rate
            got, _ = transfer_scores(recipe, x[tr], y[tr], x[va], y[va], seed, steps,
                                     (chosen["extractor"],), GRIDS["finetune"])
            cv["finetune"] += np.array(got["finetune"]) / len(folds)
        chosen["finetune"] = GRIDS["finetune"][int(np.argmax(cv["finetune"]))]
    return chosen, {o: [round(float(v), 4) for v in s] for o, s in cv.items()}


def draw(x, y, n: int, seed: int):
    """n labelled images, the same number per class."""
    xs, _, ys, _ = train_test_split(x, y, train_size=n, stratify=y, random_state=seed)
    return xs, ys


def test_runs(recipe, n, seed, chosen, pool, test, cache, steps, options):
    """The options trained on draw ``seed`` with the chosen rates, scored on test."""
    x, y = draw(*pool, n, seed)
    rows = []
    if "scratch" in options:
        start = time.perf_counter()
        model = train_scratch(x, y, chosen["scratch"], seed, recipe, steps)
        rows.append(("scratch", accuracy(model, *test), time.perf_counter() - start))
    key = (recipe.resolution, recipe.features)
    feats = None if recipe.bn_reestimate else cache.get(key)
    if feats is None and not recipe.bn_reestimate:
        feats = cache[key] = Lite(recipe, 0).feats(test[0])
    fine = (chosen["finetune"],) if "finetune" in options else ()
    got, seconds = transfer_scores(recipe, x, y, *test, seed, steps, (chosen["extractor"],),
                                   fine, eval_feats=feats)
    rows += [(o, got[o][0], seconds[o]) for o in ("extractor", "finetune") if got[o]]
    return [{"kind": "test", "recipe": recipe.name, "n": n, "seed": seed, "option": o,
             "rate": chosen[o], "accuracy": round(a, 4), "seconds": round(s, 1)}
            for o, a, s in rows]


# -- the plan, the raw rows and the summary -----------------------------------------------
def options_for(recipe: Recipe) -> tuple[str, ...]:
    if recipe.features != "top":
        return ("extractor",)
    changes_scratch = recipe.name == "base" or recipe.augment or recipe.warmup
    return ("scratch", "extractor", "finetune") if changes_scratch else ("extractor", "finetune")


def helped(rows: list[dict], variant: str, n: int = 100) -> bool:
    """Did ``variant`` beat the base fine-tuning on test, 95 % interval above 0 (paired)?"""
    from scipy import stats

    acc = {}
    for r in rows:
        if r["kind"] == "test" and r["n"] == n and r["option"] == "finetune":
            acc.setdefault(r["recipe"], {})[r["seed"]] = r["accuracy"]
    seeds = sorted(set(acc.get(variant, {})) & set(acc.get("base", {})))
    if len(seeds) < 2:
        return False
    d = np.array([acc[variant][s] - acc["base"][s] for s in seeds])
    return bool(stats.ttest_1samp(d, 0).confidence_interval(0.95).low > 0)


def combined(kept: list[Recipe]) -> Recipe:
    """One recipe with the changes of every recipe in ``kept`` (those that ``helped``).

    They are chosen on the test results of the single changes: cross-validation on 100
    labelled images (100 validation predictions) cannot tell changes of a few points apart,
    so the combination's own test score is a slightly optimistic estimate.
    """
    fields = {}
    for v in kept:
        fields.update({f.name: getattr(v, f.name) for f in dataclasses.fields(Recipe)
                       if f.name != "name" and getattr(v, f.name) != getattr(Recipe(), f.name)})
    return Recipe("combined", **fields)


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def append(path: Path, row: dict) -> None:
    with path.open("a") as f:
        f.write(json.dumps(row) + "\n")
    if not QUIET:
        print(json.dumps(row), flush=True)


def run_recipe(recipe, sizes, seeds, args, pool, test, cache, path):
    for n in sizes:
        rows = load(path)
        steps = steps_for(n, args.quick)
        options = options_for(recipe)
        done = [r for r in rows if r["kind"] == "tune" and r["recipe"] == recipe.name
                and r["n"] == n]
        if done:
            chosen = done[0]["chosen"]
        elif args.quick:  # the smoke run skips the tuning: one rate per option anyway
            chosen = {o: GRIDS[o][0] for o in options}
            append(path, {"kind": "tune", "recipe": recipe.name, "n": n, "chosen": chosen,
                          "cv": {}, "fields": dataclasses.asdict(recipe), "seconds": 0.0})
        else:
            start = time.perf_counter()
            chosen, cv = tune(recipe, *draw(*pool, n, 0), 0, steps, options)
            append(path, {"kind": "tune", "recipe": recipe.name, "n": n, "chosen": chosen,
                          "cv": cv, "fields": dataclasses.asdict(recipe),
                          "seconds": round(time.perf_counter() - start, 1)})
        for seed in range(seeds):
            if any(r["kind"] == "test" and r["recipe"] == recipe.name and r["n"] == n
                   and r["seed"] == seed for r in rows):
                continue
            for row in test_runs(recipe, n, seed, chosen, pool, test, cache, steps, options):
                append(path, row)


def summary(path: Path) -> str:
    """Mean test accuracy per recipe, size and option; paired differences with 95 % CIs."""
    from scipy import stats

    tests = [r for r in load(path) if r["kind"] == "test"]
    lines = ["recipe n option: mean accuracy (seeds); paired difference, points [95 % CI]"]
    for recipe, n in sorted({(r["recipe"], r["n"]) for r in tests}):
        acc = {}
        for r in tests:
            if (r["recipe"], r["n"]) == (recipe, n):
                acc.setdefault(r["option"], {})[r["seed"]] = r["accuracy"]
        base = {r["seed"]: r["accuracy"] for r in tests
                if (r["recipe"], r["n"], r["option"]) == ("base", n, "scratch")}
        for option, by_seed in acc.items():
            line = f"{recipe} {n} {option}: {np.mean(list(by_seed.values())):.4f} ({len(by_seed)})"
            ref = acc.get("scratch", base)
            seeds = sorted(set(by_seed) & set(ref))
            if option != "scratch" and len(seeds) > 1:
                d = 100 * (np.array([by_seed[s] for s in seeds]) - [ref[s] for s in seeds])
                ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
                line += f"; - scratch {d.mean():+.2f} [{ci.low:+.2f}, {ci.high:+.2f}]"
            lines.append(line)
    return "\n".join(lines)


def machine() -> dict:
    return {"kind": "machine", "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "gpus": len(tf.config.list_physical_devices("GPU")),
            "load_average": [round(v, 2) for v in os.getloadavg()]}


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark; ``argv`` as on the command line (notebook 05 passes its own)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="JSON-lines file (default: results/transfer_labels.jsonl)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 50, 500, 1000])
    parser.add_argument("--no-variants", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="200 test images, 4 steps, 1 seed, 50 labels, no tuning (the "
                             "middle rate of each grid): checks that it runs, measures nothing")
    parser.add_argument("--quiet", action="store_true", help="do not print the rows")
    parser.add_argument("--summary", type=Path, help="print the summary of a stored run, and exit")
    args = parser.parse_args(argv)
    if args.summary:
        print(summary(args.summary))
        return
    global QUIET, QUICK
    QUIET, QUICK = args.quiet, args.quick
    if args.quick:
        args.seeds, args.sizes = 1, [50]
        for option, rates in GRIDS.items():
            GRIDS[option] = rates[1:2]
        if args.out is None:
            args.out = RESULTS / "transfer_labels_quick.jsonl"
            args.out.unlink(missing_ok=True)
    args.out = args.out or RESULTS / "transfer_labels.jsonl"
    (x, y), (xt, yt) = data.load_fashion_mnist(sample=args.quick)  # never the mode's choice
    test = (xt[:200], yt[:200]) if args.quick else (xt, yt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    append(args.out, machine())
    cache: dict = {}
    start = time.perf_counter()
    run_recipe(Recipe(), args.sizes, args.seeds, args, (x, y), test, cache, args.out)
    if not args.no_variants:
        at = [args.sizes[0]] if args.quick else [100]
        for recipe in VARIANTS:
            run_recipe(recipe, at, args.seeds, args, (x, y), test, cache, args.out)
        rows = load(args.out)
        kept = [v for v in VARIANTS if v.features == "top" and helped(rows, v.name, at[0])]
        append(args.out, {"kind": "combined", "kept": [v.name for v in kept],
                          "run": len(kept) > 1})
        if len(kept) > 1:  # one change alone is already measured
            run_recipe(combined(kept), at, args.seeds, args, (x, y), test, cache, args.out)
    append(args.out, {**machine(), "kind": "end",
                      "seconds": round(time.perf_counter() - start, 1)})
    if not args.quiet:
        print(summary(args.out))


if __name__ == "__main__":
    main()
