"""check_lenet's whole feedback, line by line: right models, missing and extra layers.

The table of wrong answers (``test_exercises_wrong_answers.py``) asserts the line that
names each mistake. Here each case asserts every line the student reads, in order: the
✔ lines with output shape and parameter count, the missing layer with the code to add and
where, the layers after it that only inherit the mistake, the total and the verdict
(mutation testing found these sentences unchecked: ``benchmarks/mutation.py
exercises_lenet``). The layers are named, so that the lines do not depend on Keras's
counters.
"""

from __future__ import annotations

import keras
import pytest
from keras import layers as L

from cnnkit.exercises import check_lenet

NAMES = ("c1", "s2", "c3", "s4", "flat", "c5", "f6", "out")


def _body(variant: str = "classic") -> list[keras.layers.Layer]:
    act = {"classic": "tanh", "modern": "relu"}[variant]
    pool = {"classic": L.AveragePooling2D, "modern": L.MaxPooling2D}[variant]
    made = [L.Conv2D(6, 5, activation=act), pool(2), L.Conv2D(16, 5, activation=act), pool(2),
            L.Flatten(), L.Dense(120, activation=act), L.Dense(84, activation=act),
            L.Dense(10, activation="softmax")]  # fmt: skip
    pairs = zip(made, NAMES, strict=True)
    return [type(x).from_config({**x.get_config(), "name": n}) for x, n in pairs]


def _model(body: list, shape: tuple = (32, 32, 1)) -> keras.Model:
    return keras.Sequential([keras.Input(shape), *body])


def _without(index: int, variant: str = "classic") -> keras.Model:
    body = _body(variant)
    del body[index]
    return _model(body)


def _with(index: int, layer: keras.layers.Layer) -> keras.Model:
    body = _body()
    body.insert(index, layer)
    return _model(body)


def _ok(variant: str = "classic", channels: int = 1) -> dict[str, str]:
    act, pool = {"classic": ("tanh", "AveragePooling2D"), "modern": ("relu", "MaxPooling2D")}[
        variant
    ]
    c1 = "156" if channels == 1 else "456"
    return {
        "c1": f"✔ C1: Conv2D, 6 filtros 5x5, {act} → salida (28, 28, 6), {c1} parámetros",
        "s2": f"✔ S2: {pool} 2x2 → salida (14, 14, 6), 0 parámetros",
        "c3": f"✔ C3: Conv2D, 16 filtros 5x5, {act} → salida (10, 10, 16), 2416 parámetros",
        "s4": f"✔ S4: {pool} 2x2 → salida (5, 5, 16), 0 parámetros",
        "flat": "✔ aplanado: Flatten → salida (400,), 0 parámetros",
        "c5": f"✔ C5: Dense 120, {act} → salida (120,), 48.120 parámetros",
        "f6": f"✔ F6: Dense 84, {act} → salida (84,), 10.164 parámetros",
        "out": "✔ salida: Dense 10, softmax → salida (10,), 850 parámetros",
    }


OK, MODERN = _ok(), _ok("modern")
HEAD = "Comprobando tu LeNet-5 capa a capa:"
HEAD_CLASSIC = "Comprobando tu LeNet-5 capa a capa (variante clásica):"
HEAD_MODERN = "Comprobando tu LeNet-5 capa a capa (variante moderna):"
INPUT = "✔ Entrada: imágenes de 32x32x1"
TOTAL = "✔ Total: 61.706 parámetros, como LeNet-5."
CLASSIC = "✔ ¡Correcto! Tu modelo es LeNet-5 (variante clásica: tanh + AveragePooling2D)."
VERDICT = ("✘ Tu modelo todavía no es LeNet-5. Corrige las líneas marcadas con ✘, empezando por "
           "la primera, y vuelve a ejecutar la comprobación.")  # fmt: skip
FIX = ": corrige primero las capas anteriores."


def _wrong_total(params: str) -> str:
    return f"✘ Total: tu modelo tiene {params} parámetros y LeNet-5 tiene 61.706."


def _shape(step: str, name: str, out: str, want: str, got_in: str, want_in: str) -> str:
    return (f"✘ {step} ('{name}'): su salida es {out} y debería ser {want}, porque su entrada "
            f"es {got_in} y no {want_in}{FIX}")  # fmt: skip


def _params(step: str, name: str, has: str, want: str, got_in: str, want_in: str) -> str:
    return (f"✘ {step} ('{name}'): tiene {has} parámetros y debería tener {want}, porque su "
            f"entrada es {got_in} y no {want_in}{FIX}")  # fmt: skip


