"""Notebook 06 graded by nbgrader for real, offline, short mode, in a temporary course.

The README's ``nbgrader_config.py`` (read from the README, as ``test_readme_route.py`` does
for notebook 04) in a course whose assignment ``arquitecturas`` holds notebook 06:
``nbgrader generate_assignment``, then ``nbgrader autograde`` on two submissions in one call
(``CNNKIT_QUICK=1``), then ``nbgrader export``. The release must equal ``cnnkit student``'s
copy; the solved submission (the release with the instructor's code in every solution cell,
``simulated_class.fill``) gets each exercise's points (3, 2, 3, 2: 10), the untouched release
zero for every exercise: each exercise cell runs, its checking cell fails on the stub.

A step of ``.ci/run`` (``deploy/run_tests.sh``, after the class route, in a process of its own
next to the README route's): it runs 06's kernels twice. The static checks of 06's nbgrader
metadata are in ``tests/test_nbgrader.py``.
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
from test_readme_route import _grade_id, _readme_block, _run, _scores, _submit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "06_arquitecturas_profundas.ipynb"
ASSIGNMENT = "arquitecturas"
NOTEBOOK_ID = SOURCE.stem
POINTS = {"ej1": 3, "ej2": 2, "ej3": 3, "ej4": 2}  # tests/test_nbgrader.py GRADED


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> dict:
    """Generates, autogrades and exports once; returns the paths, the scores and the release."""
    course_dir = tmp_path_factory.mktemp("nbgrader06")
    (course_dir / "nbgrader_config.py").write_text(
        _readme_block("python", "# nbgrader_config.py")
    )
    (course_dir / "source" / ASSIGNMENT).mkdir(parents=True)
    (course_dir / "source" / ASSIGNMENT / SOURCE.name).write_bytes(SOURCE.read_bytes())
    start = time.perf_counter()
    _run(f"nbgrader generate_assignment {ASSIGNMENT}", course_dir)
    generate_s = time.perf_counter() - start
    release = nbformat.read(course_dir / "release" / ASSIGNMENT / SOURCE.name, as_version=4)
    source = nbformat.read(SOURCE, as_version=4)
    submissions = {"resuelto": fill(release, source, solved=tuple(POINTS)), "sin_tocar": release}
    _submit(course_dir, ASSIGNMENT, SOURCE.name, submissions)
    start = time.perf_counter()
    # one autograde call for the two submissions
    _run(f"CNNKIT_QUICK=1 nbgrader autograde {ASSIGNMENT}\nnbgrader export", course_dir)
    autograde_s = time.perf_counter() - start
    scores = _scores(course_dir, ASSIGNMENT, NOTEBOOK_ID, POINTS, submissions)
    print(
        f"\nnotebook 06 graded by nbgrader: generate_assignment {generate_s:.0f} s, autograde "
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


def test_solved_notebook_gets_full_marks(course):
    """Every code cell of the solved submission ran without error; each exercise's points."""
    total, by_exercise = course["scores"]["resuelto"]
    path = course["dir"] / "autograded" / "resuelto" / ASSIGNMENT / SOURCE.name
    failed = [_grade_id(c) for c in nbformat.read(path, as_version=4).cells
              if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert failed == []
    assert by_exercise == POINTS
    assert total == sum(POINTS.values()) == 10


def test_untouched_student_copy_gets_zero_for_every_exercise(course):
    """Each exercise cell runs (it only defines the student's function), and its checking
    cell fails on the stub: ``NotImplementedError``, or a checker's ``AssertionError``."""
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


def test_export_writes_the_same_scores(course):
    with open(course["dir"] / "grades.csv", newline="") as file:
        rows = {row["student_id"]: float(row["score"]) for row in csv.DictReader(file)}
    assert rows == {student: total for student, (total, _) in course["scores"].items()}
