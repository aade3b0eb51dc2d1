# nbgrader_config.py of a cnnkit course graded at class scale (copy it into the course
# directory, next to source/). The README's "Grading a class" section explains each part;
# deploy/tests/test_class_route.py runs this file as it is on a simulated class.
import os
from pathlib import Path

from nbconvert.preprocessors import TagRemovePreprocessor
from nbgrader.converters import GenerateAssignment

from cnnkit.grading.execute import autograde_preprocessors

c = get_config()  # noqa: F821 (nbgrader defines it)
HERE = Path(__file__).resolve().parent

c.CourseDirectory.course_id = "cnn"
c.CourseDirectory.root = str(HERE)
# Several `nbgrader autograde` processes share the gradebook (python -m cnnkit.grading
# autograde): a writer waits up to 60 s for the other instead of failing.
c.CourseDirectory.db_url = f"sqlite:///{HERE / 'gradebook.db'}?timeout=60"
# The JupyterHub exchange (release_assignment / fetch_assignment / submit / collect).
c.Exchange.root = os.environ.get("CNNKIT_EXCHANGE", "/srv/nbgrader/exchange")

# The same student copy as `cnnkit student`: its Spanish stub, without "Soluciones" cells.
c.ClearSolutions.code_stub = {"python": "# TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
# a written answer (a markdown cell graded by hand): the placeholder the course notebook has
c.ClearSolutions.text_stub = "*Tu respuesta aquí.*"
c.TagRemovePreprocessor.enabled = True
c.TagRemovePreprocessor.remove_cell_tags = {"solution"}
c.GenerateAssignment.preprocessors = [
    TagRemovePreprocessor,
    *GenerateAssignment.class_traits()["preprocessors"].default(),
]

# Autograde in short mode (CNNKIT_QUICK=1 in the environment of nbgrader), without the
# read-only cells tagged skip-autograde (trainings, evaluations, figures: no graded check
# reads what they compute; the feedback shows a one-line note under each). Every cell that
# runs takes seconds, so a cell that runs 60 s is a loop; it is interrupted, scores zero
# where it is a graded check, and the notebook goes on.
c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.Execute.timeout = 60
# nbclient waits 4 s by default for a cell's output messages and then fails the whole
# submission (raise_on_iopub_timeout): on a starved machine TensorFlow's import took longer.
c.Execute.iopub_timeout = 60
# A submission that prints megabytes keeps its first 200 lines per output in the
# autograded notebook and in the feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 60
# Submissions run as an unprivileged uid (python -m cnnkit.grading install-kernel, as
# root): they cannot read source/ nor write the gradebook. Without root, comment this out.
if os.environ.get("CNNKIT_SANDBOX", "1") != "0":
    c.Execute.kernel_name = "cnnkit-grader"
# Moodle's "Download all submissions" zip, for `nbgrader zip_collect`.
c.ZipCollectApp.collector_plugin = "cnnkit.grading.moodle.MoodleCollector"
