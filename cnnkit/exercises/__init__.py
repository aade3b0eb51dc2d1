"""Checkers for the exercises of the course, with feedback in Spanish for the students.

- :func:`check_lenet` compares a student's Keras model (or the function that builds it)
  with LeNet-5 layer by layer (:mod:`cnnkit.exercises.lenet`, where the accepted
  equivalences are listed); given the function, it also refuses a model built by
  :mod:`cnnkit.models`.
- :func:`check_compile` checks the optimiser, learning rate, loss and metric a model was
  compiled with (:mod:`cnnkit.exercises.compile`).

Each checker is tested with a table of wrong answers, one per rule it enforces
(``tests/test_exercises_wrong_answers.py``): none of them gets "¡Correcto!".
- :func:`explain_error` explains in Spanish the errors met while building a model
  (:mod:`cnnkit.exercises.errors`): library messages stay English, the exercise flow
  shows them in Spanish.

Each checker prints one line per item, marked ✔ (right) or ✘ (what differs and what to
change), and returns True or False; a checking cell asserts the result.
"""

from cnnkit.exercises.compile import check_compile
from cnnkit.exercises.errors import explain_error
from cnnkit.exercises.lenet import check_lenet

__all__ = ["check_compile", "check_lenet", "explain_error"]
