"""Experiments of the course that take longer than a class: their protocols and stored runs.

A notebook runs an experiment reduced, in the kernel, and reads the stored full run from
here, so the notebook needs nothing but the installed package (it runs wherever it is
copied). The scripts in the repository's ``benchmarks/`` folder are command-line front ends
over the same code.

- :mod:`cnnkit.experiments.transfer_labels`: labelled examples on Fashion-MNIST, from
  scratch against ImageNet transfer learning (notebook 05). Needs TensorFlow. Its recipes,
  variants, controls and decision rules: :mod:`cnnkit.experiments.transfer_recipes`.
- :mod:`cnnkit.experiments.transfer_source`: the same question with a small source task,
  cnnkit's CNN pre-trained on five Fashion-MNIST classes and the other five as the target
  (notebook 05, section 8).
- :mod:`cnnkit.experiments.bn_diagnosis`: what re-estimating batch normalisation on the
  labelled images does to that experiment's fine-tuning (notebook 05).
- :mod:`cnnkit.experiments.time_to_accuracy`: time to 92 % on Fashion-MNIST, deck 001's CNN
  against notebook 03's recommended CNN with the same recipe and tuning (no stored run yet).
- :mod:`cnnkit.experiments.records`: the JSON-lines rows an experiment writes, and the
  statistics of a stored run (paired differences with 95 % intervals).
- :func:`results_path`: the stored full runs, shipped inside the package::

    rows = read_rows("transfer_labels.jsonl")          # notebook 05's stored full run

Importing this package is cheap: the submodules that train load on first use.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "read_rows", "results_path", "stored_results"]

RESULTS = Path(__file__).parent / "results"
_SUBMODULES = frozenset({"records", "transfer_labels", "transfer_recipes", "transfer_source",
                         "bn_diagnosis",
                         "families", "degradation", "gradients", "steps", "time_to_accuracy"})


def stored_results() -> list[str]:
    """The names of the stored runs shipped with cnnkit.

    Example:
        >>> "transfer_labels.jsonl" in stored_results()
        True
    """
    return sorted(p.name for p in RESULTS.iterdir() if p.suffix in (".jsonl", ".txt"))


def results_path(name: str) -> Path:
    """The path of a stored run shipped with cnnkit (a file inside the installed package).

    Args:
        name: the file name, one of :func:`stored_results`.

    Returns:
        The file's path; read it with ``read_text()`` (or :func:`read_rows` for JSON lines).

    Raises:
        TypeError: ``name`` is not a string.
        ValueError: no stored run has that name (the message lists them).

    Example:
        >>> results_path("transfer_labels.jsonl").name
        'transfer_labels.jsonl'
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a file name (str), got {type(name).__name__}: {name!r}.")
    known = stored_results()
    if name not in known:
        raise ValueError(f"`name` must be one of the stored runs {known}, got {name!r}.")
    return RESULTS / name


def read_rows(source: str | Path) -> list[dict[str, Any]]:
    """The rows of a JSON-lines run: a stored one by name, or any file by path.

    Args:
        source: a name from :func:`stored_results`, or the path of a file an experiment
            wrote (``pathlib.Path``).

    Returns:
        One dict per non-empty line, in file order.

    Example:
        >>> rows = read_rows("transfer_labels.jsonl")
        >>> rows[0]["kind"], rows[-1]["kind"]
        ('machine', 'end')
    """
    path = results_path(source) if isinstance(source, str) else Path(source)
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def __getattr__(name: str) -> Any:
    """Import a submodule on first attribute access (``experiments.transfer_labels``)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"cnnkit.experiments.{name}")
    raise AttributeError(f"module 'cnnkit.experiments' has no attribute {name!r}")
