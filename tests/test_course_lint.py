"""The course lint (``tests/course_lint.py``) over every stored notebook, each rule shown able
to fail on a mutated copy of a small clean notebook, and the one rule checked on the library
side: the titles and labels of every ``cnnkit.viz`` figure do not overlap.

Notebooks listed in :data:`PENDING` do not pass yet; they are strict xfails, so the day one
passes its test turns red and its entry must be removed.
"""

from __future__ import annotations

import base64
import io
import itertools
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import course_lint  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from course_lint import ALLOWED, RULES, Finding, lint, lint_notebook  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

PENDING: dict[str, str] = {}
"""Notebooks the lint cannot pass until they are re-run, with the reason."""


def _marks(path: Path) -> list[pytest.MarkDecorator]:
    reason = PENDING.get(path.stem)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.stem, marks=_marks(p)) for p in NOTEBOOKS]
)
def test_stored_notebook_passes_the_course_lint(path):
    findings = lint(path)
    assert not findings, "\n".join(map(str, findings))


def test_pending_lists_only_notebooks_of_the_course():
    assert set(PENDING) <= {p.stem for p in NOTEBOOKS}


def test_the_allow_list_is_short_explained_and_used():
    assert len(ALLOWED) < 10
    for entry in ALLOWED:
        assert entry.rule in RULES and len(entry.reason) > 20, entry
        path = ROOT / "notebooks" / entry.notebook
        assert any(entry.covers(f) for f in lint_notebook(path)), f"stale entry: {entry}"


# --------------------------------------------------------------------------------------
# every rule can fail: a clean notebook and one mutation per rule
# --------------------------------------------------------------------------------------


def _png(figsize: tuple[float, float], ncols: int = 1, *, noise: bool = False,
         dpi: int = 80) -> str:  # fmt: skip
    """A PNG figure, base64 as a notebook stores it."""
    fig, axes = plt.subplots(1, ncols, figsize=figsize, dpi=dpi, squeeze=False)
    rng = np.random.default_rng(0)
    for ax in axes.flat:
        ax.imshow(rng.random((300, 300, 3)) if noise else np.outer(np.arange(8), np.arange(8)))
        ax.set_axis_off()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure(png: str, width: int | None = None) -> nbformat.NotebookNode:
    metadata = {"image/png": {"width": width}} if width else {}
    return new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                      metadata=metadata)  # fmt: skip


