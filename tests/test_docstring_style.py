"""One docstring style for cnnkit: Google style, and examples that doctest runs.

The models, viz and augment modules are checked by ``test_doctests.py``; this file checks
the reference operations and the statistics (every public function has a doctest example)
and the whole package (no numpydoc ``Parameters`` / ``----------`` sections).
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
from pathlib import Path

import pytest

import cnnkit

PACKAGE = Path(cnnkit.__file__).parent
MODULES = ["cnnkit.ops.conv", "cnnkit.ops.pool", "cnnkit.ops.upsample", "cnnkit.ops.formulas",
           "cnnkit.kernels", "cnnkit.convmatrix", "cnnkit.stats.kinds", "cnnkit.stats.counts",
           "cnnkit.exercises.errors"]  # fmt: skip
NUMPYDOC = re.compile(
    r"^\s*(Parameters|Returns|Raises|Examples|Notes|Yields|See Also)\n\s*-{3,}\s*$", re.MULTILINE
)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_function_has_a_doctest_example(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder()
    counts = {t.name.rsplit(".", 1)[-1]: len(t.examples) for t in finder.find(module)}
    functions = [n for n in module.__all__ if inspect.isfunction(getattr(module, n))]
    assert functions, module_name
    missing = [name for name in functions if not counts.get(name)]
    assert not missing, f"{module_name}: no doctest example in {missing}"


def test_no_numpydoc_sections_in_the_package():
    offenders = [
        f"{path.relative_to(PACKAGE)}: {match.group(1)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for match in NUMPYDOC.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders
