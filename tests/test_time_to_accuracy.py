"""The time-to-92 % experiment of notebook 03: its statistics on rows with known answers, its
command line (a new file, never an append). No training here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cnnkit.experiments import time_to_accuracy as tta

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_fashion_mnist.py"


def _epochs(model, seed, rate, accs, seconds_per_epoch=10.0):
    return [{"kind": "epoch", "model": model, "seed": seed, "rate": rate, "epoch": e,
             "seconds": seconds_per_epoch * e, "val_accuracy": a}
            for e, a in enumerate(accs, 1)]  # fmt: skip


def _test(model, seed, rate, accuracy):
    return {"kind": "test", "model": model, "seed": seed, "rate": rate, "accuracy": accuracy}


@pytest.fixture(scope="module")
def cli():
    spec = importlib.util.spec_from_file_location("bench_fashion_mnist", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_time_to_is_the_first_epoch_at_or_above_the_threshold_in_epoch_order():
    rows = _epochs("m", 1, 0.003, (0.85, 0.92, 0.91, 0.95))
    assert tta.time_to(rows[::-1], 0.92) == (20.0, 2)  # order of the rows does not matter
    assert tta.time_to(rows, 0.90) == (20.0, 2)
    assert tta.time_to(rows, 0.93) == (40.0, 4)  # a dip after crossing is not a crossing
    assert tta.time_to(rows, 0.96) is None


def test_mean_interval_matches_a_hand_computed_t_interval():
    # mean 2, sd 1, n 3: half width t(0.975, 2) * 1 / sqrt(3) = 4.302653 / 1.732051
    mean, low, high = tta.mean_interval([1.0, 2.0, 3.0])
    assert mean == pytest.approx(2.0)
    assert (low, high) == pytest.approx((2 - 4.302653 / 3**0.5, 2 + 4.302653 / 3**0.5))
    single = tta.mean_interval([0.5])
    assert single[0] == 0.5 and all(v != v for v in single[1:])  # NaN: no interval from one run


def test_chosen_rate_is_the_best_validation_and_the_smaller_on_a_tie():
    rows = [{"kind": "tune", "model": "deck", "rate": 1e-3, "val_accuracy": 0.90},
            {"kind": "tune", "model": "deck", "rate": 3e-3, "val_accuracy": 0.91},
            {"kind": "tune", "model": "rec", "rate": 1e-3, "val_accuracy": 0.92},
            {"kind": "tune", "model": "rec", "rate": 3e-3, "val_accuracy": 0.92},
            {"kind": "test", "model": "rec", "rate": 9.0, "accuracy": 0.99}]  # fmt: skip
    assert tta.chosen_rates(rows) == {"deck": 3e-3, "rec": 1e-3}


def test_summary_on_rows_with_a_known_answer():
    rows = []
    for seed, accs, test in ((1, (0.90, 0.92, 0.93), 0.925), (2, (0.91, 0.915, 0.921), 0.915),
                             (3, (0.89, 0.90, 0.91), 0.905)):  # fmt: skip
        rows += _epochs("rec", seed, 0.003, accs) + [_test("rec", seed, 0.003, test)]
    rows += _epochs("deck", 1, 0.001, (0.80, 0.85), 40.0) + [_test("deck", 1, 0.001, 0.86)]
    out = {s["model"]: s for s in tta.summarize(rows)}
    rec = out["rec"]
    assert rec["seeds"] == [1, 2, 3] and rec["epochs"] == 3 and rec["rate"] == 0.003
    assert rec["seconds_per_epoch"] == pytest.approx(10.0)
    assert rec["reached"] == {0.90: 3, 0.91: 3, 0.92: 2}
    # 90 %: epochs 1, 1, 2 -> 10, 10, 20 s; 92 %: epochs 2 and 3 of the two runs that reach it
    assert rec["time_to"][0.90] == pytest.approx(40 / 3)
    assert rec["time_to"][0.92] == pytest.approx(25.0)
    assert rec["val_accuracy"][0] == pytest.approx((0.93 + 0.921 + 0.91) / 3)
    assert rec["test_accuracy"][0] == pytest.approx(0.915)
    assert rec["test_std"] == pytest.approx(0.01)
    low, high = rec["test_accuracy"][1:]
    assert (low, high) == pytest.approx((0.915 - 4.302653 * 0.01 / 3**0.5,
                                         0.915 + 4.302653 * 0.01 / 3**0.5))  # fmt: skip
    deck = out["deck"]
    assert deck["reached"] == {0.90: 0, 0.91: 0, 0.92: 0}
    assert deck["time_to"] == {0.90: None, 0.91: None, 0.92: None}
    assert deck["seconds_per_epoch"] == pytest.approx(40.0)


def test_summary_refuses_broken_rows():
    rows = _epochs("rec", 1, 0.003, (0.9,)) + [_test("rec", 1, 0.003, 0.9)]
    with pytest.raises(ValueError, match="incomplete"):  # a test row without its epochs
        tta.summarize(rows + [_test("rec", 2, 0.003, 0.9)])
    with pytest.raises(ValueError, match="incomplete"):  # epochs without their test row
        tta.summarize(rows + _epochs("rec", 2, 0.003, (0.9,)))
    mixed = rows + _epochs("rec", 2, 0.001, (0.9,)) + [_test("rec", 2, 0.001, 0.9)]
    with pytest.raises(ValueError, match="different rates"):
        tta.summarize(mixed)


def test_schedule_warms_up_over_a_tenth_of_the_steps_then_decays_to_zero():
    s = tta.schedule(3e-3, 500)
    assert float(s(0)) == pytest.approx(1e-4)
    assert float(s(25)) == pytest.approx((1e-4 + 3e-3) / 2)  # linear warm-up
    assert float(s(50)) == pytest.approx(3e-3)
    assert float(s(275)) == pytest.approx(1.5e-3, rel=1e-3)  # half-way through the decay
    assert float(s(500)) == pytest.approx(0.0, abs=1e-9)


def test_the_models_are_the_notebooks():
    assert tta.build("deck").count_params() == 1_413_834
    assert tta.build("recommended").count_params() == 459_050
    with pytest.raises(ValueError, match="one of"):
        tta.build("vgg")


def test_run_refuses_an_existing_file_and_a_budget_without_every_model(tmp_path):
    taken = tmp_path / "run.jsonl"
    taken.write_text('{"kind": "machine"}\n')
    with pytest.raises(FileExistsError):
        tta.run(taken, epochs=1, quiet=True)
    assert taken.read_text() == '{"kind": "machine"}\n'  # never appended to
    with pytest.raises(ValueError, match="each of"):
        tta.run(tmp_path / "new.jsonl", epochs={"deck": 2}, quiet=True)
    assert not (tmp_path / "new.jsonl").exists()


def test_the_command_line_writes_a_new_file_by_default(cli, tmp_path, monkeypatch):
    parser = cli._parser()
    assert parser.parse_args([]).out is None  # default: a new, dated file in results/
    taken = tmp_path / "run.jsonl"
    taken.write_text("{}\n")
    with pytest.raises(SystemExit, match="exists"):
        cli.main(["--quick", "--quiet", "--out", str(taken)])
    monkeypatch.setenv("CNNKIT_QUICK", "1")
    with pytest.raises(SystemExit, match="CNNKIT_QUICK"):  # a full run never trains on the sample
        cli.main(["--out", str(tmp_path / "full.jsonl")])
