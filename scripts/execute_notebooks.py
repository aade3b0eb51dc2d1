"""Execute notebooks in place in full mode and store their outputs (the committed version).

Every stored output of the course must come from a real run. This is the one command that
makes them::

    python scripts/execute_notebooks.py                 # every notebook in notebooks/
    python scripts/execute_notebooks.py notebooks/03_*.ipynb

It unsets ``CNNKIT_QUICK`` (full mode), runs each notebook top to bottom with the kernel of
the current environment, and writes it back. The kernel is started as JupyterLab starts it
(ipykernel's default capture of file descriptors 1 and 2), so a stored run shows whatever a
student would see, TensorFlow's C++ lines on stderr included; ``import cnnkit`` in each
notebook's first cell keeps TensorFlow's start-up lines off it (``tests/test_startup_stderr.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, *, timeout: int | None, quick: bool) -> float:
    """Run one notebook in place; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    env_backup = os.environ.get("CNNKIT_QUICK")
    if quick:
        os.environ["CNNKIT_QUICK"] = "1"
    else:
        os.environ.pop("CNNKIT_QUICK", None)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        if env_backup is None:
            os.environ.pop("CNNKIT_QUICK", None)
        else:
            os.environ["CNNKIT_QUICK"] = env_backup
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Execute notebooks in place (full mode).")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (none)")
    parser.add_argument(
        "--quick", action="store_true", help="short mode instead (for trying, never to commit)"
    )
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"executing {path} ...", flush=True)
        seconds = execute(path, timeout=args.timeout, quick=args.quick)
        print(f"  done in {seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
