"""A simulated class of notebook 04 submissions, made from the solved and the student copy.

Every submission is the released student copy with some solution cells filled in: with
the instructor's solution, with a typical mistake, with a shortcut through cnnkit's own
builder, or with hostile code. Each comes with the points nbgrader must give it, exercise by
exercise (exercise 1: 3 points, 2-4: 2 each, 5: 1).

The same course has a second assignment, notebooks 01 and 02 together (:data:`BASICS`): one
student hands it in solved (10 points each notebook), another untouched (0 for every
exercise).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

POINTS = {"ej1": 3, "ej2": 2, "ej3": 2, "ej4": 2, "ej5": 1}
ALL = tuple(POINTS)
# The second assignment: notebooks 01 and 02, the points of each exercise.
BASICS = "fundamentos"
BASICS_POINTS = {
    "01_convolucion_y_filtros": {"ej1": 1, "ej2": 2, "ej3": 2, "ej4": 1, "ej5": 2, "ej6": 2},
    "02_pooling_y_dimensionalidad": {"ej1": 2, "ej2": 3, "ej3": 2, "ej4": 3},
}


def grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(solution: str) -> str:
        assert old in solution, f"the solution no longer contains {old!r}"
        return solution.replace(old, new)
    return edit


# Typical mistakes, as edits of the instructor's solution of one exercise.
MISTAKES: dict[str, tuple[str, Callable[[str], str]]] = {
    "relu_en_la_clasica": ("ej1", _replace('activation="tanh"', 'activation="relu"')),
    "diez_clases_fijas": ("ej1", _replace("layers.Dense(num_classes", "layers.Dense(10")),
    "relleno_de_3": ("ej2", _replace("(2, 2), (2, 2)", "(3, 3), (3, 3)")),
    "relleno_en_float": ("ej2", lambda s: s.replace(
        'constant_values=0)', 'constant_values=0).astype("float32") / 255')),
    "perdida_categorica": ("ej3", _replace('"sparse_categorical_crossentropy"',
                                           '"categorical_crossentropy"')),
    "sgd": ("ej3", _replace("keras.optimizers.Adam(learning_rate=1e-3)", '"sgd"')),
    "average_en_la_moderna": ("ej4", _replace("MaxPooling2D", "AveragePooling2D")),
    "test_sin_rellenar": ("ej5", _replace("(rellenar(x_test), y_test)", "(x_test, y_test)")),
}

# Shortcuts: cnnkit's builder instead of the exercise, a padding fitted to the visible check.
SHORTCUTS = {
    "ej1": """def construir_lenet5(input_shape=(32, 32, 1), num_classes=10):
    return models.lenet5(input_shape=input_shape, num_classes=num_classes)""",
    "ej2": """def rellenar_a_32(imagenes):  # works for uint8 images only, as in the visible check
    return np.pad(imagenes, ((0, 0), (2, 2), (2, 2))).astype(np.uint8)""",
    "ej4": """from cnnkit.models import lenet5 as red


def construir_lenet5_moderna(input_shape=(32, 32, 1), num_classes=10):
    return red(input_shape=input_shape, num_classes=num_classes, variant="modern")""",
}

LOOP = "while True:  # a loop that never ends, before the function is defined\n    pass\n"
HUGE_OUTPUT = 'for i in range(200_000):\n    print(i, "x" * 50)\n'
# The checkers rebound to always say yes: the hidden tests import cnnkit's own again.
REBOUND = "check_lenet = check_compile = lambda *args, **kwargs: True\n"


def spy(course_dir: str) -> str:
    """Code that tries to read the solved notebook, rewrite the gradebook, delete the class."""
    return f'''
import json, shutil, sqlite3
SOURCE = "{course_dir}/source/lenet5/04_ejercicio_lenet5.ipynb"
for intento, accion in [
    ("leer source/", lambda: [exec("".join(c["source"]), globals()) for c in json.load(
        open(SOURCE))["cells"] if "### BEGIN SOLUTION" in "".join(c["source"])]),
    ("escribir gradebook.db", lambda: sqlite3.connect("{course_dir}/gradebook.db").execute(
        "UPDATE grade SET auto_score = 99").connection.commit()),
    ("borrar submitted/", lambda: shutil.rmtree("{course_dir}/submitted")),
]:
    try:
        accion()
        print("ATAQUE LOGRADO:", intento)
    except Exception as error:
        print("ATAQUE FALLIDO:", intento, type(error).__name__)
'''


@dataclass
class Submission:
    """One student's notebook and the points it must get, exercise by exercise."""

    student: str
    notebook: nbformat.NotebookNode
    points: dict[str, int]
    route: str = "zip"  # "exchange" or "zip"
    file_name: str = "04_ejercicio_lenet5.ipynb"
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.points.values())


