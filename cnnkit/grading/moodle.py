"""Collect notebooks downloaded from a Moodle assignment with ``nbgrader zip_collect``.

Moodle's "Download all submissions" gives a zip with one folder per student,
``<Full name>_<participant id>_assignsubmission_file/<file>`` (or, with folders turned
off, flat names ``<Full name>_<participant id>_assignsubmission_file_<file>``). Put the zip
in ``downloaded/<assignment>/archive/`` and run::

    nbgrader zip_collect lenet5 --collector=cnnkit.grading.moodle.MoodleCollector

The student id is Moodle's participant id. Students rename files ("04_ejercicio_lenet5
(1).ipynb", "entrega.ipynb"): when a submission holds exactly one notebook and the
assignment releases exactly one, that notebook is collected under the released name;
otherwise the name is kept and nbgrader warns about it.

Example:
    >>> moodle_fields("/d/extracted/x/Ana Gil Ruiz_1234567_assignsubmission_file/a.ipynb")
    ('Ana Gil Ruiz', '1234567', 'a.ipynb')
    >>> moodle_fields("Ana Gil_42_assignsubmission_file_04_ejercicio_lenet5.ipynb")
    ('Ana Gil', '42', '04_ejercicio_lenet5.ipynb')
"""

from __future__ import annotations

import os
import re

from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import find_all_notebooks

__all__ = ["MoodleCollector", "moodle_fields"]

_FOLDER = re.compile(r"^(?P<name>.+)_(?P<id>\d+)_assignsubmission_file_?$")
_FLAT = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_file_(?P<file>.+)$")


def moodle_fields(path: str) -> tuple[str, str, str] | None:
    """(full name, participant id, file name) of a file of Moodle's download, or None."""
    folder, file = os.path.split(path)
    match = _FOLDER.match(os.path.basename(folder))
    if match:
        return match["name"], match["id"], file
    match = _FLAT.match(file)
    if match:
        return match["name"], match["id"], match["file"]
    return None


class MoodleCollector(FileNameCollectorPlugin):
    """nbgrader collector plugin for the files of Moodle's "Download all submissions"."""

    def collect(self, submitted_file: str) -> dict | None:
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        fields = moodle_fields(submitted_file)
        if fields is None:
            self.log.warning("Not a file of Moodle's download, skipped: %s", submitted_file)
            return None
        _, student_id, file_id = fields
        released = self._released()
        if file_id.endswith(".ipynb") and file_id not in released and len(released) == 1:
            folder = os.path.dirname(submitted_file)
            notebooks = [f for f in os.listdir(folder) if f.endswith(".ipynb")]
            if len(notebooks) == 1 and folder.endswith(("_assignsubmission_file",
                                                        "_assignsubmission_file_")):
                self.log.warning("Student %s: %r collected as %r", student_id, file_id,
                                 released[0])
                file_id = released[0]
        return {"student_id": student_id, "file_id": file_id}

    def _released(self) -> list[str]:
        coursedir = self.parent.coursedir
        path = coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id)
        return find_all_notebooks(path)
