"""The project's set-up files agree with each other (pyproject, environment.yml, CI, README)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text())
README = (ROOT / "README.md").read_text()


def _conda_and_pip() -> tuple[list[str], list[str]]:
    conda, pip = [], []
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, dict):
            pip += entry.get("pip", [])
        else:
            conda.append(entry)
    return conda, pip


def test_every_dependency_has_a_compatible_release_range():
    for spec in PYPROJECT["project"]["dependencies"]:
        assert "~=" in spec, f"{spec!r} should use a compatible-release range (~=)"


def test_environment_python_matches_requires_python():
    conda, _ = _conda_and_pip()
    pythons = [c for c in conda if c.startswith("python")]
    assert len(pythons) == 1, f"environment.yml should pin python once, found {pythons}"
    version = pythons[0].split("=")[-1]
    assert version in SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert version == "3.11", "the course (and .ci/run) uses Python 3.11"


def test_environment_installs_this_project_with_existing_extras():
    _, pip = _conda_and_pip()
    project_lines = [p for p in pip if re.match(r"^(-e\s+)?\.(\[.*\])?$", p.strip())]
    assert project_lines, "environment.yml's pip section must install the project (-e .[...])"
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    for line in project_lines:
        asked = re.findall(r"\[(.*)\]", line)
        for extra in (asked[0].split(",") if asked else []):
            assert extra.strip() in extras, f"extra {extra!r} is not in pyproject.toml"


def test_environment_holds_python_pip_and_this_project_only():
    # What the file actually holds, entry by entry: Python, pip, and the project with the
    # course and the tests (not the instructors' nbgrader). A dependency added here instead
    # of pyproject.toml fails, and so does a missing or changed entry.
    assert ENVIRONMENT == {
        "name": "cnnkit",
        "channels": ["conda-forge"],
        "dependencies": ["python=3.11", "pip", {"pip": ["-e .[course,test]"]}],
    }
    assert {"course", "test"} <= set(_extras_pulled_in("dev"))


def _extras_pulled_in(extra: str) -> list[str]:
    """The extras an extra pulls in through ``cnnkit[...]`` (``dev`` -> course, test)."""
    specs = PYPROJECT["project"]["optional-dependencies"][extra]
    found = [m for spec in specs for m in re.findall(r"^cnnkit\[(.*)\]$", spec)]
    return [name.strip() for names in found for name in names.split(",")]


def _imported_after(statement: str) -> set[str]:
    """Top-level module names in sys.modules after running ``statement`` in a fresh Python."""
    code = f"import json, sys; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_cnnkit_is_cheap():
    loaded = _imported_after("import cnnkit")
    assert {m for m in loaded if m.startswith("cnnkit")} == {
        "cnnkit", "cnnkit._backend", "cnnkit._language", "cnnkit._mode", "cnnkit._setup",
        "cnnkit._validate",
    }  # fmt: skip
    heavy = {"tensorflow", "keras", "numpy", "matplotlib", "pandas", "scipy", "sklearn"}
    assert not heavy & {m.split(".")[0] for m in loaded}


def test_data_and_reference_ops_do_not_import_tensorflow():
    loaded = _imported_after("import cnnkit.data, cnnkit.ops, cnnkit.kernels")
    assert not {"tensorflow", "keras"} & {m.split(".")[0] for m in loaded}


def _readme_test_command() -> str:
    commands = re.findall(r"^(bash scripts/test\.sh)\s*(?:#.*)?$", README, flags=re.MULTILINE)
    assert commands, "README must show the test command `bash scripts/test.sh`"
    return commands[0]


def test_ci_runs_exactly_the_readme_test_command():
    command = _readme_test_command()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert f"run: {command}" in workflow


def test_readme_shows_the_course_command():
    assert re.search(r"^bash scripts/course\.sh\s*(#.*)?$", README, flags=re.MULTILINE)


def test_nbgrader_is_an_instructor_extra_not_a_student_dependency():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert [Requirement(s).name for s in extras["instructor"]] == ["nbgrader"]
    assert "cnnkit[course,test,instructor]" in extras["dev"], "the test suite runs nbgrader"
    for spec in PYPROJECT["project"]["dependencies"] + extras["course"]:
        assert Requirement(spec).name != "nbgrader", f"students would install nbgrader: {spec}"
    _, pip = _conda_and_pip()
    for line in pip:
        asked = re.findall(r"\[(.*)\]", line)
        chosen = {e.strip() for e in asked[0].split(",")} if asked else set()
        assert not chosen & {"instructor", "dev"}, f"environment.yml installs nbgrader: {line}"


def test_no_extra_installs_jax_next_to_tensorflow():
    """Installed beside TensorFlow, jax is imported by every `import tensorflow`
    (tensorflow.lite): ~2.5 s of CPU per process; it lives in .venv-jax (scripts/jax_env.sh)."""
    for extra, specs in PYPROJECT["project"]["optional-dependencies"].items():
        for spec in specs:
            assert Requirement(spec).name != "jax", f"extra {extra!r} installs jax: {spec}"
    script = (ROOT / "scripts" / "jax_env.sh").read_text()
    assert 'JAX_SPEC="jax[cpu]~=0.10"' in script and "site.addsitedir" in script


# -- dependency design: the backend is an extra, never forced on hosted Jupyter ------------
def test_core_dependencies_name_no_tensorflow_distribution():
    names = {Requirement(s).name for s in PYPROJECT["project"]["dependencies"]}
    assert "keras" in names
    assert not names & {"tensorflow", "tensorflow-cpu", "tensorflow-intel", "jax", "torch"}


def test_tf_extra_picks_tensorflow_cpu_on_x86_64_and_tensorflow_elsewhere():
    extras = PYPROJECT["project"]["optional-dependencies"]
    tf = [Requirement(s) for s in extras["tf"]]
    env = {"x86_64": "tensorflow-cpu", "AMD64": "tensorflow-cpu", "arm64": "tensorflow",
           "aarch64": "tensorflow"}  # fmt: skip
    for machine, wanted in env.items():
        chosen = [r.name for r in tf if r.marker.evaluate({"platform_machine": machine})]
        assert chosen == [wanted], machine
    for r in tf:  # the range cnnkit._backend.SUPPORTED states: 2.20 and 2.21
        assert r.specifier.contains("2.20.0") and r.specifier.contains("2.21.0")
        assert not r.specifier.contains("2.19.1") and not r.specifier.contains("2.22.0")
    assert "cnnkit[tf]" in extras["course"], "the course route (laptops) installs the backend"


def test_supported_range_is_stated_once_and_in_the_readme():
    from cnnkit._backend import SUPPORTED

    assert SUPPORTED == "TensorFlow 2.20-2.21 with Keras 3.14-3.15"
    keras = next(Requirement(s) for s in PYPROJECT["project"]["dependencies"]
                 if s.startswith("keras"))  # fmt: skip
    assert keras.specifier.contains("3.14.0") and keras.specifier.contains("3.15.1")
    assert SUPPORTED in README


def _without_packages(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a Python that sees this checkout but no site-packages (no Keras)."""
    return subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, "
                           f"{str(ROOT)!r}); {code}"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, cwd=ROOT)  # fmt: skip


