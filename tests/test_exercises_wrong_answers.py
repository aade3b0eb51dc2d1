"""The checkers never say "¡Correcto!" to a wrong answer: one wrong answer per rule.

Each row of a table breaks one rule that the checker claims to enforce and asserts the
Spanish line that names that mistake. ``check_lenet`` is tried with every variant it offers
(``None``, ``"classic"``, ``"modern"``) and with the function a student writes (the
integrity rules: no cnnkit builder, a new model at each call); ``check_compile`` with every
setting it checks.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import pytest
from keras import layers

from cnnkit.exercises import check_compile, check_lenet
from cnnkit.models import lenet5 as reference_lenet

_L = layers
_POOL = {"classic": _L.AveragePooling2D, "modern": _L.MaxPooling2D}
_ACT = {"classic": "tanh", "modern": "relu"}


def _body(variant: str = "classic") -> list[keras.layers.Layer]:
    """LeNet-5's layers: C1 S2 C3 S4 flatten C5 F6 output (indices 0-7)."""
    act, pool = _ACT[variant], _POOL[variant]
    return [
        _L.Conv2D(6, 5, activation=act),
        pool(2),
        _L.Conv2D(16, 5, activation=act),
        pool(2),
        _L.Flatten(),
        _L.Dense(120, activation=act),
        _L.Dense(84, activation=act),
        _L.Dense(10, activation="softmax"),
    ]


def _fresh(new: tuple[keras.layers.Layer, ...]) -> list[keras.layers.Layer]:
    """New copies of the given layers, so that each call builds a new model."""
    return [type(layer).from_config(layer.get_config()) for layer in new]


def _with(index: int, *new: keras.layers.Layer, variant: str = "classic", shape=(32, 32, 1)):
    """A builder of LeNet-5 whose layer ``index`` is replaced by ``new`` (none: removed)."""

    def build() -> keras.Model:
        body = _body(variant)
        body[index : index + 1] = _fresh(new)
        return keras.Sequential([keras.Input(shape), *body])

    return build


def _inserted(index: int, *new: keras.layers.Layer, variant: str = "classic"):
    def build() -> keras.Model:
        body = _body(variant)
        body[index:index] = _fresh(new)
        return keras.Sequential([keras.Input((32, 32, 1)), *body])

    return build


def _swapped(i: int, j: int, variant: str = "classic"):
    def build() -> keras.Model:
        body = _body(variant)
        body[i], body[j] = body[j], body[i]
        return keras.Sequential([keras.Input((32, 32, 1)), *body])

    return build


def _padded(padding: int):
    def build() -> keras.Model:
        body = [_L.ZeroPadding2D(padding)] if padding else []
        return keras.Sequential([keras.Input((28, 28, 1)), *body, *_body()])

    return build


def _input(shape: tuple):
    return lambda: keras.Sequential([keras.Input(shape), *_body()])


_GLOBAL = reference_lenet(name="global")

