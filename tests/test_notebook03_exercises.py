"""Notebook 03's graded exercises, without nbgrader and without training: each checking cell
(visible check and hidden tests) passes on the instructor's solution and fails on the student
copy's stub and on a wrong answer, one exercise at a time; the nbgrader metadata follows
notebook 04's conventions. (The full nbgrader route runs on notebook 04 in test_nbgrader.py.)"""

from __future__ import annotations

import linecache
import re
from pathlib import Path

import nbformat
import pytest

from cnnkit import models
from cnnkit.student import student_notebook

PATH = Path(__file__).resolve().parents[1] / "notebooks" / "03_cnn_fashion_mnist.ipynb"
EXERCISES = {"ej1": "parametros_a_mano", "ej2": "deck_con_gap", "ej4": "aumento_vertical"}
DECK = ("filters=(64, 128, 256), convs_per_block=(1, 2, 2), kernel_size=(7, 3, 3), "
        "dense_units=(128, 64), dropout=0.5")
GAP = f"def deck_con_gap(forma):\n    return models.conv_net(forma, 10, {DECK}, pooling='avg')\n"
WRONG = {  # a plausible mistake for each exercise, which its check must refuse
    "ej1": "def parametros_a_mano(f1, f2, n):  # no biases\n"
           "    return 9 * f1 + 9 * f1 * f2 + 7 * 7 * f2 * n + 10 * n",
    "ej2": "def deck_con_gap(forma):\n    return models.deck_cnn(forma, 10)\n"
           "def ahorro_gap(alto, ancho):\n    return 0",
    "ej4": "def aumento_vertical(seed=1):\n    return augmentation(flip='vertical', seed=seed)",
}
COPIED = {  # the visible check's configuration answered with a literal: the hidden tests refuse it
    "ej1": "def parametros_a_mano(f1, f2, n):\n    return {}".format(
        models.conv_net((28, 28, 1), 10, filters=(16, 32), convs_per_block=1,
                        dense_units=(64,)).count_params()),
    "ej2": GAP + "def ahorro_gap(alto, ancho):\n    return {}".format(
        models.conv_net((28, 28, 1), 10, filters=(64, 128, 256), convs_per_block=(1, 2, 2),
                        kernel_size=(7, 3, 3), dense_units=(128, 64), dropout=0.5).count_params()
        - models.conv_net((28, 28, 1), 10, filters=(64, 128, 256), convs_per_block=(1, 2, 2),
                          kernel_size=(7, 3, 3), dense_units=(128, 64), dropout=0.5,
                          pooling="avg").count_params()),
}
# the right numbers or behaviour by a route the exercise forbids: the hidden tests refuse it
BYPASS = {
    "ej1": ("def parametros_a_mano(f1, f2, n):  # reads the built model's weights\n"
            "    red = models.conv_net((28, 28, 1), 10, filters=(f1, f2), convs_per_block=1,\n"
            "                          dense_units=(n,))\n"
            "    return int(sum(np.prod(w.shape) for w in red.weights))", "a mano"),
    "ej2": (GAP + "def ahorro_gap(alto, ancho):  # builds both models\n"
            "    size = lambda model: int(sum(np.prod(w.shape) for w in model.weights))\n"
            "    return size(models.deck_cnn((alto, ancho, 1), 10))"
            " - size(deck_con_gap((alto, ancho, 1)))",
            "a mano"),
    "ej4": ("def aumento_vertical(seed=1):  # cnnkit's helper, not Keras's layers\n"
            "    return augmentation(flip='vertical', translation=0.0, seed=seed)",
            "sin augmentation"),
}
# more wrong answers, each with the words of the message that must name its mistake
MISTAKES = [
    ("ej2", f"def deck_con_gap(forma):  # no dropout\n    return models.conv_net(forma, 10, "
            f"{DECK.replace(', dropout=0.5', '')}, pooling='avg')\n"
            "def ahorro_gap(alto, ancho):\n    return (alto // 8 * ancho // 8 * 256 - 256) * 128",
     "dropout"),
    ("ej2", f"def deck_con_gap(forma):  # an added L2\n    return models.conv_net(forma, 10, "
            f"{DECK}, l2=1e-3, pooling='avg')\n"
            "def ahorro_gap(alto, ancho):\n    return (alto // 8 * ancho // 8 * 256 - 256) * 128",
     "regularización"),
    ("ej4", "def aumento_vertical(seed=1):  # ignores its seed\n"
            "    return keras.Sequential([keras.layers.RandomFlip('vertical', seed=3)])",
     "la semilla que recibe"),
    ("ej4", "def aumento_vertical(seed=1):  # the wrong direction\n"
            "    return keras.Sequential([keras.layers.RandomFlip('horizontal', seed=seed)])",
     "volteada en vertical"),
]
PRELUDE = """import numpy as np
import keras
import cnnkit
from cnnkit import models
from cnnkit.augment import augmentation
"""


