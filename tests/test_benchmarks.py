"""Tests for the bookkeeping of benchmarks/bench_fashion_mnist.py (no training here)."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_fashion_mnist.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_fashion_mnist", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_time_to_a_threshold_is_the_first_epoch_that_reaches_it(bench):
    run = bench.Run("m", 10, seconds=[80.0, 150.0, 230.0], accuracy=[0.85, 0.92, 0.91])
    assert run.time_to(0.90) == "150 s (ep. 2)"
    assert run.time_to(0.92) == "150 s (ep. 2)"  # reaching the threshold exactly counts
    assert run.time_to(0.93) == "not reached in 230 s"
    assert run.best() == "0.9200 (ep. 2, 150 s)"
    assert run.seconds_per_epoch() == pytest.approx(230.0 / 3)


def test_table_has_one_row_per_model_in_markdown(bench):
    runs = [bench.Run("deck", 1_413_834, [400.0, 800.0], [0.84, 0.88]),
            bench.Run("rec", 459_050, [90.0], [0.92])]  # fmt: skip
    lines = bench.table(runs).splitlines()
    assert lines[0].startswith("| model | params | s/epoch | time to 90%")
    assert lines[2] == ("| deck | 1,413,834 | 400 | not reached in 800 s | not reached in 800 s "
                        "| not reached in 800 s | 0.8800 (ep. 2, 800 s) |")  # fmt: skip
    assert lines[3].startswith("| rec | 459,050 | 90 | 90 s (ep. 1) |")


@pytest.mark.parametrize("flag", ["--deck-budget", "--recommended-budget"])
def test_budgets_must_be_positive(bench, flag, capsys):
    with pytest.raises(SystemExit):
        bench.main([flag, "0"])
    assert f"{flag} must be positive" in capsys.readouterr().err
