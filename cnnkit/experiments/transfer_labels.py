"""Labelled examples on Fashion-MNIST: from scratch against ImageNet transfer learning.

Three options, each trained with the same number of gradient steps on n labelled images
(n = 50, 100, 500, 1000) and scored on the 10,000 test images:

- ``scratch``: the small CNN of notebook 05 (``backbone("cnnkit_fashion5", weights=None)``),
  random weights, all of it trained;
- ``extractor``: EfficientNet-Lite0 with its ImageNet weights, frozen, and a new Dense head,
  trained for the first half of the steps (scored there);
- ``finetune``: the extractor's model, then the whole backbone unfrozen (batch
  normalisation stays frozen) and trained for the other half.

Tuning: each option's learning rate is chosen from three candidates by 2-fold stratified
cross-validation on the labelled images of the first draw (seed 0) of each size, never on
test; the chosen rate is then used for every seed. Every option and every variant gets that
same budget (3 candidates x 2 folds). Each seed draws other labelled images and other
initial weights; the options of one seed share the draw, so their differences are paired
(also across runs: the draw of a seed depends only on n and the seed).

The recipes (the base one, the one-change variants at 100 labels, the controls) and the
rule that combines the variants that helped are in :mod:`cnnkit.experiments.transfer_recipes`.
:func:`run` writes the rows (:mod:`cnnkit.experiments.records`); notebook 05 runs it reduced
and reads the stored full runs with ``cnnkit.experiments.read_rows(...)``. The training
itself (``tf.data``) needs the TensorFlow backend.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

from cnnkit import data, transfer
from cnnkit._mode import QUICK_ENV, is_quick
from cnnkit.experiments.records import Recorder, machine
from cnnkit.experiments.training import Lite, accuracy, head_accuracy, train_head, train_scratch
from cnnkit.experiments.transfer_recipes import (
    BATCH,
    CONTROLS,
    GRIDS,
    SIZES,
    VARIANTS,
    Recipe,
    combined,
    helped,
    options_for,
    recipe_named,
    schedule,
    steps_for,
)

__all__ = ["CONTROLS", "GRIDS", "QUICK_TEST_IMAGES", "SIZES", "VARIANTS", "Recipe", "combined",
           "draw", "helped", "options_for", "recipe_named", "run", "schedule", "steps_for",
           "tune"]  # fmt: skip

QUICK_TEST_IMAGES = 20  # a smoke run scores on the sample's first 20 test images


def _fit_options(recipe: Recipe, eager: bool) -> dict[str, Any]:
    return {"schedule": lambda rate, steps: schedule(rate, steps, recipe.warmup), "eager": eager}


# -- tuning on validation folds, and the test runs ----------------------------------------
def _transfer_scores(recipe, x, y, xv, yv, seed, steps, extractor_rates, finetune_rates,
                     eager, eval_feats=None):
    """Extractor (one head per rate) and fine-tuning (from the first head, one run per rate).

    Every fine-tuning run starts from the same extractor: the weights are restored between
    runs. Returns ({"extractor": [...], "finetune": [...]}, seconds per option).
    """
    fit = _fit_options(recipe, eager)
    start = time.perf_counter()
    lite = Lite(recipe.resolution, recipe.features, recipe.augment, seed, eager=eager)
    if recipe.bn_reestimate:
        lite.reestimate_bn(x)
    half = steps // 2
    head_steps = steps if recipe.extractor_full else half
    f, fv = lite.feats(x), (lite.feats(xv) if eval_feats is None else eval_feats)
    heads = [train_head(f, y, r, seed, head_steps, BATCH, **fit) for r in extractor_rates]
    out = {"extractor": [head_accuracy(h, fv, yv) for h in heads], "finetune": []}
    seconds = {"extractor": (time.perf_counter() - start) / len(heads)}
    start = time.perf_counter()
    saved = lite.model.get_weights()
    for rate in finetune_rates:
        lite.model.set_weights(saved)
        lite.fine_tune(heads[0], x, y, rate, seed, (steps - half) * recipe.finetune_factor,
                       BATCH, **fit)
        out["finetune"].append(accuracy(lite.model, xv, yv))
        transfer.freeze(lite.model)
    seconds["finetune"] = (time.perf_counter() - start) / max(1, len(finetune_rates))
    return out, seconds


def _scratch(recipe: Recipe, x, y, rate, seed, steps, eager):
    total = steps * (recipe.finetune_factor if recipe.augment else 1)
    return train_scratch(x, y, rate, seed, total, BATCH, augment=recipe.augment,
                         model=recipe.scratch_model, resolution=recipe.resolution,
                         **_fit_options(recipe, eager))


def tune(recipe: Recipe, x, y, seed: int, steps: int, options: tuple[str, ...], eager=False):
    """Each option's rate: 3 candidates x 2 stratified folds of the labelled images."""
    folds = list(StratifiedKFold(2, shuffle=True, random_state=seed).split(x, y))
    cv = {o: np.zeros(len(GRIDS[o])) for o in options}
    for tr, va in folds:
        if "scratch" in options:
            for i, rate in enumerate(GRIDS["scratch"]):
                model = _scratch(recipe, x[tr], y[tr], rate, seed, steps, eager)
                cv["scratch"][i] += accuracy(model, x[va], y[va]) / len(folds)
        if "extractor" not in cv:
            continue
        got, _ = _transfer_scores(recipe, x[tr], y[tr], x[va], y[va], seed, steps,
                                  GRIDS["extractor"], (), eager)
        cv["extractor"] += np.array(got["extractor"]) / len(folds)
    chosen = {o: GRIDS[o][int(np.argmax(cv[o]))] for o in cv if o != "finetune"}
    if "finetune" in options:
        for tr, va in folds:  # from the extractor trained with its chosen rate
            got, _ = _transfer_scores(recipe, x[tr], y[tr], x[va], y[va], seed, steps,
                                      (chosen["extractor"],), GRIDS["finetune"], eager)
            cv["finetune"] += np.array(got["finetune"]) / len(folds)
        chosen["finetune"] = GRIDS["finetune"][int(np.argmax(cv["finetune"]))]
    return chosen, {o: [round(float(v), 4) for v in s] for o, s in cv.items()}


