"""The nbgrader route of the README, run for real in temporary courses, offline, short mode.

Notebook 04: the README's ``nbgrader_config.py`` and its commands are read from the README and
run as they are (``nbgrader generate_assignment``, then ``nbgrader autograde`` on two
submissions in one call, then ``nbgrader export``). The release must equal ``cnnkit student``'s
copy; the solved notebook gets full marks, the untouched student copy zero for every exercise,
and the autograde leaves out exactly the cells tagged ``skip-autograde``. Notebooks 01 and 02,
one assignment with the same configuration: solved, full marks; untouched, zero.

The class-scale cases (each exercise alone, typical mistakes, cnnkit's own LeNet-5 instead of
the exercise, checks tagged to be skipped, hostile submissions) are graded in
``deploy/tests/test_class_route.py`` (``deploy/run_tests.sh``, a step of ``.ci/run``); the
static tests here check that every graded check has hidden tests and Spanish messages.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from cnnkit.student import student_notebook

SKIP_TAG = "skip-autograde"  # cnnkit.grading.execute.SKIP_TAG
NOTE = "(Al corregir, esta celda no se ejecuta"  # cnnkit.grading.execute.NOTE

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "04_ejercicio_lenet5.ipynb"
README = (ROOT / "README.md").read_text()
ASSIGNMENT = "lenet5"
NOTEBOOK_ID = SOURCE.stem
SHORTCUTS = {  # what a student may try instead of the exercise (deploy/tests: "atajos")
    "ej2": """def rellenar_a_32(imagenes):  # works for uint8 images only, as in the visible check
    return np.pad(imagenes, ((0, 0), (2, 2), (2, 2))).astype(np.uint8)""",
}
POINTS = {"ej1": 3, "ej2": 2, "ej3": 2, "ej4": 2, "ej5": 1}
# notebooks 01 and 02: one assignment, a solved and a blank submission
BASICS = "fundamentos"
BASICS_POINTS = {
    "01_convolucion_y_filtros": {"ej1": 1, "ej2": 2, "ej3": 2, "ej4": 1, "ej5": 2, "ej6": 2},
    "02_pooling_y_dimensionalidad": {"ej1": 2, "ej2": 3, "ej3": 2, "ej4": 3},
}
GRADED = {SOURCE.stem: POINTS, **BASICS_POINTS}  # every notebook graded with nbgrader


def _readme_block(language: str, must_contain: str) -> str:
    blocks = re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)
    found = [b for b in blocks if must_contain in b]
    assert len(found) == 1, f"README: expected one {language} block with {must_contain!r}"
    return found[0]


def _commands() -> tuple[str, str]:
    """The README's shell commands, split before autograding (submissions go there)."""
    block = _readme_block("bash", "CNNKIT_QUICK=1 nbgrader autograde")
    before, autograde, after = block.partition("CNNKIT_QUICK=1 nbgrader autograde")
    assert autograde, "README: the autograde command runs in short mode (CNNKIT_QUICK=1)"
    return before, autograde + after


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("CNNKIT_QUICK", None)  # the commands set what they need
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = f"{script}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    assert run.returncode == 0, report
    # nbgrader only logs a broken nbgrader_config.py and goes on with its defaults
    assert "Exception while loading config file" not in run.stderr, report
    return run


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _solved_only(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    exercises: set[str],
    written: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The release with the instructor's code in the solution cells of ``exercises``.

    ``written`` gives other code for some exercises (exercise -> the cell's code).
    """
    solutions = {_grade_id(c): c.source for c in source.cells if _grade_id(c)}
    copy = nbformat.from_dict(release)
    for cell in copy.cells:
        meta = cell.metadata.get("nbgrader", {})
        exercise = meta.get("grade_id", "").split("_")[0]
        if meta.get("solution") and exercise in (written or {}):
            cell.source = written[exercise]
        elif meta.get("solution") and exercise in exercises:
            cell.source = solutions[meta["grade_id"]]
    return copy


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """Runs the README's route once; returns the paths, the scores and the timings."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("nbgrader")
    (root / "notebooks").symlink_to(ROOT / "notebooks")
    (root / "course").mkdir()
    (root / "course" / "nbgrader_config.py").write_text(
        _readme_block("python", "# nbgrader_config.py")
    )
    before, after = _commands()
    start = time.perf_counter()
    _run(before, root)
    generate_s = time.perf_counter() - start
    course_dir = root / "course"
    release = nbformat.read(course_dir / "release" / ASSIGNMENT / SOURCE.name, as_version=4)
    source = nbformat.read(SOURCE, as_version=4)
    submissions = {
        "resuelto": _solved_only(release, source, set(POINTS)),
        "sin_tocar": release,
    }
    for student, nb in submissions.items():
        folder = course_dir / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / SOURCE.name)
    start = time.perf_counter()
    _run(f"cd course\n{after}", root)  # one autograde call for the two submissions
    autograde_s = time.perf_counter() - start
    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in submissions:
            by_exercise = {
                exercise: gradebook.find_grade(
                    f"{exercise}_comprobacion", NOTEBOOK_ID, ASSIGNMENT, student
                ).score
                for exercise in POINTS
            }
            total = gradebook.find_submission(ASSIGNMENT, student).score
            scores[student] = (total, by_exercise)
    print(
        f"\nnbgrader: generate_assignment {generate_s:.0f} s, autograde (2 submissions, one "
        f"call) + export {autograde_s:.0f} s; scores {scores}"
    )
    return {"dir": course_dir, "release": release, "source": source, "scores": scores}


def test_release_is_the_cnnkit_student_copy(course):
    """Same cells, same stubs, no solution line, no output: only nbgrader's metadata differs."""
    ours = student_notebook(course["source"])
    theirs = course["release"]
    assert [c.cell_type for c in theirs.cells] == [c.cell_type for c in ours.cells]
    assert [c.source for c in theirs.cells] == [c.source for c in ours.cells]
    stubs = [c for c in theirs.cells if c.cell_type == "code" and "# TU CÓDIGO AQUÍ" in c.source]
    assert len(stubs) == len(POINTS)
    assert not any("BEGIN SOLUTION" in c.source or "END SOLUTION" in c.source for c in theirs.cells)
    assert all(not c.get("outputs") for c in theirs.cells if c.cell_type == "code")
    locked = [c for c in theirs.cells if c.metadata["nbgrader"].get("locked")]
    assert locked and all(c.metadata.get("editable") is False for c in locked)


def test_solved_notebook_gets_full_marks(course):
    total, by_exercise = course["scores"]["resuelto"]
    assert by_exercise == POINTS
    assert total == sum(POINTS.values()) == 10


def test_untouched_student_copy_gets_zero_for_every_exercise(course):
    """The release validated in reverse (nbgrader's ``validate --invert``): each exercise cell
    runs (it only defines the student's function), and its checking cell fails on the stub:
    ``NotImplementedError``, or the ``AssertionError`` of a checker that reports it."""
    total, by_exercise = course["scores"]["sin_tocar"]
    assert by_exercise == dict.fromkeys(POINTS, 0)
    assert total == 0
    path = course["dir"] / "autograded" / "sin_tocar" / ASSIGNMENT / SOURCE.name
    errors = {_grade_id(c): [o.ename for o in c.outputs if o.output_type == "error"]
              for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"}
    for exercise in POINTS:
        check = f"{exercise}_comprobacion"
        stub = [g for g in errors if g.startswith(f"{exercise}_") and g != check]
        assert len(stub) == 1 and errors[stub[0]] == [], (exercise, stub, errors)
        assert errors[check] in (["NotImplementedError"], ["AssertionError"]), errors[check]


def _check_cell(exercise: str, *, hidden: bool) -> str:
    source = nbformat.read(SOURCE, as_version=4)
    cell = next(c for c in source.cells if _grade_id(c) == f"{exercise}_comprobacion")
    if hidden:
        return cell.source
    return cell.source.split("### BEGIN HIDDEN TESTS")[0]


def test_hidden_tests_are_what_fails_an_exercise_fitted_to_the_visible_check(capsys):
    """The shortcut of exercise 2 passes the check students see; the hidden tests fail it."""
    import numpy as np

    namespace = {"np": np}
    exec(SHORTCUTS["ej2"], namespace)
    exec(_check_cell("ej2", hidden=False), namespace)
    assert "✔ Imágenes rellenadas correctamente" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="cualquier lote"):
        exec(_check_cell("ej2", hidden=True), namespace)


@pytest.mark.parametrize("stem", GRADED)
def test_every_graded_check_has_hidden_tests(stem):
    source = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    checks = [c for c in source.cells if _grade_id(c).endswith("_comprobacion")]
    assert [_grade_id(c).split("_")[0] for c in checks] == list(GRADED[stem])
    for cell in checks:
        assert cell.source.count("### BEGIN HIDDEN TESTS") == 1, _grade_id(cell)
        assert cell.source.count("### END HIDDEN TESTS") == 1, _grade_id(cell)


def test_autograde_runs_every_cell_but_the_tagged_read_only_ones(course):
    """The solved submission: the trainings and figures are skipped with a note, every
    other code cell ran (the checks print their ✔ lines) and none failed."""
    path = course["dir"] / "autograded" / "resuelto" / ASSIGNMENT / SOURCE.name
    autograded = nbformat.read(path, as_version=4)
    skipped, ran = [], []
    for cell in autograded.cells:
        if cell.cell_type != "code":
            continue
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert not [o for o in cell.outputs if o.output_type == "error"], _grade_id(cell)
        (skipped if NOTE in text else ran).append(cell)
        assert (cell in skipped) == (SKIP_TAG in cell.metadata.get("tags", [])), _grade_id(cell)
    assert len(skipped) >= 10 and any(_grade_id(c) == "lectura_22" for c in skipped)
    checks = [c for c in ran if _grade_id(c).endswith("_comprobacion")]
    assert len(checks) == len(POINTS)
    assert "✔ Imágenes rellenadas correctamente" in "".join(
        o.get("text", "") for c in checks for o in c.outputs)


def test_export_writes_the_same_scores(course):
    with open(course["dir"] / "grades.csv", newline="") as file:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert rows == {student: total for student, (total, _) in course["scores"].items()}


@pytest.mark.parametrize("stem", GRADED)
def test_every_exercise_is_graded_by_its_checking_cell(stem):
    """Solution cell, then (after prose) the checking cell: an autograded test with points."""
    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    graded = 0
    code = [
        c
        for c in nb.cells
        if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])
    ]
    for before, after in zip(code, code[1:], strict=False):
        if "### BEGIN SOLUTION" in before.source:
            meta, test = before.metadata["nbgrader"], after.metadata["nbgrader"]
            exercise = meta["grade_id"].split("_")[0]
            assert meta["solution"] and not meta["grade"] and not meta["locked"]
            assert test == {
                "grade": True,
                "grade_id": f"{exercise}_comprobacion",
                "locked": True,
                "points": GRADED[stem][exercise],
                "schema_version": 3,
                "solution": False,
                "task": False,
            }
            graded += 1
    assert graded == len(GRADED[stem])
    others = [
        c
        for c in nb.cells
        if "nbgrader" in c.metadata
        and not (c.metadata["nbgrader"]["solution"] or c.metadata["nbgrader"]["grade"])
    ]
    assert all(c.metadata["nbgrader"]["locked"] for c in others)
    assert not any("editable" in c.metadata or "deletable" in c.metadata for c in nb.cells), (
        "read-only flags belong to nbgrader's release, not to the course notebook"
    )


