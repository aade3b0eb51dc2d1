"""The labelled-examples benchmark: its protocol helpers and the stored full run it wrote."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_transfer_labels.py"
STORED = ROOT / "benchmarks" / "results" / "transfer_labels.jsonl"
SIZES = (50, 100, 500, 1000)


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_transfer_labels", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def stored() -> list[dict]:
    return [json.loads(line) for line in STORED.read_text().splitlines() if line.strip()]


def test_every_option_gets_the_same_tuning_budget(bench):
    assert {len(rates) for rates in bench.GRIDS.values()} == {3}
    assert set(bench.GRIDS) == {"scratch", "extractor", "finetune"}


def test_steps_are_three_epochs_and_at_least_300(bench):
    assert bench.steps_for(50, quick=False) == 300
    assert bench.steps_for(1000, quick=False) == 300
    assert bench.steps_for(5000, quick=False) == 3 * 157
    assert bench.steps_for(5000, quick=True) == 4


def test_warmup_ramps_up_then_decays(bench):
    plain = bench.schedule(1e-3, 100, warmup=False)
    warm = bench.schedule(1e-3, 100, warmup=True)
    assert float(plain(0)) == pytest.approx(1e-3)
    assert float(warm(0)) == pytest.approx(0.0)
    assert float(warm(10)) == pytest.approx(1e-3)
    assert float(warm(100)) < 1e-5 and float(plain(100)) < 1e-5


def test_each_variant_changes_one_thing_and_is_measured_where_it_acts(bench):
    base = bench.Recipe()
    for variant in bench.VARIANTS:
        changed = [f for f in ("resolution", "bn_reestimate", "augment", "warmup", "features")
                   if getattr(variant, f) != getattr(base, f)]
        assert len(changed) == 1, (variant.name, changed)
    options = {v.name: bench.options_for(v) for v in (base, *bench.VARIANTS)}
    assert options["base"] == ("scratch", "extractor", "finetune")
    assert options["res160"] == ("extractor", "finetune")  # scratch does not see 160 px
    assert options["augment_long"] == ("scratch", "extractor", "finetune")
    assert options["intermediate"] == ("extractor",)


def _finetune_rows(recipe: str, accuracies: list[float]) -> list[dict]:
    return [{"kind": "test", "recipe": recipe, "n": 100, "seed": seed, "option": "finetune",
             "accuracy": a} for seed, a in enumerate(accuracies)]


def test_combined_keeps_the_changes_that_helped_one_at_a_time(bench):
    base = [0.70, 0.72, 0.71, 0.73, 0.70]
    rows = (_finetune_rows("base", base)
            + _finetune_rows("res160", [0.74, 0.77, 0.74, 0.775, 0.745])  # helps on every seed
            + _finetune_rows("augment_long", [0.71, 0.73, 0.72, 0.735, 0.705])  # helps
            + _finetune_rows("warmup", [0.72, 0.70, 0.72, 0.72, 0.71])  # interval spans 0
            + _finetune_rows("bn_reestimate", [0.68, 0.69, 0.70, 0.70, 0.69]))  # hurts
    assert bench.helped(rows, "res160") and bench.helped(rows, "augment_long")
    assert not bench.helped(rows, "warmup") and not bench.helped(rows, "bn_reestimate")
    best = bench.combined(rows)
    assert best == bench.Recipe("combined", resolution=160, augment=True, finetune_factor=2)
    assert bench.combined(rows[:5] + rows[15:]) is None  # base, warm-up and BN only


def test_the_stored_run_is_complete_and_consistent(bench, stored):
    assert stored[0]["kind"] == "machine" and stored[-1]["kind"] == "end"
    tune = {(r["recipe"], r["n"]): r for r in stored if r["kind"] == "tune"}
    tests = [r for r in stored if r["kind"] == "test"]
    for n in SIZES:
        chosen = tune[("base", n)]["chosen"]
        for option, rate in chosen.items():
            assert rate in bench.GRIDS[option]
            runs = [r for r in tests if (r["recipe"], r["n"], r["option"]) == ("base", n, option)]
            assert sorted(r["seed"] for r in runs) == [0, 1, 2, 3, 4], (n, option)
            assert {r["rate"] for r in runs} == {rate}
    assert all(0 <= r["accuracy"] <= 1 for r in tests)
    for r in tests:  # every test run used the rate its tuning chose
        assert r["rate"] == tune[(r["recipe"], r["n"])]["chosen"][r["option"]]
