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