COURSE = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", COURSE, ids=[p.stem for p in COURSE])
def test_solution_markers_only_in_nbgrader_solution_cells(path):
    """nbgrader's ClearSolutions refuses a marker (even in prose) outside a solution cell."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if "solution" in cell.metadata.get("tags", []):
            continue  # removed from every student copy
        if "BEGIN SOLUTION" in cell.source or "END SOLUTION" in cell.source:
            assert cell.metadata.get("nbgrader", {}).get("solution") is True, (
                f"{path.name}, cell {index}: solution markers need nbgrader's solution metadata"
            )


@pytest.mark.parametrize("stem", GRADED)
def test_every_check_explains_its_failure_in_spanish(stem):
    """An ``assert`` without a message would greet a student with a bare AssertionError.

    Notebook 04: every cell (its sanity checks after training can fail for a student's
    model). Notebooks 01 and 02: the graded checks (their lesson cells assert facts of the
    worked examples, which a student's exercise cannot change)."""
    import ast

    nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    bare = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        if stem != SOURCE.stem and not cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        tree = ast.parse(cell.source)
        bare += [
            (index, node.lineno)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and node.msg is None
        ]
    assert not bare, f"asserts without a Spanish message (cell, line): {bare}"


@pytest.fixture(scope="module")
def basics(tmp_path_factory) -> dict:
    """Notebooks 01 and 02 as one assignment with the README's configuration: a solved and
    an untouched copy, one ``generate_assignment`` and one ``autograde`` call, short mode."""
    from nbgrader.api import Gradebook

    course_dir = tmp_path_factory.mktemp("basics") / "course"
    (course_dir / "source" / BASICS).mkdir(parents=True)
    (course_dir / "nbgrader_config.py").write_text(
        _readme_block("python", "# nbgrader_config.py")
    )
    for stem in BASICS_POINTS:
        (course_dir / "source" / BASICS / f"{stem}.ipynb").write_bytes(
            (ROOT / "notebooks" / f"{stem}.ipynb").read_bytes()
        )
    start = time.perf_counter()
    _run(f"nbgrader generate_assignment {BASICS}", course_dir)
    for stem, points in BASICS_POINTS.items():
        name = f"{stem}.ipynb"
        release = nbformat.read(course_dir / "release" / BASICS / name, as_version=4)
        source = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        for student, nb in (("resuelto", _solved_only(release, source, set(points))),
                            ("sin_tocar", release)):
            folder = course_dir / "submitted" / student / BASICS
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / name)
    _run(f"CNNKIT_QUICK=1 nbgrader autograde {BASICS}", course_dir)
    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in ("resuelto", "sin_tocar"):
            scores[student] = {
                stem: {e: gradebook.find_grade(f"{e}_comprobacion", stem, BASICS, student).score
                       for e in points}
                for stem, points in BASICS_POINTS.items()
            }
    print(f"\nnbgrader, notebooks 01 and 02: {time.perf_counter() - start:.0f} s; {scores}")
    return {"dir": course_dir, "scores": scores}