# (id, variant, num_classes, what the student gives (a model builder; "fn:" rows pass the
# function itself), the Spanish words that name the mistake)
LENET_WRONG: list[tuple[str, str | None, int, Callable[[], object], str]] = [
    # activations
    ("sigmoid_hidden_any_variant", None, 10, _with(2, _L.Conv2D(16, 5, activation="sigmoid")),
     "usa activation='sigmoid'; LeNet-5 usa activation='tanh' (clásica) o activation='relu' "
     "(moderna)."),
    ("sigmoid_hidden_classic", "classic", 10, _with(5, _L.Dense(120, activation="sigmoid")),
     "usa activation='sigmoid'; LeNet-5 usa activation='tanh'."),
    ("relu_in_classic", "classic", 10, _with(0, _L.Conv2D(6, 5, activation="relu")),
     "usa activation='relu' y la variante clásica usa 'tanh'. Cambia activation='tanh'."),
    ("tanh_in_modern", "modern", 10,
     _with(6, _L.Dense(84, activation="tanh"), variant="modern"),
     "usa activation='tanh' y la variante moderna usa 'relu'. Cambia activation='relu'."),
    ("no_hidden_activation", "classic", 10, _with(6, _L.Dense(84)),
     "no tiene activación. Añade activation='tanh'."),
    ("relu6_layer_in_modern", "modern", 10,
     _with(0, _L.Conv2D(6, 5), _L.ReLU(max_value=6), variant="modern"),
     "usa activation='relu (modificada)'"),
    ("leaky_relu_layer_any_variant", None, 10, _with(2, _L.Conv2D(16, 5), _L.LeakyReLU()),
     "usa activation='leaky_relu'"),
    ("tanh_layer_after_average_pooling", "classic", 10,
     _with(0, _L.Conv2D(6, 5), _L.AveragePooling2D(2), _L.Activation("tanh")),
     "no tiene activación. Añade activation='tanh'."),
    # kernel size, filters, strides, dilation, groups, padding, bias, convolution type
    ("kernel_3", "classic", 10, _with(0, _L.Conv2D(6, 3, activation="tanh")),
     "esperaba filtros de 5x5, tu capa usa 3x3. Cambia kernel_size=5."),
    ("kernel_5x3", "modern", 10, _with(2, _L.Conv2D(16, (5, 3), activation="relu"),
                                         variant="modern"),
     "esperaba filtros de 5x5, tu capa usa 5x3. Cambia kernel_size=5."),
    ("filters_8", "classic", 10, _with(0, _L.Conv2D(8, 5, activation="tanh")),
     "esperaba 6 filtros de 5x5, tu capa tiene 8. Cambia filters=6."),
    ("conv_stride_2", "classic", 10, _with(0, _L.Conv2D(6, 5, strides=2, activation="tanh")),
     "tu capa usa strides=(2, 2) y LeNet-5 desplaza los filtros de 1 en 1."),
    ("dilation_2", None, 10, _with(2, _L.Conv2D(16, 3, dilation_rate=2, activation="tanh")),
     "tu capa usa dilation_rate=(2, 2)"),
    ("groups_2", "classic", 10, _with(2, _L.Conv2D(16, 5, groups=2, activation="tanh")),
     "tu capa usa groups=2 y en LeNet-5 cada filtro ve todos los mapas"),
    ("conv_padding_same_on_32", "classic", 10,
     _with(0, _L.Conv2D(6, 5, padding="same", activation="tanh")),
     "tu capa usa padding='same' y aquí LeNet-5 no rellena."),
    ("conv_without_bias", "classic", 10,
     _with(2, _L.Conv2D(16, 5, use_bias=False, activation="tanh")),
     "no tiene sesgo (use_bias=False) y en LeNet-5 cada filtro suma uno."),
    ("separable_conv", "modern", 10,
     _with(2, _L.SeparableConv2D(16, 5, activation="relu"), variant="modern"),
     "esperaba una convolución normal (Conv2D) y tu capa es SeparableConv2D."),
    # pooling type, size and strides
    ("max_pool_in_classic", "classic", 10, _with(1, _L.MaxPooling2D(2)),
     "la variante clásica usa AveragePooling2D y tu capa es MaxPooling2D."),
    ("average_pool_in_modern", "modern", 10,
     _with(3, _L.AveragePooling2D(2), variant="modern"),
     "la variante moderna usa MaxPooling2D y tu capa es AveragePooling2D."),
    ("pool_size_3", None, 10, _with(1, _L.AveragePooling2D(3, strides=2)),
     "esperaba un pooling de 2x2, tu capa usa pool_size=(3, 3). Cambia pool_size=2."),
    ("pool_stride_1", None, 10, _with(3, _L.MaxPooling2D(2, strides=1), variant="modern"),
     "tu capa usa strides=(1, 1) y LeNet-5 reduce a la mitad"),
    # order, missing and extra layers
    ("pool_before_conv", "classic", 10, _swapped(0, 1),
     "✘ S2: falta esta capa."),
    ("dense_units_swapped", "classic", 10, _swapped(5, 6),
     "esperaba 120 neuronas, tu capa tiene 84. Cambia units=120."),
    ("missing_f6", "classic", 10, _with(6),
     "✘ F6: falta esta capa. Añade layers.Dense(84, activation='tanh') después de C5."),
    ("missing_flatten", None, 10, _with(4), "✘ aplanado: falta esta capa."),
    ("extra_batch_norm", "modern", 10, _inserted(1, _L.BatchNormalization(), variant="modern"),
     "(BatchNormalization): LeNet-5 no tiene esta capa aquí. Quítala."),
    ("extra_dense", "classic", 10, _inserted(7, _L.Dense(84, activation="tanh")),
     "(Dense con 84 neuronas): LeNet-5 no tiene esta capa aquí. Quítala."),
    ("plain_mlp", None, 10,
     lambda: keras.Sequential([keras.Input((32, 32, 1)), _L.Flatten(),
                               _L.Dense(120, activation="tanh"), _L.Dense(10,
                               activation="softmax")]),
     "Tu modelo no tiene ninguna capa Conv2D"),
    # units, output layer and classes
    ("c5_100_units", "classic", 10, _with(5, _L.Dense(100, activation="tanh")),
     "esperaba 120 neuronas, tu capa tiene 100. Cambia units=120."),
    ("output_5_units", None, 10, _with(7, _L.Dense(5, activation="softmax")),
     "esperaba 10 neuronas (una por clase), tu capa tiene 5. Cambia units=10."),
    ("asked_for_5_classes", "classic", 5, _with(7, _L.Dense(10, activation="softmax")),
     "esperaba 5 neuronas (una por clase), tu capa tiene 10. Cambia units=5."),
    ("output_without_softmax", "modern", 10, _with(7, _L.Dense(10), variant="modern"),
     "no tiene activación softmax: añade activation='softmax'"),
    ("output_sigmoid", "classic", 10, _with(7, _L.Dense(10, activation="sigmoid")),
     "usa activation='sigmoid'. Cambia activation='softmax'."),
    ("dense_without_bias", "classic", 10,
     _with(6, _L.Dense(84, activation="tanh", use_bias=False)),
     "no tiene sesgo (use_bias=False) y en LeNet-5 cada neurona suma uno."),
    # inputs and padding
    ("28x28_without_padding", "classic", 10, _padded(0),
     "tu entrada es 28x28: usa padding='same' en C1 (o una capa ZeroPadding2D(padding=2) "
     "antes)"),
    ("padding_1_on_28x28", "classic", 10, _padded(1),
     "esperaba 2 píxeles de relleno por lado (28 → 32)"),
    ("input_64x64", None, 10, _input((64, 64, 1)),
     "✘ Entrada: tu modelo recibe 64x64x1 y LeNet-5 recibe imágenes de 32x32"),
    ("input_without_channels", None, 10,
     lambda: keras.Sequential([keras.Input((32, 32)), _L.Flatten(), _L.Dense(10)]),
     "✘ Entrada: tu modelo recibe 32x32"),
]  # fmt: skip


