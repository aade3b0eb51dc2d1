"""Which read-only or graded cells a student deleted or changed, for the instructor.

nbgrader restores a changed check cell from the gradebook before grading (so the student's
edit earns nothing) and gives zero to a deleted one, but says so only through a checksum
warning that, for check cells with hidden tests, fires for every submission (the stored
checksum includes the hidden tests, the student's copy does not). This module compares a
submission with the released student copy instead, cell by cell, by nbgrader's grade id.

Example:
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> def cell(source, grade_id):
    ...     meta = {"nbgrader": {"grade_id": grade_id, "locked": True, "grade": True}}
    ...     return new_code_cell(source, metadata=meta)
    >>> released = new_notebook(cells=[cell("assert f(1) == 2", "ej1_comprobacion"),
    ...                                cell("assert g() == 3", "ej2_comprobacion")])
    >>> submitted = new_notebook(cells=[cell("pass", "ej1_comprobacion")])
    >>> for line in tampered_cells(released, submitted):
    ...     print(line)
    ej1_comprobacion: changed (nbgrader grades the released version)
    ej2_comprobacion: deleted (scores 0)
"""

from __future__ import annotations

import nbformat

__all__ = ["tampered_cells"]


def _protected(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    """Cells that the student must not change: graded tests and read-only cells."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") and (meta.get("locked") or
                                     (meta.get("grade") and not meta.get("solution"))):
            cells[meta["grade_id"]] = cell
    return cells


def tampered_cells(
    released: nbformat.NotebookNode, submitted: nbformat.NotebookNode
) -> list[str]:
    """One line per protected cell of ``released`` that ``submitted`` deleted or changed.

    Args:
        released: the notebook handed out (``release/<assignment>/<notebook>``).
        submitted: the student's notebook (``submitted/<student>/<assignment>/...``).

    Returns:
        ``"<grade id>: deleted (scores 0)"`` or ``"<grade id>: changed (...)"`` lines, in
        the released order; empty if nothing protected was touched.
    """
    theirs = _protected(submitted)
    lines = []
    for grade_id, cell in _protected(released).items():
        if grade_id not in theirs:
            graded = cell.metadata["nbgrader"].get("grade")
            lines.append(f"{grade_id}: deleted" + (" (scores 0)" if graded else ""))
        elif theirs[grade_id].source.strip() != cell.source.strip():
            lines.append(f"{grade_id}: changed (nbgrader grades the released version)")
    return lines
