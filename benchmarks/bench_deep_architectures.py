"""Notebook 06's experiments, with three seeds: the families race and the degradation problem.

The command line of :mod:`cnnkit.experiments.families` and
:mod:`cnnkit.experiments.degradation`, which hold the protocols (see their docstrings and
benchmarks/README.md). Each experiment runs on its own (one command, one hold of the
heavy-work lock) and writes a NEW JSON-lines file (default:
``results/deep_<experiment>_<UTC date and time>.jsonl``): a ``machine`` row (date, CPU,
versions, code version, the design), one row per trained network (families) or per
measured point of a training curve (degradation), and an ``end`` row with the wall time.
The stored runs notebook 06 reads ship inside the package
(``cnnkit/experiments/results/deep_families.jsonl`` and ``deep_degradation.jsonl``);
adopting a new run means copying its file there and committing it.

    .venv/bin/python benchmarks/bench_deep_architectures.py families      # ~32 min on 2 cores
    .venv/bin/python benchmarks/bench_deep_architectures.py degradation   # ~35 min on 2 cores
    .venv/bin/python benchmarks/bench_deep_architectures.py families --quick   # smoke run

A full run refuses to start while CNNKIT_QUICK is set (short mode would hand it the sample).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cnnkit  # noqa: E402, F401  (imports Keras quietly)
from cnnkit import data  # noqa: E402
from cnnkit.experiments.records import Recorder, machine  # noqa: E402

RESULTS = Path(__file__).parent / "results"

FAMILIES_DESIGN = {"seeds": [0, 1, 2], "seconds": 15.0, "epochs": 0.2, "batch_size": 128,
                   "train_images": 60_000, "test_images": 10_000, "bn_batches": 10}  # fmt: skip
"""The stored families run: 15 s of training, and a fifth of an epoch, for each network."""

DEGRADATION_DESIGN = {"seeds": [0, 1, 2], "depths": [20, 44], "width": 8, "epochs": 6.0,
                      "train_images": 5000, "probe_images": 1000, "probes": 6,
                      "batch_size": 128, "bn_batches": 5}  # fmt: skip
"""The stored degradation run: 6 epochs over a fixed subset of 5,000 training images."""

QUICK = {"families": {"seeds": [0], "seconds": 1.0, "epochs": 0.02, "batch_size": 32,
                      "train_images": 3000, "test_images": 200, "bn_batches": 2},
         "degradation": {"seeds": [0], "depths": [8], "width": 2, "epochs": 0.2,
                         "train_images": 600, "probe_images": 100, "probes": 2,
                         "batch_size": 32, "bn_batches": 2}}  # fmt: skip


def _families(design: dict, recorder: Recorder, sample: bool) -> None:
    from cnnkit.experiments import families

    (x, y), (xt, yt) = data.load_fashion_mnist(sample=sample)
    x, y = x[:design["train_images"]], y[:design["train_images"]]
    xt, yt = xt[:design["test_images"]], yt[:design["test_images"]]
    families.run(x, y, xt, yt, seeds=design["seeds"], seconds=design["seconds"],
                 epochs=design["epochs"], batch_size=design["batch_size"],
                 bn_batches=design.get("bn_batches", 0),
                 progress=lambda row: recorder.add({"kind": "family", **row}))  # fmt: skip


def _degradation(design: dict, recorder: Recorder, sample: bool) -> None:
    from cnnkit.experiments import degradation

    (x, y), _ = data.load_fashion_mnist(sample=sample)

    def done(curve: list[dict]) -> None:
        for row in curve:
            recorder.add({"kind": "curve", **row})

    degradation.run(x, y, depths=design["depths"], seeds=design["seeds"],
                    epochs=design["epochs"], width=design["width"],
                    train_images=design["train_images"], probe_images=design["probe_images"],
                    probes=design["probes"], batch_size=design["batch_size"],
                    bn_batches=design.get("bn_batches", 0), progress=done)  # fmt: skip


def main(argv: list[str] | None = None) -> Path:
    """Runs one experiment; ``argv`` as on the command line. Returns the file written."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("experiment", choices=("families", "degradation"))
    parser.add_argument("--out", type=Path, default=None, help="the new JSON-lines file")
    parser.add_argument("--quick", action="store_true",
                        help="the 3,000-image sample, tiny budgets, one seed: checks that it "
                             "runs, measures nothing")
    parser.add_argument("--quiet", action="store_true", help="do not print the rows")
    args = parser.parse_args(argv)
    if not args.quick and os.environ.get("CNNKIT_QUICK"):
        raise SystemExit("bench_deep_architectures: unset CNNKIT_QUICK for a full run "
                         "(short mode loads the 3,000-image sample)")
    if args.quick:
        design = QUICK[args.experiment]
    else:
        design = FAMILIES_DESIGN if args.experiment == "families" else DEGRADATION_DESIGN
    out = args.out
    if out is None:
        stamp = time.strftime("%Y-%m-%dT%H%M%SZ", time.gmtime())
        quick = "quick_" if args.quick else ""
        out = RESULTS / f"deep_{args.experiment}_{quick}{stamp}.jsonl"
    if Path(out).exists():
        raise SystemExit(f"bench_deep_architectures: {out} exists; give a new --out")
    recorder = Recorder(out, quiet=args.quiet)
    start = time.perf_counter()
    recorder.add(machine(experiment=args.experiment, design=design, quick=args.quick))
    (_families if args.experiment == "families" else _degradation)(design, recorder, args.quick)
    recorder.add({"kind": "end", "wall_seconds": time.perf_counter() - start,
                  "load_average": [round(v, 2) for v in os.getloadavg()]})  # fmt: skip
    return Path(out)


if __name__ == "__main__":
    main()
