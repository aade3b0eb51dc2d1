"""The class route of deploy/nbgrader_config.py, end to end, on a simulated class of notebook 04.

One module-scoped run (271-280 s alone on the 2 cores, queue jobs s8-grading-new30 and -new30b;
`deploy/run_tests.sh`, a step of `.ci/run`, not the README's test command):

1. ``generate_assignment`` from the solved notebook, and for the course's second assignment
   (notebooks 01 and 02, "fundamentos");
2. the exchange route for 8 students, each a different OS account (existing system accounts
   of the Debian base image stand in for students; nothing is added to the system):
   ``release_assignment``, then as each student ``fetch_assignment`` and ``submit``, then
   ``collect``;
3. the Moodle route for the others: a zip laid out as Moodle's "Download all submissions"
   (one folder per student, one notebook renamed by its student) and ``zip_collect`` with
   ``cnnkit.grading.moodle.MoodleCollector``;
4. ``python -m cnnkit.grading autograde --preload`` of both assignments (one pool of 2
   workers) with the sandboxed kernel: every submission runs as an unprivileged uid with no
   account, one per worker, in a kernel forked from one that imported TensorFlow once
   (``cnnkit.grading.preload``); the second assignment has two submissions put by hand in
   ``submitted/`` (solved: 10 points each notebook; untouched: 0 for every exercise);
5. ``generate_feedback``, ``release_feedback`` and, as a student, ``fetch_feedback``;
6. ``export``: the CSV's grade of every student equals the points expected for their
   submission, and so does every exercise's score in the gradebook.

The hostile submissions (a loop, 200,000 printed lines, an edited and a deleted check cell,
code that reads ``source/``, writes the gradebook and deletes ``submitted/``) are part of the
class: their grades are checked like the others', and so are their traces.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from simulated_class import (  # noqa: E402
    BASICS,
    BASICS_POINTS,
    POINTS,
    Submission,
    basics_class,
    reachable_interpreter,
    simulated_class,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "notebooks" / "04_ejercicio_lenet5.ipynb"
ASSIGNMENT = "lenet5"
NOTEBOOK = SOURCE.name
# Accounts of Debian's base-passwd that no service of a test machine uses; they play students.
ACCOUNTS = ("games", "man", "lp", "news", "backup", "proxy", "uucp", "list")
EXCHANGE_KINDS = ("resuelto", "sin_tocar", "solo_ej1", "errores_a", "solo_ej2",
                  "salida_enorme", "celda_editada", "espia")
# autograde takes the students in sorted order (Moodle's numbers, then the accounts): the loop
# ("bucle", 60 s per-cell timeout) is Moodle's first participant, 2001, graded right after the
# second assignment, so that the other worker grades most of the class meanwhile (a submission
# takes about 3-4 s); graded 21st of 28 it left a worker idle at the end (autograde 128 s; 120 s
# with the loop first, one run each).
FIRST_IN_THE_ZIP = "bucle"
# The second assignment (notebooks 01 and 02), handed in by hand: account -> submission kind.
BASICS_STUDENTS = {"games": "resuelto", "man": "sin_tocar"}
GRADER_UID_BASE = 61000  # sandboxed kernels: uid 61000 + worker slot, no account needed
WORKERS = 2

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the class route needs root: students are OS accounts and "
    "submissions run as another uid (.ci/run runs as root)")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, CNNKIT_QUICK="1", TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg",
               PYTHONPATH=str(ROOT), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    env.update(extra)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str], *, user: str | None = None,
         ok: bool = True) -> subprocess.CompletedProcess:
    ids = {}
    if user is not None:  # the student's uid, gid and no supplementary group of root's
        ids = dict(user=user, group=pwd.getpwnam(user).pw_gid, extra_groups=[], umask=0o022)
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                         timeout=900, **(ids or dict(umask=0o077)))
    report = f"{args} as {user or 'root'}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
    if ok:
        assert run.returncode == 0, report
    assert "Exception while loading config file" not in run.stderr, report
    return run


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded():
    """Runs the whole route once; returns what the tests look at."""
    missing = [a for a in ACCOUNTS if not _exists(a)]
    assert not missing, f"system accounts missing on this machine: {missing}"
    base = Path(tempfile.mkdtemp(prefix="cnnkit-class-"))
    times: dict[str, float] = {}
    with reachable_interpreter():
        yield from _route(base, times)


def _route(base: Path, times: dict[str, float]):
    from nbgrader.api import Gradebook

    try:
        base.chmod(0o711)
        course, exchange, homes = base / "course", base / "exchange", base / "homes"
        course.mkdir(mode=0o700)
        homes.mkdir(mode=0o711)
        jupyter = base / "jupyter"
        from cnnkit.grading.sandbox import install_kernelspec
        install_kernelspec(jupyter, user=str(GRADER_UID_BASE))
        env = _env(CNNKIT_EXCHANGE=str(exchange), JUPYTER_PATH=str(jupyter))
        shutil.copy(ROOT / "deploy" / "nbgrader_config.py", course)
        (course / "source" / ASSIGNMENT).mkdir(parents=True)
        shutil.copy(SOURCE, course / "source" / ASSIGNMENT)
        (course / "source" / BASICS).mkdir(parents=True)
        for stem in BASICS_POINTS:
            shutil.copy(ROOT / "notebooks" / f"{stem}.ipynb", course / "source" / BASICS)

        start = time.perf_counter()
        for assignment in (ASSIGNMENT, BASICS):  # one after the other: the first creates the
            _run(["nbgrader", "generate_assignment", assignment], course, env)  # gradebook
        times["generate_assignment (2 assignments)"] = time.perf_counter() - start
        release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
        source = nbformat.read(SOURCE, as_version=4)
        submissions = simulated_class(release, source, str(course))

        # --- the exchange route: each student is an OS account
        start = time.perf_counter()
        _run(["nbgrader", "release_assignment", ASSIGNMENT], course, env)
        by_kind = {s.student: s for s in submissions}
        expected: dict[str, Submission] = {}
        student_flags = [f"--Exchange.root={exchange}", "--course=cnn"]
        def hand_in(account: str, work: Submission) -> None:
            home = homes / account
            home.mkdir(mode=0o700)
            os.chown(home, pwd.getpwnam(account).pw_uid, pwd.getpwnam(account).pw_gid)
            student_env = _env(HOME=str(home), USER=account, CNNKIT_EXCHANGE=str(exchange))
            _run(["nbgrader", "fetch_assignment", ASSIGNMENT, *student_flags], home,
                 student_env, user=account)
            fetched = home / ASSIGNMENT / NOTEBOOK
            assert nbformat.read(fetched, as_version=4) == release, account
            nbformat.write(work.notebook, fetched)  # the student's work
            _run(["nbgrader", "submit", ASSIGNMENT, *student_flags], home, student_env,
                 user=account)

        works = {account: by_kind.pop(kind) for account, kind in
                 zip(ACCOUNTS, EXCHANGE_KINDS, strict=True)}
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # two students at a time
            list(pool.map(hand_in, works, works.values()))
        for account, work in works.items():
            expected[account] = _as(account, work)
        _run(["nbgrader", "collect", ASSIGNMENT], course, env)
        times["exchange route (8 students)"] = time.perf_counter() - start

        # --- the Moodle route: the other submissions in one zip, ids are participant numbers
        start = time.perf_counter()
        archive = course / "downloaded" / ASSIGNMENT / "archive"
        archive.mkdir(parents=True)
        with zipfile.ZipFile(archive / "cnn-lenet5-entregas.zip", "w") as zf:
            in_the_zip = sorted(by_kind.values(), key=lambda s: s.student != FIRST_IN_THE_ZIP)
            for number, sub in enumerate(in_the_zip, start=2001):
                participant = str(number)
                folder = f"Alumno {sub.student.replace('_', ' ').title()}_{participant}"
                zf.writestr(f"{folder}_assignsubmission_file/{sub.file_name}",
                            nbformat.writes(sub.notebook))
                expected[participant] = _as(participant, sub)
        _run(["nbgrader", "zip_collect", ASSIGNMENT], course, env)
        times[f"zip_collect ({len(by_kind)} students)"] = time.perf_counter() - start

        # --- the second assignment, put by hand into submitted/<student>/fundamentos/
        basics = basics_class(
            {stem: nbformat.read(course / "release" / BASICS / f"{stem}.ipynb", as_version=4)
             for stem in BASICS_POINTS},
            {stem: nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
             for stem in BASICS_POINTS})
        basics_expected = {}
        for account, kind in BASICS_STUDENTS.items():
            notebooks, points = basics[kind]
            folder = course / "submitted" / account / BASICS
            folder.mkdir(parents=True)
            for stem, nb in notebooks.items():
                nbformat.write(nb, folder / f"{stem}.ipynb")
            basics_expected[account] = (kind, points)
        submitted_before = _digest(course / "submitted")

        # --- autograde, several processes at once, kernels as unprivileged uids
        autograde_began = datetime.now(UTC)
        start = time.perf_counter()
        # the second assignment's two submissions (two notebooks each) first: the longest
        # jobs go to the pool first
        run = _run([sys.executable, "-m", "cnnkit.grading", "autograde", BASICS, ASSIGNMENT,
                    f"--workers={WORKERS}", f"--uid-base={GRADER_UID_BASE}", "--preload"],
                   course, env, ok=False)
        times[f"autograde ({len(basics_expected)} + {len(expected)} submissions, {WORKERS} "
              "workers)"] = time.perf_counter() - start
        autograde_log = run.stdout + run.stderr
        print("\n" + autograde_log)

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=1) as pool:  # export reads only the gradebook
            exported = pool.submit(_run, ["nbgrader", "export"], course, env)
            _run(["nbgrader", "generate_feedback", ASSIGNMENT], course, env)
            # the exchange's students (account names; Moodle's are numbers, fed back in Moodle)
            _run(["nbgrader", "release_feedback", ASSIGNMENT, "--student=[a-z]*"], course, env)
            first = ACCOUNTS[0]
            _run(["nbgrader", "fetch_feedback", ASSIGNMENT, *student_flags], homes / first,
                 _env(HOME=str(homes / first), USER=first), user=first)
            exported.result()
        times["feedback + export (at once)"] = time.perf_counter() - start

        with open(course / "grades.csv", newline="") as file:
            rows = list(csv.DictReader(file))
        csv_scores = {r["student_id"]: float(r["score"]) for r in rows
                      if r["assignment"] == ASSIGNMENT}
        basics_csv = {r["student_id"]: float(r["score"]) for r in rows
                      if r["assignment"] == BASICS}
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
            scores = {
                student: {e: gradebook.find_grade(f"{e}_comprobacion", SOURCE.stem, ASSIGNMENT,
                                                  student).score for e in POINTS}
                for student in expected
            }
            basics_scores = {
                student: {stem: {e: gradebook.find_grade(f"{e}_comprobacion", stem, BASICS,
                                                         student).score for e in points}
                          for stem, points in BASICS_POINTS.items()}
                for student in basics_expected
            }
        print("\nclass route timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
        print(_cell_seconds(course / "autograded" / ACCOUNTS[0] / ASSIGNMENT / NOTEBOOK,
                            autograde_began))
        yield {
            "course": course, "homes": homes, "expected": expected, "csv": csv_scores,
            "scores": scores, "log": autograde_log, "returncode": run.returncode,
            "basics_expected": basics_expected, "basics_csv": basics_csv,
            "basics_scores": basics_scores,
            "submitted_before": submitted_before, "times": times,
        }
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _cell_seconds(path: Path, since: datetime) -> str:
    """Where one submission's kernel time went (nbclient's timestamps in the notebook): the
    cells run by the autograde that began at ``since``; the cells it skips keep the timestamps
    of the instructor's stored run."""
    spans = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        stamps = cell.get("metadata", {}).get("execution", {})
        if "iopub.status.busy" in stamps and "iopub.status.idle" in stamps:
            start, end = (datetime.fromisoformat(stamps[k].replace("Z", "+00:00"))
                          for k in ("iopub.status.busy", "iopub.status.idle"))
            if start >= since:
                spans.append((start, end, index))
    if not spans:
        return f"{path.name}: no cell timestamps"
    total = (max(e for _, e, _ in spans) - min(s for s, _, _ in spans)).total_seconds()
    longest = sorted(spans, key=lambda s: s[0] - s[1])[:4]
    return (f"{path.parent.parent.name}'s cells: {len(spans)} ran, first to last {total:.1f} s, "
            "longest "
            + ", ".join(f"cell {i} {(e - s).total_seconds():.1f} s" for s, e, i in longest))


