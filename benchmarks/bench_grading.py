"""Grading time of notebook 04 with nbgrader: seconds per submission and for a simulated class.

Grades a simulated class (``deploy/tests/simulated_class.py``: the 28 kinds of submission,
``--copies`` times each, or the first ``--submissions`` of those copies) in a temporary course
made with ``deploy/nbgrader_config.py``, in the mode that configuration grades in (short mode,
``CNNKIT_QUICK=1``, 60 s per cell, the cells tagged ``skip-autograde`` left out by
``cnnkit.grading.execute.SkippingExecute``), as ``python -m cnnkit.grading autograde`` does:
``--workers`` worker processes that import nbgrader once each (``cnnkit.grading.worker``). As
root, submissions run in the sandboxed kernel (one uid per worker), forked from a process
that imported TensorFlow once (``--preload``, ``cnnkit.grading.preload``), as in production;
otherwise in the plain kernel.

It prints and stores (``benchmarks/results/grading_<date>.txt``, or ``--output``) the machine,
the load average before and after, the wall time of the class, the wall and the CPU time per
submission (CPU: nbgrader, kernels and their children, from ``getrusage``), the seconds of
each kind of submission, the extrapolation to ``--target`` submissions at the measured
throughput, and whether every grade equals the expected points.

    flock /tmp/cnnkit-heavy.lock nice -n 5 .venv/bin/python benchmarks/bench_grading.py
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "tests"))
from simulated_class import reachable_interpreter, simulated_class  # noqa: E402

SOURCE = ROOT / "notebooks" / "04_ejercicio_lenet5.ipynb"
ASSIGNMENT = "lenet5"
UID_BASE = 61000


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    return f"{cpu}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}"


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _nbgrader(args: list[str], course: Path, env: dict[str, str]) -> None:
    subprocess.run(["nbgrader", *args], cwd=course, env=env, check=True, capture_output=True,
                   umask=0o077)


def measure(copies: int, workers: int, kinds: set[str] | None = None,
            submissions: int | None = None) -> tuple[list[str], bool]:
    """Grades the class; returns the report's lines and whether every grade matched."""
    from nbgrader.api import Gradebook

    from cnnkit.grading.parallel import WORKER, autograde
    from cnnkit.grading.sandbox import install_kernelspec

    sandbox = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="cnnkit-bench-grading-"))
    lines = [f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
             f"machine: {_machine()}", f"load average at start: {_load()}"]
    try:
        course = base / "course"
        (course / "source" / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(SOURCE, course / "source" / ASSIGNMENT)
        shutil.copy(ROOT / "deploy" / "nbgrader_config.py", course)
        install_kernelspec(base / "jupyter", user=str(UID_BASE))
        env = dict(os.environ, CNNKIT_QUICK="1", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg",
                   PYTHONPATH=str(ROOT), JUPYTER_PATH=str(base / "jupyter"),
                   CNNKIT_SANDBOX="1" if sandbox else "0", CNNKIT_EXCHANGE=str(base / "x"),
                   PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        _nbgrader(["generate_assignment", ASSIGNMENT], course, env)
        release = nbformat.read(course / "release" / ASSIGNMENT / SOURCE.name, as_version=4)
        source = nbformat.read(SOURCE, as_version=4)
        expected = {}
        for copy in range(copies):
            for sub in simulated_class(release, source, str(course)):
                if sub.student == "espia" and not sandbox:
                    continue  # without the sandbox it would rewrite everyone's grades
                if kinds and sub.student not in kinds:
                    continue
                if submissions is not None and len(expected) == submissions:
                    break
                student = f"{sub.student}_{copy}"
                folder = course / "submitted" / student / ASSIGNMENT
                folder.mkdir(parents=True)
                nbformat.write(sub.notebook, folder / SOURCE.name)
                expected[student] = sub
        os.environ.update(env)  # the workers' environment
        cpu0, start = _cpu_children(), time.perf_counter()
        with reachable_interpreter():  # the sandbox's uid runs this environment's Python
            results = autograde(ASSIGNMENT, list(expected), course_dir=course, workers=workers,
                                uids=[UID_BASE + i for i in range(workers)] if sandbox else None,
                                preload=sandbox, worker=WORKER)
        wall, cpu = time.perf_counter() - start, _cpu_children() - cpu0
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            got = {s: gradebook.find_submission(ASSIGNMENT, s).score for s in expected}
        wrong = {s: (got[s], sub.total) for s, sub in expected.items() if got[s] != sub.total}
        n = len(expected)
        by_kind: dict[str, list[float]] = {}
        for student, graded in results.items():
            by_kind.setdefault(expected[student].student, []).append(graded.seconds)
        normal = [r.seconds for s, r in results.items() if expected[s].student != "bucle"]
        lines += [
            f"load average at end: {_load()}",
            f"mode: CNNKIT_QUICK=1, Execute.timeout 60 s, cells tagged skip-autograde left "
            f"out, sandboxed kernel: "
            f"{'yes, forked from a preloaded one' if sandbox else 'no (not root)'}, one "
            "nbgrader worker process per slot",
            f"class: {n} submissions (up to {copies} copies of {len(by_kind)} kinds), "
            f"{workers} workers",
            f"class wall time: {wall:.0f} s; {wall / n:.1f} s per submission (wall / count)",
            f"CPU time (nbgrader + kernels): {cpu:.0f} s; {cpu / n:.1f} CPU-s per submission",
            f"one submission's own wall time (while {workers} run at once): median "
            f"{statistics.median(normal):.1f} s without the looping one, max "
            f"{max(r.seconds for r in results.values()):.1f} s",
            "seconds by kind (median of the copies): " + ", ".join(
                f"{k} {statistics.median(v):.0f}" for k, v in by_kind.items()),
            f"failed nbgrader runs: {[s for s, r in results.items() if not r.ok] or 'none'}",
            f"grades equal to the expected points: {n - len(wrong)} of {n}"
            + (f"; differ (got, expected): {wrong}" if wrong else ""),
        ]
        for target in (120,):
            lines.append(
                f"extrapolation: {target} submissions at this throughput take "
                f"{target * wall / n / 60:.1f} min with {workers} workers; at the CPU time per "
                f"submission on {len(os.sched_getaffinity(0))} idle cores, at least "
                f"{target * cpu / n / len(os.sched_getaffinity(0)) / 60:.1f} min")
        failed = [r for r in results.values() if not r.ok]
        if failed:
            lines.append(f"log of {failed[0].student}:\n{failed[0].log[-3000:]}")
        return lines, not wrong and not failed
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of the 28 kinds")
    parser.add_argument("--submissions", type=int, default=None,
                        help="only the first N of those copies (e.g. 120 of 5 x 28)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--kinds", default="", help="only these kinds, comma-separated "
                        "(a smoke run; the stored results grade every kind)")
    args = parser.parse_args(argv)
    lines, ok = measure(args.copies, args.workers, set(filter(None, args.kinds.split(","))),
                        args.submissions)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    output = args.output or ROOT / "benchmarks" / "results" / (
        f"grading_{len(os.sched_getaffinity(0))}cpu_{datetime.date.today():%Y-%m-%d}.txt")
    output.write_text(text)
    print(f"written to {output}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