RIGHT = [
    ("classic_any_variant", lambda: _model(_body()), None, [HEAD, INPUT, *OK.values(), TOTAL,
                                                            CLASSIC]),
    ("modern_asked", lambda: _model(_body("modern")), "modern",
     [HEAD_MODERN, INPUT, *MODERN.values(), TOTAL,
      "✔ ¡Correcto! Tu modelo es LeNet-5 (variante moderna: relu + MaxPooling2D)."]),
    ("mixed_without_a_variant", lambda: _model(_body()[:1] + _body("modern")[1:]), None,
     [HEAD, INPUT, OK["c1"], *list(MODERN.values())[1:], TOTAL,
      "✔ ¡Correcto! Tu modelo es LeNet-5 (mezcla de las dos variantes: relu, tanh + "
      "MaxPooling2D; la clásica usa tanh + AveragePooling2D y la moderna relu + "
      "MaxPooling2D)."]),
    ("ignored_layers", lambda: _model([L.Rescaling(1 / 255, name="escala"), *_body()[:5],
                                       L.Dropout(0.5, name="apagado"), *_body()[5:]]),
     "classic",
     [HEAD_CLASSIC, INPUT,
      "ℹ Ignoro la capa 'escala' (Rescaling): no cambia la arquitectura de LeNet-5.",
      "ℹ Ignoro la capa 'apagado' (Dropout): no cambia la arquitectura de LeNet-5.",
      *OK.values(), TOTAL, CLASSIC]),
    ("28x28_with_same_padding",
     lambda: _model([L.Conv2D(6, 5, padding="same", activation="tanh", name="c1"),
                     *_body()[1:]], (28, 28, 1)), "classic",
     [HEAD_CLASSIC, "✔ Entrada: imágenes de 28x28x1 (el modelo debe rellenarlas hasta 32x32)",
      *OK.values(), TOTAL, CLASSIC]),
    ("colour", lambda: _model(_body(), (32, 32, 3)), "classic",
     [HEAD_CLASSIC, "✔ Entrada: imágenes de 32x32x3", *_ok(channels=3).values(),
      "✔ Total: 62.006 parámetros, como LeNet-5.", CLASSIC]),
    ("c5_as_a_convolution",
     lambda: _model([*_body()[:4], L.Conv2D(120, 5, activation="tanh", name="c5"),
                     L.Flatten(name="flat"), *_body()[6:]]), "classic",
     [HEAD_CLASSIC, INPUT, OK["c1"], OK["s2"], OK["c3"], OK["s4"],
      "✔ C5: Conv2D, 120 filtros 5x5, tanh → salida (1, 1, 120), 48.120 parámetros",
      "✔ aplanado: Flatten → salida (120,), 0 parámetros", OK["f6"], OK["out"], TOTAL,
      CLASSIC]),
]  # fmt: skip