def draw(x, y, n: int, seed: int):
    """n labelled images, the same number per class."""
    xs, _, ys, _ = train_test_split(x, y, train_size=n, stratify=y, random_state=seed)
    return xs, ys


def _test_runs(recipe, n, seed, chosen, job, steps, options):
    """The options trained on draw ``seed`` with the chosen rates, scored on test."""
    x, y = draw(*job["pool"], n, seed)
    rows = []
    if "scratch" in options:
        start = time.perf_counter()
        model = _scratch(recipe, x, y, chosen["scratch"], seed, steps, job["eager"])
        rows.append(("scratch", accuracy(model, *job["test"]), time.perf_counter() - start))
    if "extractor" not in options:
        return _test_rows(recipe, n, seed, chosen, rows)
    key = (recipe.resolution, recipe.features)
    feats = None if recipe.bn_reestimate else job["cache"].get(key)
    # the test images' features, computed once for every seed; a smoke run (one seed) lets
    # its extractor compute them instead of building a second EfficientNet-Lite0 for them
    if feats is None and not recipe.bn_reestimate and not job["quick"]:
        feats = job["cache"][key] = Lite(recipe.resolution, recipe.features, recipe.augment,
                                         0).feats(job["test"][0])
    fine = (chosen["finetune"],) if "finetune" in options else ()
    got, seconds = _transfer_scores(recipe, x, y, *job["test"], seed, steps,
                                    (chosen["extractor"],), fine, job["eager"], eval_feats=feats)
    rows += [(o, got[o][0], seconds[o]) for o in ("extractor", "finetune") if got[o]]
    return _test_rows(recipe, n, seed, chosen, rows)


def _test_rows(recipe: Recipe, n: int, seed: int, chosen: dict, rows: list) -> list[dict]:
    return [{"kind": "test", "recipe": recipe.name, "n": n, "seed": seed, "option": o,
             "rate": chosen[o], "accuracy": round(a, 4), "seconds": round(s, 1)}
            for o, a, s in rows]  # fmt: skip


# -- the plan ------------------------------------------------------------------------------
def _run_recipe(recipe: Recipe, sizes, seeds: int, job: dict, rec: Recorder) -> None:
    for n in sizes:
        rows = rec.rows()
        steps = steps_for(n, job["quick"])
        options = options_for(recipe)
        done = [r for r in rows if r["kind"] == "tune" and r["recipe"] == recipe.name
                and r["n"] == n]  # fmt: skip
        if done:
            chosen = done[0]["chosen"]
        elif job["quick"]:  # the smoke run skips the tuning: the middle rate of each grid
            chosen = {o: GRIDS[o][1] for o in options}
            rec.add({"kind": "tune", "recipe": recipe.name, "n": n, "chosen": chosen,
                     "cv": {}, "fields": dataclasses.asdict(recipe), "seconds": 0.0})
        else:
            start = time.perf_counter()
            chosen, cv = tune(recipe, *draw(*job["pool"], n, 0), 0, steps, options)
            rec.add({"kind": "tune", "recipe": recipe.name, "n": n, "chosen": chosen, "cv": cv,
                     "fields": dataclasses.asdict(recipe),
                     "seconds": round(time.perf_counter() - start, 1)})
        for seed in range(seeds):
            if any(r["kind"] == "test" and r["recipe"] == recipe.name and r["n"] == n
                   and r["seed"] == seed for r in rows):  # fmt: skip
                continue
            for row in _test_runs(recipe, n, seed, chosen, job, steps, options):
                rec.add(row)


