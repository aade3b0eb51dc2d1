"""cnnkit as users install it: build, install the wheel into a fresh venv, run the notebooks.

Steps (each timed):
1. ``python -m build``: wheel and sdist of this checkout; the wheel must hold only the
   package (no tests, notebooks or benchmarks); sizes printed.
2. A fresh virtual environment (no system site-packages), the wheel installed NON-editable
   with ``pip install --no-index --find-links WHEELHOUSE``: no network; the dependencies
   come from a local wheelhouse (``--fill`` downloads it first, the one step that uses the
   package index: the build requirements, then what ``WHEEL[course]`` needs, at the versions
   of ``.venv``). Where ``uv`` is installed (``--installer``), it unpacks the dependencies
   from the same wheelhouse first (offline, several at a time), and pip then installs cnnkit
   itself, resolving its requirements against them. ``--hosted SPEC...`` first installs
   what a hosted Jupyter image already has (for example ``tensorflow==2.20.0
   keras==3.14.0``), then the wheel WITHOUT extras, and fails if pip replaced or removed any
   of it, or added a second TensorFlow distribution (that route is pip's alone). With
   ``--fill``, the hosted route fills its own wheelhouse (:data:`HOSTED_WHEELHOUSE`, plain
   ``tensorflow`` is ~600 MB): the hosted specs with ipykernel and nbclient, then what the
   wheel adds to them, as pip resolves them from the package index (no ``.venv`` pins).
3. ``pip check``.
4. Every notebook copied ALONE into an empty folder, run in short mode (CNNKIT_QUICK=1)
   through a Jupyter kernel of that venv with ipykernel's default output capture: any error
   output or stderr stream fails; the longest start first (:data:`SHORT_RUN_SECONDS`).
   Notebooks in PENDING (not yet re-run since a change that makes them fail there) must
   fail there, and the check fails if one of them passes.

    python scripts/check_install.py --fill              # CI: fill the wheelhouse, then check
    python scripts/check_install.py                     # offline, wheelhouse already filled
    python scripts/check_install.py --fill --hosted tensorflow==2.21.0 keras==3.15.1  # hosted
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PENDING: dict[str, str] = {}
SHORT_RUN_SECONDS = {"01": 47, "02": 24, "03": 51, "04": 45, "05": 130, "06": 101}
"""Short-mode seconds measured by this script in a clean-clone ``.ci/run`` (2026-12-07, run
ci-k, all six notebooks): the longest notebooks start first, so that the last one to start is a
short one."""
WHEELHOUSE = Path(os.environ.get("CNNKIT_WHEELHOUSE", Path.home() / ".cache/cnnkit-wheelhouse"))
HOSTED_WHEELHOUSE = Path(os.environ.get("CNNKIT_HOSTED_WHEELHOUSE",
                                        WHEELHOUSE.with_name(WHEELHOUSE.name + "-hosted")))
HOSTED_TOOLS = ["ipykernel", "nbclient"]
"""What the simulated hosted image holds beside its ``--hosted`` specs: a Jupyter kernel and
the client that runs the notebooks through it."""
TF_DISTRIBUTIONS = {"tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos"}
BIN = "Scripts" if os.name == "nt" else "bin"

RUNNER = r"""
import json, os, shutil, sys, tempfile, nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

SOCKETS = tempfile.mkdtemp(prefix="nbk-")


class UnixSocketKernelManager(KernelManager):
    # Notebooks run at once: a TCP port picked by binding port 0 and released until the
    # kernel binds it can be taken in between (jupyter/jupyter_client#154); a Unix socket in
    # a folder of this run cannot.
    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(SOCKETS, "kernel"))
        super().__init__(**kwargs)


nb = nbformat.read(sys.argv[1], as_version=4)
problems = []
manager = UnixSocketKernelManager if os.name == "posix" else KernelManager
try:
    NotebookClient(nb, timeout=900, kernel_name="python3", kernel_manager_class=manager,
                   resources={"metadata": {"path": sys.argv[2]}}).execute()
except CellExecutionError as error:
    problems.append("error: " + str(error).strip().splitlines()[-1][:300])
finally:
    shutil.rmtree(SOCKETS, ignore_errors=True)
