"""Notebook 06's checkers: a right answer passes; each wrong answer fails with its message."""

from __future__ import annotations

import keras
import pytest
from keras import layers
from shapeless import shapeless

from cnnkit.exercises.architectures import (
    check_depth_gap,
    check_receptive_field,
    check_residual_block,
    check_stack_parameters,
    check_vgg_config,
)
from cnnkit.models import vgg

BLOCKS_B = (64, 128, 256, 512, 512)


def vgg_b(input_shape=(64, 64, 3), change=None):
    """Configuration B as a student writes it; ``change(index, layer_list)`` spoils it.

    The checker reads layers, never a weight's value: the model is built without drawing
    its 30-odd million initial weights (``tests/shapeless.py``).
    """
    seq = []
    for f in BLOCKS_B:
        seq += [layers.Conv2D(f, 3, padding="same", activation="relu") for _ in range(2)]
        seq.append(layers.MaxPooling2D(2))
    seq += [layers.Flatten(), layers.Dense(4096, activation="relu"), layers.Dropout(0.5),
            layers.Dense(4096, activation="relu"), layers.Dense(1000, activation="softmax")]
    if change:
        change(seq)
    return shapeless(keras.Sequential, [keras.Input(input_shape), *seq], name="mi_vgg")


def _set(i, layer):
    def change(seq):
        seq[i] = layer
    return change


