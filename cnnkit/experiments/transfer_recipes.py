"""The recipes of the labelled-examples experiment and its decision rules (no training here).

A :class:`Recipe` says how the three options of :mod:`cnnkit.experiments.transfer_labels`
are trained: ``base`` is the reference, every entry of :data:`VARIANTS` changes one field
of it, and every entry of :data:`CONTROLS` adds a comparison the base run does not make:

- ``lite0_scratch``: EfficientNet-Lite0 itself trained from scratch (random weights, the
  same 96 px input, every layer trained, its batch normalisation too), the control that
  isolates what the ImageNet weights bring to that architecture (d2l's fine-tuning
  chapter trains the same control);
- ``extractor_full``: the extractor trained for the whole step budget, not for the first
  half of it (the base run scores the extractor after half the steps, the stage that
  fine-tuning then continues).

:func:`options_for` says which options a recipe trains, :func:`helped` and
:func:`combined` decide the combined variant, :func:`steps_for` and :func:`schedule` give
the step budget and the learning-rate schedule.
"""

from __future__ import annotations

import dataclasses
import math

import keras

from cnnkit.experiments.records import paired_difference

__all__ = ["BATCH", "CONTROLS", "GRIDS", "SIZES", "VARIANTS", "Recipe", "combined", "helped",
           "options_for", "recipe_named", "schedule", "steps_for"]  # fmt: skip

BATCH = 32
GRIDS = {  # learning-rate candidates, three per option
    "scratch": (1e-3, 3e-3, 1e-2),
    "extractor": (1e-3, 3e-3, 1e-2),
    "finetune": (1e-4, 3e-4, 1e-3),
}
SIZES = (100, 50, 500, 1000)
SCRATCH_MODELS = ("cnnkit_fashion5", "efficientnet_lite0")


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
    scratch_model: str = "cnnkit_fashion5"  # or "efficientnet_lite0" (random weights)
    extractor_full: bool = False  # the extractor's head gets every step, not half

    def __post_init__(self) -> None:
        if self.scratch_model not in SCRATCH_MODELS:
            raise ValueError(f"`scratch_model` must be one of {SCRATCH_MODELS}, "
                             f"got {self.scratch_model!r}.")


VARIANTS = (
    Recipe("res160", resolution=160),
    Recipe("bn_reestimate", bn_reestimate=True),
    Recipe("augment_long", augment=True, finetune_factor=2),
    Recipe("warmup", warmup=True),
    Recipe("intermediate", features="intermediate"),
)
CONTROLS = (
    Recipe("lite0_scratch", scratch_model="efficientnet_lite0"),
    Recipe("extractor_full", extractor_full=True),
)


def recipe_named(name: str) -> Recipe:
    """The recipe called ``name``: ``base``, a variant or a control.

    Example:
        >>> recipe_named("lite0_scratch").scratch_model
        'efficientnet_lite0'
    """
    known = {r.name: r for r in (Recipe(), *VARIANTS, *CONTROLS)}
    if name not in known:
        raise ValueError(f"`name` must be one of {sorted(known)}, got {name!r}.")
    return known[name]


def steps_for(n: int, quick: bool) -> int:
    """Gradient steps of the scratch model (the two transfer stages split them).

    Example:
        >>> steps_for(100, quick=False), steps_for(5000, quick=False), steps_for(100, quick=True)
        (300, 471, 2)
    """
    return 2 if quick else max(300, 3 * math.ceil(n / BATCH))


def schedule(rate: float, steps: int, warmup: bool) -> keras.optimizers.schedules.CosineDecay:
    """Cosine decay to 0 over ``steps``; with ``warmup``, a linear ramp over the first 10 %.

    Example:
        >>> round(float(schedule(1e-3, 100, warmup=False)(0)), 6)
        0.001
    """
    if not warmup:
        return keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps)
    ramp = max(1, steps // 10)
    return keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - ramp, warmup_target=rate, warmup_steps=ramp)


def options_for(recipe: Recipe) -> tuple[str, ...]:
    """The options a recipe changes (the others would repeat the base run).

    Example:
        >>> options_for(Recipe("res160", resolution=160))
        ('extractor', 'finetune')
        >>> options_for(recipe_named("lite0_scratch")), options_for(recipe_named("extractor_full"))
        (('scratch',), ('extractor',))
    """
    if recipe.scratch_model != "cnnkit_fashion5":
        return ("scratch",)
    if recipe.features != "top" or recipe.extractor_full:
        return ("extractor",)
    changes_scratch = recipe.name == "base" or recipe.augment or recipe.warmup
    return ("scratch", "extractor", "finetune") if changes_scratch else ("extractor", "finetune")


def helped(rows: list[dict], variant: str, n: int = 100) -> bool:
    """Did ``variant`` beat the base fine-tuning on test, 95 % interval above 0 (paired)?

    Example:
        >>> rows = [{"kind": "test", "recipe": r, "n": 100, "seed": s, "option": "finetune",
        ...          "accuracy": a} for r, accs in (("base", (0.70, 0.72, 0.71)),
        ...          ("res160", (0.74, 0.77, 0.75))) for s, a in enumerate(accs)]
        >>> helped(rows, "res160"), helped(rows, "warmup")
        (True, False)
    """
    acc: dict[str, dict[int, float]] = {}
    for r in rows:
        if r["kind"] == "test" and r["n"] == n and r["option"] == "finetune":
            acc.setdefault(r["recipe"], {})[r["seed"]] = r["accuracy"]
    seeds = sorted(set(acc.get(variant, {})) & set(acc.get("base", {})))
    if len(seeds) < 2:
        return False
    _, low, _ = paired_difference([acc[variant][s] for s in seeds],
                                  [acc["base"][s] for s in seeds])
    return low > 0


def combined(kept: list[Recipe]) -> Recipe:
    """One recipe with the changes of every recipe in ``kept`` (those that ``helped``).

    They are chosen on the test results of the single changes: cross-validation on 100
    labelled images (100 validation predictions) cannot tell changes of a few points apart,
    so the combination's own test score is a slightly optimistic estimate.

    Example:
        >>> combined([Recipe("res160", resolution=160), Recipe("warmup", warmup=True)])
        Recipe(name='combined', resolution=160, bn_reestimate=False, augment=False, \
finetune_factor=1, warmup=True, features='top', scratch_model='cnnkit_fashion5', \
extractor_full=False)
    """
    fields = {}
    for v in kept:
        fields.update({f.name: getattr(v, f.name) for f in dataclasses.fields(Recipe)
                       if f.name != "name" and getattr(v, f.name) != getattr(Recipe(), f.name)})
    return Recipe("combined", **fields)