def _function_rows() -> list[tuple[str, str | None, Callable[[], object], str]]:
    """Functions a student may write for exercises 1 and 4 (the check calls them)."""
    from cnnkit import models
    from cnnkit.models import lenet5 as red

    def with_cnnkit_module():
        return models.lenet5(variant="modern")

    def with_alias():
        return red(input_shape=(32, 32, 1), num_classes=10)

    def same_model_each_call():
        return _GLOBAL

    def same_layers_each_call():
        inputs = x = keras.Input((32, 32, 1))
        for layer in _GLOBAL.layers[1:]:  # after its InputLayer
            x = layer(x)
        return keras.Model(inputs, x)

    def not_written_yet():
        raise NotImplementedError()

    def without_return():
        keras.Sequential([keras.Input((32, 32, 1)), *_body()])

    integrity = "la red que trae cnnkit ya hecha. El ejercicio pide que la construyas tú"
    return [
        ("cnnkit_builder_via_module", "modern", with_cnnkit_module,
         f"✘ Tu función with_cnnkit_module() llama a cnnkit.models.lenet5, {integrity}"),
        ("cnnkit_builder_aliased", "classic", with_alias,
         f"✘ Tu función with_alias() llama a cnnkit.models.lenet5, {integrity}"),
        ("cnnkit_builder_in_a_lambda", None, lambda: red(), f"✘ Tu función llama a "
         f"cnnkit.models.lenet5, {integrity}"),
        ("same_model_each_call", "classic", same_model_each_call,
         "devuelve el mismo modelo (o las mismas capas) cada vez que la llamas"),
        ("same_layers_each_call", "classic", same_layers_each_call,
         "devuelve el mismo modelo (o las mismas capas) cada vez que la llamas"),
        ("not_written_yet", "classic", not_written_yet, "NotImplementedError"),
        ("without_return", "classic", without_return, "¿Olvidaste el return en tu función?"),
    ]  # fmt: skip


