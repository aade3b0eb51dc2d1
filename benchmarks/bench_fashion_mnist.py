"""Time to 92 % on Fashion-MNIST: deck 001's CNN against notebook 03's recommended CNN.

The command line of :mod:`cnnkit.experiments.time_to_accuracy`, which holds the protocol
(the same recipe, rate grid, epoch budget and seeds for both models: see its docstring and
benchmarks/README.md). Every run writes a NEW JSON-lines file (default:
``results/time_to_accuracy_<UTC date and time>.jsonl``): the stored full run that notebook 03
reads ships inside the package (``cnnkit/experiments/results/time_to_accuracy.jsonl``) and is
never appended to; adopting a new run means copying its file there and committing it. The
first row records the machine, the versions, the code version (git describe) and the data
used; each tuning and test row its wall seconds; the last row the wall time of the run.

    .venv/bin/python benchmarks/bench_fashion_mnist.py --speed            # s per step, ~2 min
    .venv/bin/python benchmarks/bench_fashion_mnist.py --deck-epochs 2 --recommended-epochs 6
    .venv/bin/python benchmarks/bench_fashion_mnist.py --quick            # smoke run, seconds
    .venv/bin/python benchmarks/bench_fashion_mnist.py --summary results/FILE.jsonl

A full run refuses to start while CNNKIT_QUICK is set (short mode would hand it the sample).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cnnkit.experiments import read_rows  # noqa: E402
from cnnkit.experiments.time_to_accuracy import (  # noqa: E402
    GRID,
    SEEDS,
    THRESHOLDS,
    measure_speed,
    run,
    summarize,
)

RESULTS = Path(__file__).parent / "results"


def report(rows: list[dict]) -> str:
    """The summary of a run as plain text: tuning, then one block per model."""
    lines = ["tuning (seed 0): model, peak rate, validation accuracy after the last epoch"]
    lines += [f"  {r['model']:12} {r['rate']:.4f}  {r['val_accuracy']:.4f}  ({r['seconds']:.0f} s)"
              for r in rows if r["kind"] == "tune"]
    for s in summarize(rows):
        val, test = s["val_accuracy"], s["test_accuracy"]
        lines.append(f"{s['model']}: rate {s['rate']}, seeds {s['seeds']}, {s['epochs']} epochs, "
                     f"{s['seconds_per_epoch']:.0f} s/epoch")
        lines.append(f"  validation {val[0]:.4f} [{val[1]:.4f}, {val[2]:.4f}] "
                     f"sd {s['val_std']:.4f}; test {test[0]:.4f} [{test[1]:.4f}, "
                     f"{test[2]:.4f}] sd {s['test_std']:.4f}")
        for t in THRESHOLDS:
            time_to = s["time_to"][t]
            when = "-" if time_to is None else f"mean {time_to:.0f} s"
            runs = f"{s['reached'][t]}/{len(s['seeds'])} runs"
            lines.append(f"  {t:.0%} on validation: {runs}, {when}")
    ends = [r for r in rows if r["kind"] == "end"]
    if ends:
        lines.append(f"wall time of the run: {ends[-1]['wall']:.0f} s")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, default=None,
                        help="the new JSON-lines file (must not exist; default: "
                             "results/time_to_accuracy_<date>T<time>Z.jsonl)")
    target.add_argument("--summary", type=Path, help="print the summary of a stored run, and exit")
    target.add_argument("--speed", action="store_true",
                        help="measure seconds per training step of each model, and exit")
    parser.add_argument("--epochs", type=int, default=3,
                        help="epochs of every run of both models (default 3)")
    parser.add_argument("--deck-epochs", type=int, default=None,
                        help="epochs of the deck model's runs (default: --epochs)")
    parser.add_argument("--recommended-epochs", type=int, default=None,
                        help="epochs of the recommended model's runs (default: --epochs)")
    parser.add_argument("--tune-epochs", type=int, default=1,
                        help="epochs of each tuning run, both models (default 1)")
    parser.add_argument("--grid", type=float, nargs="+", default=list(GRID),
                        help=f"candidate peak rates (default {list(GRID)})")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS),
                        help=f"seeds of the final runs (default {list(SEEDS)})")
    parser.add_argument("--quick", action="store_true",
                        help="the 3,000-image sample, 1 epoch of 3 steps: checks that it runs, "
                             "measures nothing")
    parser.add_argument("--quiet", action="store_true", help="do not print the rows")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark; ``argv`` as on the command line."""
    args = _parser().parse_args(argv)
    if args.summary:
        print(report(read_rows(args.summary)))
        return
    if args.speed:
        for name, seconds in measure_speed(200).items():
            print(f"{name}: {seconds:.4f} s per step of 128 images")
        return
    epochs = {"deck": args.deck_epochs or args.epochs,
              "recommended": args.recommended_epochs or args.epochs}
    if min(*epochs.values(), args.tune_epochs) < 1 or min(args.grid) <= 0 or not args.seeds:
        raise SystemExit("epoch counts must be positive, --grid rates positive, --seeds not empty")
    if not args.quick and os.environ.get("CNNKIT_QUICK"):
        raise SystemExit("bench_fashion_mnist: CNNKIT_QUICK is set; unset it for a full run "
                         "(short mode would train on the sample) or pass --quick.")
    out = args.out
    if out is None:
        stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
        out = RESULTS / f"time_to_accuracy_{'quick_' if args.quick else ''}{stamp}.jsonl"
    try:
        rows = run(out, epochs=1 if args.quick else epochs, tune_epochs=args.tune_epochs,
                   grid=args.grid, seeds=args.seeds, sample=args.quick,
                   steps=3 if args.quick else None, quiet=args.quiet)
    except FileExistsError as error:
        raise SystemExit(f"bench_fashion_mnist: {error}") from None
    if not args.quiet:
        print(report(rows))
        print(f"rows written to {out}")


if __name__ == "__main__":
    main()
