"""A small source task: cnnkit's pre-trained CNN on the other five Fashion-MNIST classes.

The command line of :mod:`cnnkit.experiments.transfer_source` (notebook 05, section 8), which
holds the protocol (options, step budget, rate grids chosen on validation: see its
docstring). Every run trains for real and writes a NEW JSON-lines file (default:
``results/transfer_source_<UTC date and time>.jsonl``); the stored full run that notebook 05
reads ships inside the package (``cnnkit/experiments/results/transfer_source.jsonl``) and is
never appended to: adopting a new run means copying its file there, updating its hash in
tests/test_benchmarks.py and committing both. The first row records the machine, the
versions, the code version (git commit) and the data sizes; each tuning and test row its
seconds; the last row the wall time of the whole run.

    .venv/bin/python benchmarks/bench_transfer_source.py            # full run, ~25 min on 2 cores
    .venv/bin/python benchmarks/bench_transfer_source.py --quick    # smoke run, seconds
    .venv/bin/python benchmarks/bench_transfer_source.py --sizes 100 --seeds 2
    .venv/bin/python benchmarks/bench_transfer_source.py --resume results/FILE.jsonl  # go on
    .venv/bin/python benchmarks/bench_transfer_source.py --summary results/FILE.jsonl

A full run refuses to start while CNNKIT_QUICK is set (short mode would hand it the sample).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from cnnkit.experiments import read_rows  # noqa: E402
from cnnkit.experiments.records import summary  # noqa: E402
from cnnkit.experiments.transfer_source import GRIDS, SEEDS, SIZES, run  # noqa: E402, F401

RESULTS = Path(__file__).parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, default=None,
                        help="the new JSON-lines file (must not exist; default: "
                             "results/transfer_source_<date>T<time>Z.jsonl)")
    target.add_argument("--resume", type=Path, default=None,
                        help="continue a stopped run in this file (skips what it holds)")
    target.add_argument("--summary", type=Path, help="print the summary of a stored run, and exit")
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--quick", action="store_true",
                        help="cnnkit's sample, 20 test images, 2 steps, 1 seed, no tuning: "
                             "checks that it runs, measures nothing")
    parser.add_argument("--quiet", action="store_true", help="do not print the rows")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark; ``argv`` as on the command line."""
    args = _parser().parse_args(argv)
    if args.summary:
        print(summary(read_rows(args.summary)))
        return
    if args.seeds < 1 or min(args.sizes) < 1:
        raise SystemExit(f"--seeds and --sizes must be positive, got {args.seeds}, {args.sizes}")
    out = args.resume or args.out
    if out is None:
        stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
        out = RESULTS / f"transfer_source_{'quick_' if args.quick else ''}{stamp}.jsonl"
    try:
        rows = run(out, sizes=args.sizes, seeds=1 if args.quick else args.seeds,
                   quick=args.quick, quiet=args.quiet, resume=args.resume is not None)
    except (FileExistsError, RuntimeError, ValueError) as error:
        raise SystemExit(f"bench_transfer_source: {error}") from None
    if not args.quiet:
        print(summary(rows))
        print(f"rows written to {out}")


if __name__ == "__main__":
    main()
