"""Labelled examples on Fashion-MNIST: from scratch against ImageNet transfer learning.

The command line of :mod:`cnnkit.experiments.transfer_labels`, which holds the protocol
(options, tuning, variants: see its docstring and benchmarks/README.md). Every run writes a
NEW JSON-lines file (default: ``results/transfer_labels_<UTC date and time>.jsonl``): the
stored full run that notebook 05 reads ships inside the package
(``cnnkit/experiments/results/transfer_labels.jsonl``) and is never appended to; adopting a
new run means copying its file there and committing it. The first row records the machine,
the versions, the code version (git commit) and the data used; each tuning and test row its
seconds; the last row the wall time of the whole run.

    .venv/bin/python benchmarks/bench_transfer_labels.py           # full run, ~70 min on 2 cores
    .venv/bin/python benchmarks/bench_transfer_labels.py --quick    # smoke run, seconds
    .venv/bin/python benchmarks/bench_transfer_labels.py --recipes lite0_scratch --sizes 100 \
        --seeds 3                                                   # a control alone
    .venv/bin/python benchmarks/bench_transfer_labels.py --recipes extractor_full
    .venv/bin/python benchmarks/bench_transfer_labels.py --bn-diagnosis --seeds 3
    .venv/bin/python benchmarks/bench_transfer_labels.py --resume results/FILE.jsonl   # go on
    .venv/bin/python benchmarks/bench_transfer_labels.py --summary results/FILE.jsonl

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
from cnnkit.experiments.transfer_labels import (  # noqa: E402, F401  (the tests use them)
    CONTROLS,
    GRIDS,
    SIZES,
    VARIANTS,
    Recipe,
    combined,
    helped,
    options_for,
    run,
    schedule,
    steps_for,
)

RESULTS = Path(__file__).parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, default=None,
                        help="the new JSON-lines file (must not exist; default: "
                             "results/transfer_labels_<date>T<time>Z.jsonl)")
    target.add_argument("--resume", type=Path, default=None,
                        help="continue a stopped run in this file (skips what it holds)")
    target.add_argument("--summary", type=Path, help="print the summary of a stored run, and exit")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--no-variants", action="store_true")
    parser.add_argument("--recipes", nargs="+", default=None,
                        help="run only these recipes (base, a variant, or a control: "
                             "lite0_scratch, extractor_full), no combination step")
    parser.add_argument("--bn-diagnosis", action="store_true",
                        help="run cnnkit.experiments.bn_diagnosis instead (seeds 0 .. --seeds-1 "
                             "at 100 labels)")
    parser.add_argument("--quick", action="store_true",
                        help="the 3,000-image sample, 20 test images, 2 steps, 1 seed, the "
                             "first size, no tuning (the middle rate of each grid): checks that "
                             "it runs, measures nothing")
    parser.add_argument("--quiet", action="store_true", help="do not print the rows")
    return parser


def main(argv: list[str] | None = None) -> None:
    """Runs the benchmark; ``argv`` as on the command line."""
    args = _parser().parse_args(argv)
    if args.summary:
        print(summary(read_rows(args.summary)))
        return
    for name in ("seeds", "sizes"):
        values = getattr(args, name)
        if min(values if isinstance(values, list) else [values]) < 1:
            raise SystemExit(f"--{name} must be positive, got {values}")
    out = args.resume or args.out
    if out is None:
        stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
        kind = "bn_diagnosis" if args.bn_diagnosis else "transfer_labels"
        out = RESULTS / f"{kind}_{'quick_' if args.quick else ''}{stamp}.jsonl"
    try:
        if args.bn_diagnosis:
            from cnnkit.experiments import bn_diagnosis

            if args.resume:
                raise SystemExit("bench_transfer_labels: --bn-diagnosis cannot --resume")
            rows = bn_diagnosis.run(out, seeds=range(args.seeds), quick=args.quick,
                                    quiet=args.quiet)
            print(f"rows written to {out}")
            return
        rows = run(out, sizes=args.sizes, seeds=args.seeds, variants=not args.no_variants,
                   recipes=args.recipes, quick=args.quick, quiet=args.quiet,
                   resume=args.resume is not None)
    except (FileExistsError, RuntimeError, ValueError) as error:
        raise SystemExit(f"bench_transfer_labels: {error}") from None
    if not args.quiet:
        print(summary(rows))
        print(f"rows written to {out}")


if __name__ == "__main__":
    main()
