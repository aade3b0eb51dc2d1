"""Every builder file under cnnkit/models/ runs on its own: the README's promise.

An instructor copies one file of ``cnnkit/models/`` into an assignment. Each such file
must import only ``keras`` and the standard library, and build its models when executed as
a fresh module from a folder of its own, with ``cnnkit`` not importable. Builder files are
discovered, not listed: a file is a builder file when it defines a public function whose
first two parameters are ``input_shape`` and ``num_classes`` (helper files such as a weight
loader are left out). The copies run in the test process (Keras is already imported there):
``cnnkit`` leaves ``sys.modules`` and a meta-path finder refuses it while a copy runs.
The models are built without drawing their initial weights (``tests/shapeless.py``): what
is checked is that the copy imports and builds, and its output shape (AlexNet's 62 million
weights at its smallest input would take most of the time otherwise).
"""

from __future__ import annotations

import ast
import contextlib
import importlib.abc
import importlib.util
import inspect
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keras
import pytest
from shapeless import shapeless

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

def _cnnkit_modules() -> dict[str, Any]:
    return {n: m for n, m in sys.modules.items() if n == "cnnkit" or n.startswith("cnnkit.")}


class _NoCnnkit(importlib.abc.MetaPathFinder):
    """Refuses `cnnkit`, which is installed in the environment and would otherwise import."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "cnnkit" or name.startswith("cnnkit."):
            raise ModuleNotFoundError(f"No module named {name!r} (standalone copy)")
        return None


@contextlib.contextmanager
def _without_cnnkit() -> Iterator[None]:
    """While active, `import cnnkit` fails: its modules leave sys.modules and are refused."""
    saved = _cnnkit_modules()
    for name in saved:
        del sys.modules[name]
    blocker = _NoCnnkit()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        sys.modules.update(saved)


def _build_copy(filename: str, folder: Path, source_dir: Path = MODELS_DIR) -> dict:
    """Copy the file alone into `folder`, execute it as a fresh module, call its builders.

    Each builder gets a small input, (32, 32, 3) and 3 classes, or its own default
    input_shape when it rejects the small one. Built without drawing the initial weights.
    """
    copy = folder / filename
    shutil.copy(source_dir / filename, copy)
    spec = importlib.util.spec_from_file_location(f"standalone_{copy.stem}", copy)
    module = importlib.util.module_from_spec(spec)
    models = {}
    with _without_cnnkit():
        spec.loader.exec_module(module)
        for name in _builders(ast.parse(copy.read_text(encoding="utf-8"))):
            builder = getattr(module, name)
            default = inspect.signature(builder).parameters["input_shape"].default
            try:
                models[name] = shapeless(builder, (32, 32, 3), 3)
            except ValueError:
                if default is inspect.Parameter.empty:
                    raise
                models[name] = shapeless(builder, default, 3)
    return models


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
def test_file_copied_alone_builds_its_models(filename, tmp_path):
    before = _cnnkit_modules()
    models = _build_copy(filename, tmp_path)
    assert sorted(models) == sorted(BUILDER_FILES[filename])
    for name, model in models.items():
        assert isinstance(model, keras.Model) and model.output_shape[-1] == 3, name
    assert _cnnkit_modules() == before  # restored for the other tests


def test_a_file_that_imports_cnnkit_fails_when_copied_alone(tmp_path):
    before = _cnnkit_modules()
    source_dir = tmp_path / "models"
    source_dir.mkdir()
    (source_dir / "leaky.py").write_text(
        "import cnnkit\n\n\ndef leaky(input_shape, num_classes):\n    return cnnkit\n"
    )
    with pytest.raises(ModuleNotFoundError, match="standalone copy"):
        _build_copy("leaky.py", tmp_path, source_dir)
    assert _cnnkit_modules() == before