def test_no_keras_gives_an_import_error_that_names_the_extra():
    done = _without_packages("from cnnkit._backend import check_backend; check_backend()")
    assert "BackendMissingError" in done.stderr
    assert 'pip install "cnnkit[tf]"' in done.stderr and "Keras (keras)" in done.stderr
    assert "ModuleNotFoundError" not in done.stderr  # the first cell would say "no cnnkit"


def test_missing_backend_is_named_and_spanish_in_a_kernel():
    # Keras is installed, the backend it is configured for (openvino) is not.
    # _backend.py loaded alone: importing the package would already run the check
    code = ("import sys, importlib.util as u\n"
            "spec = u.spec_from_file_location('backend', 'cnnkit/_backend.py')\n"
            "module = u.module_from_spec(spec); spec.loader.exec_module(module)\n"
            "try:\n    module.check_backend(spanish=sys.argv[1] == 'es')\n"
            "except ImportError as e:\n    print(type(e).__name__, e)")  # fmt: skip
    env = {**__import__("os").environ, "KERAS_BACKEND": "openvino"}
    said = {lang: subprocess.run([sys.executable, "-c", code, lang], capture_output=True,
                                 text=True, env=env, cwd=ROOT, check=True).stdout
            for lang in ("en", "es")}  # fmt: skip
    assert said["en"].startswith("BackendMissingError cnnkit needs Keras with a backend, and "
                                 "openvino is not installed")
    assert 'pip install "cnnkit[tf]"' in said["en"]
    assert said["es"].startswith("BackendMissingError cnnkit necesita Keras con un backend, y "
                                 "en este entorno falta openvino (el backend).")
    assert '%pip install "cnnkit[tf]"' in said["es"]


def test_import_cnnkit_without_keras_says_which_extra_to_install():
    done = _without_packages("import cnnkit")
    assert "BackendMissingError" in done.stderr and "cnnkit[tf]" in done.stderr