@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(PATH, as_version=4)


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _cells(nb, exercise: str) -> tuple[str, str]:
    solution = [c.source for c in nb.cells if _grade_id(c).startswith(f"{exercise}_")
                and c.metadata["nbgrader"]["solution"]]  # fmt: skip
    check = [c.source for c in nb.cells if _grade_id(c) == f"{exercise}_comprobacion"]
    assert len(solution) == 1 and len(check) == 1, exercise
    return solution[0], check[0]


def _exec(source: str, name: str, namespace: dict) -> None:
    # registered in linecache as IPython does for a cell, so inspect.getsource works
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), namespace)  # noqa: S102


def _run(exercise_code: str, check: str) -> None:
    namespace: dict = {}
    _exec(PRELUDE + exercise_code, f"<exercise {id(namespace)}>", namespace)
    _exec(check, f"<check {id(namespace)}>", namespace)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_solved_exercise_passes_its_check_with_hidden_tests(notebook, exercise):
    _run(*_cells(notebook, exercise))


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_blank_and_wrong_answers_fail(notebook, exercise):
    student = student_notebook(notebook)
    blank, check = _cells(student, exercise)
    assert "raise NotImplementedError()" in blank
    with pytest.raises(NotImplementedError):
        _run(blank, check)
    with pytest.raises(AssertionError) as error:
        _run(WRONG[exercise], check)
    assert re.search(r"[áéíóúñ]|debe|repasa|usa", str(error.value)), "Spanish feedback"


@pytest.mark.parametrize("exercise", sorted(COPIED))
def test_a_copied_answer_passes_the_visible_check_but_not_the_hidden_tests(notebook, exercise):
    _, check = _cells(notebook, exercise)
    visible, hidden = check.split("### BEGIN HIDDEN TESTS")
    _run(COPIED[exercise], visible)
    with pytest.raises(AssertionError) as error:
        _run(COPIED[exercise], check)
    assert "cualquier tamaño" in str(error.value)


@pytest.mark.parametrize(("exercise", "code", "message"), MISTAKES)
def test_each_mistake_is_refused_with_its_message(notebook, exercise, code, message):
    with pytest.raises(AssertionError) as error:
        _run(code, _cells(notebook, exercise)[1])
    assert message in str(error.value)


@pytest.mark.parametrize("exercise", sorted(BYPASS))
def test_a_forbidden_route_passes_the_visible_check_but_not_the_hidden_tests(notebook, exercise):
    code, message = BYPASS[exercise]
    _, check = _cells(notebook, exercise)
    visible = check.split("### BEGIN HIDDEN TESTS")[0]
    _run(code, visible)
    with pytest.raises(AssertionError) as error:
        _run(code, check)
    assert message in str(error.value)


def test_visible_checks_and_earlier_outputs_do_not_give_the_answers(notebook):
    answers = [line.rsplit("return ", 1)[1] for line in map(COPIED.get, sorted(COPIED))]
    before = [c for c in notebook.cells if "solution" not in c.metadata.get("tags", [])]
    shown = []
    for cell in before:
        shown.append(cell.source.split("### BEGIN HIDDEN TESTS")[0])
        for output in cell.get("outputs", []):
            shown.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    text = "\n".join(shown).replace(".", "").replace("_", "")
    for answer in answers:
        assert answer not in text


def test_nbgrader_metadata_like_notebook_04(notebook):
    graded = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sorted(_grade_id(c) for c in graded) == [f"{e}_comprobacion" for e in sorted(EXERCISES)]
    assert all(c.metadata["nbgrader"]["points"] > 0 and c.metadata["nbgrader"]["locked"]
               for c in graded)  # fmt: skip
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        meta = cell.metadata.get("nbgrader")
        if "solution" in tags:  # the Soluciones section: hidden, removed from student copies
            folded = {"source_hidden": True, "outputs_hidden": True}
            if cell.source.startswith("## Soluciones"):  # its heading stays visible
                folded = None
            assert meta is None and cell.metadata.get("jupyter") == folded
            continue
        assert meta and meta["schema_version"] == 3, cell.source[:60]
        if meta["solution"]:
            assert not meta["locked"] and "### BEGIN SOLUTION" in cell.source
            assert not cell.get("outputs")  # an exercise cell stores no output
        else:
            assert meta["locked"] and "BEGIN SOLUTION" not in cell.source
    solutions = "\n".join(c.source for c in notebook.cells
                          if "solution" in c.metadata.get("tags", []))  # fmt: skip
    for exercise in EXERCISES:  # every line of a solution region is also in the Soluciones
        region = _cells(notebook, exercise)[0].split("### BEGIN SOLUTION")[1]
        for line in region.split("### END SOLUTION")[0].strip().splitlines():
            assert line.strip() in solutions, (exercise, line)