def fill(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    solved: tuple[str, ...] = ALL,
    written: dict[str, str] | None = None,
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The release with solution cells of ``solved`` filled (``written`` overrides an
    exercise's code; ``before`` / ``after`` put code at the start / end of its cell)."""
    solutions = {grade_id(c): c.source for c in source.cells if grade_id(c)}
    copy = nbformat.from_dict(release)
    for cell in copy.cells:
        meta = cell.metadata.get("nbgrader", {})
        exercise = meta.get("grade_id", "").split("_")[0]
        if not meta.get("solution"):
            continue
        if exercise in (written or {}):
            cell.source = written[exercise]
        elif exercise in solved:
            cell.source = solutions[meta["grade_id"]]
        if exercise in (before or {}):
            cell.source = before[exercise] + cell.source
        if exercise in (after or {}):
            cell.source = cell.source + "\n" + after[exercise]
    return copy


def _tag_checks(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Checks and exercises tagged skip-autograde by the student: only the cells that the
    gradebook records as read-only and ungraded are skipped, so the checks still run."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") or meta.get("solution"):
            cell.metadata.setdefault("tags", []).append("skip-autograde")
    return nb


def _only(*exercises: str) -> dict[str, int]:
    return {e: (p if e in exercises else 0) for e, p in POINTS.items()}


def _without(*exercises: str) -> dict[str, int]:
    return {e: (0 if e in exercises else p) for e, p in POINTS.items()}


def _mistakes(source: nbformat.NotebookNode, names: tuple[str, ...]) -> dict[str, str]:
    solutions = {grade_id(c).split("_")[0]: c.source for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    written: dict[str, str] = {}
    for name in names:
        exercise, edit = MISTAKES[name]
        written[exercise] = edit(written.get(exercise, solutions[exercise]))
    return written


def simulated_class(
    release: nbformat.NotebookNode, source: nbformat.NotebookNode, course_dir: str
) -> list[Submission]:
    """The 28 kinds of submission, in the order they are handed in."""
    def mistakes(*names: str) -> nbformat.NotebookNode:
        return fill(release, source, written=_mistakes(source, names))

    def wrong(*names: str) -> dict[str, int]:
        return _without(*(MISTAKES[n][0] for n in names))

    typical_a = ("relu_en_la_clasica", "relleno_de_3")
    typical_b = ("perdida_categorica", "average_en_la_moderna", "test_sin_rellenar")
    typical_c = ("diez_clases_fijas", "relleno_en_float", "sgd")
    edited = fill(release, source, solved=("ej1", "ej3", "ej4", "ej5"))
    for cell in edited.cells:
        if grade_id(cell) == "ej2_comprobacion":
            cell.source = 'print("✔ Imágenes rellenadas correctamente")'
            cell.metadata["editable"] = True
    deleted = fill(release, source)
    deleted.cells = [c for c in deleted.cells if grade_id(c) != "ej2_comprobacion"]
    class_ = [
        Submission("resuelto", fill(release, source), dict(POINTS)),
        Submission("sin_tocar", release, _only()),
        *(Submission(f"solo_{e}", fill(release, source, solved=(e,)), _only(e)) for e in ALL),
        Submission("atajos", _tag_checks(fill(release, source, written=SHORTCUTS)),
                   _without(*SHORTCUTS), notes=["checks and exercises tagged skip-autograde"]),
        Submission("errores_a", mistakes(*typical_a), wrong(*typical_a)),
        Submission("errores_b", mistakes(*typical_b), wrong(*typical_b)),
        Submission("errores_c", mistakes(*typical_c), wrong(*typical_c)),
        Submission("bucle", fill(release, source, before={"ej2": LOOP}), _without("ej2"),
                   notes=["exercise 2's cell loops forever"]),
        Submission("salida_enorme", fill(release, source, before={"ej1": HUGE_OUTPUT}),
                   dict(POINTS), notes=["exercise 1's cell prints 200,000 lines"]),
        Submission("celda_editada", edited, _without("ej2"),
                   notes=["exercise 2 blank, its check replaced by a print"]),
        Submission("celda_borrada", deleted, _without("ej2"),
                   notes=["exercise 2's check cell deleted"]),
        Submission("espia", fill(release, source, solved=(), after={"ej1": spy(course_dir)}),
                   _only(), notes=["reads source/, writes the gradebook, deletes submitted/"]),
        Submission("comprobadores_redefinidos",
                   fill(release, source, solved=("ej2", "ej5"), before={"ej1": REBOUND}),
                   _only("ej2", "ej5"),
                   notes=["exercises 1, 3 and 4 blank, check_lenet / check_compile rebound"]),
        Submission("renombrado", fill(release, source), dict(POINTS),
                   file_name="04_ejercicio_lenet5 (1).ipynb", notes=["file renamed by hand"]),
        # everything but one exercise, and one typical mistake alone
        *(Submission(f"falta_{e}", fill(release, source, solved=tuple(x for x in ALL if x != e)),
                     _without(e)) for e in ALL),
        *(Submission(f"solo_error_{name}", mistakes(name), wrong(name))
          for name in ("diez_clases_fijas", "relleno_de_3", "sgd", "average_en_la_moderna",
                       "test_sin_rellenar")),
    ]
    return class_


def basics_class(
    releases: dict[str, nbformat.NotebookNode], sources: dict[str, nbformat.NotebookNode]
) -> dict[str, tuple[dict[str, nbformat.NotebookNode], dict[str, dict[str, int]]]]:
    """The second assignment's submissions: student -> (notebook by stem, points by stem).

    ``releases`` and ``sources``: notebook 01's and 02's student copy and solved notebook,
    by stem. "resuelto" fills every exercise with the instructor's code; "sin_tocar" hands
    in the release as it is.
    """
    return {
        "resuelto": ({stem: fill(releases[stem], sources[stem], solved=tuple(points))
                      for stem, points in BASICS_POINTS.items()},
                     {stem: dict(points) for stem, points in BASICS_POINTS.items()}),
        "sin_tocar": (dict(releases),
                      {stem: dict.fromkeys(points, 0) for stem, points in BASICS_POINTS.items()}),
    }


@contextlib.contextmanager
def reachable_interpreter():
    """Lets other uids run this Python: adds o+x to its folders that lack it, then restores.

    (Here the interpreter lives under /root, mode 0700; a real course environment lives
    where its students and its grader uid can read it.)
    """
    changed = []
    for folder in Path(os.path.realpath(sys.executable)).parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            changed.append((folder, stat.S_IMODE(mode)))
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in changed:
            folder.chmod(mode)