for i, cell in enumerate(nb.cells):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            problems.append(f"cell {i}: {out['ename']}: {out['evalue'][:200]}")
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            problems.append(f"cell {i}: stderr: {out['text'][:200]!r}")
print(json.dumps(sorted(set(problems))))
"""


def step(title: str, timings: dict[str, float]):
    class _Timer:
        def __enter__(self):
            print(f"== {title}", flush=True)
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            timings[title] = round(time.perf_counter() - self.start, 1)
            print(f"   {timings[title]} s", flush=True)

    return _Timer()


def sh(*cmd, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, text=True, env=env, **kw)


def offline_env(wheelhouse: Path) -> dict[str, str]:
    links = " ".join(dict.fromkeys([str(wheelhouse), str(WHEELHOUSE)]))
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": links,
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # fmt: skip
    env.pop("PIP_EXTRA_INDEX_URL", None)
    env.pop("PYTHONPATH", None)  # the fresh venv must not see this checkout
    # Python writes the bytecode of what it imports, as in a user's environment: with
    # PYTHONDONTWRITEBYTECODE set, every kernel would compile TensorFlow and Keras from
    # source again (import keras: 28 CPU-s instead of 8 here); compiling the whole venv at
    # install time (pip's default, uv --compile-bytecode) costs ~100 s on 2 cores instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def fill_for(python: str, wheel: Path, wheelhouse: Path) -> None:
    """Download what ``python`` (another Python version) needs for the wheel and the course."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    sh(python, "-m", "pip", "download", "--quiet", "-d", wheelhouse, f"{wheel}[course]",
       "ipykernel", "nbclient")


def fill(wheelhouse: Path, wheel: Path | None = None) -> None:
    """Download into the wheelhouse, at the versions the shared .venv holds: what building
    needs (no ``wheel``), or what installing ``wheel[course]`` needs."""
    venv_python = ROOT / ".venv" / BIN / "python"
    frozen = sh(venv_python, "-m", "pip", "freeze", capture_output=True).stdout.splitlines()
    pinned = [line for line in frozen if "==" in line
              and not line.lower().startswith("cnnkit")]  # fmt: skip
    constraints = wheelhouse / "constraints.txt"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    constraints.write_text("\n".join(pinned) + "\n")
    wanted = [f"{wheel}[course]"] if wheel else ["setuptools>=77", "wheel"]
    sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", wheelhouse, "-c", constraints,
       *wanted)