@pytest.mark.parametrize("stem", BASICS_POINTS)
def test_notebooks_01_02_solved_full_marks_blank_zero(basics, stem):
    assert basics["scores"]["resuelto"][stem] == BASICS_POINTS[stem]
    assert sum(BASICS_POINTS[stem].values()) == 10
    assert basics["scores"]["sin_tocar"][stem] == dict.fromkeys(BASICS_POINTS[stem], 0)


@pytest.mark.parametrize("stem", BASICS_POINTS)
def test_notebooks_01_02_autograde_without_errors_outside_the_exercises(basics, stem):
    """The solved copy, autograded: no cell fails (a skipped cell leaves no NameError behind)
    and every check prints its ✔ line."""
    path = basics["dir"] / "autograded" / "resuelto" / BASICS / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    errors = [(_grade_id(c), o.ename) for c in nb.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors
    ticks = [c for c in nb.cells if _grade_id(c).endswith("_comprobacion")
             and "✔" in "".join(o.get("text", "") for o in c.outputs)]
    assert len(ticks) == len(BASICS_POINTS[stem])


def test_hidden_tests_of_01_reject_ops_conv2d_in_place_of_the_loops(capsys):
    """Exercise 5 of notebook 01 asks for loops: ops.conv2d passes the visible check (it is
    the reference) and fails the hidden tests."""
    import numpy as np

    from cnnkit import kernels, ops

    cell = next(c for c in nbformat.read(ROOT / "notebooks" / "01_convolucion_y_filtros.ipynb",
                                         as_version=4).cells
                if _grade_id(c) == "ej5_comprobacion")
    namespace = {"np": np, "ops": ops, "kernels": kernels}
    exec("def correlacion_bucle_general(F, H, stride=1, padding=0):\n"
         "    return ops.conv2d(F, H, stride=stride, padding=padding)", namespace)
    exec(cell.source.split("### BEGIN HIDDEN TESTS")[0], namespace)
    assert "✔ correlacion_bucle_general coincide" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="con bucles"):
        exec(cell.source, namespace)
    assert ops.conv2d is namespace["prueba_original"]  # the check puts ops.conv2d back


