"""cnnkit.exercises.check_compile and explain_error: Spanish feedback inside the exercises."""

from __future__ import annotations

import keras
import pytest
from keras import layers

from cnnkit.exercises import check_compile, explain_error
from cnnkit.models import lenet5


def _compiled(**kwargs) -> keras.Model:
    settings = {
        "optimizer": keras.optimizers.Adam(learning_rate=1e-3),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
    }
    model = lenet5()
    model.compile(**{**settings, **kwargs})
    return model


def _run(model, capsys, **kwargs) -> tuple[bool, str]:
    passed = check_compile(model, **kwargs)
    return passed, capsys.readouterr().out


# --------------------------------------------------------------------------- check_compile


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"optimizer": "adam"},  # Adam's default rate is 0.001
        {"loss": keras.losses.SparseCategoricalCrossentropy()},
        {"loss": keras.losses.sparse_categorical_crossentropy},
        {"metrics": [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]},
    ],
)
def test_the_exercise_settings_and_their_equivalents_pass(settings, capsys):
    passed, out = _run(_compiled(**settings), capsys)
    assert passed, out
    assert "✘" not in out
    assert "✔ Tasa de aprendizaje: 0,001" in out
    assert out.rstrip().endswith("✔ ¡Correcto! El modelo está listo para entrenar.")


def test_wrong_optimizer_is_named_with_the_fix(capsys):
    passed, out = _run(_compiled(optimizer=keras.optimizers.SGD(learning_rate=1e-3)), capsys)
    assert not passed
    assert (
        "✘ Optimizador: tu modelo usa SGD y el ejercicio pide Adam. "
        "Usa optimizer=keras.optimizers.Adam(learning_rate=0.001)." in out
    )
    passed, out = _run(_compiled(optimizer=keras.optimizers.AdamW()), capsys)
    assert not passed and "tu modelo usa AdamW" in out


def test_wrong_learning_rate(capsys):
    passed, out = _run(_compiled(optimizer=keras.optimizers.Adam(learning_rate=0.01)), capsys)
    assert not passed
    assert "✔ Optimizador: Adam" in out
    assert "✘ Tasa de aprendizaje: tu Adam usa 0,01 y el ejercicio pide 0,001." in out
    assert out.rstrip().endswith("vuelve a ejecutar la comprobación.")
    passed, _ = _run(
        _compiled(optimizer=keras.optimizers.Adam(learning_rate=0.01)), capsys, learning_rate=0.01
    )
    assert passed


def test_learning_rate_schedule_is_not_the_fixed_rate(capsys):
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)
    passed, out = _run(_compiled(optimizer=keras.optimizers.Adam(schedule)), capsys)
    assert not passed
    assert "✘ Tasa de aprendizaje: tu Adam usa un programa (ExponentialDecay)" in out


def test_one_hot_loss_and_missing_metric(capsys):
    passed, out = _run(_compiled(loss="categorical_crossentropy", metrics=None), capsys)
    assert not passed
    assert (
        "✘ Pérdida: tu modelo usa 'categorical_crossentropy': esa pérdida espera etiquetas "
        "one-hot y las tuyas son enteros del 0 al 9." in out
    )
    assert '✘ Métrica: tu modelo no mide ninguna. Usa metrics=["accuracy"].' in out


def test_not_compiled_not_a_model(capsys):
    passed, out = _run(lenet5(), capsys)
    assert not passed and "✘ Tu modelo no está compilado" in out
    passed, out = _run(None, capsys)
    assert not passed and "¿Olvidaste devolver el modelo (return modelo)?" in out
    assert check_compile(lenet5(), verbose=False) is False
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("rate", [0, -1e-3])
def test_bad_instructor_learning_rate_raises(rate):
    with pytest.raises(ValueError, match="`learning_rate` must be a positive number"):
        check_compile(_compiled(), learning_rate=rate)


@pytest.mark.parametrize("rate", [True, "0.001"])
def test_instructor_learning_rate_of_the_wrong_type_raises(rate):
    with pytest.raises(TypeError, match="`learning_rate` must be a number"):
        check_compile(_compiled(), learning_rate=rate)


# --------------------------------------------------------------------------- explain_error


def _error(build) -> BaseException:
    with pytest.raises(Exception) as info:
        build()
    return info.value


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            lambda: lenet5(input_shape=(28, 28, 1)),
            "LeNet-5 trabaja con imágenes de 32x32 y has pedido input_shape=(28, 28, 1). "
            "Rellena las imágenes hasta 32x32",
        ),
        (lambda: lenet5(input_shape=(64, 64, 1)), "input_shape=(64, 64, 1) no vale"),
        (lambda: lenet5(input_shape="32x32"), "input_shape debe ser una tupla de tres enteros"),
        (lambda: lenet5(num_classes=1), "num_classes es el número de clases"),
        (lambda: lenet5(variant="lenet"), "variant debe ser 'classic'"),
        (lambda: lenet5(input_shape=(32, 32, 1), pad_to_32=True), "quita pad_to_32=True"),
    ],
)
def test_builder_errors_are_explained_in_spanish(build, expected):
    assert expected in explain_error(_error(build))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([layers.Conv2D(6, 5), layers.Conv2D(6, 5)], "mapas más pequeños que su filtro"),
        ([layers.Flatten(), layers.Conv2D(6, 5)], "recibe un vector: va después de Flatten"),
    ],
)
def test_keras_shape_errors_are_explained_in_spanish(body, expected):
    error = _error(lambda: keras.Sequential([keras.Input((8, 8, 1)), *body]))
    assert explain_error(error).startswith("Keras no puede construir el modelo: una capa")
    assert expected in explain_error(error)


def test_empty_exercise_missing_name_and_unknown_errors():
    assert "«raise NotImplementedError()» por tu código" in explain_error(NotImplementedError())
    try:
        modelo  # noqa: B018, F821
    except NameError as error:
        assert explain_error(error).startswith("Todavía no existe 'modelo'")
    assert explain_error(KeyError("x")) == (
        "Error de Python (KeyError); su mensaje original, en inglés: 'x'"
    )