def _exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
    except KeyError:
        return False
    return True


def _as(student: str, sub: Submission) -> Submission:
    return Submission(student, sub.notebook, sub.points, file_name=sub.file_name,
                      notes=[sub.student, *sub.notes])


def _kind(graded: dict, kind: str) -> str:
    return next(s for s, sub in graded["expected"].items() if sub.notes[0] == kind)


def _autograded(graded: dict, kind: str) -> nbformat.NotebookNode:
    student = _kind(graded, kind)
    path = graded["course"] / "autograded" / student / ASSIGNMENT / NOTEBOOK
    return nbformat.read(path, as_version=4)


def _feedback(graded: dict, kind: str) -> str:
    student = _kind(graded, kind)
    path = graded["course"] / "feedback" / student / ASSIGNMENT / NOTEBOOK.replace(
        ".ipynb", ".html")
    return html.unescape(path.read_text())


def _outputs(nb: nbformat.NotebookNode, grade_id: str) -> str:
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    return "\n".join(o.get("text", "") + " ".join(o.get("traceback", [])) for o in cell.outputs)


def test_the_class_has_both_routes_and_every_kind_of_submission(graded):
    kinds = [sub.notes[0] for sub in graded["expected"].values()]
    assert len(kinds) == len(set(kinds)) == 28
    assert sum(s.isdigit() for s in graded["expected"]) == 20  # Moodle participant ids
    assert graded["returncode"] == 0, graded["log"]