FUNCTION_WRONG = _function_rows()


def _assert_fails_naming(passed: bool, out: str, message: str) -> None:
    assert passed is False, out
    assert "¡Correcto!" not in out, out
    assert message in out, out
    line = next(line for line in out.splitlines() if message in line)
    assert line.startswith("✘"), out
    assert out.rstrip().splitlines()[-1].startswith("✘ Tu modelo todavía no es LeNet-5"), out


@pytest.mark.parametrize(
    ("variant", "num_classes", "build", "message"),
    [row[1:] for row in LENET_WRONG],
    ids=[row[0] for row in LENET_WRONG],
)
def test_check_lenet_names_each_wrong_model(variant, num_classes, build, message, capsys):
    passed = check_lenet(build(), variant=variant, num_classes=num_classes)
    _assert_fails_naming(passed, capsys.readouterr().out, message)


_AS_FUNCTION = [
    row
    for row in LENET_WRONG
    if row[0] in ("sigmoid_hidden_any_variant", "tanh_in_modern", "kernel_3", "pool_before_conv",
                  "output_without_softmax", "padding_1_on_28x28")
]  # fmt: skip


@pytest.mark.parametrize(
    ("variant", "num_classes", "build", "message"),
    [row[1:] for row in _AS_FUNCTION],
    ids=[row[0] for row in _AS_FUNCTION],
)
def test_check_lenet_names_each_wrong_builder_function(
    variant, num_classes, build, message, capsys
):
    """Wrong models given as the function that builds them (exercises 1 and 4), one per family."""
    assert len(_AS_FUNCTION) == 6
    passed = check_lenet(build, variant=variant, num_classes=num_classes)
    _assert_fails_naming(passed, capsys.readouterr().out, message)


@pytest.mark.parametrize(
    ("variant", "function", "message"),
    [row[1:] for row in FUNCTION_WRONG],
    ids=[row[0] for row in FUNCTION_WRONG],
)
def test_check_lenet_refuses_cnnkit_builders_and_reused_models(variant, function, message, capsys):
    passed = check_lenet(function, variant=variant)
    _assert_fails_naming(passed, capsys.readouterr().out, message)


@pytest.mark.parametrize("variant", [None, "classic", "modern"])
def test_the_table_covers_every_variant_and_a_right_answer_passes(variant, capsys):
    """Every variant has wrong rows, and the unbroken model of each row's variant passes."""
    assert any(row[1] == variant for row in LENET_WRONG)
    right = "modern" if variant == "modern" else "classic"
    assert check_lenet(_with(0, _body(right)[0], variant=right), variant=variant)
    assert "¡Correcto!" in capsys.readouterr().out


def _compiled(**settings) -> keras.Model:
    chosen = {
        "optimizer": keras.optimizers.Adam(learning_rate=1e-3),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        **settings,
    }
    model = reference_lenet()
    model.compile(**chosen)
    return model