WRONG = [
    ("missing_c1", lambda: _without(0), "classic",
     [HEAD_CLASSIC, INPUT,
      "✘ C1: falta esta capa. Añade layers.Conv2D(6, kernel_size=5, activation='tanh') al "
      "principio.",
      _shape("S2", "s2", "(16, 16, 1)", "(14, 14, 6)", "(32, 32, 1)", "(28, 28, 6)"),
      _shape("C3", "c3", "(12, 12, 16)", "(10, 10, 16)", "(16, 16, 1)", "(14, 14, 6)"),
      _shape("S4", "s4", "(6, 6, 16)", "(5, 5, 16)", "(12, 12, 16)", "(10, 10, 16)"),
      _shape("aplanado", "flat", "(576,)", "(400,)", "(6, 6, 16)", "(5, 5, 16)"),
      _params("C5", "c5", "69.240", "48.120", "(576,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("80.670"), VERDICT]),
    ("missing_c3_any_variant", lambda: _without(2), None,
     [HEAD, INPUT, OK["c1"], OK["s2"],
      "✘ C3: falta esta capa. Añade layers.Conv2D(16, kernel_size=5, activation='tanh') (o "
      "activation='relu' en la variante moderna) después de S2.",
      _shape("S4", "s4", "(7, 7, 6)", "(5, 5, 16)", "(14, 14, 6)", "(10, 10, 16)"),
      _shape("aplanado", "flat", "(294,)", "(400,)", "(7, 7, 6)", "(5, 5, 16)"),
      _params("C5", "c5", "35.400", "48.120", "(294,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("46.570"), VERDICT]),
    ("missing_s4_classic", lambda: _without(3), "classic",
     [HEAD_CLASSIC, INPUT, OK["c1"], OK["s2"], OK["c3"],
      "✘ S4: falta esta capa. Añade layers.AveragePooling2D(pool_size=2) después de C3.",
      _shape("aplanado", "flat", "(1600,)", "(400,)", "(10, 10, 16)", "(5, 5, 16)"),
      _params("C5", "c5", "192.120", "48.120", "(1600,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("205.706"), VERDICT]),
    ("missing_s2_any_variant", lambda: _without(1), None,
     [HEAD, INPUT, OK["c1"],
      "✘ S2: falta esta capa. Añade layers.AveragePooling2D(pool_size=2) o "
      "layers.MaxPooling2D(pool_size=2) después de C1.",
      _shape("C3", "c3", "(24, 24, 16)", "(10, 10, 16)", "(28, 28, 6)", "(14, 14, 6)"),
      _shape("S4", "s4", "(12, 12, 16)", "(5, 5, 16)", "(24, 24, 16)", "(10, 10, 16)"),
      _shape("aplanado", "flat", "(2304,)", "(400,)", "(12, 12, 16)", "(5, 5, 16)"),
      _params("C5", "c5", "276.600", "48.120", "(2304,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("290.186"), VERDICT]),
    ("missing_f6_modern", lambda: _without(6, "modern"), "modern",
     [HEAD_MODERN, INPUT, *list(MODERN.values())[:6],
      "✘ F6: falta esta capa. Añade layers.Dense(84, activation='relu') después de C5.",
      _params("salida", "out", "1210", "850", "(120,)", "(84,)"),
      _wrong_total("51.902"), VERDICT]),
    ("missing_output", lambda: _without(7), None,
     [HEAD, INPUT, *list(OK.values())[:7],
      "✘ salida: falta esta capa. Añade layers.Dense(10, activation='softmax') después de F6.",
      _wrong_total("60.856"), VERDICT]),
    ("extra_convolution", lambda: _with(2, L.Conv2D(8, 3, activation="tanh", name="otra")),
     "classic",
     [HEAD_CLASSIC, INPUT, OK["c1"], OK["s2"],
      "✘ Capa 'otra' (Conv2D con 8 filtros de 3x3): LeNet-5 no tiene esta capa aquí. Quítala.",
      _shape("C3", "c3", "(8, 8, 16)", "(10, 10, 16)", "(12, 12, 8)", "(14, 14, 6)"),
      _shape("S4", "s4", "(4, 4, 16)", "(5, 5, 16)", "(8, 8, 16)", "(10, 10, 16)"),
      _shape("aplanado", "flat", "(256,)", "(400,)", "(4, 4, 16)", "(5, 5, 16)"),
      _params("C5", "c5", "30.840", "48.120", "(256,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("45.666"), VERDICT]),
    ("extra_activation", lambda: _with(5, L.Activation("relu", name="act")), "classic",
     [HEAD_CLASSIC, INPUT, *list(OK.values())[:5],
      "✘ Capa 'act' (Activation ('relu')): LeNet-5 no tiene esta capa aquí. Quítala.",
      *list(OK.values())[5:], TOTAL, VERDICT]),
    ("extra_dense", lambda: _with(7, L.Dense(84, activation="tanh", name="otra")), "classic",
     # two Dense(84) in a row: the first is the one too many, the second is F6
     [HEAD_CLASSIC, INPUT, *list(OK.values())[:6],
      "✘ Capa 'f6' (Dense con 84 neuronas): LeNet-5 no tiene esta capa aquí. Quítala.",
      _params("F6", "otra", "7140", "10.164", "(84,)", "(120,)"), OK["out"],
      _wrong_total("68.846"), VERDICT]),
    ("padding_on_a_32x32_input", lambda: _with(0, L.ZeroPadding2D(2, name="relleno")),
     "classic",
     [HEAD_CLASSIC, INPUT,
      "✘ Capa 'relleno' (ZeroPadding2D): LeNet-5 no tiene esta capa aquí. Quítala.",
      _shape("C1", "c1", "(32, 32, 6)", "(28, 28, 6)", "(36, 36, 1)", "(32, 32, 1)"),
      _shape("S2", "s2", "(16, 16, 6)", "(14, 14, 6)", "(32, 32, 6)", "(28, 28, 6)"),
      _shape("C3", "c3", "(12, 12, 16)", "(10, 10, 16)", "(16, 16, 6)", "(14, 14, 6)"),
      _shape("S4", "s4", "(6, 6, 16)", "(5, 5, 16)", "(12, 12, 16)", "(10, 10, 16)"),
      _shape("aplanado", "flat", "(576,)", "(400,)", "(6, 6, 16)", "(5, 5, 16)"),
      _params("C5", "c5", "69.240", "48.120", "(576,)", "(400,)"),
      OK["f6"], OK["out"], _wrong_total("82.826"), VERDICT]),
]  # fmt: skip


@pytest.mark.parametrize(("build", "variant", "lines"), [c[1:] for c in RIGHT],
                         ids=[c[0] for c in RIGHT])  # fmt: skip
def test_the_whole_feedback_of_a_right_model(build, variant, lines, capsys):
    assert check_lenet(build(), variant=variant) is True
    assert capsys.readouterr().out.splitlines() == lines


@pytest.mark.parametrize(("build", "variant", "lines"), [c[1:] for c in WRONG],
                         ids=[c[0] for c in WRONG])  # fmt: skip
def test_the_whole_feedback_of_a_wrong_model(build, variant, lines, capsys):
    assert check_lenet(build(), variant=variant) is False
    assert capsys.readouterr().out.splitlines() == lines
