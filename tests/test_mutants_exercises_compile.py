"""check_compile's whole feedback, line by line, for one wrong setting at a time.

The table of wrong answers (``test_exercises_wrong_answers.py``) asserts the line that names
each mistake; here each case asserts every line the student reads, in order: the mistake
with its fix, the settings that are right, and the verdict. A changed word, a dropped fix or
a line for the wrong setting fails (mutation testing found them unchecked:
``benchmarks/mutation.py exercises_compile``).
"""

from __future__ import annotations

import keras
import pytest

from cnnkit.exercises import check_compile
from cnnkit.models import lenet5

HEAD = "Comprobando cómo has compilado el modelo:"
RIGHT = "✔ ¡Correcto! El modelo está listo para entrenar."
WRONG = "✘ Corrige las líneas marcadas con ✘ en tu función y vuelve a ejecutar la comprobación."
ADAM, RATE = "✔ Optimizador: Adam", "✔ Tasa de aprendizaje: 0,001"
LOSS, METRIC = "✔ Pérdida: entropía cruzada categórica dispersa", "✔ Métrica: acierto"
FIX_ADAM = " Usa optimizer=keras.optimizers.Adam(learning_rate=0.001)."
FIX_LOSS = (' Usa loss="sparse_categorical_crossentropy" (entropía cruzada categórica dispersa: '
            "etiquetas enteras y salida softmax).")  # fmt: skip
FIX_METRIC = ' Usa metrics=["accuracy"].'
ONE_HOT = "espera etiquetas one-hot y las tuyas son enteros del 0 al 9."
SAME = ' y el cuaderno lo lee como "accuracy" (historial.history["val_accuracy"]).'
_M = keras.metrics


class MiPerdida:
    """A loss a student writes as a plain callable object (no name, no __name__)."""

    def __call__(self, y_true, y_pred):
        return keras.ops.mean(y_pred)


class MiMetrica(keras.metrics.Mean):
    """A student's own metric whose config does not carry its name."""

    def get_config(self):
        return {}


def accuracy(y_true, y_pred):
    """A student's own function that takes Keras's name and always says 100 %."""
    return keras.ops.ones(())


class MiAcierto(keras.metrics.SparseCategoricalAccuracy):
    """A student's own subclass of Keras's accuracy (it could compute anything)."""


OWN = " es una métrica escrita por ti y el ejercicio pide la de Keras, que ya calcula el acierto."


def _compiled(**settings) -> keras.Model:
    model = lenet5()
    model.compile(**{"optimizer": keras.optimizers.Adam(learning_rate=1e-3),
                     "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"],
                     **settings})  # fmt: skip
    return model