@pytest.mark.parametrize("answer", [
    "from cnnkit.ops import conv2d as otra\n"
    "def correlacion_bucle_general(F, H, stride=1, padding=0):\n"
    "    return otra(F, H, stride=stride, padding=padding)",
    "from scipy.signal import correlate2d\n"
    "def correlacion_bucle_general(F, H, stride=1, padding=0):\n"
    "    return correlate2d(np.pad(F, padding), H, mode='valid')[::stride, ::stride]",
], ids=["alias", "correlate2d"])
def test_hidden_tests_of_01_reject_aliases_and_scipy_in_place_of_the_loops(answer):
    """An alias of ops.conv2d imported before the check, or SciPy's correlate2d, passes the
    visible check of exercise 5 and fails its hidden tests."""
    import numpy as np

    from cnnkit import kernels, ops

    cell = next(c for c in nbformat.read(ROOT / "notebooks" / "01_convolucion_y_filtros.ipynb",
                                         as_version=4).cells
                if _grade_id(c) == "ej5_comprobacion")
    namespace = {"np": np, "ops": ops, "kernels": kernels}
    exec(answer, namespace)
    exec(cell.source.split("### BEGIN HIDDEN TESTS")[0], namespace)
    with pytest.raises(AssertionError, match="con bucles"):
        exec(cell.source, namespace)