def run(out: str | Path, *, sizes=SIZES, seeds: int = 5, variants: bool = True,
        recipes: Sequence[str] | None = None, quick: bool = False, quiet: bool = False,
        resume: bool = False) -> list[dict]:
    """Runs the experiment and writes its rows to ``out`` (a new JSON-lines file).

    Args:
        out: the file to write; it must not exist unless ``resume`` (then the tunings and
            test runs it already holds are skipped).
        sizes: numbers of labelled images; the variants use 100 (``sizes[0]`` if quick).
        seeds: draws per size (seeds 0 .. seeds-1).
        variants: also run the one-change variants and their combination.
        recipes: run only these recipes (names of :func:`recipe_named`: ``base``, a variant
            or a control such as ``lite0_scratch``), at every size, with no combination
            step; ``variants`` is then ignored. A control's rows pair with the stored base
            run by seed (the same draws).
        quick: a smoke run on cnnkit's 3,000-image sample: 20 test images, 2 steps,
            1 seed, the first size, no tuning (the middle rate of each grid). It checks
            that the code runs and measures nothing.
        quiet: do not print the rows as they are written.
        resume: continue a stopped run in ``out``.

    Returns:
        Every row of ``out``.

    Raises:
        FileExistsError: ``out`` exists and ``resume`` is False.
        RuntimeError: a full run (``quick=False``) while ``CNNKIT_QUICK`` is set: short mode
            would otherwise hand it the sample instead of the full dataset.

    Example (seconds; one smoke run)::

        rows = run(Path(tempfile.mkdtemp()) / "smoke.jsonl", quick=True, variants=False)
    """
    out = Path(out)
    if out.exists() and not resume:
        raise FileExistsError(f"{out} exists: pass another file, or resume=True to continue it.")
    if not quick and is_quick():
        raise RuntimeError(
            f"{QUICK_ENV} is set (short mode), so a full run would train on cnnkit's sample. "
            f"Unset {QUICK_ENV} for the full run, or ask for the smoke run (quick=True; "
            "--quick on the command line).")
    chosen_recipes = None if recipes is None else [recipe_named(r) for r in recipes]
    if quick:
        seeds, sizes = 1, [list(sizes)[0]]
    (x, y), (xt, yt) = data.load_fashion_mnist(sample=quick)
    test = (xt[:QUICK_TEST_IMAGES], yt[:QUICK_TEST_IMAGES]) if quick else (xt, yt)
    rec = Recorder(out, quiet=quiet)
    rec.add(machine(data={"dataset": "fashion_mnist_sample" if quick else "fashion_mnist",
                          "train_pool": len(y), "test": len(test[1])},
                    plan={"sizes": list(sizes), "seeds": seeds, "variants": variants,
                          "recipes": None if recipes is None else list(recipes),
                          "quick": quick}))
    job = {"pool": (x, y), "test": test, "cache": {}, "quick": quick, "eager": quick}
    start = time.perf_counter()
    if chosen_recipes is not None:
        for recipe in chosen_recipes:
            _run_recipe(recipe, sizes, seeds, job, rec)
    else:
        _run_recipe(Recipe(), sizes, seeds, job, rec)
    if variants and chosen_recipes is None:
        at = [sizes[0]] if quick else [100]
        for recipe in VARIANTS:
            _run_recipe(recipe, at, seeds, job, rec)
        kept = [v for v in VARIANTS if v.features == "top" and helped(rec.rows(), v.name, at[0])]
        rec.add({"kind": "combined", "kept": [v.name for v in kept], "run": len(kept) > 1})
        if len(kept) > 1:  # one change alone is already measured
            _run_recipe(combined(kept), at, seeds, job, rec)
    rec.add({**machine(), "kind": "end", "seconds": round(time.perf_counter() - start, 1)})
    return rec.rows()
