"""Grades cannot depend on training, data or time: a static check of the graded notebooks
(01 to 06), no kernel.

Every name a graded check cell (hidden tests included) reads is defined in that cell, is
the student's function of a solution cell, or comes from the notebook's import cells. So a
check sees neither the loaded data nor a trained model nor a timing: the grade is the same
in short mode (CNNKIT_QUICK=1, the grader's mode) and in full mode, however long the
student trained.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SOURCE = NOTEBOOKS / "04_ejercicio_lenet5.ipynb"
GRADED = {  # graded notebook: how many graded check cells it has (code; 06 also has a
    # written answer, a markdown cell graded by hand)
    SOURCE: 5,
    NOTEBOOKS / "01_convolucion_y_filtros.ipynb": 6,
    NOTEBOOKS / "02_pooling_y_dimensionalidad.ipynb": 4,
    NOTEBOOKS / "03_cnn_fashion_mnist.ipynb": 3,
    NOTEBOOKS / "05_transfer_learning.ipynb": 3,
    NOTEBOOKS / "06_arquitecturas_profundas.ipynb": 4,
}
graded_notebooks = pytest.mark.parametrize("path", GRADED, ids=[p.stem[:2] for p in GRADED])


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _defined(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if not isinstance(node, ast.Lambda):
                names.add(node.name)
            names.update(_parameters(node.args))
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _parameters(args: ast.arguments) -> set[str]:
    """Every parameter name of a function or lambda: positional, keyword, *args, **kwargs."""
    named = args.posonlyargs + args.args + args.kwonlyargs
    return {a.arg for a in named + [a for a in (args.vararg, args.kwarg) if a is not None]}


def test_a_function_s_parameters_are_its_own_names():
    tree = ast.parse("def f(a, /, b, *args, c, **kwargs):\n    return a, b, args, c, kwargs\n"
                     "g = lambda *xs, **kw: (xs, kw)\nclass K:\n    pass")
    assert {"f", "a", "b", "args", "c", "kwargs", "g", "xs", "kw", "K"} <= _defined(tree)
    assert "z" not in _defined(ast.parse("def f(a):\n    return z"))


def _top_level(tree: ast.Module) -> set[str]:
    """Names a cell defines for the cells after it (not its functions' local names)."""
    names = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            names.update(n.id for n in ast.walk(node)
                         if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
    return names


def _statements(body: list[ast.stmt]):
    """The statements of a cell's top level, inside try / if / with / for blocks too."""
    for node in body:
        yield node
        if not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda):
            for block in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                yield from _statements(handler.body)


def _import_cells(nb) -> set[str]:
    """The canonical first cell and the imports: the notebook's first two code cells."""
    return {_meta(c).get("grade_id") for c in [c for c in nb.cells if c.cell_type == "code"][:2]}


def _allowed(nb) -> set[str]:
    allowed = set(dir(builtins))
    for cell in nb.cells:  # a written answer (06's prediction, markdown) defines no name
        if cell.cell_type == "code" and (
                _meta(cell).get("grade_id") in _import_cells(nb) or _meta(cell).get("solution")):
            allowed |= _top_level(ast.parse(cell.source))
    return allowed


@graded_notebooks
def test_graded_checks_read_only_their_own_names_the_imports_and_the_student_functions(path):
    nb = nbformat.read(path, as_version=4)
    allowed = _allowed(nb)
    checks = [c for c in nb.cells if _meta(c).get("grade") and c.cell_type == "code"]
    assert len(checks) == GRADED[path]
    for cell in checks:
        tree = ast.parse(cell.source)
        read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Load)}
        foreign = read - allowed - _defined(tree)
        assert not foreign, f"{_meta(cell)['grade_id']} reads {sorted(foreign)}"


def test_the_allowed_names_exclude_what_the_notebook_computes():
    """The test above would catch a check that reads the data or a training's result."""
    allowed = _allowed(nbformat.read(SOURCE, as_version=4))
    assert {"construir_lenet5", "preparar_problema", "check_lenet", "np", "keras"} <= allowed
    for computed in ("x_train", "x_train_32", "historial_clasica", "acierto_moderna", "EPOCAS"):
        assert computed not in allowed


SKIP_TAG = "skip-autograde"  # cnnkit.grading.execute.SKIP_TAG (no nbgrader import here)


def _skipped(cell) -> bool:
    return SKIP_TAG in cell.metadata.get("tags", [])


@graded_notebooks
def test_cells_skipped_when_autograding_are_read_only_and_ungraded(path):
    nb = nbformat.read(path, as_version=4)
    skipped = [c for c in nb.cells if _skipped(c)]
    assert skipped, "the graded notebooks tag their trainings and figures skip-autograde"
    for cell in skipped:
        meta = _meta(cell)
        assert cell.cell_type == "code" and meta.get("locked"), meta.get("grade_id")
        assert not meta.get("grade") and not meta.get("solution"), meta["grade_id"]


@graded_notebooks
def test_no_cell_that_runs_when_autograding_reads_what_a_skipped_cell_computes(path):
    """The cells that still run (imports, exercises, checks, the rest) need no skipped cell,
    so the autograded notebook has no NameError and every check runs as in a full run."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"
            and "solution" not in c.metadata.get("tags", [])]  # removed from the release
    defined = set(dir(builtins))
    for cell in code:
        if _skipped(cell):
            continue
        tree = ast.parse(cell.source)
        read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Load)}
        missing = read - defined - _defined(tree)
        assert not missing, f"{_meta(cell)['grade_id']} reads {sorted(missing)}, computed " \
            "only by cells skipped when autograding"
        defined |= _top_level(tree)


def test_the_skipped_cells_are_the_trainings_and_figures():
    """What the test above would catch: the check of the classic model's accuracy reads
    the training's result, so it cannot run if the training is skipped."""
    nb = nbformat.read(SOURCE, as_version=4)
    by_id = {_meta(c).get("grade_id"): c for c in nb.cells}
    for grade_id in ("lectura_22", "lectura_23", "lectura_29", "lectura_37"):
        assert _skipped(by_id[grade_id]), grade_id
    assert "acierto_clasica" in by_id["lectura_23"].source
    for grade_id in ("lectura_02", "lectura_03", "lectura_13", "ej1_comprobacion"):
        assert not _skipped(by_id[grade_id]), grade_id