def _stdout(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stdout", text=text)


def _table(*headers: str) -> nbformat.NotebookNode:
    heads = "".join(f"<th>{h}</th>" for h in headers)
    cells = "".join(f"<td>{i},5</td>" for i, _ in enumerate(headers))
    page = f"<table><thead><tr><th></th>{heads}</tr></thead><tr><th>0</th>{cells}</tr></table>"
    return new_output("execute_result", data={"text/html": page, "text/plain": "table"},
                      execution_count=1)  # fmt: skip


HIDDEN = {"tags": ["solution"], "jupyter": {"source_hidden": True, "outputs_hidden": True}}


def clean_notebook() -> nbformat.NotebookNode:
    """A small notebook that follows every rule (and holds what the rules must not flag)."""
    code = new_code_cell("import cnnkit\ncnnkit.setup(seed=0, language='es')")
    code.outputs = [_stdout("cnnkit 0.1.0 | Python 3.11.7 | Keras 3.15.1 | semilla 0\n")]
    numbers = new_code_cell("print(media, total)")
    numbers.outputs = [_stdout(
        "media = 80,0 | total: 1.413.834 parámetros | max pooling 3,65 | ops.conv2d(flip=True)\n"
        "capa max_pooling2d (Conv2D) | ¿iguales? sí\n")]  # fmt: skip
    array = new_code_cell("F")
    array.outputs = [new_output("execute_result", data={"text/plain": "array([0.5, 1. ])"},
                                execution_count=2)]  # fmt: skip
    table = new_code_cell("tabla")
    table.outputs = [_table("acierto medio", "épocas")]
    figure = new_code_cell("viz.show_images(x)")
    figure.outputs = [_figure(_png((6, 5)))]
    exercise = new_code_cell("def doble(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
                             "    ### END SOLUTION")  # fmt: skip
    solution = new_code_cell("# Ejercicio 1\ndef doble(x):\n    return 2 * x", metadata=HIDDEN)
    solution.outputs = [_stdout("4\n")]
    return new_notebook(cells=[
        new_markdown_cell("# Cuaderno\n\nEl acierto es 0,93 (`0.93` en código, $0.5$ en LaTeX)."),
        code, numbers, array, table, figure,
        new_markdown_cell("**Ejercicio 1.** Escribe `doble`."), exercise,
        new_markdown_cell("## Soluciones", metadata={"tags": ["solution"]}), solution,
    ])  # fmt: skip


def _add_output(output: nbformat.NotebookNode) -> Callable[[nbformat.NotebookNode], int]:
    def mutate(nb: nbformat.NotebookNode) -> int:
        nb.cells[2].outputs.append(output)
        return 2

    return mutate


def _unhide(nb: nbformat.NotebookNode) -> int:
    nb.cells[9].metadata["jupyter"]["source_hidden"] = False
    return 9


def _fold_heading(nb: nbformat.NotebookNode) -> int:
    nb.cells[8].metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
    return 8


def _untagged_solution(nb: nbformat.NotebookNode) -> int:
    nb.cells.append(new_code_cell("print(doble(3))"))
    return len(nb.cells) - 1


def _exercise_output(nb: nbformat.NotebookNode) -> int:
    nb.cells[7].outputs = [_stdout("6\n")]
    return 7


def _solution_only_inline(nb: nbformat.NotebookNode) -> int:
    nb.cells[9].source = "# Ejercicio 1: la solución está en la celda del ejercicio."
    return 7


def _markdown_decimal(nb: nbformat.NotebookNode) -> int:
    nb.cells[0].source += "\nLa media vale 80.5 y el acierto 0.93."
    return 0


def _exactitud(nb: nbformat.NotebookNode) -> int:
    nb.cells[6].source = "**Ejercicio 1.** Calcula la exactitud."
    return 6


def _figure_mutation(png: str, width: int | None = None) -> Callable[[nbformat.NotebookNode], int]:
    def mutate(nb: nbformat.NotebookNode) -> int:
        nb.cells[5].outputs = [_figure(png, width)]
        return 5

    return mutate


def _huge(nb: nbformat.NotebookNode) -> None:
    nb.cells.insert(1, new_markdown_cell("Texto largo. " * 70_000))


MUTATIONS: dict[str, tuple[str, Callable[[nbformat.NotebookNode], int | None], str]] = {
    "english word": ("english", _add_output(_stdout("Total params: 5\n")), "params"),
    "English metric key": ("english", _add_output(_stdout("accuracy: 0,5\n")), "accuracy"),
    "python True": ("english", _add_output(_stdout("¿iguales? True\n")), "True"),
    "python None in a shape": ("english", _add_output(_stdout("salida: (None, 10)\n")), "None"),
    "dict repr": ("english", _add_output(_stdout("{'caja': (512, 512)}\n")), "{'caja':"),
    "list repr": ("english", _add_output(_stdout("['imagen', 'salida']\n")), "['imagen',"),
    "decimal point": ("decimal-point", _add_output(_stdout("media = 80.5\n")), "80.5"),
    "numpy float print": ("decimal-point", _add_output(_stdout("[[2. 1. ]\n [2.5 1. ]]\n")),
                          "2.5"),
    "decimal point in a table": ("decimal-point", _add_output(_table("media 0.5")), "0.5"),
    "decimal point in prose": ("decimal-point", _markdown_decimal, "80.5"),
    "snake_case header": ("snake-case-header", _add_output(_table("acierto_medio")),
                          "acierto_medio"),
    "exactitud": ("accuracy-word", _exactitud, "exactitud"),
    "stderr": ("stderr", _add_output(new_output("stream", name="stderr",
                                                text="WARNING: All log messages\n")),
               "WARNING"),  # fmt: skip
    "solution shown": ("solution", _unhide, "source_hidden"),
    "Soluciones heading folded": ("solution", _fold_heading, "heading is folded"),
    "untagged cell in Soluciones": ("solution", _untagged_solution, "not tagged"),
    "exercise shows its output": ("solution", _exercise_output, "output of its solution"),
    "solution only inline": ("solution", _solution_only_inline, "return 2 * x"),
    "small panels": ("small-panel", _figure_mutation(_png((6, 1.5), 4)), "4 of 4 panels"),
    "retina figure shown small": ("small-panel", _figure_mutation(_png((5, 4), dpi=160), 200),
                                  "panels under"),
    "wide figure": ("wide-figure", _figure_mutation(_png((16, 6))), "1280 px wide"),
    "heavy figure": ("figure-size", _figure_mutation(_png((5, 5), noise=True)), "KB"),
    "heavy notebook": ("notebook-size", _huge, "KB"),
}  # fmt: skip
"""name -> (rule, mutation returning the cell it breaks, a piece of the expected text)."""


def test_the_clean_notebook_passes():
    assert lint_notebook(Path("limpio.ipynb"), clean_notebook()) == []


def test_every_rule_has_a_mutation():
    assert {rule for rule, _, _ in MUTATIONS.values()} == set(RULES)


@pytest.mark.parametrize("name", MUTATIONS)
def test_each_rule_catches_its_mutation(name):
    rule, mutate, text = MUTATIONS[name]
    nb = clean_notebook()
    cell = mutate(nb)
    findings = lint_notebook(Path("mutado.ipynb"), nb)
    assert findings, f"{name}: the lint found nothing"
    assert {f.rule for f in findings} == {rule}, findings
    assert any(f.cell == cell and text in f.text and f.notebook == "mutado.ipynb"
               for f in findings), findings  # fmt: skip


def test_an_allow_list_entry_silences_only_its_place(monkeypatch):
    nb = clean_notebook()
    nb.cells[2].outputs.append(_stdout("¿iguales? True\n"))
    entry = course_lint.Allowed("x.ipynb", "english", "¿iguales? True", "a test of the list")
    monkeypatch.setattr(course_lint, "ALLOWED", (entry,))
    assert course_lint.lint(Path("x.ipynb"), nb) == []
    assert course_lint.lint(Path("y.ipynb"), nb) == [
        Finding("y.ipynb", 2, "english", "'True' in: ¿iguales? True")]


def test_findings_name_notebook_cell_rule_and_text():
    finding = Finding("01.ipynb", 7, "stderr", "WARNING")
    assert str(finding) == "01.ipynb, cell 7, stderr: WARNING"


# --------------------------------------------------------------------------------------
# overlapping text: checked where matplotlib knows the text's bounding boxes
# --------------------------------------------------------------------------------------

from test_viz_language import CASES  # noqa: E402
from test_viz_language import model as model  # noqa: E402  (fixtures)
from test_viz_language import spanish as spanish  # noqa: E402


def _texts(fig: matplotlib.figure.Figure) -> list[tuple[object, matplotlib.text.Text]]:
    """(owner, text): titles, axis labels and tick labels of visible axes, the suptitle.

    Tick labels of one axis share an owner (the axis) and are not compared with each other.
    """
    found = []
    if fig._suptitle is not None:
        found.append((fig._suptitle, fig._suptitle))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            found.append((title, title))
        if ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                found.append((axis.label, axis.label))
                found += [(axis, t) for t in axis.get_ticklabels()]
    return [(o, t) for o, t in found if t.get_visible() and t.get_text().strip()]


def overlaps(fig: matplotlib.figure.Figure) -> list[tuple[str, str]]:
    """Pairs of texts of ``fig`` whose drawn boxes overlap by more than one pixel."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(o, t.get_text(), t.get_window_extent(renderer).expanded(1, 1).shrunk(1, 1))
             for o, t in _texts(fig)]  # fmt: skip
    pairs = []
    for (o1, s1, b1), (o2, s2, b2) in itertools.combinations(boxes, 2):
        if o1 is not o2 and b1.overlaps(b2):
            inter_w = min(b1.x1, b2.x1) - max(b1.x0, b2.x0)
            inter_h = min(b1.y1, b2.y1) - max(b1.y0, b2.y0)
            if inter_w > 1 and inter_h > 1:
                pairs.append((s1, s2))
    return pairs


VIZ_PENDING: dict[str, str] = {}
"""Visualizers whose figures have no layout engine yet (strict xfail: red once fixed)."""


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=[pytest.mark.xfail(strict=True, reason=VIZ_PENDING[c])]
                 if c in VIZ_PENDING else [])
    for c in CASES
])  # fmt: skip
def test_viz_figures_use_a_layout_engine_and_their_texts_do_not_overlap(case, model, spanish):
    drawn = CASES[case](model)
    for fig in drawn if isinstance(drawn, list) else [drawn]:
        assert fig.get_layout_engine() is not None, f"{case}: no constrained/tight layout"
        assert not overlaps(fig), f"{case}: overlapping texts {overlaps(fig)}"


def test_the_overlap_check_sees_overlapping_titles():
    fig, axes = plt.subplots(2, 1, figsize=(3, 1.2))
    axes[0].set_xlabel("una etiqueta del eje x bastante larga")
    axes[1].set_title("un título que cae encima de la etiqueta")
    try:
        assert overlaps(fig)
        fig.set_layout_engine("constrained")
        fig.set_size_inches(3, 3)
        assert not overlaps(fig)
    finally:
        plt.close(fig)
