"""Grading a class with nbgrader: parallel autograde, a sandboxed kernel, Moodle collection.

Instructors' tools (they need the ``instructor`` extra, i.e. nbgrader):

- :func:`cnnkit.grading.parallel.autograde`: one ``nbgrader autograde`` per student,
  several at once, sharing the gradebook.
- :mod:`cnnkit.grading.sandbox`: a kernel that runs each submission as an unprivileged
  uid that cannot read ``source/`` or write the gradebook.
- :class:`cnnkit.grading.moodle.MoodleCollector`: ``nbgrader zip_collect`` for the zip of
  Moodle's "Download all submissions".
- :class:`cnnkit.grading.execute.SkippingExecute`: nbgrader's autograde execution without the
  read-only cells tagged ``skip-autograde`` (trainings, figures) that no grade depends on.
- :mod:`cnnkit.grading.worker`: one process per worker that imports nbgrader once and runs
  its students' ``nbgrader autograde`` one after another.
- :mod:`cnnkit.grading.preload`: sandboxed kernels forked from a process that imported
  TensorFlow once (``--preload``).

The command line is ``python -m cnnkit.grading --help``; ``deploy/`` holds the course's
``nbgrader_config.py`` and ``jupyterhub_config.py``.
"""