# -- the canonical first cell of every notebook, in a Jupyter without cnnkit ----------------
FIRST_CELL = '''# NBVAL_IGNORE_OUTPUT
# Preparación: cnnkit (que carga Keras sin mensajes de arranque), semilla e idioma.
try:
    import cnnkit
except ModuleNotFoundError:
    raise ModuleNotFoundError(
        "Este cuaderno necesita el paquete cnnkit, que no está instalado en este entorno. "
        "Instálalo en una celda con  %pip install cnnkit  (o con el archivo .whl que te dé tu "
        "profesor:  %pip install cnnkit-0.1.0-py3-none-any.whl ), reinicia el núcleo y vuelve a "
        "ejecutar el cuaderno."
    ) from None
cnnkit.setup(seed=0, language="es")
'''
SPANISH = ("Este cuaderno necesita el paquete cnnkit, que no está instalado en este entorno. "
           "Instálalo en una celda con  %pip install cnnkit  (o con el archivo .whl que te dé tu "
           "profesor:  %pip install cnnkit-0.1.0-py3-none-any.whl ), reinicia el núcleo y vuelve "
           "a ejecutar el cuaderno.")  # fmt: skip
# A kernel of this venv in which cnnkit cannot be found, as in a hosted Jupyter without it:
# a meta-path finder, first in line, that finds no module named cnnkit.
_HIDE_CNNKIT = '''import sys
class _NoCnnkit:
    def find_spec(self, name, path=None, target=None):
        if name == "cnnkit" or name.startswith("cnnkit."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoCnnkit())
'''


def _run_first_cell(tmp_path: Path, env: dict[str, str]):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(FIRST_CELL)])
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    client.km = client.create_kernel_manager()
    try:
        client.start_new_kernel(env=env)
        client.start_new_kernel_client()
        with pytest.raises(CellExecutionError):
            client.execute_cell(nb.cells[0], 0)
    finally:
        client._cleanup_kernel()
    return nbformat.from_dict(nb).cells[0].outputs


def test_first_cell_without_cnnkit_says_exactly_the_spanish_message(tmp_path):
    (tmp_path / "hide").mkdir()
    (tmp_path / "hide" / "sitecustomize.py").write_text(_HIDE_CNNKIT)
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(tmp_path / "hide")
    outputs = _run_first_cell(tmp_path, env)
    assert [o["output_type"] for o in outputs] == ["error"]  # nothing else: no stderr, no print
    assert outputs[0]["ename"] == "ModuleNotFoundError"
    assert outputs[0]["evalue"] == SPANISH


def test_notebooks_readme_gives_exactly_this_first_cell():
    text = (ROOT / "notebooks" / "README.md").read_text()
    block = re.search(r"^## The first code cell\n\n```python\n(.*?)^```", text, re.S | re.M)
    assert block, "notebooks/README.md: no python block under '## The first code cell'"
    assert block.group(1) == FIRST_CELL


def _check_install_pending() -> dict[str, str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_install", ROOT / "scripts" /
                                                  "check_install.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PENDING


COURSE = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _first_cell_marks(path: Path) -> list[pytest.MarkDecorator]:
    """Strict xfail while scripts/check_install.py lists the notebook as pending because of
    its first cell (such a notebook fails there too): no list of its own."""
    reason = _check_install_pending().get(path.name[:2], "")
    return [pytest.mark.xfail(strict=True, reason=reason)] if "first cell" in reason else []


def first_cell_problems(first: str) -> list[str]:
    """What keeps ``first`` (a notebook's first code cell) from being the canonical cell: it
    must start with the cell's two comment lines and hold the rest (``try: import cnnkit`` ...
    ``cnnkit.setup``) line for line; what comes between them may only import the standard
    library (``import time`` for a notebook's own timer), so that nothing loads Keras or
    TensorFlow before ``import cnnkit`` keeps their start-up lines off stderr."""
    import ast

    head, body = FIRST_CELL.split("try:\n", 1)
    block = "try:\n" + body.rstrip("\n")  # a cell's last line has no newline
    if not first.startswith(head):
        return [f"does not start with {head!r}"]
    at = first.find(block)
    if at < 0 or first[at + len(block):][:1] not in ("", "\n"):
        return ["lacks the canonical block from 'try:' to cnnkit.setup(...)"]
    tree = ast.parse(first[len(head): at])
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    return [f"imports {m} before cnnkit" for m in sorted(imported - sys.stdlib_module_names)]


def test_first_cell_problems_sees_each_departure():
    head, body = FIRST_CELL.split("try:\n", 1)
    timer = "import time\ninicio = time.perf_counter()  # extra\n"
    assert first_cell_problems(FIRST_CELL) == []
    assert first_cell_problems(head + timer + "try:\n" + body + "import keras\n") == []
    assert first_cell_problems(head + "import keras\n" + "try:\n" + body) == [
        "imports keras before cnnkit"]
    assert first_cell_problems(head + "from tensorflow import nn\ntry:\n" + body) == [
        "imports tensorflow before cnnkit"]
    assert first_cell_problems("import cnnkit\n" + FIRST_CELL)[0].startswith("does not start")
    assert first_cell_problems(FIRST_CELL.rstrip("\n")) == []
    for changed in (FIRST_CELL.replace('language="es"', 'language="en"'),
                    FIRST_CELL.replace('language="es")', 'language="es", seed=1)')):
        assert first_cell_problems(changed) == [
            "lacks the canonical block from 'try:' to cnnkit.setup(...)"]


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.stem, marks=_first_cell_marks(p)) for p in COURSE]
)
def test_every_notebook_starts_with_the_canonical_first_cell(path):
    """The cell tested above in a Jupyter without cnnkit (and, for stderr at start-up, in
    tests/test_startup_stderr.py) is the one each notebook runs first."""
    cells = json.loads(path.read_text())["cells"]
    first = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert not first_cell_problems(first), f"{path.name}: {first_cell_problems(first)}"


