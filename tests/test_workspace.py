"""The student's workspace (cnnkit workspace / scripts/course.sh): updates never overwrite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from cnnkit.cli import main
from cnnkit.workspace import RECORD, update_workspace

ROOT = Path(__file__).resolve().parents[1]


def _exercise(answer: str = "2 * x") -> nbformat.NotebookNode:
    solved = new_code_cell(f"def f(x):\n    ### BEGIN SOLUTION\n    return {answer}\n"
                           "    ### END SOLUTION")
    notes = new_markdown_cell("Solución: multiplicar por dos.", metadata={"tags": ["solution"]})
    return new_notebook(cells=[new_markdown_cell("# Ejercicio"), solved, notes])


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), folder / "01_lectura.ipynb")
    nbformat.write(_exercise(), folder / "04_ejercicio.ipynb")
    return folder


def _edit(path: Path, source: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(source))
    nbformat.write(nb, path)


def test_first_run_copies_lectures_and_makes_student_copies(course, tmp_path):
    work = tmp_path / "trabajo"
    report = update_workspace(course, work)
    assert sorted(report.added) == ["01_lectura.ipynb", "04_ejercicio.ipynb",
                                    "soluciones/04_ejercicio.ipynb"]
    assert (work / "01_lectura.ipynb").read_bytes() == (course / "01_lectura.ipynb").read_bytes()
    student = (work / "04_ejercicio.ipynb").read_text()
    assert "raise NotImplementedError()" in student and "2 * x" not in student
    assert "Solución: multiplicar" not in student  # the cell tagged solution is removed
    solved = work / "soluciones" / "04_ejercicio.ipynb"
    assert solved.read_bytes() == (course / "04_ejercicio.ipynb").read_bytes()


def test_an_edit_survives_a_course_update_and_the_new_version_is_offered(course, tmp_path):
    work = tmp_path / "trabajo"
    update_workspace(course, work)
    _edit(work / "04_ejercicio.ipynb", "mi_respuesta = 42")  # the student works
    mine = (work / "04_ejercicio.ipynb").read_bytes()
    nbformat.write(_exercise("x + x"), course / "04_ejercicio.ipynb")  # git pull: a new version
    nbformat.write(new_notebook(cells=[new_code_cell("y = 2")]), course / "05_nuevo.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("x = 10")]), course / "01_lectura.ipynb")

    report = update_workspace(course, work)
    assert (work / "04_ejercicio.ipynb").read_bytes() == mine  # the edit is intact
    offered = work / "04_ejercicio (nuevo).ipynb"
    assert report.offered == ["04_ejercicio (nuevo).ipynb"]
    assert "raise NotImplementedError()" in offered.read_text()
    assert "05_nuevo.ipynb" in report.added  # a new course notebook is added
    assert "01_lectura.ipynb" in report.updated  # untouched by the student: updated
    assert "x = 10" in (work / "01_lectura.ipynb").read_text()
    assert "x + x" in (work / "soluciones" / "04_ejercicio.ipynb").read_text()

    again = update_workspace(course, work)  # a rerun changes nothing
    assert again.added == again.updated == again.offered == []
    assert (work / "04_ejercicio.ipynb").read_bytes() == mine


def test_an_edited_offer_is_kept_too(course, tmp_path):
    work = tmp_path / "trabajo"
    update_workspace(course, work)
    _edit(work / "04_ejercicio.ipynb", "a = 1")
    nbformat.write(_exercise("x + x"), course / "04_ejercicio.ipynb")
    update_workspace(course, work)
    _edit(work / "04_ejercicio (nuevo).ipynb", "b = 2")
    offer = (work / "04_ejercicio (nuevo).ipynb").read_bytes()
    nbformat.write(_exercise("3 * x - x"), course / "04_ejercicio.ipynb")
    report = update_workspace(course, work)
    assert (work / "04_ejercicio (nuevo).ipynb").read_bytes() == offer
    assert report.offered == ["04_ejercicio (nuevo 2).ipynb"]


def test_a_deleted_copy_comes_back_and_the_record_is_json(course, tmp_path):
    work = tmp_path / "trabajo"
    update_workspace(course, work)
    (work / "01_lectura.ipynb").unlink()
    assert update_workspace(course, work).updated == ["01_lectura.ipynb"]
    assert set(json.loads((work / RECORD).read_text())) >= {"01_lectura.ipynb"}


def test_workspace_refuses_the_course_folder_and_bad_markers(course, tmp_path):
    with pytest.raises(ValueError, match="course folder itself"):
        update_workspace(course, course)
    with pytest.raises(FileNotFoundError, match="not a folder with notebooks"):
        update_workspace(tmp_path / "nada", tmp_path / "trabajo")
    broken = _exercise()
    broken.cells[1].source = "### BEGIN SOLUTION\nx = 1"  # never closed
    nbformat.write(broken, course / "09_roto.ipynb")
    with pytest.raises(ValueError, match="09_roto"):
        update_workspace(course, tmp_path / "trabajo")
    assert not (tmp_path / "trabajo").exists()  # nothing written


def test_cli_workspace_reports_in_spanish(course, tmp_path, capsys):
    assert main(["workspace", "--course", str(course), "--dir", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert "04_ejercicio.ipynb: añadido" in out
    assert main(["workspace", "--course", str(tmp_path / "no"), "--dir", "t"]) == 2
    assert "cnnkit workspace: error" in capsys.readouterr().err


def test_the_course_notebooks_make_a_workspace(tmp_path):
    course = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", course, ignore=shutil.ignore_patterns("*.cfg", "*.md"))
    report = update_workspace(course, tmp_path / "trabajo")
    assert "soluciones/04_ejercicio_lenet5.ipynb" in report.added
    student = (tmp_path / "trabajo" / "04_ejercicio_lenet5.ipynb").read_text()
    assert "raise NotImplementedError()" in student


def test_course_command_opens_the_workspace_and_git_ignores_it():
    script = (ROOT / "scripts" / "course.sh").read_text()
    assert "cnnkit workspace" in script or "cnnkit.cli workspace" in script
    assert '--notebook-dir="$ROOT/trabajo"' in script
    assert "/trabajo/" in (ROOT / ".gitignore").read_text().splitlines()
