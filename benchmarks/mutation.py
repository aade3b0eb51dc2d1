"""Mutation testing of cnnkit's modules with fast tests (mutmut 3).

A mutant is a copy of cnnkit with one small change in one function (``<`` for ``<=``, ``+ 1``
for ``+ 2``, ``and`` for ``or``, a string or a keyword argument changed or dropped...). The
fast tests of the module run against it; a mutant that no test fails on *survived*: the
tests would not notice that bug. The score of a module is killed / (killed + survived +
no tests + ...); surviving mutants that are equivalent (no input tells them from the
original) are listed with a reason in ``benchmarks/mutation_equivalents.json`` and the
report gives the score with and without them.

Each target below maps the module's files (globs, so a module split into a package,
``cnnkit/ops.py`` -> ``cnnkit/ops/*.py``, is still found) to its fast test files (globs too;
never the notebooks); the doctests of the mutated files run too, as in the test suite. For
each target the script copies cnnkit and tests/ into a work folder, writes mutmut's
``setup.cfg`` there, runs ``mutmut run`` (forking one worker per mutant from a process that
already imported the test modules, and running only the tests that call the mutated
function), and stores the result in ``benchmarks/results/mutation/<target>.json``;
``benchmarks/results/mutation.md`` is rewritten from all stored targets.

Usage (slow: run it under the shared lock on a shared machine)::

    flock /tmp/cnnkit-heavy.lock nice -n 5 .venv/bin/python benchmarks/mutation.py          # all
    .venv/bin/python benchmarks/mutation.py ops kernels convmatrix    # some targets
    .venv/bin/python benchmarks/mutation.py --list                    # targets, files, tests
    .venv/bin/python benchmarks/mutation.py --report                  # rewrite mutation.md only

Needs ``pip install -e .[mutation]`` (mutmut). Linux or macOS (mutmut forks).
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "mutation"
REPORT = ROOT / "benchmarks" / "results" / "mutation.md"
EQUIVALENTS = ROOT / "benchmarks" / "mutation_equivalents.json"

# mutmut's exit codes of a mutant run (mutmut/stats.py), grouped for the report.
# A timeout is not counted as killed: on a busy machine, or with a library that is not
# fork-safe, a mutant can run out of time without any test failing on it.
STATUS = {1: "killed", 3: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout",
          255: "timeout", 37: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", None: "not checked"}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """One module (or group of files) and the fast test files that should catch its bugs."""

    name: str
    sources: tuple[str, ...]
    tests: tuple[str, ...]
    # Extra pytest arguments of the test selection (e.g. -k to leave out a slow kernel test).
    select: tuple[str, ...] = ()


# The table of bad inputs over the public API (fast; calls every argument check).
BAD = "tests/test_bad_inputs.py"
# The tests of the checkers in cnnkit.exercises (tables of wrong answers included).
EXERCISE_TESTS = ("tests/test_exercises*.py", "tests/test_lenet*.py",
                  "tests/test_architecture_exercises*.py", "tests/test_explain_error*.py")

TARGETS = (
    # mutmut calls each mutated function through a trampoline, one frame more: the warning
    # of pool2d's former mode name then points into mutmut, not at the caller
    # (stacklevel=2), and this one test fails on the unmutated copy.
    Target("ops", ("cnnkit/ops.py", "cnnkit/ops/*.py"),
           ("tests/test_ops*.py", "tests/test_behaviour_ops*.py", BAD),
           ("--deselect", "tests/test_ops.py::test_pool2d_former_average_name_works_with_a_"
                          "pending_deprecation_only")),
    Target("kernels", ("cnnkit/kernels.py",),
           ("tests/test_kernels*.py", "tests/test_behaviour_ops*.py", BAD)),
    Target("convmatrix", ("cnnkit/convmatrix.py",),
           ("tests/test_convmatrix*.py", "tests/test_behaviour_ops*.py", BAD)),
    # data.py's loaders, the one search flow behind them and make_dataset's pipeline.
    Target("data", ("cnnkit/data.py", "cnnkit/data/*.py", "cnnkit/_dataset_files.py",
                    "cnnkit/_pipeline.py", "cnnkit/_pixels.py"),
           ("tests/test_data*.py", "tests/test_behaviour_data*.py", BAD)),
    Target("augment", ("cnnkit/augment.py", "cnnkit/augment/*.py"),
           ("tests/test_augment*.py", "tests/test_behaviour_data*.py", BAD)),
    Target("stats", ("cnnkit/stats.py", "cnnkit/stats/*.py"), ("tests/test_stats*.py", BAD)),
    Target("student", ("cnnkit/student.py",), ("tests/test_student*.py",)),
    Target("torch_checkpoint", ("cnnkit/_torch_checkpoint.py",),
           ("tests/test_torch_checkpoint*.py",)),
    Target("freezing", ("cnnkit/transfer/freezing.py",),
           ("tests/test_transfer*.py", "tests/test_behaviour_transfer*.py", BAD)),
    Target("language", ("cnnkit/_language.py", "cnnkit/viz/_text.py"),
           ("tests/test_viz_language*.py", "tests/test_behaviour_language*.py",
            "tests/test_spanish_output*.py", BAD)),
    Target("viz_numerics", ("cnnkit/viz/network.py", "cnnkit/viz/network/*.py",
                            "cnnkit/viz/gradcam*.py", "cnnkit/viz/grad_cam*.py"),
           ("tests/test_viz_network*.py", "tests/test_behaviour_viz*.py")),
    # The checkers a student meets, one at a time (each has its own table of wrong answers),
    # then the helpers they share.
    *(Target(f"exercises_{checker}", (f"cnnkit/exercises/{checker}.py",), EXERCISE_TESTS)
      for checker in ("compile", "lenet", "architectures", "errors")),
    Target("exercises_support", ("cnnkit/exercises/_*.py",), EXERCISE_TESTS),
    # The builders, one family at a time (each mutant rebuilds models: minutes per family).
    *(Target(f"models_{family}", (f"cnnkit/models/{family}.py", f"cnnkit/models/{family}/*.py"),
             (f"tests/test_{family}*.py", "tests/test_architectures*.py",
              "tests/test_behaviour_builders*.py"))
      for family in ("alexnet", "densenet", "googlenet", "lenet", "resnet", "vgg")),
)  # fmt: skip
BY_NAME = {t.name: t for t in TARGETS}

PYTEST_ARGS = ("-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:randomly",
               "--hypothesis-seed=0", "-q", "-x")  # fmt: skip


def _tests(target: Target, root: Path = ROOT) -> list[str]:
    """The target's test files, and the tests written against its mutants
    (``tests/test_mutants_<target>*.py``)."""
    return _matches((*target.tests, f"tests/test_mutants_{target.name}*.py"), root)


def _matches(patterns: tuple[str, ...], root: Path = ROOT) -> list[str]:
    files = {p.relative_to(root).as_posix() for pat in patterns for p in root.glob(pat)}
    return sorted(f for f in files if f.endswith(".py") and "__pycache__" not in f)


# Libraries the fork server imports before it forks the mutants (see _setup_cfg).
PRELOAD = "mutmut_preload.txt"
_PRELOAD_MODULES = ("numpy", "scipy", "matplotlib", "matplotlib.pyplot", "tensorflow", "keras",
                    "sklearn", "PIL", "nbformat", "hypothesis", "pytest")  # fmt: skip


def _setup_cfg(target: Target, sources: list[str], tests: list[str]) -> str:
    def block(key: str, values: list[str] | tuple[str, ...]) -> str:
        return f"{key} =\n" + "".join(f"    {v}\n" for v in values)

    return ("[mutmut]\nsource_paths = cnnkit\n" + block("only_mutate", sources)
            + block("pytest_add_cli_args", [a for a in PYTEST_ARGS if a != "-x"])
            # The test files are chosen by the work folder's conftest.py (_CONFTEST), so that
            # tests added later join a rerun (--again) without changing mutmut's settings.
            + block("pytest_add_cli_args_test_selection", [*sources, "tests", *target.select])
            + block("also_copy", ["notebooks", "conftest.py"])
            + "use_git_change_detection = false\n"
            # TensorFlow is not fork-safe: a child forked from a process that has built a
            # model waits forever on a lock of the parent's thread pools (each such mutant
            # came out as a timeout). So every mutant is forked from a server that has only
            # imported modules (no model built; cnnkit from the mutated copy under mutants/).
            + "process_isolation = forkserver\nforkserver_warmup = import\n"
            + f"preload_modules_file = {PRELOAD}\n"
            # Generous limits: a mutant's tests run niced on a busy machine.
            + "timeout_multiplier = 10\ntimeout_constant = 10\n")  # fmt: skip


# pytest plugin of the work folder: mutmut keeps a copy of each function per mutant, with
# its docstring; run the doctests of the public functions only (they call the mutant). And
# collect only the target's test files from tests/ (globs written in by _prepare).
_CONFTEST = """
import fnmatch

