"""Student copies of the exercise notebooks, made from the instructors' solved version.

One source, two versions: instructors keep and validate the solved notebook; students get a
copy made by this module (or by the command ``cnnkit student SOURCE... -o DIR``):

- In code cells, every region between a line ``### BEGIN SOLUTION`` and a line
  ``### END SOLUTION`` (markers included) becomes two lines, indented like the
  ``BEGIN`` line::

      # TU CÓDIGO AQUÍ
      raise NotImplementedError()

- In code cells, every region between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` (markers included) is removed, as nbgrader removes it: the
  grader's extra checks stay in the instructor's copy.
- Cells tagged ``solution`` (cell metadata ``"tags": ["solution"]``, code or markdown)
  are removed entirely: use it for a "Soluciones" section.
- Outputs and execution counts of all cells are cleared; everything else is kept.

Markers must stand alone on their line, only in code cells (markdown may mention them
inline, as this docstring does), and pair up: a nested
``BEGIN``, a ``BEGIN`` without ``END`` or an ``END`` without ``BEGIN`` raises a
``ValueError`` naming the notebook, the cell and the line, and nothing is written.
The convention follows nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import nbformat

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "SOLUTION_TAG",
    "STUB_LINES",
    "make_student_copies",
    "make_student_notebook",
    "student_notebook",
]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
END_SOLUTION = "### END SOLUTION"
SOLUTION_TAG = "solution"
STUB_LINES = ("# TU CÓDIGO AQUÍ", "raise NotImplementedError()")

PathLike = str | os.PathLike[str]


def _where(name: str, index: int, source: str) -> str:
    """'notebook.ipynb, cell 7 ("def f(x):")' to locate a cell in an error message."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    if len(first) > 40:
        first = first[:37] + "..."
    return f"{name}, cell {index} ({first!r})"


def _marker(line: str) -> str | None:
    """BEGIN_SOLUTION or END_SOLUTION if ``line`` is a marker line, else None."""
    stripped = line.strip()
    if stripped in (BEGIN_SOLUTION, END_SOLUTION):
        return stripped
    return None


def _check_marker_alone(line: str, number: int, where: str) -> None:
    for mark in (BEGIN_SOLUTION, END_SOLUTION):
        if mark in line and line.strip() != mark:
            raise ValueError(
                f"{where}, line {number}: {mark!r} must stand alone on its line, got "
                f"{line.strip()!r}. Put the marker on a line of its own."
            )


def _strip_code(source: str, where: str) -> tuple[str, int]:
    """Replace the solution regions of one code cell; return the new source and the count."""
    out: list[str] = []
    begin_line = 0
    regions = 0
    for number, line in enumerate(source.splitlines(), start=1):
        _check_marker_alone(line, number, where)
        mark = _marker(line)
        if mark == BEGIN_SOLUTION:
            if begin_line:
                raise ValueError(
                    f"{where}, line {number}: nested {BEGIN_SOLUTION!r} (the region opened "
                    f"at line {begin_line} is not closed). Close it with {END_SOLUTION!r} first."
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUB_LINES)
        elif mark == END_SOLUTION:
            if not begin_line:
                raise ValueError(
                    f"{where}, line {number}: {END_SOLUTION!r} without a "
                    f"{BEGIN_SOLUTION!r} before it. Remove it or add the BEGIN marker."
                )
            begin_line = 0
            regions += 1
        elif not begin_line:
            out.append(line)
    if begin_line:
        raise ValueError(
            f"{where}, line {begin_line}: {BEGIN_SOLUTION!r} is never closed. Add a line "
            f"{END_SOLUTION!r} at the end of the solution."
        )
    return "\n".join(out), regions


