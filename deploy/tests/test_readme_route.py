"""The README's nbgrader route for notebook 04, run as the README gives it, offline, short mode.

The README's ``nbgrader_config.py`` and its commands are read from the README and run as they
are, in a temporary course (``nbgrader generate_assignment``, then ``nbgrader autograde`` on
two submissions in one call, then ``nbgrader export``). The release must equal
``cnnkit student``'s copy; the solved notebook gets full marks, the untouched student copy
zero for every exercise, and the autograde leaves out exactly the cells tagged
``skip-autograde``.

A step of ``.ci/run`` (``deploy/run_tests.sh``, after the class route), not of the README's
test command: it grades for real (about a minute of kernels). Root is not needed. The class-scale
cases, and notebooks 01 and 02 graded as a second assignment, are in ``test_class_route.py``;
the static checks of the graded notebooks are in ``tests/test_nbgrader.py``.
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

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "04_ejercicio_lenet5.ipynb"
README = (ROOT / "README.md").read_text()
ASSIGNMENT = "lenet5"
NOTEBOOK_ID = SOURCE.stem
POINTS = {"ej1": 3, "ej2": 2, "ej3": 2, "ej4": 2, "ej5": 1}


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


def _solved(release: nbformat.NotebookNode, source: nbformat.NotebookNode
            ) -> nbformat.NotebookNode:
    """The release with the instructor's code in the solution cells of every exercise."""
    solutions = {_grade_id(c): c.source for c in source.cells if _grade_id(c)}
    copy = nbformat.from_dict(release)
    for cell in copy.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id", "").split("_")[0] in POINTS:
            cell.source = solutions[meta["grade_id"]]
    return copy


def _submit(course_dir: Path, assignment: str, name: str,
            submissions: dict[str, nbformat.NotebookNode]) -> None:
    """Puts each student's notebook where nbgrader autograde looks for it."""
    for student, nb in submissions.items():
        folder = course_dir / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / name)


def _scores(course_dir: Path, assignment: str, notebook_id: str, points: dict[str, int],
            students) -> dict[str, tuple[float, dict[str, float]]]:
    """Each student's total and per-exercise scores, read from the gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in students:
            by_exercise = {
                exercise: gradebook.find_grade(
                    f"{exercise}_comprobacion", notebook_id, assignment, student
                ).score
                for exercise in points
            }
            total = gradebook.find_submission(assignment, student).score
            scores[student] = (total, by_exercise)
    return scores


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """Runs the README's route once; returns the paths, the scores and the timings."""
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
    submissions = {"resuelto": _solved(release, source), "sin_tocar": release}
    _submit(course_dir, ASSIGNMENT, SOURCE.name, submissions)
    start = time.perf_counter()
    _run(f"cd course\n{after}", root)  # one autograde call for the two submissions
    autograde_s = time.perf_counter() - start
    scores = _scores(course_dir, ASSIGNMENT, NOTEBOOK_ID, POINTS, submissions)
    print(
        f"\nREADME's nbgrader route: generate_assignment {generate_s:.0f} s, autograde "
        f"(2 submissions, one call) + export {autograde_s:.0f} s; scores {scores}"
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