def test_every_grade_in_the_csv_is_the_expected_total(graded):
    expected = {s: float(sub.total) for s, sub in graded["expected"].items()}
    assert graded["csv"] == expected


def test_every_exercise_scores_the_expected_points(graded):
    expected = {s: {e: float(p) for e, p in sub.points.items()}
                for s, sub in graded["expected"].items()}
    assert graded["scores"] == expected


def test_an_infinite_loop_is_interrupted_and_the_notebook_goes_on(graded):
    nb = _autograded(graded, "bucle")
    assert "CellTimeoutError" in _outputs(nb, "ej2_rellenar_a_32")
    assert "✔ preparar_problema" in _outputs(nb, "ej5_comprobacion")


def test_huge_output_is_truncated(graded):
    nb = _autograded(graded, "salida_enorme")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "")
                .startswith("ej1_construir"))
    text = "".join(o.get("text", "") for o in cell.outputs)
    assert text.count("\n") <= 210 and "x" * 50 in text
    assert (graded["course"] / "autograded").stat().st_size < 10_000_000


def test_the_spy_reads_no_solution_writes_no_gradebook_deletes_nothing(graded):
    text = _outputs(_autograded(graded, "espia"), "ej1_construir_lenet5")
    assert "ATAQUE LOGRADO" not in text
    for attempt in ("leer source/", "escribir gradebook.db", "borrar submitted/"):
        assert f"ATAQUE FALLIDO: {attempt} " in text, text
    assert _digest(graded["course"] / "submitted") == graded["submitted_before"]