def test_ci_checks_the_installed_wheel_and_the_jax_builders():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    numbers = " ".join(sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert numbers == "01 02 03 04 05 06"  # every course notebook, copied alone against the wheel
    assert (".venv/bin/python scripts/check_install.py --fill --notebooks "
            f"{numbers}") in ci
    assert "(bash scripts/jax_env.sh &&" in ci  # .venv-jax made first, then the JAX step
    assert (".venv-jax/bin/python -m pytest -p no:xdist -q -m jax tests/test_models_jax.py) "
            '>"$jax_log" 2>&1 &') in ci
    assert '[ "$jax_status" -eq 0 ]' in ci  # its exit status counts
    assert '-m "not jax"' in (ROOT / "scripts" / "test.sh").read_text()


def test_check_install_keeps_the_pending_notebooks_explicit():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_install", ROOT / "scripts" /
                                                  "check_install.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.PENDING) == set()
    assert all(reason.startswith("re-run pending") for reason in module.PENDING.values())
    for key in module.PENDING:
        cells = json.loads(next((ROOT / "notebooks").glob(f"{key}_*.ipynb")).read_text())["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        # pending only while the notebook still reads ../benchmarks
        assert any("../benchmarks" in c or ('Path("..")' in c and "benchmarks" in c)
                   for c in code), key  # fmt: skip


class _Installing(Exception):
    """Raised where check_install would start installing: the test stops after the fill."""


@pytest.mark.parametrize("hosted", [[], ["tensorflow==2.20.0", "keras==3.14.0"]],
                         ids=["course", "hosted"])
def test_check_install_fill_asks_pip_for_what_its_route_installs(tmp_path, monkeypatch, hosted):
    """``--fill`` downloads what the install then takes offline: for the course route the
    wheel with ``[course]`` at ``.venv``'s pins; with ``--hosted``, into its own wheelhouse,
    the hosted specs with ipykernel and nbclient, then the wheel WITHOUT extras on top of them
    (no pins: a ``.venv`` pin of Keras or tensorflow-cpu would fight the hosted specs). No
    network: pip and the build are replaced by recorders."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_install", ROOT / "scripts" /
                                                  "check_install.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    calls: list[list[str]] = []

    def sh(*cmd, env=None, **kw):
        calls.append([str(c) for c in cmd])
        return subprocess.CompletedProcess(cmd, 0, stdout="keras==3.15.1\n", stderr="")

    def install(*args, **kwargs):
        raise _Installing

    wheel = tmp_path / "cnnkit-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(module, "sh", sh)
    monkeypatch.setattr(module, "build", lambda dist, wheelhouse: wheel)
    monkeypatch.setattr(module, "install", install)
    monkeypatch.setattr(module, "WHEELHOUSE", tmp_path / "wh")
    monkeypatch.setattr(module, "HOSTED_WHEELHOUSE", tmp_path / "wh-hosted")
    with pytest.raises(_Installing):
        module.main(["--fill", *(["--hosted", *hosted] if hosted else []), "--installer", "pip",
                     "--keep", str(tmp_path / "work")])  # fmt: skip
    downloads = [c[c.index("download") + 1:] for c in calls if "download" in c]
    wheelhouse = tmp_path / ("wh-hosted" if hosted else "wh")
    pins = ["-c", str(wheelhouse / "constraints.txt")]
    head = ["--quiet", "-d", str(wheelhouse)]
    image = [*hosted, "ipykernel", "nbclient"]
    assert downloads[0] == [*head, *pins, "setuptools>=77", "wheel"]  # to build the wheel
    if hosted:
        assert downloads[1:] == [[*head, *image], [*head, *image, str(wheel)]]
    else:
        assert downloads[1:] == [[*head, *pins, f"{wheel}[course]"]]
