"""Notebook 06's checkers: the rules the first table leaves out, and the whole feedback.

``test_architecture_exercises.py`` has one wrong answer per rule for most rules; here are
the rows it lacks (the residual block's kernel, filters, bias of the second convolution,
number of convolutions, order, two sums, a sum whose inputs do not both come from the
block's input; VGG given something that is not a model) and every line of the feedback
for the right answers (mutation testing found these sentences unchecked:
``benchmarks/mutation.py exercises_architectures``).
"""

from __future__ import annotations

import pytest
from keras import layers

from cnnkit.exercises.architectures import (
    check_receptive_field,
    check_residual_block,
    check_stack_parameters,
    check_vgg_config,
)

HEAD = "Comprobando tu bloque residual con proyección:"
MAIN = "✔ Camino principal: conv 3x3 (stride 2) - BN - ReLU - conv 3x3 - BN."
SHORTCUT = "✔ Atajo: proyección 1x1 con stride 2 y normalización por lotes."
RIGHT = "✔ ¡Correcto!"
AGAIN = "✘ Todavía no: corrige la primera línea marcada con ✘ y vuelve a comprobar."


def block(x, f, stride=2, *, k1=3, f1=None, bias2=False, convs=2, relu_first=False):
    """The right basic block with a projection; the keywords spoil one thing each."""
    y = layers.Conv2D(f1 or f, k1, strides=stride, padding="same", use_bias=False, name="c1")(x)
    norm, relu = layers.BatchNormalization(name="b1"), layers.ReLU(name="r1")
    y = norm(relu(y)) if relu_first else relu(norm(y))
    y = layers.Conv2D(f, 3, padding="same", use_bias=bias2, name="c2")(y)
    if convs == 3:
        y = layers.Conv2D(f, 3, padding="same", use_bias=False, name="c3")(y)
    y = layers.BatchNormalization(name="b2")(y)
    s = layers.Conv2D(f, 1, strides=stride, padding="same", use_bias=False, name="p")(x)
    s = layers.BatchNormalization(name="bp")(s)
    return layers.ReLU(name="r")(layers.Add(name="suma")([s, y]))


def two_sums(x, f, stride):
    y = block(x, f, stride)
    return layers.Add(name="otra")([y, y])


def sum_of_a_mixed_branch(x, f, stride):
    a = layers.Conv2D(f, 3, strides=stride, padding="same", use_bias=False, name="a")(x)
    b = layers.Conv2D(f, 3, strides=stride, padding="same", use_bias=False, name="b")(x)
    c = layers.Conv2D(f, 1, name="c")(layers.Concatenate(name="cat")([a, b]))
    return layers.ReLU(name="r")(layers.Add(name="suma")([c, a]))


BLOCK_WRONG = [
    ("kernel_5x5", lambda x, f, stride: block(x, f, stride, k1=5),
     ["✘ La primera convolución (c1) es 5x5; debe ser 3x3.", SHORTCUT]),
    ("filters", lambda x, f, stride: block(x, f, stride, f1=64),
     ["✘ La primera convolución (c1) tiene 64 filtros; debe tener 128.", SHORTCUT]),
    ("bias_in_the_second_conv", lambda x, f, stride: block(x, f, stride, bias2=True),
     ["✘ La segunda convolución (c2) tiene sesgo; va sin sesgo (use_bias=False), porque la "
      "sigue una normalización por lotes.", SHORTCUT]),
    ("three_convolutions", lambda x, f, stride: block(x, f, stride, convs=3),
     ["✘ El camino principal tiene 3 convoluciones; el bloque básico tiene dos 3x3.",
      SHORTCUT]),
    ("relu_before_batch_norm", lambda x, f, stride: block(x, f, stride, relu_first=True),
     ["✘ El orden del camino principal es Conv2D - ReLU - BatchNormalization - Conv2D - "
      "BatchNormalization; debe ser Conv2D - BatchNormalization - ReLU - Conv2D - "
      "BatchNormalization.", SHORTCUT]),
    ("two_sums", two_sums,
     ["✘ Tu bloque tiene 2 sumas (layers.Add); debe tener una, la del atajo con el camino "
      "principal."]),
    ("a_sum_input_not_from_the_block_input", sum_of_a_mixed_branch,
     ["✘ Las dos entradas de la suma deben salir de la entrada del bloque, una por el camino "
      "principal y otra por el atajo."]),
]  # fmt: skip


