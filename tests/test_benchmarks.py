"""Tests for the bookkeeping of the benchmarks (no training here) and the runs they stored."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
STORED = BENCHMARKS.parent / "cnnkit" / "experiments" / "results" / "transfer_labels.jsonl"
SIZES = (50, 100, 500, 1000)


def _load(script: Path):
    spec = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def labels():
    return _load(BENCHMARKS / "bench_transfer_labels.py")


@pytest.fixture(scope="module")
def stored() -> list[dict]:
    return [json.loads(line) for line in STORED.read_text().splitlines() if line.strip()]


# -- bench_transfer_labels.py ---------------------------------------------------------
def test_every_option_gets_the_same_tuning_budget(labels):
    assert {len(rates) for rates in labels.GRIDS.values()} == {3}
    assert set(labels.GRIDS) == {"scratch", "extractor", "finetune"}


def test_steps_are_three_epochs_and_at_least_300(labels):
    assert labels.steps_for(50, quick=False) == 300
    assert labels.steps_for(1000, quick=False) == 300
    assert labels.steps_for(5000, quick=False) == 3 * 157
    assert labels.steps_for(5000, quick=True) == 2


def test_warmup_ramps_up_then_decays(labels):
    plain = labels.schedule(1e-3, 100, warmup=False)
    warm = labels.schedule(1e-3, 100, warmup=True)
    assert float(plain(0)) == pytest.approx(1e-3)
    assert float(warm(0)) == pytest.approx(0.0)
    assert float(warm(10)) == pytest.approx(1e-3)
    assert float(warm(100)) < 1e-5 and float(plain(100)) < 1e-5


def test_each_variant_changes_one_thing_and_is_measured_where_it_acts(labels):
    base = labels.Recipe()
    for variant in labels.VARIANTS:
        changed = [f for f in ("resolution", "bn_reestimate", "augment", "warmup", "features")
                   if getattr(variant, f) != getattr(base, f)]
        assert len(changed) == 1, (variant.name, changed)
    options = {v.name: labels.options_for(v) for v in (base, *labels.VARIANTS)}
    assert options["base"] == ("scratch", "extractor", "finetune")
    assert options["res160"] == ("extractor", "finetune")  # scratch does not see 160 px
    assert options["augment_long"] == ("scratch", "extractor", "finetune")
    assert options["intermediate"] == ("extractor",)


def _finetune_rows(recipe: str, accuracies: list[float]) -> list[dict]:
    return [{"kind": "test", "recipe": recipe, "n": 100, "seed": seed, "option": "finetune",
             "accuracy": a} for seed, a in enumerate(accuracies)]


def test_combined_keeps_the_changes_that_helped_one_at_a_time(labels):
    base = [0.70, 0.72, 0.71, 0.73, 0.70]
    rows = (_finetune_rows("base", base)
            + _finetune_rows("res160", [0.74, 0.77, 0.74, 0.775, 0.745])  # helps on every seed
            + _finetune_rows("augment_long", [0.71, 0.73, 0.72, 0.735, 0.705])  # helps
            + _finetune_rows("warmup", [0.72, 0.70, 0.72, 0.72, 0.71])  # interval spans 0
            + _finetune_rows("bn_reestimate", [0.68, 0.69, 0.70, 0.70, 0.69]))  # hurts
    assert labels.helped(rows, "res160") and labels.helped(rows, "augment_long")
    assert not labels.helped(rows, "warmup") and not labels.helped(rows, "bn_reestimate")
    kept = [v for v in labels.VARIANTS if labels.helped(rows, v.name)]
    assert [v.name for v in kept] == ["res160", "augment_long"]
    best = labels.combined(kept)
    assert best == labels.Recipe("combined", resolution=160, augment=True, finetune_factor=2)
    others = rows[:5] + rows[15:]  # base, warm-up and BN only: nothing helped
    assert not any(labels.helped(others, v.name) for v in labels.VARIANTS)


def test_the_stored_run_is_complete_and_consistent(labels, stored):
    assert stored[0]["kind"] == "machine" and stored[-1]["kind"] == "end"
    tune = {(r["recipe"], r["n"]): r for r in stored if r["kind"] == "tune"}
    tests = [r for r in stored if r["kind"] == "test"]
    for n in SIZES:
        chosen = tune[("base", n)]["chosen"]
        for option, rate in chosen.items():
            assert rate in labels.GRIDS[option]
            runs = [r for r in tests if (r["recipe"], r["n"], r["option"]) == ("base", n, option)]
            assert sorted(r["seed"] for r in runs) == [0, 1, 2, 3, 4], (n, option)
            assert {r["rate"] for r in runs} == {rate}
    assert all(0 <= r["accuracy"] <= 1 for r in tests)
    for r in tests:  # every test run used the rate its tuning chose
        assert r["rate"] == tune[(r["recipe"], r["n"])]["chosen"][r["option"]]


# -- the stored runs ship in the package; the statistics on rows with a known answer --------
# The stored full runs, as committed: an edited stored accuracy fails here. Adopting a new
# run means replacing the file and this hash in the same reviewed commit.
STORED_SHA256 = {
    "deep_degradation.jsonl": "b4ca125a047da1556c7e6c75f7117757c357221a7ce872c82b398c98c3210194",
    "deep_families.jsonl": "8c2232eac27f5329cbe1d96c01edf3a6e816418b4593dc19a7a0056c55476039",
    "transfer_labels.jsonl": "f34f22c2ab75fd3a786295e0da174c2e21ebc6e7e181bedb54a97581b68a83a8",
    "transfer_source.jsonl": "4bcc52380cf43709933b2be0eb56455bc966677dbda4d5c2f7cae0da032fd591",
}


def test_stored_runs_are_the_committed_ones():
    import hashlib

    from cnnkit import experiments

    assert experiments.stored_results() == sorted(STORED_SHA256)
    for name, digest in STORED_SHA256.items():
        assert hashlib.sha256(experiments.results_path(name).read_bytes()).hexdigest() == digest


def test_paired_difference_matches_a_hand_computed_t_interval():
    from cnnkit.experiments.records import paired_difference

    # differences 2, 3, 1 points: mean 2, standard error 1/sqrt(3), t(0.975, 2) = 4.3027
    mean, low, high = paired_difference([0.72, 0.75, 0.73], [0.70, 0.72, 0.72])
    assert mean == pytest.approx(2.0)
    assert (low, high) == pytest.approx((2 - 4.302653 / 3**0.5, 2 + 4.302653 / 3**0.5))
    with pytest.raises(ValueError, match="same seeds"):  # a broken pairing is refused
        paired_difference([0.7, 0.8], [0.7])


def test_summary_pairs_by_seed_not_by_row_order():
    from cnnkit.experiments.records import summary

    rows = [{"kind": "test", "recipe": "base", "n": 50, "seed": s, "option": o, "accuracy": a}
            for o, accs in (("scratch", (0.60, 0.70, 0.65)), ("finetune", (0.66, 0.73, 0.69)))
            for s, a in enumerate(accs)]  # fmt: skip
    shuffled = rows[::-1]  # the same rows in another order: the same pairs
    expected = "base 50 finetune: 0.6933 (3); - scratch +4.33 [+0.54, +8.13]"
    assert set(summary(rows).splitlines()) == set(summary(shuffled).splitlines())
    assert expected in summary(shuffled).splitlines()
    broken = [r if r["seed"] != 2 or r["option"] == "scratch" else {**r, "seed": 3} for r in rows]
    assert "base 50 finetune: 0.6933 (3); - scratch +4.50" in summary(broken)  # 2 pairs left


def test_the_documented_command_writes_a_new_file_and_never_appends(labels, tmp_path):
    taken = tmp_path / "run.jsonl"
    taken.write_text('{"kind": "machine"}\n')
    with pytest.raises(SystemExit, match="exists"):
        labels.main(["--quick", "--quiet", "--out", str(taken)])
    assert taken.read_text() == '{"kind": "machine"}\n'
    assert labels._parser().parse_args([]).out is None  # default: a new, dated file


def test_a_full_run_refuses_short_mode(labels, tmp_path, monkeypatch):
    monkeypatch.setenv("CNNKIT_QUICK", "1")
    with pytest.raises(SystemExit, match="CNNKIT_QUICK is set"):
        labels.main(["--sizes", "100", "--seeds", "1", "--out", str(tmp_path / "full.jsonl")])
    assert not (tmp_path / "full.jsonl").exists()


# -- the controls and the BN diagnosis (notebook 05) ------------------------------------------
def test_controls_change_one_thing_and_train_only_the_option_they_control(labels):
    from cnnkit.experiments.transfer_recipes import recipe_named

    lite, full = recipe_named("lite0_scratch"), recipe_named("extractor_full")
    assert lite == labels.Recipe("lite0_scratch", scratch_model="efficientnet_lite0")
    assert full == labels.Recipe("extractor_full", extractor_full=True)
    assert labels.options_for(lite) == ("scratch",)
    assert labels.options_for(full) == ("extractor",)
    with pytest.raises(ValueError, match="lite0_scratch"):
        recipe_named("lite0")
    with pytest.raises(ValueError, match="scratch_model"):
        labels.Recipe("x", scratch_model="resnet50")


def test_an_unknown_recipe_on_the_command_line_is_refused_before_anything_runs(
        labels, tmp_path, monkeypatch):
    monkeypatch.delenv("CNNKIT_QUICK", raising=False)  # a full run's arguments, not short mode's
    out = tmp_path / "run.jsonl"
    with pytest.raises(SystemExit, match="must be one of"):
        labels.main(["--recipes", "no_such_recipe", "--out", str(out), "--quiet"])
    assert not out.exists()


def test_the_bn_diagnosis_never_overwrites_a_file(labels, tmp_path):
    taken = tmp_path / "bn.jsonl"
    taken.write_text("{}\n")
    with pytest.raises(SystemExit, match="exists"):
        labels.main(["--bn-diagnosis", "--quick", "--quiet", "--out", str(taken)])
    assert taken.read_text() == "{}\n"


def test_the_bn_diagnosis_settings_are_the_rates_the_stored_run_chose(stored):
    """Notebook 05 says the diagnosis runs the BN variant with the rates its cross-validation
    chose (and the base recipe's fine-tuning rate): SETTINGS must be those stored choices."""
    from cnnkit.experiments.bn_diagnosis import SETTINGS

    chosen = {r["recipe"]: r["chosen"] for r in stored if r["kind"] == "tune" and r["n"] == 100}
    variant, base = chosen["bn_reestimate"], chosen["base"]
    assert SETTINGS[0] == (True, variant["extractor"], variant["finetune"])
    assert SETTINGS[1] == (True, variant["extractor"], base["finetune"])
    assert SETTINGS[2] == (False, base["extractor"], variant["finetune"])


def test_variance_change_on_statistics_with_a_known_answer():
    import numpy as np

    from cnnkit.experiments.bn_diagnosis import variance_change

    # channel gains sqrt((v0 + eps) / (v1 + eps)) with eps = 0.01: 1, 2, sqrt(101) and 1
    before = [np.array([1.0, 3.99]), np.array([1.0, 0.5])]
    after = [np.array([1.0, 0.99]), np.array([0.0, 0.5])]
    change = variance_change(before, after, [0.01, 0.01])
    assert change == {"channels": 4, "near_constant": 1, "amplified_10x": 1,
                      "max_gain": round(101**0.5, 1), "median_gain": 1.5}
    with pytest.raises(ValueError):  # a layer missing on one side is refused
        variance_change(before, after[:1], [0.01, 0.01])


def _accuracies(rows, recipe, option, n=100):
    return {r["seed"]: r["accuracy"] for r in rows if r["kind"] == "test"
            and (r["recipe"], r["option"], r["n"]) == (recipe, option, n)}  # fmt: skip


def test_the_numbers_notebook_05_quotes_follow_from_the_stored_rows(stored):
    from cnnkit.experiments.records import paired_difference, summary

    # the stored full run as README.md quotes it: an edited accuracy or a broken pairing fails
    lines = summary(stored).splitlines()
    assert "base 100 finetune: 0.7390 (5); - scratch +6.33 [+5.06, +7.60]" in lines
    assert "res160 100 finetune: 0.7643 (5); - scratch +8.86 [+6.33, +11.39]" in lines
    fine = _accuracies(stored, "bn_reestimate", "finetune")
    assert [fine[s] for s in range(5)] == [0.1, 0.7059, 0.1, 0.2982, 0.1]
    scratch = _accuracies(stored, "base", "scratch")
    res160 = _accuracies(stored, "res160", "finetune")
    mean, low, high = paired_difference([res160[s] for s in range(5)],
                                        [scratch[s] for s in range(5)])
    assert low < 10 < high  # the interval of the best variant contains 10 points


# -- bench_transfer_source.py (notebook 05, section 8) ---------------------------------------
SOURCE = BENCHMARKS.parent / "cnnkit" / "experiments" / "results" / "transfer_source.jsonl"


@pytest.fixture(scope="module")
def source():
    return _load(BENCHMARKS / "bench_transfer_source.py")


def test_source_options_get_the_same_tuning_budget(source):
    assert set(source.GRIDS) == {"scratch", "extractor", "finetune"}
    assert {len(rates) for rates in source.GRIDS.values()} == {4}
    assert all(list(g) == sorted(g) for g in source.GRIDS.values())


def test_the_standardised_head_folds_exactly_into_dense_weights():
    import numpy as np

    from cnnkit.experiments.transfer_source import fold_standardisation, standardise

    rng = np.random.default_rng(0)
    f = rng.normal(3.0, 2.0, (40, 6))
    f[:, 2] = 5.0  # a constant feature: scale 1, not a division by 0
    kernel, bias = rng.normal(size=(6, 5)), rng.normal(size=5)
    mean, scale = standardise(f)
    assert scale[2] == 1.0 and np.allclose(((f - mean) / scale)[:, [0, 1, 3]].std(0), 1.0)
    folded, folded_bias = fold_standardisation(kernel, bias, mean, scale)
    assert np.allclose(f @ folded + folded_bias, ((f - mean) / scale) @ kernel + bias)


def test_the_source_command_writes_a_new_file_and_refuses_short_mode(source, tmp_path,
                                                                      monkeypatch):
    taken = tmp_path / "run.jsonl"
    taken.write_text('{"kind": "machine"}\n')
    with pytest.raises(SystemExit, match="exists"):
        source.main(["--quick", "--quiet", "--out", str(taken)])
    assert taken.read_text() == '{"kind": "machine"}\n'
    assert source._parser().parse_args([]).out is None  # default: a new, dated file
    monkeypatch.setenv("CNNKIT_QUICK", "1")
    with pytest.raises(SystemExit, match="CNNKIT_QUICK is set"):
        source.main(["--sizes", "100", "--seeds", "1", "--out", str(tmp_path / "full.jsonl")])
    assert not (tmp_path / "full.jsonl").exists()


def test_the_stored_source_run_is_complete_and_chose_its_rates_on_validation(source):
    rows = [json.loads(line) for line in SOURCE.read_text().splitlines() if line.strip()]
    first, last = rows[0], rows[-1]
    assert first["kind"] == "machine" and last["kind"] == "end" and last["seconds"] > 0
    assert first["code"]["git"] and first["data"] == {
        "dataset": "fashion_mnist", "target_classes": 5, "pool": 28000, "validation": 2000,
        "test": 5000}
    assert first["plan"]["grids"] == {o: list(g) for o, g in source.GRIDS.items()}
    tune = {r["n"]: r for r in rows if r["kind"] == "tune"}
    tests = [r for r in rows if r["kind"] == "test"]
    assert sorted(tune) == sorted(SIZES)
    for n, row in tune.items():
        for option, accuracies in row["validation"].items():  # the best validation accuracy
            grid = source.GRIDS[option]
            assert row["chosen"][option] == grid[accuracies.index(max(accuracies))]
        for option in source.GRIDS:
            runs = [r for r in tests if (r["n"], r["option"]) == (n, option)]
            assert sorted(r["seed"] for r in runs) == [0, 1, 2, 3, 4], (n, option)
            assert {r["rate"] for r in runs} == {row["chosen"][option]}
    assert len(tests) == 3 * 5 * len(SIZES)
    assert all(0 <= r["accuracy"] <= 1 and r["seconds"] > 0 for r in tests)