_M = keras.metrics
COMPILE_WRONG: list[tuple[str, dict, str]] = [
    # optimizer
    ("sgd", {"optimizer": "sgd"},
     "✘ Optimizador: tu modelo usa SGD y el ejercicio pide Adam."),
    ("adamw", {"optimizer": keras.optimizers.AdamW()},
     "✘ Optimizador: tu modelo usa AdamW y el ejercicio pide Adam."),
    ("adam_with_weight_decay", {"optimizer": keras.optimizers.Adam(weight_decay=0.01)},
     "✘ Optimizador: tu Adam usa weight_decay=0.01 y el ejercicio pide Adam sin decaimiento"),
    # learning rate
    ("rate_0.01", {"optimizer": keras.optimizers.Adam(learning_rate=0.01)},
     "✘ Tasa de aprendizaje: tu Adam usa 0,01 y el ejercicio pide 0,001."),
    ("rate_schedule", {"optimizer": keras.optimizers.Adam(
        keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9))},
     "✘ Tasa de aprendizaje: tu Adam usa un programa (ExponentialDecay)"),
    # loss
    ("one_hot_loss", {"loss": "categorical_crossentropy"},
     "✘ Pérdida: tu modelo usa 'categorical_crossentropy': esa pérdida espera etiquetas "
     "one-hot"),
    ("one_hot_loss_object", {"loss": keras.losses.CategoricalCrossentropy()},
     "esa pérdida espera etiquetas one-hot"),
    ("from_logits", {"loss": keras.losses.SparseCategoricalCrossentropy(from_logits=True)},
     "✘ Pérdida: tu pérdida usa from_logits=True"),
    ("mse_loss", {"loss": "mse"}, "✘ Pérdida: tu modelo usa 'mse'."),
    ("wrong_loss_named_like_the_right_one",
     {"loss": keras.losses.CategoricalCrossentropy(name="sparse_categorical_crossentropy")},
     "esa pérdida espera etiquetas one-hot"),
    # metric: exactly the accuracy, logged as "accuracy"
    ("categorical_accuracy", {"metrics": ["categorical_accuracy"]},
     "✘ Métrica: 'categorical_accuracy' espera etiquetas one-hot"),
    ("categorical_accuracy_object", {"metrics": [_M.CategoricalAccuracy()]},
     "✘ Métrica: 'categorical_accuracy' espera etiquetas one-hot"),
    ("binary_accuracy", {"metrics": ["binary_accuracy"]},
     "✘ Métrica: 'binary_accuracy' es para dos clases"),
    ("accuracy_object_compares_raw_outputs", {"metrics": [_M.Accuracy()]},
     "✘ Métrica: keras.metrics.Accuracy() compara la salida tal cual con la etiqueta"),
    ("top_k", {"metrics": ["top_k_categorical_accuracy"]},
     "✘ Métrica: 'top_k_categorical_accuracy' cuenta como acierto"),
    ("acc_alias_logged_as_acc", {"metrics": ["acc"]},
     "✘ Métrica: tu modelo mide el acierto con el nombre 'acc' y el cuaderno lo lee como"),
    ("sparse_accuracy_default_name", {"metrics": [_M.SparseCategoricalAccuracy()]},
     "mide el acierto con el nombre 'sparse_categorical_accuracy'"),
    ("an_accuracy_that_is_not", {"metrics": [_M.CategoricalAccuracy(name="accuracy")]},
     "espera etiquetas one-hot"),
    ("accuracy_and_another", {"metrics": ["accuracy", "mse"]},
     "✘ Métrica: tu modelo mide 'accuracy', 'mse' y el ejercicio pide solo el acierto."),
    ("no_metric", {"metrics": None}, "✘ Métrica: tu modelo no mide ninguna."),
    ("mse_metric", {"metrics": ["mse"]},
     "✘ Métrica: tu modelo mide 'mse' y el ejercicio pide el acierto"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "message"),
    [row[1:] for row in COMPILE_WRONG],
    ids=[row[0] for row in COMPILE_WRONG],
)
def test_check_compile_names_each_wrong_setting(settings, message, capsys):
    passed = check_compile(_compiled(**settings))
    out = capsys.readouterr().out
    assert passed is False, out
    assert "¡Correcto!" not in out, out
    assert message in out, out
    assert next(line for line in out.splitlines() if message in line).startswith("✘"), out


def test_table_sizes():
    """The sizes the project reports (one row per rule the checker claims)."""
    assert len(LENET_WRONG) >= 35 and len(FUNCTION_WRONG) >= 7 and len(COMPILE_WRONG) >= 20
