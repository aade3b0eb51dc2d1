"""cnnkit.exercises.check_lenet: passes LeNet-5, fails wrong models with Spanish feedback."""

from __future__ import annotations

import keras
import pytest
from keras import layers

from cnnkit.exercises import check_lenet
from cnnkit.models import lenet5


def _seq(*body: keras.layers.Layer, shape: tuple = (32, 32, 1)) -> keras.Sequential:
    return keras.Sequential([keras.Input(shape), *body])


def _lenet_layers(
    act: str = "tanh",
    pool: type = layers.AveragePooling2D,
    *,
    c1: int = 6,
    c3: int = 16,
    kernel: int = 5,
    c5: int = 120,
    classes: int = 10,
    out_act: str | None = "softmax",
) -> list[keras.layers.Layer]:
    return [
        layers.Conv2D(c1, kernel, activation=act),
        pool(2),
        layers.Conv2D(c3, 5, activation=act),
        pool(2),
        layers.Flatten(),
        layers.Dense(c5, activation=act),
        layers.Dense(84, activation=act),
        layers.Dense(classes, activation=out_act),
    ]


def _run(model, capsys, **kwargs) -> tuple[bool, str]:
    passed = check_lenet(model, **kwargs)
    return passed, capsys.readouterr().out


# --------------------------------------------------------------------------- passing models


@pytest.mark.parametrize("variant", ["classic", "modern"])
def test_reference_model_passes(variant, capsys):
    passed, out = _run(lenet5(variant=variant), capsys, variant=variant)
    assert passed
    assert "✘" not in out
    assert "✔ C3: Conv2D, 16 filtros 5x5" in out
    assert "✔ Total: 61.706 parámetros, como LeNet-5." in out
    name = "clásica" if variant == "classic" else "moderna"
    assert f"✔ ¡Correcto! Tu modelo es LeNet-5 (variante {name}" in out


@pytest.mark.parametrize("variant", ["classic", "modern"])
def test_reference_with_28x28_input_and_padding_passes(variant, capsys):
    model = lenet5(variant=variant, input_shape=(28, 28, 1), pad_to_32=True)
    passed, out = _run(model, capsys)
    assert passed
    assert "✔ Entrada: imágenes de 28x28x1" in out
    assert "✔ relleno: ZeroPadding2D(2) → salida (32, 32, 1)" in out


