"""One process that runs several nbgrader commands one after another: a worker of the pool.

Every ``nbgrader autograde --student=S`` process spends about 5 CPU-seconds importing
nbgrader, nbconvert and the course's configuration before it grades anything. A worker
(``python -m cnnkit.grading.worker``) imports them once and then runs the commands it reads
on its standard input, one JSON line each, ``{"argv": [...], "log": PATH}``, in process, the
way nbgrader's own test suite runs its commands (``NbGraderApp.instance()``, ``initialize``,
``start``, ``reset``); everything the command and its kernels write to stderr goes to
``PATH``, and the worker answers one JSON line ``{"returncode": N}`` on its standard output.
Each submission still gets a fresh kernel and its own nbgrader application; only the
imports are shared. :func:`cnnkit.grading.parallel.autograde` keeps one worker per slot.

Example:
    >>> job = request(["autograde", "lenet5", "--student=ana"], "/tmp/ana.log")
    >>> json.loads(job)["argv"][0]
    'autograde'
"""

from __future__ import annotations

import json
import os
import sys
import traceback

__all__ = ["main", "request", "run"]


def request(argv: list[str], log: str) -> str:
    """The JSON line that asks a worker to run ``nbgrader ARGV`` with its stderr in ``log``."""
    return json.dumps({"argv": list(argv), "log": str(log)}) + "\n"


def run(argv: list[str], log: str) -> int:
    """Runs ``nbgrader ARGV`` in this process, stderr (and its kernels') appended to ``log``.

    Returns:
        The exit status the ``nbgrader`` command would have had.
    """
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    saved_stderr, path = os.dup(2), list(sys.path)
    sys.stderr.flush()
    with open(log, "ab") as file:
        os.dup2(file.fileno(), 2)
    try:
        app = NbGraderApp.instance()
        try:
            app.initialize(argv)
            app.start()
            code = 0
        except NoStart:  # a subcommand ran (`nbgrader autograde`): the command line's success
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        except Exception:  # noqa: BLE001 (reported as the command's failure)
            traceback.print_exc()
            code = 1
        finally:
            app.reset()
    finally:
        sys.stderr.flush()
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        sys.path[:] = path  # nbgrader puts the course directory in front each time
    return code


def main() -> int:
    """Answers the jobs of standard input until it closes."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # what nbgrader or a kernel prints must not reach the replies
    os.close(devnull)
    for line in sys.stdin:
        job = json.loads(line)
        replies.write(json.dumps({"returncode": run(job["argv"], job["log"])}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
