"""Command line: ``python -m cnnkit.grading autograde|install-kernel``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from cnnkit.grading import parallel, sandbox
from cnnkit.grading.tampering import tampered_cells


def _warnings(log: str, most: int = 6) -> list[str]:
    """nbgrader's warnings and errors about one submission (timeouts...).

    Checksum warnings are left out: with hidden tests they fire for every submission;
    :func:`_tampering` says which protected cells were really changed or deleted.
    """
    lines = [line.strip() for line in log.splitlines() if ("| WARNING]" in line
             or "| ERROR]" in line) and "Attribute 'checksum'" not in line]
    return list(dict.fromkeys(lines))[:most]


def _tampering(assignment: str, student: str) -> list[str]:
    """Protected cells the student deleted or changed, notebook by notebook."""
    lines = []
    for released in sorted(Path("release", assignment).glob("*.ipynb")):
        submitted = Path("submitted", student, assignment, released.name)
        if submitted.exists():
            lines += [f"{released.name}, {line}" for line in tampered_cells(
                nbformat.read(released, as_version=4), nbformat.read(submitted, as_version=4))]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cnnkit.grading", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("autograde", help="nbgrader autograde, several students at once")
    grade.add_argument("assignments", nargs="+", metavar="assignment",
                       help="one or more assignments, graded by the same workers")
    grade.add_argument("--workers", type=int, default=2)
    grade.add_argument("--uid-base", type=int, default=None,
                       help="sandboxed kernels run as uid BASE + worker slot")
    grade.add_argument("--student", action="append", help="grade only these (repeatable)")
    grade.add_argument("--force", action="store_true", help="grade again (nbgrader --force)")
    grade.add_argument("--preload", action="store_true",
                       help="fork the sandboxed kernels from one process that has imported "
                       "TensorFlow (needs --uid-base)")
    kernel = commands.add_parser("install-kernel", help="install the sandboxed kernelspec")
    kernel.add_argument("--user", default="nobody", help="account name or uid")
    kernel.add_argument("--prefix", default=f"{sys.prefix}/share/jupyter",
                        help="Jupyter data directory (default: this environment's)")
    args = parser.parse_args(argv)
    if args.command == "install-kernel":
        print(sandbox.install_kernelspec(args.prefix, user=args.user))
        return 0
    uids = None if args.uid_base is None else [args.uid_base + i for i in range(args.workers)]
    results = parallel.autograde_assignments(
        args.assignments, args.student, workers=args.workers, uids=uids,
        extra_args=["--force"] if args.force else [], preload=args.preload,
        worker=parallel.WORKER)
    failed = [r for r in results if not r.ok]
    for r in results:
        print(f"{r.student}\t{r.assignment}\t{'ok' if r.ok else 'FAILED'}\t{r.seconds:.1f} s"
              f"\tworker {r.slot}")
        for line in _tampering(r.assignment, r.student) + _warnings(r.log):
            print(f"    {line}")
    for r in failed:
        print(f"--- {r.student}, {r.assignment} (exit {r.returncode})\n{r.log}",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