def test_equivalent_forms_pass(capsys):
    """Activation layers, C5 as a 5x5 convolution, padding='same' on 28x28, Dropout."""
    model = _seq(
        layers.Conv2D(6, 5, padding="same"),
        layers.Activation("relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 5),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(120, 5, activation="relu"),
        layers.Flatten(),
        layers.Dense(84, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10),
        layers.Softmax(),
        shape=(28, 28, 1),
    )
    passed, out = _run(model, capsys, variant="modern")
    assert passed, out
    assert "✔ C5: Conv2D, 120 filtros 5x5, relu → salida (1, 1, 120), 48.120 parámetros" in out
    assert "ℹ Ignoro la capa 'dropout" in out


def test_mixed_variant_passes_only_without_a_required_variant(capsys):
    model = _seq(*_lenet_layers("relu", layers.AveragePooling2D))
    passed, out = _run(model, capsys)
    assert passed and "mezcla de las dos variantes" in out
    passed, out = _run(model, capsys, variant="classic")
    assert not passed
    assert (
        "usa activation='relu' y la variante clásica usa 'tanh'. Cambia activation='tanh'." in out
    )
    passed, out = _run(model, capsys, variant="modern")
    assert not passed
    assert "la variante moderna usa MaxPooling2D y tu capa es AveragePooling2D" in out


# --------------------------------------------------------------------------- failing models


def test_wrong_filter_count(capsys):
    passed, out = _run(_seq(*_lenet_layers(c3=6)), capsys)
    assert not passed
    assert "✘ C3 ('conv2d_" in out
    assert "esperaba 16 filtros de 5x5, tu capa tiene 6. Cambia filters=16." in out
    assert "corrige primero las capas anteriores" in out  # S4 onwards follow from C3
    assert "✘ Tu modelo todavía no es LeNet-5." in out


def test_wrong_kernel_size(capsys):
    passed, out = _run(_seq(*_lenet_layers(kernel=3)), capsys)
    assert not passed
    assert "esperaba filtros de 5x5, tu capa usa 3x3. Cambia kernel_size=5." in out


def test_missing_pooling_layer(capsys):
    body = _lenet_layers()
    del body[1]  # S2
    passed, out = _run(_seq(*body), capsys)
    assert not passed
    assert "✘ S2: falta esta capa. Añade layers.AveragePooling2D(pool_size=2)" in out
    assert "después de C1." in out
    assert "✔ C1:" in out


def test_dense_128_instead_of_120(capsys):
    passed, out = _run(_seq(*_lenet_layers(c5=128)), capsys)
    assert not passed
    assert "esperaba 120 neuronas, tu capa tiene 128. Cambia units=120." in out
    assert "✘ Total: tu modelo tiene" in out


def test_wrong_number_of_classes(capsys):
    passed, out = _run(_seq(*_lenet_layers(classes=5)), capsys)
    assert not passed
    assert "esperaba 10 neuronas (una por clase), tu capa tiene 5. Cambia units=10." in out
    passed, _ = _run(_seq(*_lenet_layers(classes=5)), capsys, num_classes=5)
    assert passed


def test_missing_softmax(capsys):
    passed, out = _run(_seq(*_lenet_layers(out_act=None)), capsys)
    assert not passed
    assert "no tiene activación softmax: añade activation='softmax'" in out


def test_missing_hidden_activation(capsys):
    passed, out = _run(_seq(*_lenet_layers(act=None)), capsys)
    assert not passed
    assert (
        "no tiene activación. Añade activation='tanh' (clásica) o activation='relu' (moderna)."
        in out
    )


def test_plain_mlp_is_not_lenet(capsys):
    model = _seq(
        layers.Flatten(),
        layers.Dense(120, activation="relu"),
        layers.Dense(84, activation="relu"),
        layers.Dense(10, activation="softmax"),
    )
    passed, out = _run(model, capsys)
    assert not passed
    assert "✘ Tu modelo no tiene ninguna capa Conv2D: LeNet-5 es una red convolucional" in out
    assert "✘ C1: falta esta capa. Añade layers.Conv2D(6, kernel_size=5" in out


def test_extra_layer_is_named(capsys):
    body = _lenet_layers()
    body.insert(7, layers.Dense(64, activation="tanh", name="extra"))
    passed, out = _run(_seq(*body), capsys)
    assert not passed
    assert (
        "✘ Capa 'extra' (Dense con 64 neuronas): LeNet-5 no tiene esta capa aquí. Quítala." in out
    )


def test_28x28_without_padding(capsys):
    passed, out = _run(_seq(*_lenet_layers(), shape=(28, 28, 1)), capsys)
    assert not passed
    assert (
        "tu entrada es 28x28: usa padding='same' en C1 (o una capa ZeroPadding2D(padding=2) "
        "antes) para trabajar a 32x32 como LeNet-5." in out
    )
    assert "porque su entrada es (24, 24, 6) y no (28, 28, 6)" in out


def test_same_padding_on_a_32x32_input(capsys):
    body = _lenet_layers()
    body[0] = layers.Conv2D(6, 5, padding="same", activation="tanh")
    passed, out = _run(_seq(*body), capsys)
    assert not passed
    assert "tu capa usa padding='same' y aquí LeNet-5 no rellena." in out


def test_wrong_input_size(capsys):
    passed, out = _run(_seq(*_lenet_layers(), shape=(64, 64, 1)), capsys)
    assert not passed
    assert "✘ Entrada: tu modelo recibe 64x64x1 y LeNet-5 recibe imágenes de 32x32" in out


def test_not_a_model_and_model_without_input(capsys):
    passed, out = _run(None, capsys)
    assert not passed
    assert "ha recibido NoneType. ¿Olvidaste el return en tu función?" in out
    passed, out = _run(keras.Sequential([layers.Dense(3)]), capsys)
    assert not passed
    assert "no tiene una entrada definida" in out
    assert "keras.Input(shape=(32, 32, 1))" in out


def test_verbose_false_prints_nothing(capsys):
    assert check_lenet(lenet5(), verbose=False) is True
    assert check_lenet(_seq(*_lenet_layers(c3=6)), verbose=False) is False
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"variant": "lenet"}, "`variant` must be one of"), ({"num_classes": 1}, "`num_classes`")],
)
def test_bad_checker_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_lenet(lenet5(), **kwargs)


@pytest.mark.parametrize(
    "kwargs", [{"num_classes": "10"}, {"num_classes": 10.0}, {"variant": 1}, {"verbose": 1}]
)
def test_checker_arguments_of_the_wrong_type_raise_type_error(kwargs):
    with pytest.raises(TypeError, match=f"`{next(iter(kwargs))}`"):
        check_lenet(lenet5(), **kwargs)


def test_numpy_integers_are_accepted_as_num_classes(capsys):
    import numpy as np

    assert check_lenet(lenet5(num_classes=5), num_classes=np.int64(5), verbose=False)


def test_model_with_two_inputs_fails_clearly(capsys):
    a, b = keras.Input((32, 32, 1)), keras.Input((32, 32, 1))
    merged = layers.Concatenate()([layers.Flatten()(a), layers.Flatten()(b)])
    model = keras.Model([a, b], layers.Dense(10, activation="softmax")(merged))
    passed, out = _run(model, capsys)
    assert not passed
    assert "Tu modelo tiene 2 entradas y 1 salidas; LeNet-5 tiene una entrada" in out


def test_step_names_are_spanish_and_layer_names_do_not_matter(capsys):
    """Students read "aplanado" and "salida"; the last layer may be called anything."""
    model = _seq(*_lenet_layers())
    model.layers[-1].name = "salida_final"  # the checker does not depend on layer names
    passed, out = _run(model, capsys)
    assert passed, out
    assert "✔ aplanado: Flatten → salida (400,), 0 parámetros" in out
    assert "✔ salida: Dense 10, softmax → salida (10,), 850 parámetros" in out
    assert "flatten:" not in out and "output:" not in out
    body = _lenet_layers()
    del body[4]  # Flatten
    passed, out = _run(_seq(*body), capsys)
    assert not passed
    assert "✘ aplanado: falta esta capa. Añade layers.Flatten()" in out


def test_numbers_are_written_the_spanish_way_whatever_the_figure_language(capsys):
    import cnnkit

    cnnkit.set_language("en")
    passed, out = _run(lenet5(), capsys)
    assert passed
    assert "48.120 parámetros" in out and "2416 parámetros" in out and "61,706" not in out
