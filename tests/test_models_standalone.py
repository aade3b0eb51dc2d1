"""Every builder file under cnnkit/models/ runs on its own: the README's promise.

An instructor copies one file of ``cnnkit/models/`` into an assignment. Each such file
must import only ``keras`` and the standard library, and build its models when executed as
a fresh module from a folder of its own, with ``cnnkit`` not importable. Builder files are
discovered, not listed: a file is a builder file when it defines a public function whose
first two parameters are ``input_shape`` and ``num_classes`` (helper files such as a weight
loader are left out). One subprocess builds every model of every file.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MODELS_DIR = Path(__file__).resolve().parents[1] / "cnnkit" / "models"
ALLOWED_IMPORTS = (set(sys.stdlib_module_names) | {"__future__", "keras"}) - {"cnnkit"}


def _builders(tree: ast.Module) -> list[str]:
    """Public functions whose first two parameters are input_shape and num_classes."""
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            if params[:2] == ["input_shape", "num_classes"]:
                names.append(node.name)
    return names


def _builder_files() -> dict[str, list[str]]:
    files = {}
    for path in sorted(MODELS_DIR.glob("*.py")):
        if path.name != "__init__.py":
            builders = _builders(ast.parse(path.read_text(encoding="utf-8")))
            if builders:
                files[path.name] = builders
    return files


BUILDER_FILES = _builder_files()

# Runs in a fresh interpreter. A meta-path finder refuses `cnnkit` (installed in the venv,
# so it would otherwise import); each file is loaded from a folder of its own as a module
# named after the file. Each builder is called with a small input, (32, 32, 3) and 3
# classes, or with its own default input_shape when it rejects the small one.
_RUNNER = r"""
import importlib.abc, importlib.util, inspect, json, shutil, sys, tempfile
from pathlib import Path

class NoCnnkit(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "cnnkit" or name.startswith("cnnkit."):
            raise ModuleNotFoundError(f"No module named {name!r} (standalone copy)")
        return None

sys.meta_path.insert(0, NoCnnkit())
import keras

results = {}
for source, builders in json.loads(sys.argv[1]).items():
    folder = Path(tempfile.mkdtemp())
    copy = folder / Path(source).name
    shutil.copy(source, copy)
    spec = importlib.util.spec_from_file_location(copy.stem + "_copy", copy)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        results[Path(source).name] = {"import": f"{type(error).__name__}: {error}"}
        continue
    built = {}
    for name in builders:
        builder = getattr(module, name)
        default = inspect.signature(builder).parameters["input_shape"].default
        try:
            model = builder((32, 32, 3), 3)
        except ValueError:
            if default is inspect.Parameter.empty:
                raise
            model = builder(default, 3)
        built[name] = [isinstance(model, keras.Model), model.output_shape[-1]]
        keras.backend.clear_session()
    results[Path(source).name] = built
    shutil.rmtree(folder)
print("RESULTS" + json.dumps(results))
"""


@pytest.fixture(scope="module")
def standalone_results() -> dict:
    sources = {str(MODELS_DIR / name): builders for name, builders in BUILDER_FILES.items()}
    done = subprocess.run(
        [sys.executable, "-I", "-c", _RUNNER, json.dumps(sources)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULTS"))
    return json.loads(line.removeprefix("RESULTS"))


def test_builder_files_are_discovered():
    assert {"conv_net.py", "lenet.py"} <= set(BUILDER_FILES)
    assert BUILDER_FILES["conv_net.py"] == ["conv_net", "deck_cnn"]


@pytest.mark.parametrize("filename", sorted(BUILDER_FILES))
def test_file_imports_only_keras_and_the_standard_library(filename):
    tree = ast.parse((MODELS_DIR / filename).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{filename}: relative import"
            imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS, f"{filename} imports {imported - ALLOWED_IMPORTS}"


@pytest.mark.parametrize("filename", sorted(BUILDER_FILES))
def test_file_copied_alone_builds_its_models(filename, standalone_results):
    result = standalone_results[filename]
    assert "import" not in result, result.get("import")
    assert sorted(result) == sorted(BUILDER_FILES[filename])
    for builder, (is_model, classes) in result.items():
        assert is_model and classes == 3, builder
