"""Notebooks 03, 05 and 06 graded by nbgrader for real, offline, short mode, in one course.

The README's ``nbgrader_config.py`` (read from the README, as ``test_readme_route.py`` does
for notebook 04) in a course whose assignment ``redes`` holds notebooks 03, 05 and 06:
``nbgrader generate_assignment``, then ``nbgrader autograde`` on two submissions in one call
(``CNNKIT_QUICK=1``; one nbgrader process, one kernel per notebook and submission), then
``nbgrader export``. Each notebook's release must equal ``cnnkit student``'s copy; the solved
submission (the release with the instructor's code in every solution cell,
``simulated_class.fill``) gets each exercise's points (03: 2, 2, 2; 05: 2, 2, 2; 06: 3, 2, 3,
2: 22 in all), the untouched release zero for every exercise: each exercise cell runs, its
checking cell fails on the stub.

A step of ``.ci/run`` (``deploy/run_tests.sh``, after the class route, in a process of its own
next to the README route's). The static checks of the notebooks' nbgrader metadata are in
``tests/test_nbgrader.py``.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import nbformat
import pytest

from cnnkit.student import student_notebook

sys.path.insert(0, str(Path(__file__).parent))
from simulated_class import fill  # noqa: E402
from test_readme_route import _grade_id, _readme_block, _run  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "redes"
POINTS = {  # tests/test_nbgrader.py GRADED
    "03_cnn_fashion_mnist": {"ej1": 2, "ej2": 2, "ej4": 2},
    "05_transfer_learning": {"ej1": 2, "ej2": 2, "ej3": 2},
    "06_arquitecturas_profundas": {"ej1": 3, "ej2": 2, "ej3": 3, "ej4": 2},
}
STUDENTS = ("resuelto", "sin_tocar")
notebooks = pytest.mark.parametrize("stem", POINTS, ids=[stem[:2] for stem in POINTS])


def _scores(course_dir: Path) -> dict[str, tuple[float, dict[str, dict[str, float]]]]:
    """Each student's total and per-notebook, per-exercise scores, read from the gradebook."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            by_notebook = {
                stem: {exercise: gradebook.find_grade(f"{exercise}_comprobacion", stem,
                                                      ASSIGNMENT, student).score
                       for exercise in points}
                for stem, points in POINTS.items()
            }
            total = gradebook.find_submission(ASSIGNMENT, student).score
            scores[student] = (total, by_notebook)
    return scores


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """Generates, autogrades and exports once; returns the paths, the scores and the releases."""
    course_dir = tmp_path_factory.mktemp("nbgrader030506")
    (course_dir / "nbgrader_config.py").write_text(
        _readme_block("python", "# nbgrader_config.py")
    )
    (course_dir / "source" / ASSIGNMENT).mkdir(parents=True)
    for stem in POINTS:
        name = f"{stem}.ipynb"
        (course_dir / "source" / ASSIGNMENT / name).write_bytes(
            (ROOT / "notebooks" / name).read_bytes())
    start = time.perf_counter()
    _run(f"nbgrader generate_assignment {ASSIGNMENT}", course_dir)
    generate_s = time.perf_counter() - start
    releases, sources = {}, {}
    for stem, points in POINTS.items():
        releases[stem] = nbformat.read(course_dir / "release" / ASSIGNMENT / f"{stem}.ipynb",
                                       as_version=4)
        sources[stem] = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        submissions = {"resuelto": fill(releases[stem], sources[stem], solved=tuple(points)),
                       "sin_tocar": releases[stem]}
        for student, nb in submissions.items():
            folder = course_dir / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{stem}.ipynb")
    start = time.perf_counter()
    # one autograde call for the two submissions of the three notebooks
    _run(f"CNNKIT_QUICK=1 nbgrader autograde {ASSIGNMENT}\nnbgrader export", course_dir)
    autograde_s = time.perf_counter() - start
    scores = _scores(course_dir)
    print(
        f"\nnotebooks 03, 05 and 06 graded by nbgrader: generate_assignment {generate_s:.0f} s, "
        f"autograde (2 submissions of 3 notebooks, one call) + export {autograde_s:.0f} s; "
        f"scores {scores}"
    )
    return {"dir": course_dir, "releases": releases, "sources": sources, "scores": scores}


def _autograded(course: dict, student: str, stem: str) -> nbformat.NotebookNode:
    path = course["dir"] / "autograded" / student / ASSIGNMENT / f"{stem}.ipynb"
    return nbformat.read(path, as_version=4)


@notebooks
def test_release_is_the_cnnkit_student_copy(course, stem):
    """Same cells, same stubs, no solution line, no output: only nbgrader's metadata differs."""
    ours = student_notebook(course["sources"][stem])
    theirs = course["releases"][stem]
    assert [c.cell_type for c in theirs.cells] == [c.cell_type for c in ours.cells]
    assert [c.source for c in theirs.cells] == [c.source for c in ours.cells]
    stubs = [c for c in theirs.cells if c.cell_type == "code" and "# TU CÓDIGO AQUÍ" in c.source]
    assert len(stubs) == len(POINTS[stem])
    assert not any("BEGIN SOLUTION" in c.source or "END SOLUTION" in c.source for c in theirs.cells)
    assert all(not c.get("outputs") for c in theirs.cells if c.cell_type == "code")


@notebooks
def test_solved_notebook_gets_full_marks(course, stem):
    """Every code cell of the solved submission ran without error; each exercise's points."""
    _, by_notebook = course["scores"]["resuelto"]
    failed = [_grade_id(c) for c in _autograded(course, "resuelto", stem).cells
              if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert failed == []
    assert by_notebook[stem] == POINTS[stem]


def test_solved_submission_gets_every_point_of_the_assignment(course):
    total, _ = course["scores"]["resuelto"]
    assert total == sum(sum(points.values()) for points in POINTS.values()) == 22


@notebooks
def test_untouched_student_copy_gets_zero_for_every_exercise(course, stem):
    """Each exercise cell runs (it only defines the student's function), and its checking
    cell fails on the stub: ``NotImplementedError``, or a checker's ``AssertionError``."""
    total, by_notebook = course["scores"]["sin_tocar"]
    assert by_notebook[stem] == dict.fromkeys(POINTS[stem], 0)
    assert total == 0
    errors = {_grade_id(c): [o.ename for o in c.outputs if o.output_type == "error"]
              for c in _autograded(course, "sin_tocar", stem).cells if c.cell_type == "code"}
    for exercise in POINTS[stem]:
        check = f"{exercise}_comprobacion"
        stub = [g for g in errors if g.startswith(f"{exercise}_") and g != check]
        assert len(stub) == 1 and errors[stub[0]] == [], (exercise, stub, errors)
        assert errors[check] in (["NotImplementedError"], ["AssertionError"]), errors[check]


def test_export_writes_the_same_scores(course):
    with open(course["dir"] / "grades.csv", newline="") as file:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert rows == {student: total for student, (total, _) in course["scores"].items()}