VGG_WRONG = {  # one rule each: the spoiled model and the words the feedback must contain
    "kernel 5x5": (_set(3, layers.Conv2D(128, 5, padding="same", activation="relu")),
                   "Capa 4 (conv2d", "el núcleo es 5x5; la tabla pide 3x3 (conv3-128)"),
    "filters": (_set(1, layers.Conv2D(32, 3, padding="same", activation="relu")),
                "Capa 2", "tiene 32 filtros; la tabla pide 64"),
    "stride 2": (_set(0, layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")),
                 "Capa 1", "tiene stride 2; en VGG las convoluciones tienen stride 1"),
    "valid padding": (_set(0, layers.Conv2D(64, 3, activation="relu")),
                      "Capa 1", "usa padding='valid'; VGG usa padding='same'"),
    "no relu": (_set(3, layers.Conv2D(128, 3, padding="same")),
                "Capa 4", "no tiene activación ReLU"),
    "pool 3x3": (_set(2, layers.MaxPooling2D(3, strides=2, padding="same")), "Capa 3",
                 "el max pooling es 3x3 con stride 2; VGG usa 2x2 con stride 2"),
    "average pooling": (_set(2, layers.AveragePooling2D(2)), "Capa 3",
                        "se esperaba un max pooling (MaxPooling2D) y hay AveragePooling2D"),
    "order": (lambda s: s.__setitem__(slice(1, 3), [s[2], s[1]]), "Capa 2",
              "se esperaba una convolución (Conv2D) y hay MaxPooling2D"),
    "one conv missing": (lambda s: s.pop(4), "Capa 5",
                         "se esperaba una convolución (Conv2D) y hay MaxPooling2D"),
    "dense units": (_set(16, layers.Dense(1024, activation="relu")), "Capa 17",
                    "tiene 1024 neuronas; se esperaban 4096"),
    "output activation": (_set(-1, layers.Dense(1000)), "Capa 19",
                          "su activación es linear; se esperaba softmax"),
    "extra layer": (lambda s: s.append(layers.Dense(10)), "Sobra la capa", "(Dense) al final"),
    "layers missing": (lambda s: s.pop(), "Faltan capas",
                       "después de la última se esperaba una capa densa (Dense)"),
}


def test_a_right_configuration_passes(capsys):
    assert check_vgg_config(vgg_b(), "B")
    out = capsys.readouterr().out
    assert "✘" not in out and "10 convoluciones en 5 bloques y 3 densas" in out
    separate = [layers.Conv2D(64, 3, padding="same"), layers.ReLU()]  # a separate ReLU is fine
    assert check_vgg_config(vgg_b(change=lambda s: s.__setitem__(slice(0, 1), separate)), "B",
                            verbose=False)


@pytest.mark.parametrize("rule", list(VGG_WRONG))
def test_each_wrong_vgg_fails_naming_the_layer(rule, capsys):
    change, where, words = VGG_WRONG[rule]
    assert not check_vgg_config(vgg_b(change=change), "B")
    bad = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✘")]
    assert where in bad[0] and words in bad[0], bad


def test_the_builder_itself_is_not_an_answer(capsys):
    assert not check_vgg_config(shapeless(vgg, (32, 32, 3), config="B"), "B")
    assert "Has usado cnnkit.models.vgg" in capsys.readouterr().out
    assert not check_vgg_config(shapeless(vgg, (32, 32, 3), config="B", name="mia"), "B")
    assert "Has usado cnnkit.models.vgg" in capsys.readouterr().out


def test_a_config_other_than_asked_fails(capsys):
    assert not check_vgg_config(vgg_b(), "A")
    assert "Capa 2 (conv2d" in capsys.readouterr().out


def block(x, filters, stride=2, *, spoil=()):
    """The right block; ``spoil`` names what to get wrong."""
    s1, s2 = (1, stride) if "stride second" in spoil else (stride, 1)
    y = layers.Conv2D(filters, 3, strides=s1, padding="same", use_bias="bias" in spoil,
                      activation="relu" if "relu in conv" in spoil else None)(x)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, strides=s2, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if "relu before add" in spoil:
        y = layers.ReLU()(y)
    k = 3 if "projection 3x3" in spoil else 1
    short = layers.Conv2D(filters, k, strides=stride, padding="same", use_bias=False)(x)
    if "no projection bn" not in spoil:
        short = layers.BatchNormalization()(short)
    if "no projection" in spoil:
        short = layers.MaxPooling2D(1, strides=stride)(layers.Conv2D(filters, 1)(x))
        short = x if stride == 1 else short
    out = layers.Add()([short, y])
    return out if "no relu after" in spoil else layers.ReLU()(out)


BLOCK_WRONG = {
    "stride second": "El stride 2 está en la segunda convolución (conv2d",
    "bias": "La primera convolución (conv2d",
    "relu in conv": "aplica relu antes de la normalización por lotes",
    "relu before add": "Hay una ReLU (re_lu",
    "projection 3x3": "La proyección del atajo (conv2d",
    "no projection bn": "Falta la normalización por lotes después de la proyección",
    "no relu after": "Después de la suma (add",
}


def test_the_right_block_passes(capsys):
    assert check_residual_block(block)
    out = capsys.readouterr().out
    assert "✔ Atajo: proyección 1x1 con stride 2" in out and "✔ Camino principal" in out


@pytest.mark.parametrize("rule", list(BLOCK_WRONG))
def test_each_wrong_block_fails_with_its_message(rule, capsys):
    assert not check_residual_block(lambda x, f, stride: block(x, f, stride, spoil=(rule,)))
    bad = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✘")]
    assert BLOCK_WRONG[rule] in bad[0], bad


def test_a_block_without_projection_or_with_a_wrong_stride_does_not_build(capsys):
    def identity(x, f, stride):
        y = layers.Conv2D(f, 3, strides=stride, padding="same", use_bias=False)(x)
        return layers.ReLU()(layers.Add()([x, layers.BatchNormalization()(y)]))
    assert not check_residual_block(identity)
    out = capsys.readouterr().out
    assert "Tu bloque no se puede construir" in out and "proyección 1x1 con stride" in out


def test_a_block_without_a_sum(capsys):
    assert not check_residual_block(lambda x, f, stride: layers.Conv2D(f, 3, strides=stride,
                                                                        padding="same")(x))
    assert "Tu bloque tiene 0 sumas" in capsys.readouterr().out


RF_WRONG = [  # answer, kernels, strides, words
    (9, [3, 3, 3], None, "es la suma de los tamaños de los núcleos"),
    (7, [3, 3, 3], [1, 2, 1], "no tiene en cuenta los strides"),
    (6, [3, 3, 3], None, "no es el campo receptivo"),
]


@pytest.mark.parametrize("answer, kernels, strides, words", RF_WRONG)
def test_receptive_field_mistakes(answer, kernels, strides, words, capsys):
    assert not check_receptive_field(answer, kernels, strides)
    assert words in capsys.readouterr().out


def test_receptive_field_right():
    assert check_receptive_field(9, [3, 3, 3], [1, 2, 1], verbose=False)


PARAM_WRONG = [
    (3 * 9 * 32 * 32, "Te faltan los sesgos: uno por filtro y capa (96)"),
    (9 * 32 * 32 + 32, "Es el número de una sola capa"),
    (3 * (9 * 32 + 32), "falta multiplicar por los C filtros"),
    (12345, "No es correcto: cada capa tiene k·k·C·C pesos y C sesgos"),
]


@pytest.mark.parametrize("answer, words", PARAM_WRONG)
def test_stack_parameter_mistakes(answer, words, capsys):
    assert not check_stack_parameters(answer, layers=3, channels=32)
    assert words in capsys.readouterr().out


def test_stack_parameters_right(capsys):
    assert check_stack_parameters(3 * (9 * 32 * 32 + 32), layers=3, channels=32)
    assert "27.744 parámetros" in capsys.readouterr().out


def _gap_right(rows, network):
    mine = [r for r in rows if r["network"] == network]
    depths = sorted({r["depth"] for r in mine})
    gaps = []
    for seed in sorted({r["seed"] for r in mine}):
        last = {d: max((r for r in mine if (r["seed"], r["depth"]) == (seed, d)),
                       key=lambda r: r["step"])["train_error"] for d in (depths[0], depths[-1])}
        gaps.append(last[depths[-1]] - last[depths[0]])
    return sum(gaps) / len(gaps)


def _first_step(rows, network):
    mine = [r for r in rows if r["network"] == network]
    depths = sorted({r["depth"] for r in mine})
    seeds = sorted({r["seed"] for r in mine})
    first = {(s, d): min((r for r in mine if (r["seed"], r["depth"]) == (s, d)),
                         key=lambda r: r["step"])["train_error"] for s in seeds for d in depths}
    return sum(first[(s, depths[-1])] - first[(s, depths[0])] for s in seeds) / len(seeds)


@pytest.mark.parametrize("wrong, words", [
    (lambda rows, net: -_gap_right(rows, net), "signo contrario"),
    (lambda rows, net: 100 * _gap_right(rows, net), "en puntos"),
    (lambda rows, net: _gap_right(rows, "residual" if net == "plain" else "plain"), "mide la red"),
    (_first_step, "primera medida"),
    (lambda rows, net: 0.05, "se esperaba"),
    (lambda rows, net: rows[0]["nope"], "falla"),
])
def test_depth_gap_names_the_mistake(wrong, words, capsys):
    assert not check_depth_gap(wrong)
    assert words in capsys.readouterr().out


def test_depth_gap_accepts_a_right_function():
    assert check_depth_gap(_gap_right, verbose=False)


def test_receptive_field_function_is_tried_on_several_stacks(capsys):
    def right(kernels, strides):
        field, jump = 1, 1
        for k, s in zip(kernels, strides, strict=True):
            field, jump = field + (k - 1) * jump, jump * s
        return field

    assert check_receptive_field(right, [3, 3, 2, 3], [1, 1, 2, 1], verbose=False)
    # right on the asked stack (all strides 1) but not in general: ignores the strides
    assert not check_receptive_field(lambda k, s: 1 + sum(x - 1 for x in k), [3, 3, 3])
    assert "strides" in capsys.readouterr().out
