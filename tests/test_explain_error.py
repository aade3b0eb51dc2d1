"""explain_error against the errors the installed Keras really raises, and a rewording of them.

Every explained error has a row: a call that triggers it on the installed Keras (or
cnnkit's builder) and the specific Spanish explanation, with its numbers, that the
structured path gives (values read from the traceback, not from the message). Each row is
checked three ways:

* the real error gets that explanation;
* the same error with its message reworded (same type, same traceback) still gets it, so a
  Keras that rewords its messages changes nothing;
* the same message without its traceback gets the text fallback, not the generic "Error de
  Python" line, so the fallback is kept in step with the installed Keras's wording.

A Keras upgrade that moves a check out of reach makes one of these fail, loudly.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from cnnkit.exercises import explain_error
from cnnkit.models import lenet5

GENERIC = "Error de Python ("
BUILD = "Keras no puede construir el modelo: "
DATA = "Keras no puede aplicar el modelo a estos datos: "


def _sequential(*body, shape=(8, 8, 1)):
    return lambda: keras.Sequential([keras.Input(shape), *body])


def _functional_conv_too_large():
    x = layers.Conv2D(6, 5)(keras.Input((8, 8, 1)))
    layers.Conv2D(6, 5)(x)


def _predict(model_body, shape, images):
    def run():
        model = keras.Sequential([keras.Input(shape), *model_body])
        model.predict(images, verbose=0)

    return run


ROWS = [  # (id, call, the structured explanation contains..., the text fallback contains...)
    ("conv_larger_than_maps", _sequential(layers.Conv2D(6, 5), layers.Conv2D(6, 5)),
     BUILD + "una capa recibe mapas más pequeños que su filtro: mapas de 4x4 y un filtro de 5x5",
     "mapas más pequeños que su filtro o su ventana de pooling"),
    ("conv_larger_than_maps_functional", _functional_conv_too_large,
     "mapas de 4x4 y un filtro de 5x5", "mapas más pequeños que su filtro o su ventana"),
    ("conv_unbuilt_called_on_data",
     lambda: keras.Sequential([layers.Conv2D(2, 5), layers.Conv2D(2, 5)])(np.zeros((1, 8, 8, 1))),
     "mapas de 4x4 y un filtro de 5x5", "mapas más pequeños que su filtro o su ventana"),
    ("dilated_conv_larger_than_maps", _sequential(layers.Conv2D(2, 3, dilation_rate=4)),
     "mapas de 8x8 y un filtro de 3x3 con dilation_rate=(4, 4), que abarca 9x9",
     "mapas más pequeños que su filtro o su ventana"),
    ("max_pool_larger_than_maps", _sequential(layers.MaxPooling2D(4), shape=(3, 3, 1)),
     BUILD + "una capa de pooling recibe mapas de 3x3, más pequeños que su ventana de pooling "
     "de 4x4", "mapas más pequeños que su filtro o su ventana de pooling"),
    ("average_pool_larger_than_maps",
     lambda: layers.AveragePooling2D((2, 5))(keras.Input((6, 4, 2))),
     "mapas de 6x4, más pequeños que su ventana de pooling de 2x5",
     "mapas más pequeños que su filtro o su ventana de pooling"),
    ("conv_after_flatten", _sequential(layers.Flatten(), layers.Conv2D(6, 5)),
     BUILD + "una capa convolucional o de pooling recibe un vector: va después de Flatten. "
     "Flatten va justo después de la última capa de pooling (S4). Aquí la capa 'conv2d",
     "recibe un vector: va después de Flatten"),
    ("pool_after_flatten", _sequential(layers.Flatten(), layers.MaxPooling2D()),
     "recibe un vector: va después de Flatten. Flatten va justo después de la última capa de "
     "pooling (S4). Aquí la capa 'max_pooling2d", "recibe un vector: va después de Flatten"),
    ("images_without_channel_axis", _sequential(layers.Conv2D(6, 5), shape=(20, 24)),
     "recibe imágenes sin el eje del canal, de forma (None, 20, 24): usa "
     "keras.Input(shape=(20, 24, 1))",
     "recibe imágenes sin el eje del canal: usa keras.Input(shape=(32, 32, 1))"),
    ("images_of_another_size",
     lambda: lenet5((32, 32, 1)).predict(np.zeros((1, 28, 28, 1)), verbose=0),
     DATA + "la entrada de 'lenet5_classic' espera datos de forma (None, 32, 32, 1) y recibe "
     "(1, 28, 28, 1). Redimensiona o rellena las imágenes",
     "una capa recibe datos con una forma que no espera"),
    ("images_of_another_depth",
     _predict([layers.Conv2D(2, 3)], (8, 8, 1), np.zeros((1, 8, 8, 3))),
     DATA + "la capa 'conv2d", "una capa recibe datos con una forma que no espera"),
    ("vectors_of_another_length",
     _predict([layers.Flatten(), layers.Dense(4)], (8, 8, 1), np.zeros((1, 9, 9, 1))),
     "espera vectores de 64 valores y recibe datos de forma (1, 81)",
     "una capa recibe datos con una forma que no espera"),
]
EXTRA = {  # a second specific part of some explanations
    "images_of_another_depth": "espera imágenes de 1 canal y recibe imágenes de 3 canales",
}


def _raised(call) -> BaseException:
    with pytest.raises(Exception) as info:  # noqa: PT011 - any error: its explanation is tested
        call()
    return info.value


def _reworded(error: BaseException) -> BaseException:
    return type(error)("A message a future Keras might write.").with_traceback(error.__traceback__)


def _message_only(error: BaseException) -> BaseException:
    return type(error)(*error.args)


@pytest.mark.parametrize(("case", "call", "expected", "fallback"), ROWS, ids=[r[0] for r in ROWS])
def test_real_keras_error_gets_its_specific_explanation(case, call, expected, fallback):
    error = _raised(call)
    explanation = explain_error(error)
    assert expected in explanation, f"{case}: {explanation}\n(Keras said: {error})"
    assert EXTRA.get(case, "") in explanation
    assert explain_error(_reworded(error)) == explanation, f"{case}: depends on the wording"
    text_only = explain_error(_message_only(error))
    assert not text_only.startswith(GENERIC), f"{case}: Keras reworded: {error}"
    assert fallback in text_only, f"{case}: {text_only}"


BUILDER_ROWS = [  # cnnkit's own builder errors: argument in backticks, value from the traceback
    ("lenet5_28x28", lambda: lenet5(input_shape=(28, 28, 1)),
     "LeNet-5 trabaja con imágenes de 32x32 y has pedido input_shape=(28, 28, 1). Rellena las "
     "imágenes hasta 32x32"),
    ("lenet5_28x28_rgb", lambda: lenet5(input_shape=(28, 28, 3)),
     "has pedido input_shape=(28, 28, 3). Rellena las imágenes hasta 32x32 (2 píxeles a 0 por "
     "cada lado, por ejemplo con np.pad) y usa input_shape=(32, 32, 3)"),
    ("lenet5_64x64", lambda: lenet5(input_shape=(64, 64, 1)), "input_shape=(64, 64, 1) no vale"),
    ("lenet5_shape_text", lambda: lenet5(input_shape="32x32"),
     "input_shape debe ser una tupla de tres enteros"),
    ("lenet5_num_classes", lambda: lenet5(num_classes=1), "num_classes es el número de clases"),
    ("lenet5_variant", lambda: lenet5(variant="lenet"), "variant debe ser 'classic'"),
    ("lenet5_pad_to_32", lambda: lenet5(input_shape=(32, 32, 1), pad_to_32=True),
     "quita pad_to_32=True"),
    ("lenet5_pad_to_32_type", lambda: lenet5(input_shape=(28, 28, 1), pad_to_32="yes"),
     "pad_to_32 debe ser True o False"),
]


@pytest.mark.parametrize(("case", "call", "expected"), BUILDER_ROWS,
                         ids=[r[0] for r in BUILDER_ROWS])
def test_builder_error_gets_its_specific_explanation(case, call, expected):
    error = _raised(call)
    assert expected in explain_error(error), f"{case}: {explain_error(error)} ({error})"
    assert expected in explain_error(_message_only(error)), f"{case}: message changed: {error}"


def test_builder_shape_is_read_from_the_traceback_when_the_message_changes():
    error = _raised(lambda: lenet5(input_shape=(28, 28, 1)))
    reworded = type(error)("`input_shape`: LeNet-5 wants 32x32.").with_traceback(
        error.__traceback__
    )
    assert "has pedido input_shape=(28, 28, 1)" in explain_error(reworded)

