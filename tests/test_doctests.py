"""Docstring examples exist where the convention asks for them.

The examples themselves run once, under ``pytest --doctest-modules`` (``scripts/test.sh``
and ``pyproject.toml``'s ``addopts``); test files do not call ``doctest.testmod`` again.
Here only their presence is checked, without running them: every public function of the
model builders, of ``cnnkit.augment`` and of ``cnnkit.viz`` has an ``Example`` that doctest
collects.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import cnnkit.models
import cnnkit.viz

FINDER = doctest.DocTestFinder()


def _modules() -> list[str]:
    names = ["cnnkit.augment", "cnnkit.cli"]
    for package in (cnnkit.models, cnnkit.viz):
        modules = pkgutil.iter_modules(package.__path__)
        names += [f"{package.__name__}.{m.name}" for m in modules if not m.name.startswith("_")]
    return sorted(names)


@pytest.mark.parametrize("module_name", _modules())
def test_every_public_function_has_a_doctest_example(module_name):
    module = importlib.import_module(module_name)
    counts = {t.name.rsplit(".", 1)[-1]: len(t.examples) for t in FINDER.find(module)}
    functions = [
        name
        for name in getattr(module, "__all__", ())
        if inspect.isfunction(getattr(module, name))
    ]
    missing = [name for name in functions if not counts.get(name)]
    assert not missing, f"{module_name}: no doctest example in {missing}"