def test_hidden_tests_of_02_reject_ops_pool2d_in_place_of_the_hand_computation():
    """Exercise 1 of notebook 02 asks for hand-computed matrices: ops.pool2d passes the
    visible check and fails the hidden tests, which read the kernel's input history."""
    import keras
    import numpy as np

    from cnnkit import ops

    cell = next(c for c in nbformat.read(ROOT / "notebooks" / "02_pooling_y_dimensionalidad.ipynb",
                                         as_version=4).cells
                if _grade_id(c) == "ej1_comprobacion")
    answer = ("x = np.array([[1, 2, 0, 2], [1, 4, 2, 0], [4, 3, 1, 0], [1, 2, 2, 1]])\n"
              "maximos_a_mano = ops.pool2d(x, 2, stride=1)\n"
              "medias_a_mano = ops.pool2d(x, 2, stride=1, mode='avg')")
    namespace = {"np": np, "ops": ops, "keras": keras, "In": ["", answer]}
    exec(answer, namespace)
    exec(cell.source.split("### BEGIN HIDDEN TESTS")[0], namespace)
    with pytest.raises(AssertionError, match="a mano"):
        exec(cell.source, namespace)


WRONG_01_02 = [  # (notebook, exercise, a student's wrong answer, a piece of the feedback)
    ("01_convolucion_y_filtros", "ej4", """def primera_capa(lado, tam_filtro, n_filtros, canales=1):
    salida = ops.conv_output_size(lado, tam_filtro)
    return (salida, salida, n_filtros), ops.conv_params(tam_filtro, n_filtros, canales)""",
     "intercambiado canales y n_filtros"),
    ("01_convolucion_y_filtros", "ej4", """def primera_capa(lado, tam_filtro, n_filtros, canales=1):
    salida = ops.conv_output_size(lado, tam_filtro)
    sin_sesgo = ops.conv_params(tam_filtro, canales, n_filtros, bias=False)
    return (salida, salida, n_filtros), sin_sesgo""",
     "también un sesgo"),
    ("01_convolucion_y_filtros", "ej5", """def correlacion_bucle_general(F, H, stride=1, padding=0):
    Fp, (kh, kw) = np.pad(F, padding), H.shape
    G = np.zeros(((Fp.shape[0] - kh) // stride, (Fp.shape[1] - kw) // stride))  # one short
    for i in range(G.shape[0]):
        for j in range(G.shape[1]):
            G[i, j] = np.sum(H * Fp[i * stride:i * stride + kh, j * stride:j * stride + kw])
    return G""", "la salida debe medir"),
    ("01_convolucion_y_filtros", "ej5", """def correlacion_bucle_general(F, H, stride=1, padding=0):
    Fp, (kh, kw) = np.pad(F, padding), H.shape
    G = np.zeros(((Fp.shape[0] - kh) // stride + 2, (Fp.shape[1] - kw) // stride + 2))  # one more
    for i in range(G.shape[0]):
        for j in range(G.shape[1]):
            G[i, j] = np.sum(H * Fp[i * stride:i * stride + kh, j * stride:j * stride + kw])
    return G""", "recorre más posiciones"),
    ("01_convolucion_y_filtros", "ej5", """def correlacion_bucle_general(F, H, stride=1, padding=0):
    return ops.conv2d(F, H, stride=stride, padding=padding, flip=True)""", "algún valor"),
    ("02_pooling_y_dimensionalidad", "ej1", """maximos_a_mano = np.array([[4, 2], [4, 2]])
medias_a_mano = np.array([[2, 2, 1], [3, 2.5, 0.75], [2.5, 2, 1]])""", "⌊(N − F) / S⌋ + 1"),
    ("01_convolucion_y_filtros", "ej1", """def ventana_3x3(F, i, j):
    return F[j:j + 3, i:i + 3]""", "no usa esa ventana"),
    ("01_convolucion_y_filtros", "ej6", """def desplazamiento_del_mapa(paso, stride):
    return paso // stride""", "el experimento no da lo que devuelve tu función"),
    ("02_pooling_y_dimensionalidad", "ej1", """maximos_a_mano = np.array([[4, 4, 2], [4, 4, 2], [4, 3, 2]])
medias_a_mano = np.array([[2, 2, 1], [3, 2.5, 1], [2.5, 2, 1]])""", "no coincide con el pooling 2x2 con stride 1"),
    ("02_pooling_y_dimensionalidad", "ej2", """def formas_lenet(lado=32):
    formas = []
    for F, S, canales in ((5, 1, 6), (2, 2, 6), (5, 1, 16), (2, 2, 16)):
        lado = (lado - F) // S + 1
        formas.append((lado, lado, canales))
    return formas, lado * lado * 16""", "ops.conv_output_size"),
    ("02_pooling_y_dimensionalidad", "ej4", """def ampliar_bilineal(fila):
    return np.interp(np.linspace(0, len(fila) - 1, len(fila)), np.arange(len(fila)), fila)""",
     "10 valores"),
    ("02_pooling_y_dimensionalidad", "ej4", """def ampliar_bilineal(fila):
    return np.repeat(fila, 2)""", "no coincide con ops.upsample2d"),
]


@pytest.mark.parametrize(("stem", "exercise", "wrong", "feedback"), WRONG_01_02,
                         ids=[f"{s[:2]}-{e}-{i}" for i, (s, e, _, _) in enumerate(WRONG_01_02)])
def test_visible_checks_of_01_02_name_the_mistake_in_spanish(stem, exercise, wrong, feedback):
    """A typical wrong answer fails the visible check with feedback that names the mistake
    (not NumPy's English broadcast error)."""
    import keras
    import numpy as np

    from cnnkit import kernels, ops

    cell = next(c for c in nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells
                if _grade_id(c) == f"{exercise}_comprobacion")
    namespace = {"np": np, "ops": ops, "kernels": kernels, "keras": keras}
    exec(wrong, namespace)
    with pytest.raises(AssertionError, match=re.escape(feedback)):
        exec(cell.source.split("### BEGIN HIDDEN TESTS")[0], namespace)
