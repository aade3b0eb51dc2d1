"""Autograde a class with several nbgrader processes at once, one student per process.

nbgrader 0.9 grades the submissions of one ``nbgrader autograde`` call one after the other.
Each submission is independent (a fresh kernel, its own ``autograded/`` folder, its own rows
of the gradebook), so this module runs one ``nbgrader autograde ASSIGNMENT --student S``
per student, ``workers`` at a time, and hands the next student to whichever worker is free
(a looping submission holds one worker, not the class): each in a process of its own, or,
with ``worker=WORKER`` (the command line's choice), in one process per worker slot that
imports nbgrader once (:mod:`cnnkit.grading.worker`). :func:`autograde_assignments` grades
several assignments of one course with the same pool of workers. The processes share the course's
SQLite gradebook: nbgrader writes to it only at the start and the end of a submission, in
short transactions, and ``db_url`` should carry ``?timeout=60`` so that a writer waits for
the other instead of failing (``deploy/nbgrader_config.py`` sets it). A student whose process
fails is reported, never dropped silently.

Each worker has a slot number; with ``uids`` it sets ``CNNKIT_GRADER_UID`` so that the
sandboxed kernel (:mod:`cnnkit.grading.sandbox`) of each slot runs as a different uid.
TensorFlow's thread pools are sized to the cores left for each worker. With ``preload`` the
sandboxed kernels are forked from one process that has already imported TensorFlow
(:mod:`cnnkit.grading.preload`) instead of each importing it again.

Example:
    >>> plan_threads(workers=2, cores=2)
    1
    >>> plan_threads(workers=1, cores=16)
    16
    >>> submitted_students("no-such-course", "lenet5")
    []
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cnnkit.grading.preload import SOCKET_VARIABLE, running
from cnnkit.grading.worker import request

__all__ = ["WORKER", "Graded", "autograde", "autograde_assignments", "plan_threads",
           "submitted_students"]

WORKER = (sys.executable, "-m", "cnnkit.grading.worker")
"""The worker command of :func:`autograde`'s ``worker`` (nbgrader imported once per slot)."""


@dataclass(frozen=True)
class Graded:
    """One student's autograde run of one assignment: exit status, wall seconds, worker
    slot, log tail."""

    student: str
    returncode: int
    seconds: float
    slot: int
    log: str
    assignment: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def plan_threads(*, workers: int, cores: int | None = None) -> int:
    """Threads for each kernel's TensorFlow pools: the cores divided among the workers."""
    cores = cores or len(os.sched_getaffinity(0))
    return max(1, cores // workers)


def submitted_students(course_dir: str | os.PathLike[str], assignment: str) -> list[str]:
    """The students with a folder ``submitted/<student>/<assignment>``, sorted."""
    submitted = Path(course_dir) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())


def autograde(
    assignment: str,
    students: Sequence[str] | None = None,
    *,
    course_dir: str | os.PathLike[str] = ".",
    workers: int = 2,
    uids: Sequence[int] | None = None,
    extra_args: Sequence[str] = (),
    nbgrader: Sequence[str] = ("nbgrader",),
    preload: bool = False,
    worker: Sequence[str] | None = None,
) -> dict[str, Graded]:
    """Runs ``nbgrader autograde`` for each student, ``workers`` processes at a time.

    Args:
        assignment: the assignment's name (e.g. ``"lenet5"``).
        students: whom to grade; by default every folder in ``submitted/``.
        course_dir: the course directory (where ``nbgrader_config.py`` is).
        workers: processes at once (on 2 cores, 2).
        uids: one uid per worker slot for the sandboxed kernel (``CNNKIT_GRADER_UID``).
        extra_args: more arguments for ``nbgrader autograde`` (e.g. ``["--force"]``).
        nbgrader: the command that runs nbgrader.
        preload: fork the sandboxed kernels from one process that has imported TensorFlow
            (:mod:`cnnkit.grading.preload`; needs root and ``uids``).
        worker: instead of one ``nbgrader`` process per student, one process per slot that
            runs the slot's students one after another (:data:`WORKER`,
            :mod:`cnnkit.grading.worker`); ``nbgrader`` is then unused.

    Returns:
        One :class:`Graded` per student, in the order given.
    """
    students = list(students) if students is not None else submitted_students(
        course_dir, assignment
    )
    graded = _grade_all([(assignment, s) for s in students], course_dir=course_dir,
                        workers=workers, uids=uids, extra_args=extra_args, nbgrader=nbgrader,
                        preload=preload, worker=worker)
    return {g.student: g for g in graded}


