"""Time ``cnnkit.ops.conv2d`` against ``scipy.signal.correlate2d`` (not a test).

Both compute the same "valid" cross-correlation of a 512x512 float64 image with a 3x3 kernel.
The target of issue 3 is a ratio (cnnkit / SciPy) of at most 3. Usage::

    .venv/bin/python benchmarks/bench_conv2d.py [--size 512] [--kernel 3] [--repeat 7]
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np
from scipy.signal import correlate2d

from cnnkit.ops import conv2d

TARGET_RATIO = 3.0


def best_time(func, *, number: int, repeat: int) -> float:
    """Best (smallest) seconds per call over `repeat` rounds of `number` calls."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="image side (default 512)")
    parser.add_argument("--kernel", type=int, default=3, help="kernel side (default 3)")
    parser.add_argument("--repeat", type=int, default=7, help="timing rounds (default 7)")
    parser.add_argument("--number", type=int, default=20, help="calls per round (default 20)")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    image = rng.random((args.size, args.size))
    kernel = rng.random((args.kernel, args.kernel))
    np.testing.assert_allclose(conv2d(image, kernel), correlate2d(image, kernel, mode="valid"))

    ours = best_time(lambda: conv2d(image, kernel), number=args.number, repeat=args.repeat)
    scipy = best_time(lambda: correlate2d(image, kernel, mode="valid"), number=args.number,
                      repeat=args.repeat)
    ratio = ours / scipy
    print(f"image {args.size}x{args.size} float64, kernel {args.kernel}x{args.kernel}, "
          f"best of {args.repeat} x {args.number} calls")
    print(f"cnnkit.ops.conv2d          {ours * 1e3:8.2f} ms")
    print(f"scipy.signal.correlate2d   {scipy * 1e3:8.2f} ms")
    verdict = "OK" if ratio <= TARGET_RATIO else f"above the target of {TARGET_RATIO:g}"
    print(f"ratio conv2d / SciPy       {ratio:8.2f}  ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
