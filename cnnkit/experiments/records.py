"""The rows an experiment writes (one JSON object a line) and the statistics of a run.

A run is a JSON-lines file: a ``machine`` row first (date, CPU, versions, the code version
and the data used), then one row per tuning (``tune``) and per trained model (``test``),
and an ``end`` row with the wall time. :func:`paired_difference` and :func:`summary` turn
the ``test`` rows into mean differences with 95 % Student-t intervals over seeds.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Recorder", "code_version", "load", "machine", "paired_difference", "summary"]


def load(path: Path) -> list[dict[str, Any]]:
    """The rows of ``path``; an empty list when the file does not exist yet.

    Example:
        >>> load(Path("no-such-run.jsonl"))
        []
    """
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class Recorder:
    """Appends rows to a JSON-lines file (and prints them unless ``quiet``).

    Example:
        >>> import tempfile
        >>> rec = Recorder(Path(tempfile.mkdtemp()) / "run.jsonl", quiet=True)
        >>> rec.add({"kind": "test", "accuracy": 0.5})
        >>> rec.rows()
        [{'kind': 'test', 'accuracy': 0.5}]
    """

    def __init__(self, path: Path, *, quiet: bool = False) -> None:
        self.path = Path(path)
        self.quiet = quiet

    def rows(self) -> list[dict[str, Any]]:
        return load(self.path)

    def add(self, row: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if not self.quiet:
            print(json.dumps(row), flush=True)


def code_version() -> dict[str, Any]:
    """cnnkit's version and, in a git checkout, the commit (``-dirty`` with local changes).

    Example:
        >>> sorted(code_version())
        ['cnnkit', 'git']
    """
    from cnnkit import __version__

    root = Path(__file__).resolve().parents[2]
    commit = None
    if (root / ".git").exists():
        try:
            done = subprocess.run(
                ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
                capture_output=True, text=True, timeout=10, check=True)  # fmt: skip
            commit = done.stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"cnnkit": __version__, "git": commit}


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def machine(**extra: Any) -> dict[str, Any]:
    """The ``machine`` row: when, where, which versions and code; ``extra`` fields added.

    Example:
        >>> row = machine(data={"train": 3000})
        >>> row["kind"], row["data"]
        ('machine', {'train': 3000})
    """
    import keras

    tensorflow = _version("tensorflow") or _version("tensorflow-cpu")
    return {"kind": "machine", "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(), "tensorflow": tensorflow,
            "keras": keras.__version__, "backend": keras.backend.backend(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
            "code": code_version(), **extra}  # fmt: skip


def paired_difference(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float]:
    """Mean of ``a - b`` in points (x100), paired by position, and its 95 % t interval.

    Args:
        a: accuracies (0-1) of one option, one per seed.
        b: the other option's accuracies, the same seeds in the same order.

    Returns:
        ``(mean, low, high)`` in percentage points; ``low`` and ``high`` are NaN with
        fewer than two pairs.

    Raises:
        ValueError: ``a`` and ``b`` have different lengths (the pairing is broken).

    Example:
        >>> mean, low, high = paired_difference([0.72, 0.75, 0.73], [0.70, 0.72, 0.72])
        >>> round(mean, 2), round(low, 2), round(high, 2)
        (2.0, -0.48, 4.48)
    """
    from scipy import stats

    if len(a) != len(b):
        raise ValueError(f"paired accuracies need the same seeds: {len(a)} against {len(b)}.")
    d = 100 * (np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    if len(d) < 2:
        return float(d.mean()), float("nan"), float("nan")
    ci = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    return float(d.mean()), float(ci.low), float(ci.high)


def summary(rows: list[dict[str, Any]]) -> str:
    """Mean test accuracy per recipe, size and option; paired difference with scratch.

    Example:
        >>> rows = [{"kind": "test", "recipe": "base", "n": 100, "seed": s, "option": o,
        ...          "accuracy": a} for s, (o, a) in enumerate(
        ...          [("scratch", 0.70), ("scratch", 0.72)])]
        >>> rows += [{**rows[0], "option": "finetune", "accuracy": 0.75},
        ...          {**rows[1], "option": "finetune", "accuracy": 0.79}]
        >>> print(summary(rows).splitlines()[-1])
        base 100 finetune: 0.7700 (2); - scratch +6.00 [-6.71, +18.71]
    """
    tests = [r for r in rows if r["kind"] == "test"]
    lines = ["recipe n option: mean accuracy (seeds); paired difference, points [95 % CI]"]
    for recipe, n in sorted({(r["recipe"], r["n"]) for r in tests}):
        acc: dict[str, dict[int, float]] = {}
        for r in tests:
            if (r["recipe"], r["n"]) == (recipe, n):
                acc.setdefault(r["option"], {})[r["seed"]] = r["accuracy"]
        base = {r["seed"]: r["accuracy"] for r in tests
                if (r["recipe"], r["n"], r["option"]) == ("base", n, "scratch")}  # fmt: skip
        for option, by_seed in acc.items():
            line = f"{recipe} {n} {option}: {np.mean(list(by_seed.values())):.4f} ({len(by_seed)})"
            ref = acc.get("scratch", base)
            seeds = sorted(set(by_seed) & set(ref))
            if option != "scratch" and len(seeds) > 1:
                mean, low, high = paired_difference([by_seed[s] for s in seeds],
                                                    [ref[s] for s in seeds])
                line += f"; - scratch {mean:+.2f} [{low:+.2f}, {high:+.2f}]"
            lines.append(line)
    return "\n".join(lines)
