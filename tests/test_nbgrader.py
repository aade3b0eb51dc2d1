"""The nbgrader metadata of the graded notebooks (01 to 06), checked without grading.

Every exercise is graded by its checking cell, every graded check has hidden tests and
explains its failures in Spanish, solution markers sit only in solution cells, and the hidden
tests fail what fits only the visible check.

Grading for real is a step of ``.ci/run`` (``deploy/run_tests.sh``): the README's
``nbgrader_config.py`` and commands on notebook 04 (``deploy/tests/test_readme_route.py``:
the release is ``cnnkit student``'s copy, solved gets full marks, untouched zero, the cells
tagged ``skip-autograde`` are left out, the export has the same scores), and the class route
(``deploy/tests/test_class_route.py``: a simulated class of notebook 04, each exercise alone,
typical mistakes, shortcuts, hostile submissions, and notebooks 01 and 02 as a second
assignment, solved and untouched), and notebooks 03, 05 and 06 in one assignment
(``deploy/tests/test_grade_03_05_06.py``: solved full marks, untouched zero).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks" / "04_ejercicio_lenet5.ipynb"
SHORTCUTS = {  # what a student may try instead of the exercise (deploy/tests: "atajos")
    "ej2": """def rellenar_a_32(imagenes):  # works for uint8 images only, as in the visible check
    return np.pad(imagenes, ((0, 0), (2, 2), (2, 2))).astype(np.uint8)""",
}
POINTS = {"ej1": 3, "ej2": 2, "ej3": 2, "ej4": 2, "ej5": 1}
# notebooks 01 and 02: one assignment (graded in deploy/tests/test_class_route.py)
BASICS_POINTS = {
    "01_convolucion_y_filtros": {"ej1": 1, "ej2": 2, "ej3": 2, "ej4": 1, "ej5": 2, "ej6": 2},
    "02_pooling_y_dimensionalidad": {"ej1": 2, "ej2": 3, "ej3": 2, "ej4": 3},
}
GRADED = {SOURCE.stem: POINTS, **BASICS_POINTS,  # every notebook graded with nbgrader
          "03_cnn_fashion_mnist": {"ej1": 2, "ej2": 2, "ej4": 2},  # its exercise 3 is practice
          "05_transfer_learning": {"ej1": 2, "ej2": 2, "ej3": 2},  # its exercise 4 is practice
          "06_arquitecturas_profundas": {"ej1": 3, "ej2": 2, "ej3": 3, "ej4": 2}}


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


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


def test_written_answers_are_manual_answers_worth_nothing_with_the_configured_placeholder():
    """A markdown cell a student writes in (06's prediction) is nbgrader's manually graded
    answer, the only editable markdown cell nbgrader has, worth 0 points; its text is the
    configuration's ``ClearSolutions.text_stub``, which nbgrader puts in its place, so the
    release still equals ``cnnkit student``'s copy (deploy/tests/test_grade_03_05_06.py)."""
    stubs = {re.search(r'text_stub = "(.*)"', (ROOT / path).read_text()).group(1)
             for path in ("deploy/nbgrader_config.py", "README.md")}
    assert len(stubs) == 1, stubs
    written = []
    for stem in GRADED:
        for cell in nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("solution"):
                assert meta["grade"] and meta["points"] == 0 and not meta["locked"], meta
                assert cell.source in stubs, cell.source
                written.append((stem, meta["grade_id"]))
    assert written == [("06_arquitecturas_profundas", "ej4_prediccion")]


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
    model). The other notebooks: the graded checks (their lesson cells assert facts of the
    worked examples or of trainings, which a student's exercise cannot change)."""
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


@pytest.mark.parametrize("answer", [
    "from cnnkit.ops.upsample import upsample2d as ampliar\n"
    "def ampliar_bilineal(fila):\n"
    "    return ampliar(np.asarray(fila)[None, :], (1, 2), mode='bilinear')[0]",
    "def ampliar_bilineal(fila):\n"
    "    capa = keras.layers.UpSampling2D(size=(1, 2), interpolation='bilinear')\n"
    "    x = np.asarray(fila, dtype='float32')[None, None, :, None]\n"
    "    return np.asarray(capa(x), dtype=float)[0, 0, :, 0]",
    "from keras.layers import UpSampling2D as Capa\n"
    "def ampliar_bilineal(fila):\n"
    "    x = np.asarray(fila, dtype='float32')[None, None, :, None]\n"
    "    capa = Capa(size=(1, 2), interpolation='bilinear')\n"
    "    return np.asarray(capa(x), dtype=float)[0, 0, :, 0]",
], ids=["alias", "UpSampling2D", "UpSampling2D-alias"])
def test_hidden_tests_of_02_reject_upsample2d_and_upsampling2d_instead_of_interpolating(answer):
    """Exercise 4 of notebook 02 forbids ops.upsample2d and UpSampling2D: an alias of
    upsample2d imported directly, or Keras's layer (by its name or an alias), passes the
    visible check and fails the hidden tests."""
    import keras
    import numpy as np

    from cnnkit import ops

    cell = next(c for c in nbformat.read(ROOT / "notebooks" / "02_pooling_y_dimensionalidad.ipynb",
                                         as_version=4).cells
                if _grade_id(c) == "ej4_comprobacion")
    namespace = {"np": np, "ops": ops, "keras": keras}
    exec(answer, namespace)
    exec(cell.source.split("### BEGIN HIDDEN TESTS")[0], namespace)
    with pytest.raises(AssertionError, match="sin ops.upsample2d ni UpSampling2D"):
        exec(cell.source, namespace)
    assert ops.upsample2d is namespace["prueba_original"]  # the check puts ops.upsample2d back


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
    ("02_pooling_y_dimensionalidad", "ej1",
     "maximos_a_mano = np.array([[4, 4, 2], [4, 4, 2], [4, 3, 2]])\n"
     "medias_a_mano = np.array([[2, 2, 1], [3, 2.5, 1], [2.5, 2, 1]])",
     "no coincide con el pooling 2x2 con stride 1"),
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


SHORTCUTS_05 = [  # (exercise, an answer fitted to the visible check, a piece of hidden feedback)
    ("ej1", """def entrenables_desde(modelo, capa):  # the printed answer of block2_conv, copied
    transfer.freeze(modelo)
    transfer.unfreeze(modelo, from_layer="block2_conv")
    return ["block2_conv", "block3_conv"], 92805""", "no escribas la lista ni el número"),
    ("ej2", """def cambia_media_movil(modelo, lote):  # deduced from .trainable, model not called
    return modelo.get_layer("cnnkit_fashion5").get_layer("block1_bn").trainable""",
     "no deducirlo"),
    ("ej3", """def modelo_con_aumento(num_classes):  # a backbone without its pretrained weights
    aumento = keras.Sequential([keras.layers.RandomFlip("horizontal"),
                                keras.layers.RandomTranslation(0.1, 0.1)])
    return transfer.transfer_model(transfer.backbone("cnnkit_fashion5", weights=None),
                                   num_classes=num_classes, augment=aumento)""", "con sus pesos"),
]
WRONG_05 = [  # (exercise, a typical wrong answer, a piece of the visible check's feedback)
    ("ej1", """def entrenables_desde(modelo, capa):
    transfer.freeze(modelo)
    return transfer.unfreeze(modelo, from_layer=capa), modelo.count_params()""",
     "cuenta los de las convoluciones descongeladas"),
    ("ej2", """def cambia_media_movil(modelo, lote):
    bn = modelo.get_layer("cnnkit_fashion5").get_layer("block1_bn")
    antes = bn.moving_mean.numpy().copy()
    modelo(lote, training=False)
    return not np.array_equal(antes, bn.moving_mean.numpy())""", "training=True llega a block1_bn"),
    ("ej3", """def modelo_con_aumento(num_classes):
    aumento = keras.Sequential([keras.layers.RandomFlip(),
                                keras.layers.RandomTranslation(0.1, 0.1)])
    return transfer.transfer_model(transfer.backbone("cnnkit_fashion5"), num_classes=num_classes,
                                   augment=aumento)""", "solo horizontal"),
]


def _check_05(exercise: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / "05_transfer_learning.ipynb", as_version=4)
    return next(c.source for c in nb.cells if _grade_id(c) == f"{exercise}_comprobacion")


@pytest.mark.parametrize(("exercise", "answer", "feedback"), SHORTCUTS_05,
                         ids=[e for e, _, _ in SHORTCUTS_05])
def test_hidden_tests_of_05_reject_copied_answers_and_shortcuts(exercise, answer, feedback):
    """Each shortcut passes the check students see and fails the hidden tests, in Spanish."""
    import keras
    import numpy as np

    from cnnkit import transfer

    check = _check_05(exercise)
    namespace = {"np": np, "keras": keras, "transfer": transfer}
    exec(answer, namespace)
    exec(check.split("### BEGIN HIDDEN TESTS")[0], namespace)
    with pytest.raises(AssertionError, match=re.escape(feedback)):
        exec(check, namespace)


@pytest.mark.parametrize(("exercise", "answer", "feedback"), WRONG_05,
                         ids=[e for e, _, _ in WRONG_05])
def test_visible_checks_of_05_name_the_mistake_in_spanish(exercise, answer, feedback):
    import random

    import keras
    import numpy as np

    from cnnkit import transfer

    namespace = {"np": np, "keras": keras, "transfer": transfer}
    exec(answer, namespace)
    state = random.getstate()
    with pytest.raises(AssertionError, match=re.escape(feedback)):
        exec(_check_05(exercise).split("### BEGIN HIDDEN TESTS")[0], namespace)
    random.setstate(state)  # a failed check leaves Python's random state advanced


def test_checks_of_05_leave_python_s_random_state_as_it_was():
    """The solved checks build models (layer initializers draw seeds from Python's random)
    and then restore its state: the cells after them compute what the stored run computed."""
    import random

    import keras
    import numpy as np

    from cnnkit import transfer

    nb = nbformat.read(ROOT / "notebooks" / "05_transfer_learning.ipynb", as_version=4)
    namespace = {"np": np, "keras": keras, "transfer": transfer}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            exec(cell.source, namespace)
    for exercise in GRADED["05_transfer_learning"]:
        state = random.getstate()
        exec(_check_05(exercise), namespace)
        assert random.getstate() == state, exercise
