"""cnnkit.grading.parallel: the jobs its pool runs, with a stand-in for nbgrader (no kernel)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cnnkit.grading import parallel

# Stands in for `nbgrader`: fails for student "z", reports its arguments on stderr.
FAKE = [sys.executable, "-c",
        "import sys; print(*sys.argv[1:], file=sys.stderr); "
        "sys.exit(sys.argv[-1] == '--student=z')"]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    for assignment, student in [("a", "x"), ("a", "y"), ("b", "y")]:
        (tmp_path / "submitted" / student / assignment).mkdir(parents=True)
    return tmp_path


def test_one_pool_grades_every_submission_of_every_assignment_in_order(course):
    graded = parallel.autograde_assignments(["a", "b"], course_dir=course, nbgrader=FAKE)
    assert [(g.assignment, g.student, g.ok) for g in graded] == [
        ("a", "x", True), ("a", "y", True), ("b", "y", True)]
    assert [g.log.strip() for g in graded] == [
        "autograde a --student=x", "autograde a --student=y", "autograde b --student=y"]
    assert {g.slot for g in graded} <= {0, 1}


def test_named_students_only_where_they_submitted_and_a_missing_one_fails(course):
    graded = parallel.autograde_assignments(["a", "b"], ["y", "z"], course_dir=course,
                                            nbgrader=FAKE)
    assert [(g.assignment, g.student, g.ok) for g in graded] == [
        ("a", "y", True), ("a", "z", False), ("b", "y", True), ("b", "z", False)]


def test_one_assignment_keeps_its_dict_by_student(course):
    graded = parallel.autograde("a", course_dir=course, nbgrader=FAKE)
    assert list(graded) == ["x", "y"] and all(g.assignment == "a" for g in graded.values())


def test_assignments_must_be_a_list_and_workers_positive(course):
    with pytest.raises(TypeError, match="assignments"):
        parallel.autograde_assignments("a", course_dir=course, nbgrader=FAKE)
    with pytest.raises(ValueError, match="workers"):
        parallel.autograde_assignments(["a"], course_dir=course, workers=0, nbgrader=FAKE)


# Stands in for `python -m cnnkit.grading.worker`: answers each job with its pid; fails
# student "z"; dies (exit 7) on student "crash".
FAKE_WORKER = [sys.executable, "-c", """
import json, os, sys
for line in sys.stdin:
    job = json.loads(line)
    if job["argv"][-1] == "--student=crash":
        sys.exit(7)
    with open(job["log"], "a") as log:
        print(*job["argv"], os.getpid(), file=log)
    print(json.dumps({"returncode": int(job["argv"][-1] == "--student=z")}), flush=True)
"""]


def test_a_worker_per_slot_grades_its_students_one_after_another(course):
    graded = parallel.autograde_assignments(["a", "b"], ["x", "y", "z"], course_dir=course,
                                            workers=1, worker=FAKE_WORKER)
    assert [(g.assignment, g.student, g.ok) for g in graded] == [
        ("a", "x", True), ("a", "y", True), ("a", "z", False), ("b", "y", True),
        ("b", "z", False)]
    logs = [g.log.split() for g in graded]
    assert [log[:3] for log in logs] == [["autograde", g.assignment, f"--student={g.student}"]
                                         for g in graded]
    assert len({log[3] for log in logs}) == 1  # one process for all five


def test_a_worker_that_dies_fails_its_student_and_the_next_gets_a_new_one(course):
    graded = parallel.autograde("a", ["x", "crash", "y"], course_dir=course, workers=1,
                                worker=FAKE_WORKER)
    assert [(s, g.returncode) for s, g in graded.items()] == [("x", 0), ("crash", 7), ("y", 0)]
    assert graded["x"].log.split()[3] != graded["y"].log.split()[3]