CASES = [
    ("sgd", {"optimizer": "sgd"},
     ["✘ Optimizador: tu modelo usa SGD y el ejercicio pide Adam." + FIX_ADAM, LOSS, METRIC]),
    ("weight_decay", {"optimizer": keras.optimizers.Adam(weight_decay=0.01)},
     ["✘ Optimizador: tu Adam usa weight_decay=0.01 y el ejercicio pide Adam sin decaimiento "
      "de pesos." + FIX_ADAM, LOSS, METRIC]),
    ("rate", {"optimizer": keras.optimizers.Adam(learning_rate=0.0005)},
     [ADAM, "✘ Tasa de aprendizaje: tu Adam usa 0,0005 y el ejercicio pide 0,001." + FIX_ADAM,
      LOSS, METRIC]),
    ("rate_just_off", {"optimizer": keras.optimizers.Adam(learning_rate=0.00101)},
     [ADAM, "✘ Tasa de aprendizaje: tu Adam usa 0,00101 y el ejercicio pide 0,001." + FIX_ADAM,
      LOSS, METRIC]),
    ("schedule", {"optimizer": keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9))},
     [ADAM, "✘ Tasa de aprendizaje: tu Adam usa un programa (ExponentialDecay) y el ejercicio "
      "pide una tasa fija de 0,001." + FIX_ADAM, LOSS, METRIC]),
    ("from_logits", {"loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
     [ADAM, RATE, "✘ Pérdida: tu pérdida usa from_logits=True, que espera la salida sin "
      "softmax, y la de LeNet-5 ya es softmax." + FIX_LOSS, METRIC]),
    ("mse", {"loss": "mse"}, [ADAM, RATE, "✘ Pérdida: tu modelo usa 'mse'." + FIX_LOSS, METRIC]),
    ("one_hot_object", {"loss": keras.losses.CategoricalCrossentropy()},
     [ADAM, RATE, "✘ Pérdida: tu modelo usa 'categorical_crossentropy': esa pérdida " + ONE_HOT
      + FIX_LOSS, METRIC]),
    ("one_hot_string", {"loss": "categorical_crossentropy"},
     [ADAM, RATE, "✘ Pérdida: tu modelo usa 'categorical_crossentropy': esa pérdida " + ONE_HOT
      + FIX_LOSS, METRIC]),
    ("loss_function", {"loss": keras.losses.mean_absolute_error},
     [ADAM, RATE, "✘ Pérdida: tu modelo usa 'mean_absolute_error'." + FIX_LOSS, METRIC]),
    ("acc", {"metrics": ["acc"]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide el acierto con el nombre 'acc'" + SAME
      + FIX_METRIC]),
    ("sparse_accuracy_string", {"metrics": ["sparse_categorical_accuracy"]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide el acierto con el nombre "
      "'sparse_categorical_accuracy'" + SAME + FIX_METRIC]),
    ("keras_accuracy_function", {"metrics": [keras.metrics.sparse_categorical_accuracy]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide el acierto con el nombre "
      "'sparse_categorical_accuracy'" + SAME + FIX_METRIC]),
    ("accuracy_renamed", {"metrics": [_M.SparseCategoricalAccuracy(name="acierto")]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide el acierto con el nombre 'acierto'" + SAME
      + FIX_METRIC]),
    ("two_metrics", {"metrics": ["accuracy", "mse"]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide 'accuracy', 'mse' y el ejercicio pide solo "
      "el acierto." + FIX_METRIC]),
    ("categorical_accuracy", {"metrics": [_M.CategoricalAccuracy()]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'categorical_accuracy' " + ONE_HOT + FIX_METRIC]),
    ("binary_accuracy", {"metrics": ["binary_accuracy"]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'binary_accuracy' es para dos clases y aquí hay diez."
      + FIX_METRIC]),
    ("Accuracy", {"metrics": [_M.Accuracy()]},
     [ADAM, RATE, LOSS, "✘ Métrica: keras.metrics.Accuracy() compara la salida tal cual con "
      "la etiqueta, sin elegir la clase más probable." + FIX_METRIC]),
    ("top_k", {"metrics": [_M.TopKCategoricalAccuracy()]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'top_k_categorical_accuracy' cuenta como acierto que la "
      "clase esté entre las 5 primeras." + FIX_METRIC]),
    ("own_metric_class_without_name", {"metrics": [MiMetrica()]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'MiMetrica'" + OWN + FIX_METRIC]),
    ("own_function_named_accuracy", {"metrics": [accuracy]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'accuracy'" + OWN + FIX_METRIC]),
    ("own_metric_class_named_accuracy", {"metrics": [MiAcierto(name="accuracy")]},
     [ADAM, RATE, LOSS, "✘ Métrica: 'MiAcierto'" + OWN + FIX_METRIC]),
    ("auc", {"metrics": [_M.AUC()]},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo mide 'auc' y el ejercicio pide el acierto (la "
      "fracción de imágenes bien clasificadas)." + FIX_METRIC]),
    ("no_metric", {"metrics": []},
     [ADAM, RATE, LOSS, "✘ Métrica: tu modelo no mide ninguna." + FIX_METRIC]),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_whole_feedback_of_one_wrong_setting(settings, lines, capsys):
    assert check_compile(_compiled(**settings)) is False
    assert capsys.readouterr().out.splitlines() == [HEAD, *lines, WRONG]


@pytest.mark.parametrize(
    "settings",
    [{}, {"metrics": ("accuracy",)},
     {"optimizer": keras.optimizers.Adam(learning_rate=0.0010000001)},
     {"metrics": [_M.SparseCategoricalAccuracy(name="accuracy")]},
     {"loss": keras.losses.SparseCategoricalCrossentropy()}],
)  # fmt: skip
def test_right_answers_get_four_ticks_and_the_verdict(settings, capsys):
    assert check_compile(_compiled(**settings)) is True
    assert capsys.readouterr().out.splitlines() == [HEAD, ADAM, RATE, LOSS, METRIC, RIGHT]


def test_the_exercise_rate_is_the_instructors(capsys):
    model = _compiled(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    assert check_compile(model, learning_rate=0.01) is True
    assert "✔ Tasa de aprendizaje: 0,01" in capsys.readouterr().out.splitlines()
    assert check_compile(_compiled(), learning_rate=0.01) is False
    assert capsys.readouterr().out.splitlines()[2] == (
        "✘ Tasa de aprendizaje: tu Adam usa 0,001 y el ejercicio pide 0,01. "
        "Usa optimizer=keras.optimizers.Adam(learning_rate=0.01)."
    )


def test_what_is_not_a_compiled_model(capsys):
    assert check_compile("modelo") is False
    assert capsys.readouterr().out.splitlines() == [
        HEAD, "✘ check_compile necesita un modelo de Keras (keras.Model) y ha recibido str.", WRONG
    ]
    assert check_compile(None) is False
    assert capsys.readouterr().out.splitlines()[1] == (
        "✘ check_compile necesita un modelo de Keras (keras.Model) y ha recibido NoneType. "
        "¿Olvidaste devolver el modelo (return modelo)?"
    )
    assert check_compile(lenet5()) is False
    assert capsys.readouterr().out.splitlines() == [
        HEAD, "✘ Tu modelo no está compilado: llama a modelo.compile(optimizer=..., loss=..., "
        "metrics=[...]) dentro de tu función.", WRONG,
    ]  # fmt: skip
    assert check_compile(_compiled(), verbose=False) is True
    assert capsys.readouterr().out == ""


def test_a_loss_keras_cannot_describe_is_reported_not_raised(capsys):
    # a plain callable object compiles, but get_compile_config() raises a TypeError on it
    assert check_compile(_compiled(loss=MiPerdida())) is False
    assert capsys.readouterr().out.splitlines() == [
        HEAD, "✘ Tu modelo usa una pérdida o una métrica propia que Keras no sabe describir. "
        'Usa loss="sparse_categorical_crossentropy" y metrics=["accuracy"].', WRONG]


@pytest.mark.parametrize("rate", [0, 0.0, -0.001])
def test_a_rate_that_is_not_positive_is_refused(rate):
    with pytest.raises(ValueError, match=rf"^`learning_rate` must be a positive number, got "
                                         rf"{rate!r}\.$"):  # fmt: skip
        check_compile(_compiled(), learning_rate=rate)