def test_the_instructor_is_told_which_check_cells_were_edited_or_deleted(graded):
    """Only there: nbgrader's own checksum warning fires for every submission here."""
    log = graded["log"]
    reports = {s: [line.strip() for line in block.splitlines()[1:] if line.startswith("    ")]
               for (s, assignment), block in _blocks(log).items() if assignment == ASSIGNMENT}
    edited, deleted = _kind(graded, "celda_editada"), _kind(graded, "celda_borrada")
    assert reports[edited] == [f"{NOTEBOOK}, ej2_comprobacion: changed (nbgrader grades the "
                               "released version)"]
    assert reports[deleted][0] == f"{NOTEBOOK}, ej2_comprobacion: deleted (scores 0)"
    loop = _kind(graded, "bucle")
    assert any("Timeout waiting for execute reply (60s)" in line for line in reports[loop])
    quiet = set(reports) - {edited, deleted, loop}
    assert not [(s, reports[s]) for s in quiet if reports[s]]


def _blocks(log: str) -> dict[tuple[str, str], str]:
    """The autograde command's output, split by student and assignment."""
    blocks, current = {}, None
    for line in log.splitlines():
        if "\t" in line and not line.startswith(" "):
            current = tuple(line.split("\t")[:2])
            blocks[current] = line
        elif current and line.startswith("    "):
            blocks[current] += "\n" + line
    return blocks