TEST_GLOBS = {globs!r}


def pytest_ignore_collect(collection_path, config):
    if collection_path.parent.name != "tests" or collection_path.suffix != ".py":
        return None
    if collection_path.name == "conftest.py":
        return None
    name = "tests/" + collection_path.name
    return not any(fnmatch.fnmatch(name, pattern) for pattern in TEST_GLOBS) or None


def pytest_collection_modifyitems(config, items):
    copies = [item for item in items if "__mutmut_" in item.name]
    if copies:
        config.hook.pytest_deselected(items=copies)
        items[:] = [item for item in items if "__mutmut_" not in item.name]
"""


def _prepare(target: Target, work: Path) -> tuple[list[str], list[str]]:
    sources, tests = _matches(target.sources), _tests(target)
    if not sources:
        raise SystemExit(f"target {target.name}: no file matches {target.sources}")
    if not tests:
        raise SystemExit(f"target {target.name}: no test file matches {target.tests}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for folder in ("cnnkit", "tests", "notebooks"):
        shutil.copytree(ROOT / folder, work / folder, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    globs = [*target.tests, f"tests/test_mutants_{target.name}*.py"]
    (work / "conftest.py").write_text(_CONFTEST.format(globs=globs))
    (work / "setup.cfg").write_text(_setup_cfg(target, sources, tests))
    # and the mutated modules (the server imports the copy under mutants/, whose functions
    # pick the mutant at each call: importing them once saves each mutant's child the time)
    modules = [f.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for f in sources]
    (work / PRELOAD).write_text("\n".join([*_PRELOAD_MODULES, "cnnkit", *modules]) + "\n")
    return sources, tests


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MUTANT_UNDER_TEST")}
    env.update(CNNKIT_QUICK="1", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    return env


_DIFFS = """
import json, sys
from pathlib import Path
from mutmut.mutation.diff_apply import get_diff_for_mutant
names = json.loads(sys.stdin.read())
print(json.dumps({n: get_diff_for_mutant(n, path=p) for n, p in names}))
"""


def _results(work: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Status of every mutant, and the diff of every mutant that was not killed."""
    status, paths = {}, {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        source = meta.relative_to(work / "mutants").as_posix()[: -len(".meta")]
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status[name] = STATUS.get(code, "suspicious")
            paths[name] = source
    alive = [[n, paths[n]] for n, s in status.items() if s not in ("killed", "not checked")]
    out = subprocess.run([sys.executable, "-c", _DIFFS], input=json.dumps(alive), cwd=work,
                         env=_env(), capture_output=True, text=True, check=True)  # fmt: skip
    return status, json.loads(out.stdout)


def _changed_lines(diff: str) -> tuple[str, str]:
    lines = diff.splitlines()[2:]
    minus = "\n".join(x[1:].strip() for x in lines if x.startswith("-"))
    plus = "\n".join(x[1:].strip() for x in lines if x.startswith("+"))
    return minus, plus


def _equivalents() -> list[dict]:
    return json.loads(EQUIVALENTS.read_text()) if EQUIVALENTS.exists() else []


def _reason(target: str, name: str, diff: str, equivalents: list[dict]) -> str | None:
    minus, plus = _changed_lines(diff)
    function = name.rsplit(".", 1)[-1].split("__mutmut_")[0]
    for e in equivalents:
        if (e["target"] == target and fnmatch.fnmatch(function, e.get("function", "*"))
                and e["minus"] == minus and e["plus"] == plus):  # fmt: skip
            return e["reason"]
    return None


def run_target(target: Target, jobs: int, workdir: Path) -> dict:
    work = workdir / target.name
    sources, tests = _prepare(target, work)
    print(f"== {target.name}: mutating {', '.join(sources)}; tests {', '.join(tests)}", flush=True)
    start = time.monotonic()
    with open(work / "mutmut.log", "w") as log:
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)]
        proc = subprocess.run(command, cwd=work, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    seconds = round(time.monotonic() - start, 1)
    if proc.returncode != 0:
        tail = (work / "mutmut.log").read_text()[-3000:]
        raise SystemExit(f"mutmut failed on {target.name} (exit {proc.returncode}):\n{tail}")
    status, diffs = _results(work)
    result = {
        "target": target.name, "sources": sources, "tests": tests, "seconds": seconds,
        "jobs": jobs, "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                    time.gmtime()),
        "status": status, "diffs": diffs,
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{target.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def collect(target: Target, jobs: int, workdir: Path) -> dict:
    """The result of a run that was stopped (or is still going): the mutants checked so far.

    mutmut stores each mutant's result as it goes; the others are "not checked", and the
    score is over the checked ones (mutmut runs the fastest mutants first, so they are not
    a random sample). The run time is from the start of the run to now.
    """
    work = workdir / target.name
    if not (work / "mutants").is_dir():
        raise SystemExit(f"--collect {target.name}: no run in {work}")
    status, diffs = _results(work)
    result = {
        "target": target.name, "sources": _matches(target.sources, work),
        "tests": _tests(target, work),
        "seconds": round(time.time() - (work / "setup.cfg").stat().st_mtime, 1), "jobs": jobs,
        "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "partial": any(st == "not checked" for st in status.values()),
        "status": status, "diffs": diffs,
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{target.name}.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def run_again(target: Target, jobs: int, workdir: Path, unchecked: bool = False) -> dict:
    """Rerun only the mutants that the last run of ``target`` left alive, with today's tests.

    With ``unchecked``, also the mutants a stopped run (``--collect``) never checked.

    For the tests written against the survivors: the sources must be unchanged since that
    run (then a killed mutant stays killed when tests are only added), its work folder must
    still exist; mutmut times the new tests and runs the alive mutants against all of them.
    """
    work, stored = workdir / target.name, RESULTS / f"{target.name}.json"
    if not (work / "mutants").is_dir() or not stored.exists():
        raise SystemExit(f"--again {target.name}: no earlier run in {work}; run it in full first")
    previous = json.loads(stored.read_text())
    sources = _matches(target.sources)
    changed = [f for f in sources if (ROOT / f).read_bytes() != (work / f).read_bytes()]
    if changed or sources != previous["sources"]:
        raise SystemExit(f"--again {target.name}: {changed or 'the file list'} changed since "
                         "the last run; run the target in full")  # fmt: skip
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore, dirs_exist_ok=True)
    # a partial run's unchecked mutants stay unchecked (--collect wrote it; see there), unless
    # asked for (--unchecked)
    skip = ("killed",) if unchecked else ("killed", "not checked")
    alive = sorted(n for n, st in previous["status"].items() if st not in skip)
    tests = _tests(target)
    print(f"== {target.name} again: {len(alive)} mutants; tests {', '.join(tests)}", flush=True)
    start = time.monotonic()
    if alive:
        with open(work / "mutmut.log", "a") as log:
            command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *alive]
            proc = subprocess.run(command, cwd=work, env=_env(), stdout=log,
                                  stderr=subprocess.STDOUT)  # fmt: skip
        if proc.returncode != 0:
            tail = (work / "mutmut.log").read_text()[-3000:]
            raise SystemExit(f"mutmut failed on {target.name} (exit {proc.returncode}):\n{tail}")
    status, diffs = _results(work)
    again = {"seconds": round(time.monotonic() - start, 1), "mutants": len(alive),
             "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "with_unchecked": unchecked}  # fmt: skip
    result = {**previous, "tests": tests, "status": status, "diffs": diffs,
              "partial": any(st == "not checked" for st in status.values()),
              "again": [*previous.get("again", []), again]}  # fmt: skip
    stored.write_text(json.dumps(result, indent=1) + "\n")
    return result


def _run_time(r: dict) -> str:
    text = f"{r['seconds']:.0f} s ({r['jobs']} job{'s' * (r['jobs'] > 1)})"
    for a in r.get("again", []):
        text += f" + {a['seconds']:.0f} s rerun of {a['mutants']} alive"
        text += " or unchecked" if a.get("with_unchecked") else ""
        text += " (nice 19, machine busy: not a timing)" if a.get("niced") else ""
        text += " (stopped at its time limit)" if a.get("stopped") else ""
    return text


def summary(result: dict, equivalents: list[dict]) -> dict:
    counts: dict[str, int] = {}
    for s in result["status"].values():
        counts[s] = counts.get(s, 0) + 1
    total, killed = len(result["status"]), counts.get("killed", 0)
    checked = total - counts.get("not checked", 0)  # all but in a stopped run (--collect)
    equivalent = sum(
        1 for n, d in result["diffs"].items() if _reason(result["target"], n, d, equivalents)
    )
    return {"total": total, "checked": checked, "killed": killed, "equivalent": equivalent,
            "score": killed / checked if checked else 0.0,
            "score_without_equivalent": killed / (checked - equivalent) if checked > equivalent
            else 1.0, "counts": counts}  # fmt: skip


def write_report() -> str:
    equivalents = _equivalents()
    results = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    order = {t.name: i for i, t in enumerate(TARGETS)}
    results.sort(key=lambda r: order.get(r["target"], len(order)))
    baseline = {json.loads(p.read_text())["target"]: json.loads(p.read_text())
                for p in sorted((RESULTS / "baseline").glob("*.json"))}  # fmt: skip
    lines = ["# Mutation testing report (mutmut)", "",
             "Written by `benchmarks/mutation.py`; see the README, section \"Mutation testing\".",
             "*Baseline*: the same run on the tests before the behaviour tests of issue 25",
             "(`results/mutation/baseline/`).",
             "", "| target | mutants | killed | survived | timeout | no tests | equivalent "
             "| score | score without equivalent | baseline score | run time | when |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        s = summary(r, equivalents)
        c = s["counts"]
        before = baseline.get(r["target"])
        mutants_note = f" ({s['checked']} checked: run stopped)" if r.get("partial") else ""
        b = None if before is None else summary(before, equivalents)
        was = "" if b is None else f"{b['score']:.1%} ({b['killed']}/{b['checked']})"
        lines.append(
            f"| {r['target']} | {s['total']}{mutants_note} | {s['killed']} "
            f"| {c.get('survived', 0)} "
            f"| {c.get('timeout', 0)} | {c.get('no tests', 0)} | {s['equivalent']} "
            f"| {s['score']:.1%} "
            f"| {s['score_without_equivalent']:.1%} | {was} | {_run_time(r)} | {r['date']} |"
        )
    for r in results:
        lines += ["", f"## {r['target']}", "", f"Files: {', '.join(r['sources'])}. "
                  f"Tests: {', '.join(r['tests'])}.", ""]  # fmt: skip
        alive = sorted(r["diffs"].items(), key=lambda kv: _natural(kv[0]))
        if not alive:
            lines.append("Every mutant was killed.")
        for name, diff in alive:
            reason = _reason(r["target"], name, diff, equivalents)
            head = f"**{r['status'][name]}**" + (f", equivalent: {reason}" if reason else "")
            minus, plus = _changed_lines(diff)
            lines += [f"- `{name.split('.')[-1]}` ({head})", "  ```diff"]
            lines += [f"  - {x}" for x in minus.splitlines()]
            lines += [f"  + {x}" for x in plus.splitlines()] + ["  ```"]
    text = "\n".join(lines) + "\n"
    REPORT.write_text(text)
    return text


def _natural(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "cnnkit-mutation",
                        help="where the copies and mutants go (default: $TMPDIR/cnnkit-mutation)")
    parser.add_argument("--list", action="store_true", help="print targets, files and tests")
    parser.add_argument("--collect", action="store_true",
                        help="store what a stopped or running run has checked so far")
    parser.add_argument("--again", action="store_true",
                        help="rerun only the mutants the last run left alive (same --workdir, "
                             "unchanged sources), with the tests added since")  # fmt: skip
    parser.add_argument("--unchecked", action="store_true",
                        help="with --again: also run the mutants a stopped run never checked")
    parser.add_argument("--report", action="store_true",
                        help="only rewrite results/mutation.md from stored results")  # fmt: skip
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in BY_NAME]
    if unknown:
        parser.error(f"unknown target(s) {unknown}; choose from {sorted(BY_NAME)}")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    targets = [BY_NAME[t] for t in args.targets] or list(TARGETS)
    if args.list:
        for t in targets:
            print(f"{t.name}: {', '.join(_matches(t.sources))} <- {', '.join(_tests(t))}")
        return 0
    if not args.report:
        if importlib.util.find_spec("mutmut") is None:
            parser.error("mutmut is not installed: pip install -e .[mutation]")
        for t in targets:
            if args.again:
                r = run_again(t, args.jobs, args.workdir, unchecked=args.unchecked)
            else:
                r = (collect if args.collect else run_target)(t, args.jobs, args.workdir)
            s = summary(r, _equivalents())
            print(f"   {s['killed']}/{s['total']} killed ({s['score']:.1%}), "
                  f"{r['seconds']:.0f} s", flush=True)  # fmt: skip
    write_report()
    print(f"report: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