def fill_hosted(wheelhouse: Path, wheel: Path, hosted: list[str]) -> None:
    """Download what ``--hosted`` installs: first the image (``hosted`` and
    :data:`HOSTED_TOOLS`, the versions pip picks for them alone, as the image's own install
    did), then what installing ``wheel`` WITHOUT extras on top of them needs. No ``.venv``
    pins: the hosted specs choose TensorFlow and Keras."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    image = [*hosted, *HOSTED_TOOLS]
    sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", wheelhouse, *image)
    sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", wheelhouse, *image, wheel)


def build(dist: Path, wheelhouse: Path) -> Path:
    sh(sys.executable, "-m", "build", "--outdir", dist, ROOT, env=offline_env(wheelhouse),
       capture_output=True)
    wheel = next(dist.glob("cnnkit-*.whl"))
    sdist = next(dist.glob("cnnkit-*.tar.gz"))
    names = zipfile.ZipFile(wheel).namelist()
    stray = [n for n in names if not n.startswith(("cnnkit/", "cnnkit-"))
             or n.endswith((".ipynb", ".pyc")) or "/tests/" in n]  # fmt: skip
    if stray:
        raise SystemExit(f"the wheel holds files it does not need: {stray[:10]}")
    big = sorted(((zipfile.ZipFile(wheel).getinfo(n).file_size, n) for n in names), reverse=True)
    print(f"   wheel {wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB, {len(names)} files; "
          f"largest: " + ", ".join(f"{n} {s / 1e6:.1f} MB" for s, n in big[:3]))
    print(f"   sdist {sdist.name}: {sdist.stat().st_size / 1e6:.2f} MB")
    return wheel


def freeze(python: Path) -> dict[str, str]:
    out = sh(python, "-m", "pip", "list", "--format=json", capture_output=True).stdout
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(out)}


def find_uv(choice: str) -> str | None:
    """The uv executable for ``--installer`` (auto: beside this Python, else on PATH)."""
    if choice == "pip":
        return None
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if choice == "uv" and not found:
        raise SystemExit("--installer uv: uv is not installed (pip install uv)")
    return found


def install(venv: Path, wheel: Path, wheelhouse: Path, hosted: list[str],
            base: str = sys.executable, uv: str | None = None) -> Path:
    sh(base, "-m", "venv", venv)
    python = venv / BIN / "python"
    env = offline_env(wheelhouse)
    if not hosted:
        if uv:  # the dependencies, unpacked several at a time from the same wheelhouse
            links = [a for link in env["PIP_FIND_LINKS"].split() for a in ("--find-links", link)]
            sh(uv, "pip", "install", "--quiet", "--offline", "--no-index", *links,
               "--python", python, f"{wheel}[course]", env=env)
            sh(uv, "pip", "uninstall", "--quiet", "--python", python, "cnnkit", env=env)
        # pip installs cnnkit itself (and, without uv, everything): its resolver checks every
        # requirement of cnnkit[course] against what is installed and the wheelhouse
        sh(python, "-m", "pip", "install", "--quiet", f"{wheel}[course]", env=env)
        return python
    sh(python, "-m", "pip", "install", "--quiet", *hosted, *HOSTED_TOOLS, env=env)
    first_cell_without_cnnkit(python, venv.parent)
    before = freeze(python)
    print("   preinstalled: " + ", ".join(f"{n} {before[n]}" for n in sorted(before)
                                           if n in TF_DISTRIBUTIONS | {"keras", "numpy"}))
    done = sh(python, "-m", "pip", "install", wheel, env=env, capture_output=True)
    after = freeze(python)
    added = sorted(set(after) - set(before))
    changed = sorted(n for n in before if after.get(n) != before[n])
    print(f"   pip added {len(added)}: {', '.join(f'{n} {after[n]}' for n in added)}")
    print(f"   pip replaced or removed: {changed or 'nothing'}")
    tf = sorted(set(after) & TF_DISTRIBUTIONS)
    if changed or len(tf) != 1:
        print(done.stdout[-3000:])
        raise SystemExit(f"installing the wheel changed the hosted environment: replaced "
                         f"{changed}, TensorFlow distributions {tf}")
    return python


def first_cell_without_cnnkit(python: Path, work: Path) -> None:
    """The notebooks' first cell in this kernel without cnnkit: exactly the Spanish error."""
    import ast

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    tree = ast.parse((ROOT / "tests" / "test_packaging.py").read_text(encoding="utf-8"))
    text = {t.id: ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Name) and t.id in ("FIRST_CELL", "SPANISH")}
    path = work / "first_cell" / "primera_celda.ipynb"
    path.parent.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell(text["FIRST_CELL"])]), path)
    env = offline_env(WHEELHOUSE)
    done = subprocess.run([str(python), "-c", RUNNER, str(path), str(path.parent)],
                          cwd=path.parent, env=env, capture_output=True, text=True)
    problems = json.loads(done.stdout.strip().splitlines()[-1])
    wanted = [f"cell 0: ModuleNotFoundError: {text['SPANISH'][:200]}"]
    cell_problems = [p for p in problems if not p.startswith("error:")]
    print(f"   first cell without cnnkit: {cell_problems}")
    if cell_problems != wanted:
        raise SystemExit(f"the first cell without cnnkit should say only {wanted}")


def run_notebook(python: Path, notebook: Path, work: Path) -> tuple[list[str], float]:
    """Run ``notebook`` copied alone; return its problems and its wall time in seconds."""
    start = time.perf_counter()
    problems = _run_notebook(python, notebook, work)
    return problems, time.perf_counter() - start