def _strip_hidden_tests(source: str) -> str:
    """Remove nbgrader's hidden-test regions, line by line as nbgrader's ClearHiddenTests."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if HIDDEN_TESTS[0] in line:
            hidden = True
        elif HIDDEN_TESTS[1] in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def _has_tag(cell: nbformat.NotebookNode, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def student_notebook(
    notebook: nbformat.NotebookNode, *, name: str = "<notebook>"
) -> nbformat.NotebookNode:
    """Returns the student version of a notebook held in memory.

    Args:
        notebook: a notebook as read by ``nbformat.read(..., as_version=4)``; it is not
            modified.
        name: how error messages name the notebook (usually its path).

    Returns:
        A new notebook: solution regions replaced by ``# TU CÓDIGO AQUÍ`` and
        ``raise NotImplementedError()``, cells tagged ``solution`` removed, outputs
        and execution counts cleared.

    Raises:
        ValueError: on a nested, unclosed or unopened marker, a marker sharing its line
            with code, or a marker outside a code cell; the message names the cell.

    Example:

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> nb = new_notebook(cells=[new_code_cell(
    ...     "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION")])
    >>> print(student_notebook(nb).cells[0].source)
    def f(x):
        # TU CÓDIGO AQUÍ
        raise NotImplementedError()
    """
    if not isinstance(notebook, dict):
        raise TypeError(
            "`notebook` must be a notebook read with nbformat.read(path, as_version=4), got "
            f"{type(notebook).__name__}: {notebook!r}."
        )
    result = nbformat.from_dict(notebook)
    cells = []
    for index, cell in enumerate(result.cells):
        if _has_tag(cell, SOLUTION_TAG):
            continue
        where = _where(name, index, cell.source)
        if cell.cell_type == "code":
            cell.source, _ = _strip_code(_strip_hidden_tests(cell.source), where)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        elif any(_marker(line) for line in cell.source.splitlines()):
            raise ValueError(
                f"{where}: solution markers are only allowed in code cells, found one in a "
                f"{cell.cell_type} cell. Tag the cell {SOLUTION_TAG!r} to remove it from the "
                "student copy instead."
            )
        cells.append(cell)
    result.cells = cells
    return result


def _read(source: PathLike) -> nbformat.NotebookNode:
    path = Path(source)
    if path.suffix != ".ipynb":
        raise ValueError(f"`source` must be a Jupyter notebook (.ipynb), got {str(path)!r}.")
    if not path.is_file():
        raise FileNotFoundError(f"`source` notebook {str(path)!r} does not exist.")
    return nbformat.read(path, as_version=4)


def _check_not_same(source: PathLike, dest: PathLike) -> None:
    if Path(dest).resolve() == Path(source).resolve():
        raise ValueError(
            f"dest {str(dest)!r} is the source notebook itself: the student copy would "
            "overwrite the solutions. Write it to another folder."
        )


def make_student_notebook(source: PathLike, dest: PathLike) -> Path:
    """Writes the student copy of one notebook.

    Args:
        source: the instructor's notebook (``.ipynb``) with solution markers.
        dest: where to write the student copy (parent folders are created). It must
            not be ``source``.

    Returns:
        The path of the student copy.

    Raises:
        FileNotFoundError: if ``source`` does not exist.
        ValueError: if ``source`` is not an ``.ipynb`` file, ``dest`` is ``source``, or
            the markers are wrong (see :func:`student_notebook`); nothing is written.

    Example:

    ```python
    make_student_notebook("notebooks/04_ejercicio_lenet5.ipynb",
                          "student/04_ejercicio_lenet5.ipynb")
    ```
    """
    _check_not_same(source, dest)
    copy = student_notebook(_read(source), name=str(source))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(copy, dest)
    return dest


def make_student_copies(sources: Iterable[PathLike], out_dir: PathLike) -> list[Path]:
    """Writes the student copies of several notebooks into one folder, same file names.

    All notebooks are converted before any file is written, so one bad marker leaves
    ``out_dir`` untouched.

    Args:
        sources: the instructors' notebooks (``.ipynb``), at least one.
        out_dir: the folder for the student copies (created if needed); it must not be
            the folder of a source notebook.

    Returns:
        The paths of the student copies, in the order of ``sources``.

    Raises:
        FileNotFoundError: if a source does not exist.
        ValueError: on no sources, two sources with the same file name, ``out_dir``
            holding a source, or wrong markers (the message names the notebook and cell).

    Example:

    ```python
    make_student_copies(sorted(Path("notebooks").glob("0*.ipynb")), "student")
    ```
    """
    paths = [Path(s) for s in ([sources] if isinstance(sources, str | os.PathLike) else sources)]
    if not paths:
        raise ValueError("`sources` is empty: pass at least one notebook.")
    names = [p.name for p in paths]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"two sources share the file name {duplicates[0]!r}; their student copies would "
            "overwrite each other in out_dir. Convert them in separate calls."
        )
    out = Path(out_dir)
    for path in paths:
        _check_not_same(path, out / path.name)
    copies = [student_notebook(_read(p), name=str(p)) for p in paths]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path, copy in zip(paths, copies, strict=True):
        nbformat.write(copy, out / path.name)
        written.append(out / path.name)
    return written
