"""A Jupyter kernel that runs a submission as an unprivileged user, for nbgrader's autograde.

``nbgrader autograde`` runs every student's code in a kernel started by the instructor's
process: as the instructor, that code can read the solved notebooks in ``source/``, rewrite
``gradebook.db`` or delete other students' work. This module is a kernel launcher that
starts as root, copies the kernel's connection file into a fresh private directory owned by
an unprivileged uid, and starts ``ipykernel`` there as that uid, with that directory as its
working directory, ``HOME`` and ``TMPDIR``, no supplementary groups and umask 077. The
directory is removed when the kernel exits.

Install the kernelspec once (``python -m cnnkit.grading install-kernel``) and point
nbgrader at it with ``c.Execute.kernel_name = "cnnkit-grader"``. Keep ``source/``,
``submitted/``, ``autograded/`` and ``gradebook.db`` readable by the instructor only (run
nbgrader with ``umask 077``). The uid is the ``--user`` of the kernelspec (a name or a
number; a number needs no account), or ``CNNKIT_GRADER_UID`` in the environment, which
``cnnkit.grading.autograde`` sets to a different uid for each parallel worker so that two
submissions graded at the same time cannot reach each other's kernel. When
``CNNKIT_GRADER_PRELOAD`` names a :mod:`cnnkit.grading.preload` server, the kernel is forked
from it (same uid, directory, umask and environment) instead of started from scratch.

Example:
    >>> spec = kernelspec(user="nobody", python="/usr/bin/python3")
    >>> spec["argv"][:4]
    ['/usr/bin/python3', '-m', 'cnnkit.grading.sandbox', '--user']
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from cnnkit.grading import preload

__all__ = ["KERNEL_NAME", "install_kernelspec", "kernelspec", "main"]

KERNEL_NAME = "cnnkit-grader"
UID_VARIABLE = "CNNKIT_GRADER_UID"


def kernelspec(*, user: str | int = "nobody", python: str = sys.executable) -> dict:
    """The kernel.json of the sandboxed kernel.

    Args:
        user: the account (name or uid) the submissions run as.
        python: the interpreter of the course environment.

    Returns:
        The kernelspec as a dict (``argv``, ``display_name``, ``language``).
    """
    return {
        "argv": [python, "-m", "cnnkit.grading.sandbox", "--user", str(user),
                 "{connection_file}"],
        "display_name": "Python 3 (cnnkit, corrección sin privilegios)",
        "language": "python",
        "metadata": {"debugger": False},
    }


def install_kernelspec(
    data_dir: str | os.PathLike[str], *, user: str | int = "nobody", python: str = sys.executable
) -> Path:
    """Writes ``kernels/cnnkit-grader/kernel.json`` under a Jupyter data directory.

    Args:
        data_dir: a directory on Jupyter's data path, e.g. ``sys.prefix + "/share/jupyter"``
            or one listed in ``JUPYTER_PATH``.
        user: the account (name or uid) the submissions run as.
        python: the interpreter of the course environment.

    Returns:
        The kernelspec's directory.
    """
    folder = Path(data_dir) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = kernelspec(user=user, python=python)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n")
    return folder


def _ids(user: str) -> tuple[int, int]:
    """(uid, gid) of an account name or a number (a number needs no account)."""
    override = os.environ.get(UID_VARIABLE, "")
    if override:
        user = override
    if user.isdigit():
        try:
            return int(user), pwd.getpwuid(int(user)).pw_gid
        except KeyError:
            return int(user), int(user)
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        raise SystemExit(f"cnnkit.grading.sandbox: no account {user!r}; pass a uid") from None
    return entry.pw_uid, entry.pw_gid


def main(argv: list[str] | None = None) -> int:
    """Starts ipykernel as the unprivileged user; returns the kernel's exit status."""
    parser = argparse.ArgumentParser(prog="python -m cnnkit.grading.sandbox")
    parser.add_argument("--user", default="nobody", help="account name or uid")
    parser.add_argument("connection_file")
    args = parser.parse_args(argv)
    uid, gid = _ids(args.user)
    if os.geteuid() != 0:
        raise SystemExit("cnnkit.grading.sandbox must start as root to change to uid "
                         f"{uid}; run nbgrader autograde as root or use the python3 kernel")
    if uid == 0:
        raise SystemExit("cnnkit.grading.sandbox: refusing to run submissions as root")
    home = Path(tempfile.mkdtemp(prefix="cnnkit-grader-"))
    try:
        connection = home / "kernel.json"
        shutil.copyfile(args.connection_file, connection)
        for path in (home, connection):
            os.chown(path, uid, gid)
        env = dict(os.environ, HOME=str(home), TMPDIR=str(home), USER="cnnkit-grader",
                   LOGNAME="cnnkit-grader", MPLCONFIGDIR=str(home / ".matplotlib"))
        env.pop(UID_VARIABLE, None)
        server = env.pop(preload.SOCKET_VARIABLE, "")
        if server:  # a kernel forked from the preload server, if it answers
            try:
                return preload.fork_kernel(server, uid=uid, gid=gid, connection=str(connection),
                                           home=str(home), env=env)
            except (OSError, ValueError) as error:
                print(f"cnnkit.grading.sandbox: preload server not used ({error}); starting "
                      "the kernel", file=sys.stderr)
        kernel = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)],
            cwd=home, env=env, user=uid, group=gid, extra_groups=[], umask=0o077,
        )
        # interrupts reach the kernel through the process group; termination is forwarded
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: kernel.terminate())
        return kernel.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