def test_feedback_is_readable_html_with_the_spanish_messages(graded):
    solved = _feedback(graded, "resuelto")
    assert "✔ Imágenes rellenadas correctamente" in solved
    assert "conserva el tipo de las imágenes (uint8)" in _feedback(graded, "errores_c")
    wrong = _feedback(graded, "errores_a")
    assert "corrige las líneas marcadas con ✘" in wrong
    assert "la imagen debe quedar intacta en el centro" in wrong
    fetched = list((graded["homes"] / ACCOUNTS[0]).rglob("*.html"))
    assert len(fetched) == 1 and "✔" in html.unescape(fetched[0].read_text())


def test_both_assignments_were_graded_by_one_pool(graded):
    """Every submission of both assignments has its line in the one autograde call's output."""
    blocks = _blocks(graded["log"])
    assert {s for s, a in blocks if a == ASSIGNMENT} == set(graded["expected"])
    assert {s for s, a in blocks if a == BASICS} == set(BASICS_STUDENTS)
    assert all("\tok\t" in block.splitlines()[0] for block in blocks.values()), blocks


def test_notebooks_01_02_solved_full_marks_blank_zero(graded):
    """The second assignment: exercise by exercise in the gradebook, and the CSV's totals
    (every student of the course has a row; those who did not hand it in score 0)."""
    for student, (kind, points) in graded["basics_expected"].items():
        assert graded["basics_scores"][student] == {
            stem: {e: float(p) for e, p in by_exercise.items()}
            for stem, by_exercise in points.items()}, (student, kind)
    assert all(sum(points.values()) == 10 for points in BASICS_POINTS.values())
    solved, blank = (next(s for s, (k, _) in graded["basics_expected"].items() if k == kind)
                     for kind in ("resuelto", "sin_tocar"))
    assert graded["basics_scores"][blank] == {
        stem: dict.fromkeys(points, 0.0) for stem, points in BASICS_POINTS.items()}
    expected_csv = dict.fromkeys(graded["csv"], 0.0)
    expected_csv[solved] = 20.0
    assert graded["basics_csv"] == expected_csv


@pytest.mark.parametrize("stem", BASICS_POINTS)
def test_notebooks_01_02_autograde_without_errors_outside_the_exercises(graded, stem):
    """The solved copy, autograded: no cell fails (a skipped cell leaves no NameError behind)
    and every check prints its ✔ line."""
    solved = next(s for s, (k, _) in graded["basics_expected"].items() if k == "resuelto")
    path = graded["course"] / "autograded" / solved / BASICS / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id", ""), o.ename) for c in nb.cells
              if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    ticks = [c for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_comprobacion")
             and "✔" in "".join(o.get("text", "") for o in c.outputs)]
    assert len(ticks) == len(BASICS_POINTS[stem])