def autograde_assignments(
    assignments: Sequence[str],
    students: Sequence[str] | None = None,
    *,
    course_dir: str | os.PathLike[str] = ".",
    workers: int = 2,
    uids: Sequence[int] | None = None,
    extra_args: Sequence[str] = (),
    nbgrader: Sequence[str] = ("nbgrader",),
    preload: bool = False,
    worker: Sequence[str] | None = None,
) -> list[Graded]:
    """:func:`autograde` for several assignments of one course, with one pool of workers.

    A worker that finishes one assignment's students takes the next assignment's at once,
    instead of waiting for the slowest submission of the first.

    Args:
        assignments: the assignments' names, graded in this order.
        students: whom to grade, in each assignment they submitted (a student with no
            submission at all is tried in every one, and reported as failed); by default
            every folder in ``submitted/``.
        course_dir, workers, uids, extra_args, nbgrader, preload, worker: as for
            :func:`autograde`.

    Returns:
        One :class:`Graded` per submission, assignment by assignment.
    """
    if isinstance(assignments, str):
        raise TypeError("`assignments` must be a list of names, e.g. ['lenet5'], got a str.")
    submitted = {a: submitted_students(course_dir, a) for a in assignments}
    if students is not None:  # a named student with no submission at all is still tried:
        missing = {s for s in students if not any(s in names for names in submitted.values())}
        submitted = {a: [s for s in students if s in names or s in missing]
                     for a, names in submitted.items()}  # nbgrader reports them as failed
    jobs = [(a, s) for a in assignments for s in submitted[a]]
    return _grade_all(jobs, course_dir=course_dir, workers=workers, uids=uids,
                      extra_args=extra_args, nbgrader=nbgrader, preload=preload,
                      worker=worker)


def _grade_all(
    jobs: list[tuple[str, str]],
    *,
    course_dir: str | os.PathLike[str],
    workers: int,
    uids: Sequence[int] | None,
    extra_args: Sequence[str],
    nbgrader: Sequence[str],
    preload: bool = False,
    worker: Sequence[str] | None = None,
) -> list[Graded]:
    """Runs ``nbgrader autograde ASSIGNMENT --student=S`` for each job, ``workers`` at once."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"`workers` must be a positive int, got {workers!r}.")
    if uids is not None and len(uids) < workers:
        raise ValueError(f"`uids` needs one uid per worker ({workers}), got {len(uids)}.")
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(workers):
        slots.put(slot)
    threads = str(plan_threads(workers=workers))
    base_env = dict(os.environ, TF_NUM_INTRAOP_THREADS=threads, TF_NUM_INTEROP_THREADS="1",
                    OMP_NUM_THREADS=threads)

    processes: dict[int, _Worker] = {}

    def grade(job: tuple[str, str]) -> Graded:
        assignment, student = job
        slot = slots.get()
        try:
            env = dict(base_env)
            if uids is not None:
                env["CNNKIT_GRADER_UID"] = str(uids[slot])
            argv = ["autograde", assignment, f"--student={student}", *extra_args]
            start = time.perf_counter()
            if worker is not None:
                if slot not in processes:
                    processes[slot] = _Worker(worker, course_dir, env)
                returncode, log = processes[slot].run(argv)
            else:
                run = subprocess.run(  # noqa: S603 (nbgrader with the caller's arguments)
                    [*nbgrader, *argv], cwd=course_dir, env=env, capture_output=True,
                    text=True, check=False,
                )
                returncode, log = run.returncode, run.stderr
            seconds = time.perf_counter() - start
            return Graded(student, returncode, seconds, slot, log[-20000:], assignment)
        finally:
            slots.put(slot)

    with contextlib.ExitStack() as stack:
        if preload:
            if uids is None:
                raise ValueError("`preload` forks sandboxed kernels: pass `uids` too.")
            base_env[SOCKET_VARIABLE] = stack.enter_context(running(dict(base_env)))
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return list(pool.map(grade, jobs))
        finally:
            for process in processes.values():
                process.close()


class _Worker:
    """One worker process of a slot (:mod:`cnnkit.grading.worker`); restarted if it dies."""

    def __init__(self, command: Sequence[str], cwd: str | os.PathLike[str],
                 env: dict[str, str]) -> None:
        self.command, self.cwd, self.env = list(command), cwd, env
        self.process: subprocess.Popen | None = None

    def run(self, argv: list[str]) -> tuple[int, str]:
        """Runs one nbgrader command; returns its exit status and its stderr."""
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(  # noqa: S603 (the caller's worker command)
                self.command, cwd=self.cwd, env=self.env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        with tempfile.NamedTemporaryFile("w+", suffix=".log", encoding="utf-8",
                                         errors="replace") as log:
            try:
                self.process.stdin.write(request(argv, log.name))
                self.process.stdin.flush()
                reply = self.process.stdout.readline()
            except OSError:
                reply = ""
            if reply:
                returncode = json.loads(reply)["returncode"]
            else:  # the worker died on this job: its exit status
                returncode = self.process.wait() or 1
            log.seek(0)
            return returncode, log.read()

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()
