"""nbgrader's autograde execution, leaving out the read-only cells that no grade depends on.

``nbgrader autograde`` runs every cell of every submission. In notebook 04 most of that time
goes to cells that train, evaluate and draw, none of which any graded check reads: each
check calls the student's functions with its own inputs (``deploy/tests/
test_grading_independence.py`` checks it statically). :class:`SkippingExecute` is nbgrader's
``Execute`` preprocessor that does not run a code cell when

- the notebook tags it ``skip-autograde`` (:data:`SKIP_TAG`), and
- the gradebook (not the submission, which the student could edit) records it as a
  read-only cell that is neither graded nor a solution cell.

Such a cell keeps its source and gets one line of output instead, in Spanish, which the
student reads in the feedback: :data:`NOTE`. Graded checks, solution cells and every untagged
cell run as before. A student who removes the tags only makes their own grading slower; one
who tags a check cell or a solution cell changes nothing.

In ``nbgrader_config.py``::

    from cnnkit.grading.execute import autograde_preprocessors
    c.Autograde.autograde_preprocessors = autograde_preprocessors()

``c.Execute.timeout`` and the other ``Execute`` options still apply (it is a subclass).

Example:
    >>> [p.__name__ for p in autograde_preprocessors()][:2]
    ['SkippingExecute', 'IgnorePattern']
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute
from traitlets import Unicode

__all__ = ["NOTE", "SKIP_TAG", "SkippingExecute", "autograde_preprocessors"]

SKIP_TAG = "skip-autograde"
NOTE = "(Al corregir, esta celda no se ejecuta: ninguna nota depende de ella.)\n"


class SkippingExecute(Execute):
    """nbgrader's ``Execute`` that does not run the ungraded read-only cells tagged to skip."""

    skip_tag = Unicode(SKIP_TAG, help="The cell tag that marks a cell to skip.").tag(
        config=True
    )

    _skippable: frozenset[str] = frozenset()

    def preprocess(
        self, nb: NotebookNode, resources: ResourcesDict | None = None, km=None
    ) -> tuple[NotebookNode, ResourcesDict]:
        self._skippable = self._read_only_ungraded(resources or {})
        return super().preprocess(nb, resources, km=km)

    def _read_only_ungraded(self, resources: ResourcesDict) -> frozenset[str]:
        """grade ids of the notebook's locked cells that are neither graded nor solutions."""
        info = resources.get("nbgrader", {})
        if not {"db_url", "notebook", "assignment"} <= set(info):
            return frozenset()  # not nbgrader's autograde: run everything
        with Gradebook(info["db_url"]) as gradebook:
            try:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return frozenset()
            counted = {c.name for c in notebook.grade_cells} | {
                c.name for c in notebook.solution_cells
            }
            return frozenset(
                c.name for c in notebook.source_cells if c.locked and c.name not in counted
            )

    def skips(self, cell: NotebookNode) -> bool:
        """Whether this cell is left out (tagged, and read-only and ungraded in the gradebook)."""
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        return (
            cell.cell_type == "code"
            and self.skip_tag in cell.get("metadata", {}).get("tags", [])
            and grade_id in self._skippable
        )

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if self.skips(cell):
            cell.outputs = [new_output("stream", name="stdout", text=NOTE)]
            cell.execution_count = None
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


def autograde_preprocessors() -> list[type]:
    """nbgrader's default autograde preprocessors with :class:`SkippingExecute` for ``Execute``.

    Returns:
        The list for ``c.Autograde.autograde_preprocessors``.
    """
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    return [SkippingExecute if p is Execute else p for p in defaults]
