"""The ``cnnkit`` command.

Usage::

    cnnkit student SOURCE... -o DIR     # student copies of exercise notebooks
    cnnkit workspace --course notebooks --dir trabajo   # the student's workspace

Also callable from Python: ``cnnkit.cli.main(["student", "nb.ipynb", "-o", "student"])``
returns the exit status instead of exiting.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cnnkit._validate import type_name

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnnkit", description="Tools of the cnnkit course for instructors."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    student = commands.add_parser(
        "student",
        help="make the student copies of exercise notebooks",
        description=(
            "Write the student copy of each SOURCE notebook into DIR (same file name): "
            "code between '### BEGIN SOLUTION' and '### END SOLUTION' becomes "
            "'# TU CÓDIGO AQUÍ' + 'raise NotImplementedError()', cells tagged 'solution' "
            "are removed and outputs are cleared."
        ),
    )
    student.add_argument("sources", nargs="+", metavar="SOURCE", help="instructor notebook")
    student.add_argument(
        "-o", "--output-dir", required=True, metavar="DIR", help="folder for the student copies"
    )
    workspace = commands.add_parser(
        "workspace",
        help="create or update the student's workspace (never overwrites their changes)",
        description=(
            "Copy the course notebooks into DIR: exercise notebooks as student copies (the "
            "solved ones in DIR/soluciones), the others as they are. A copy the student has "
            "changed is never overwritten: a new version of it is written beside it as "
            "'NAME (nuevo).ipynb'."
        ),
    )
    workspace.add_argument("--course", required=True, metavar="COURSE",
                           help="the folder of the course notebooks")
    workspace.add_argument("--dir", default="trabajo", metavar="DIR",
                           help="the student's folder (default: trabajo)")
    return parser


def _workspace(course: str, folder: str) -> int:
    from cnnkit.workspace import update_workspace

    try:
        report = update_workspace(course, folder)
    except (ValueError, FileNotFoundError) as error:
        print(f"cnnkit workspace: error: {error}", file=sys.stderr)
        return 2
    lines = report.lines()
    print(f"Tu carpeta de trabajo: {folder}" + ("" if lines else " (sin cambios)"))
    for line in lines:
        print(line)
    return 0


def _student(sources: Sequence[str], output_dir: str) -> int:
    from cnnkit.student import make_student_copies

    try:
        written = make_student_copies(sources, output_dir)
    except (ValueError, FileNotFoundError) as error:
        print(f"cnnkit student: error: {error}", file=sys.stderr)
        return 2
    for source, path in zip(sources, written, strict=True):
        print(f"{source} -> {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the ``cnnkit`` command line.

    Args:
        argv: the arguments without the program name; ``None`` reads ``sys.argv[1:]``.

    Returns:
        The exit status: 0 on success, 2 on a usage error or a notebook with wrong
        solution markers (the message goes to stderr).

    Raises:
        TypeError: ``argv`` is not a list of strings (a usage error inside Python).

    Example:
        >>> main(["student"])  # no notebook given: a usage error, explained on stderr
        2

        ``main(["student", "notebooks/04_ejercicio_lenet5.ipynb", "-o", "student"])``
        writes ``student/04_ejercicio_lenet5.ipynb`` and returns 0.
    """
    if argv is not None and (
        isinstance(argv, str | bytes)
        or not isinstance(argv, Sequence)
        or not all(isinstance(a, str) for a in argv)
    ):
        raise TypeError(
            f"`argv` must be a list of strings or None, got {type_name(argv)}: {argv!r}. "
            'Split the command line, e.g. ["student", "notebook.ipynb"].'
        )
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help and on usage errors
        return exit_.code if isinstance(exit_.code, int) else 2
    if args.command == "student":
        return _student(args.sources, args.output_dir)
    if args.command == "workspace":
        return _workspace(args.course, args.dir)
    parser.print_help(sys.stderr)
    return 2