@pytest.mark.parametrize(("build", "lines"), [r[1:] for r in BLOCK_WRONG],
                         ids=[r[0] for r in BLOCK_WRONG])  # fmt: skip
def test_each_further_wrong_block_fails_with_its_whole_feedback(build, lines, capsys):
    assert check_residual_block(build) is False
    assert capsys.readouterr().out.splitlines() == [HEAD, *lines, AGAIN]


def test_the_right_block_gets_two_ticks_at_each_stride(capsys):
    assert check_residual_block(block) is True
    assert capsys.readouterr().out.splitlines() == [HEAD, MAIN, SHORTCUT, RIGHT]
    assert check_residual_block(block, stride=1, filters=64) is True
    assert capsys.readouterr().out.splitlines() == [
        HEAD, MAIN.replace("stride 2", "stride 1"), SHORTCUT.replace("stride 2", "stride 1"),
        RIGHT]  # fmt: skip
    assert check_residual_block(block, verbose=False) is True
    assert capsys.readouterr().out == ""


def test_vgg_refuses_what_is_not_a_model_and_an_unknown_configuration(capsys):
    assert check_vgg_config("modelo", "A") is False
    assert capsys.readouterr().out.splitlines() == [
        "Comprobando tu configuración A de VGG capa a capa:",
        "✘ Esto no es un modelo de Keras; devuelve el modelo.", AGAIN]
    with pytest.raises(ValueError, match=r"^`config` must be one of 'A', 'B', 'C', 'D', 'E', "
                                         r"got 'F'\.$"):  # fmt: skip
        check_vgg_config(None, "F")


@pytest.mark.parametrize(
    ("answer", "kernels", "strides", "line"),
    [(7, [3, 3, 3], None, "✔ 7 x 7 píxeles."),
     (9, [3, 3, 3], [1, 2, 1], "✔ 9 x 9 píxeles."),
     (9, [3, 3, 3], None, "✘ 9 es la suma de los tamaños de los núcleos; cada capa k x k añade "
                          "k - 1 píxeles."),
     (7, [3, 3, 3], [1, 2, 1], "✘ 7 no tiene en cuenta los strides: tras un stride s, cada "
                               "píxel más es s de la entrada."),
     (8, [3, 3, 3], [1, 2, 1], "✘ 8 no es el campo receptivo; suma k - 1 por capa, "
                               "multiplicado por los strides de antes.")],
)  # fmt: skip
def test_receptive_field_whole_feedback(answer, kernels, strides, line, capsys):
    assert check_receptive_field(answer, kernels, strides) is line.startswith("✔")
    assert capsys.readouterr().out.splitlines() == [line, RIGHT if line[0] == "✔" else AGAIN]


@pytest.mark.parametrize(
    ("answer", "n", "c", "line"),
    [(3 * (9 * 64 * 64 + 64), 3, 64, "✔ 110.784 parámetros."),
     (2 * (9 * 4 * 4 + 4), 2, 4, "✔ 296 parámetros."),
     (3 * (9 * 32 * 32 + 32), 3, 32, "✔ 27.744 parámetros."),
     (3 * 9 * 32 * 32, 3, 32, "✘ Te faltan los sesgos: uno por filtro y capa (96)."),
     (9 * 32 * 32 + 32, 3, 32, "✘ Es el número de una sola capa; multiplícalo por las capas."),
     (3 * (9 * 32 + 32), 3, 32, "✘ Cada filtro tiene k x k x C pesos: falta multiplicar por "
                                "los C filtros."),
     (12345, 3, 32, "✘ No es correcto: cada capa tiene k·k·C·C pesos y C sesgos.")],
)  # fmt: skip
def test_stack_parameters_whole_feedback(answer, n, c, line, capsys):
    assert check_stack_parameters(answer, layers=n, channels=c) is line.startswith("✔")
    assert capsys.readouterr().out.splitlines() == [line, RIGHT if line[0] == "✔" else AGAIN]


def test_stack_parameters_with_another_kernel(capsys):
    assert check_stack_parameters(2 * (25 * 8 * 8 + 8), layers=2, channels=8, kernel=5)
    assert not check_stack_parameters(2 * (9 * 8 * 8 + 8), layers=2, channels=8, kernel=5,
                                      verbose=False)  # fmt: skip
    assert capsys.readouterr().out.splitlines() == ["✔ 3216 parámetros.", RIGHT]
