"""The student's workspace: copies of the course notebooks that updates never overwrite.

``scripts/course.sh`` (through ``cnnkit workspace``) opens JupyterLab on a folder outside
the tracked files, ``trabajo/`` by default, instead of the course's own ``notebooks/``:

- an exercise notebook (one with ``### BEGIN SOLUTION`` regions or cells tagged
  ``solution``) is written as its student copy (:mod:`cnnkit.student`: solutions removed),
  and the solved version goes to ``trabajo/soluciones/``, to be opened on purpose;
- every other notebook is copied as it is.

Running it again (or after ``git pull`` brings a new version of the course) never
overwrites a notebook the student has changed. A small record,
``trabajo/.cnnkit-workspace.json``, keeps the hash of the course notebook each copy was made
from and of the file as written:

- a course notebook that is new is added;
- a changed course notebook replaces the copy if the student has not touched it;
- if the student has changed the copy, the new version is written beside it as
  ``NAME (nuevo).ipynb`` and theirs is left as it is: nothing is merged silently;
- a copy the student deleted is written again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cnnkit.student import BEGIN_SOLUTION, SOLUTION_TAG, student_notebook

__all__ = ["RECORD", "Report", "is_exercise", "update_workspace"]

RECORD = ".cnnkit-workspace.json"
SOLUTIONS = "soluciones"


@dataclass
class Report:
    """What :func:`update_workspace` did, one list of file names per outcome."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report in Spanish, for the student who runs the course command."""
        words = {"added": "añadido", "updated": "actualizado (no lo habías cambiado)",
                 "offered": "versión nueva junto a la tuya, que no se ha tocado"}  # fmt: skip
        return [f"  {name}: {words[kind]}" for kind in ("added", "updated", "offered")
                for name in getattr(self, kind)]  # fmt: skip


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_exercise(notebook: nbformat.NotebookNode) -> bool:
    """True when the notebook has solution regions or cells tagged ``solution``.

    Example:
        >>> from nbformat.v4 import new_code_cell, new_notebook
        >>> is_exercise(new_notebook(cells=[new_code_cell("x = 1")]))
        False
        >>> is_exercise(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\\nx = 1\\n"
        ...                                                "### END SOLUTION")]))
        True
    """
    for cell in notebook.cells:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            return True
        if cell.cell_type == "code" and any(
                line.strip() == BEGIN_SOLUTION for line in cell.source.splitlines()):
            return True
    return False


def _versions(source: Path) -> dict[str, bytes]:
    """The files the workspace holds for one course notebook: name -> content."""
    raw = source.read_bytes()
    notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
    if not is_exercise(notebook):
        return {source.name: raw}
    student = nbformat.writes(student_notebook(notebook, name=str(source))) + "\n"
    return {source.name: student.encode("utf-8"), f"{SOLUTIONS}/{source.name}": raw}


def _offered_name(name: str, attempt: int) -> str:
    path = Path(name)
    mark = "nuevo" if attempt == 1 else f"nuevo {attempt}"
    return str(path.with_name(f"{path.stem} ({mark}){path.suffix}"))


def _offer(workspace: Path, name: str, content: bytes, record: dict, report: Report) -> None:
    """Write ``content`` as ``NAME (nuevo).ipynb``, or ``(nuevo 2)``... if that one was edited."""
    for attempt in range(1, 100):
        offered = _offered_name(name, attempt)
        path = workspace / offered
        if path.exists() and path.read_bytes() == content:
            return  # already offered
        if path.exists() and _sha(path.read_bytes()) != record.get(offered, {}).get("written"):
            continue  # the student edited an earlier offer too: keep it, use another name
        path.write_bytes(content)
        record[offered] = {"source": None, "written": _sha(content)}
        report.offered.append(offered)
        return


def _place(workspace: Path, name: str, content: bytes, source_sha: str, record: dict,
           report: Report) -> None:
    target = workspace / name
    known = record.get(name)
    if not target.exists():
        (report.updated if known else report.added).append(name)
    elif known and known["source"] == source_sha:
        report.unchanged.append(name)
        return
    elif target.read_bytes() == content:
        report.unchanged.append(name)
    elif known and _sha(target.read_bytes()) == known["written"]:
        report.updated.append(name)
    else:  # the student changed it (or it was there before the record): offer beside it
        _offer(workspace, name, content, record, report)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != content:
        target.write_bytes(content)
    record[name] = {"source": source_sha, "written": _sha(content)}


def update_workspace(course: str | Path, workspace: str | Path) -> Report:
    """Create or update the student's workspace from the course's notebooks.

    Args:
        course: the folder of the course notebooks (``notebooks/``); every ``*.ipynb`` in
            it (not in subfolders) is taken.
        workspace: the student's folder (``trabajo/``), created if needed; it must not be
            the course folder.

    Returns:
        A :class:`Report` of what was added, updated, offered beside an edited copy, or
        left unchanged.

    Raises:
        FileNotFoundError: ``course`` is not a folder with notebooks.
        ValueError: ``workspace`` is ``course``, or a course notebook has wrong solution
            markers (nothing is written then).

    Example:
        >>> import tempfile
        >>> from nbformat.v4 import new_code_cell, new_notebook
        >>> course, work = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp()) / "trabajo"
        >>> nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), course / "01_a.ipynb")
        >>> update_workspace(course, work).added
        ['01_a.ipynb']
        >>> update_workspace(course, work).unchanged
        ['01_a.ipynb']
    """
    course, workspace = Path(course), Path(workspace)
    sources = sorted(course.glob("*.ipynb")) if course.is_dir() else []
    if not sources:
        raise FileNotFoundError(f"`course` {str(course)!r} is not a folder with notebooks.")
    if workspace.resolve() == course.resolve():
        raise ValueError(f"`workspace` {str(workspace)!r} is the course folder itself: the "
                         "student's copies must live elsewhere (for example trabajo/).")
    planned = [(s, _versions(s)) for s in sources]  # every notebook converted before writing
    workspace.mkdir(parents=True, exist_ok=True)
    record_path = workspace / RECORD
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    report = Report()
    for source, versions in planned:
        source_sha = _sha(source.read_bytes())
        for name, content in versions.items():
            (workspace / name).parent.mkdir(parents=True, exist_ok=True)
            _place(workspace, name, content, source_sha, record, report)
    tmp = record_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    shutil.move(tmp, record_path)
    return report