def _run_notebook(python: Path, notebook: Path, work: Path) -> list[str]:
    folder = work / notebook.stem
    folder.mkdir()
    copy = Path(shutil.copy(notebook, folder))
    env = {**offline_env(WHEELHOUSE), "CNNKIT_QUICK": "1", "MPLBACKEND": "Agg",
           "PYTHONHASHSEED": "0"}  # fmt: skip
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a student has it: cnnkit must quiet TF itself
    done = subprocess.run([str(python), "-c", RUNNER, str(copy), str(folder)], cwd=folder,
                          env=env, capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        return [f"runner failed: {done.stderr.strip()[-500:]}"]
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheelhouse", type=Path, help=f"default {WHEELHOUSE}; with "
                        f"--hosted, {HOSTED_WHEELHOUSE}")
    parser.add_argument("--fill", action="store_true", help="download the wheelhouse first")
    parser.add_argument("--hosted", nargs="+", default=[], metavar="SPEC")
    parser.add_argument("--notebooks", nargs="+", default=["01", "02", "03", "04", "05", "06"])
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (each in "
                        "its own kernel; default 2, the cores of the course's machines)")
    parser.add_argument("--installer", choices=["auto", "uv", "pip"], default="auto",
                        help="who unpacks the dependencies into the fresh venv: uv where it "
                        "is installed (auto), else pip; pip installs cnnkit itself either way")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--python", help="create the venv with this Python (another version); "
                        "with --fill, its pip downloads what it needs into --wheelhouse")
    args = parser.parse_args(argv)
    args.wheelhouse = args.wheelhouse or (HOSTED_WHEELHOUSE if args.hosted else WHEELHOUSE)
    timings: dict[str, float] = {}
    work = args.keep or Path(tempfile.mkdtemp(prefix="cnnkit-install-"))
    work.mkdir(parents=True, exist_ok=True)
    failures = []
    try:
        uv = None if args.hosted else find_uv(args.installer)
        if args.fill and not args.python:
            with step("fill the wheelhouse: build requirements (package index)", timings):
                fill(args.wheelhouse)
        with step("python -m build (wheel + sdist)", timings):
            wheel = build(work / "dist", WHEELHOUSE if args.python else args.wheelhouse)
        if args.fill and args.python:
            with step(f"fill the wheelhouse for {args.python} (package index)", timings):
                fill_for(args.python, wheel, args.wheelhouse)
        elif args.fill and args.hosted:
            with step("fill the wheelhouse: the hosted image, then the wheel's dependencies "
                      "(package index)", timings):
                fill_hosted(args.wheelhouse, wheel, args.hosted)
        elif args.fill:
            with step("fill the wheelhouse: the wheel's dependencies (package index)", timings):
                fill(args.wheelhouse, wheel)
        installer = "pip" if not uv else "uv (dependencies) + pip (cnnkit)"
        with step(f"fresh venv, wheel installed non-editable, offline, by {installer}",
                  timings):
            python = install(work / "venv", wheel, args.wheelhouse, args.hosted,
                             args.python or sys.executable, uv)
            print("   " + sh(python, "--version", capture_output=True).stdout.strip())
        with step("pip check", timings):
            sh(python, "-m", "pip", "check")
        notebooks = {key: next(NOTEBOOKS.glob(f"{key}_*.ipynb")) for key in args.notebooks}
        title = f"{len(notebooks)} notebooks, each copied alone, short mode, {args.jobs} at a time"
        with step(title, timings), ThreadPoolExecutor(args.jobs) as pool:
            longest_first = sorted(notebooks, key=lambda k: -SHORT_RUN_SECONDS.get(k, 0))
            runs = {key: pool.submit(run_notebook, python, notebooks[key], work)
                    for key in longest_first}  # fmt: skip
            for key, notebook in notebooks.items():
                problems, seconds = runs[key].result()
                print(f"   {notebook.name}: {seconds:.1f} s")
                if key in PENDING:
                    print(f"     expected failure ({PENDING[key]}): {problems[:1]}")
                    if not problems:
                        failures.append(f"{notebook.name} ran without an error: remove it "
                                        "from PENDING")
                else:
                    for p in problems:
                        print(f"     {p}")
                    failures += [f"{notebook.name}: {p}" for p in problems]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("== timings (s): " + json.dumps(timings))
    print(f"== total: {sum(timings.values()):.0f} s")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
