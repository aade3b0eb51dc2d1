"""Checkers for notebook 06's exercises: VGG configurations, residual blocks, receptive fields.

Each checker prints one Spanish line per item (✔ right, ✘ what differs, naming the layer,
and what to change) and returns True or False, like :func:`cnnkit.exercises.check_lenet`:

- :func:`check_vgg_config`: a student's VGG, layer by layer against Table 1 (kernel, filters,
  stride, padding, activation, pooling, order). ``Dropout`` is ignored; an ``Activation`` /
  ``ReLU`` layer right after a convolution or dense layer counts as its activation.
- :func:`check_residual_block`: a function ``block(x, filters, stride=2)`` that builds a
  basic residual block with a projection shortcut; its graph (read with
  :func:`cnnkit.layer_graph.layer_graph`) is checked branch by branch.
- :func:`check_receptive_field`, :func:`check_stack_parameters` and
  :func:`check_depth_gap` (numbers and measurements the student computes) live in
  :mod:`cnnkit.exercises.architecture_numbers` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import keras
from keras import layers

from cnnkit.exercises.architecture_numbers import (
    BAD,
    OK,
    _report,
    check_depth_gap,
    check_receptive_field,
    check_stack_parameters,
)
from cnnkit.layer_graph import layer_graph

__all__ = ["check_depth_gap", "check_receptive_field", "check_residual_block",
           "check_stack_parameters", "check_vgg_config"]

_ACTS = (layers.ReLU, layers.Activation)


def _act(layer: Any) -> str:
    return getattr(getattr(layer, "activation", None), "__name__", "linear")


def _pair(value: Any) -> int:
    return value[0] if isinstance(value, (tuple, list)) else value


def _vgg_steps(config: str, num_classes: int) -> list[tuple[str, int, int]]:
    from cnnkit.models.vgg import CONFIGS

    steps = []
    for block in CONFIGS[config]:
        for entry in block:
            if entry != "LRN":
                k, f = entry.removeprefix("conv").split("-")
                steps.append(("conv", int(k), int(f)))
        steps.append(("pool", 2, 2))
    return steps + [("flatten", 0, 0), ("dense", 0, 4096), ("dense", 0, 4096),
                    ("dense", 0, num_classes)]  # fmt: skip


_KIND = {layers.Conv2D: "conv", layers.MaxPooling2D: "pool", layers.Flatten: "flatten",
         layers.Dense: "dense"}  # fmt: skip
_ES = {"conv": "una convolución (Conv2D)", "pool": "un max pooling (MaxPooling2D)",
       "flatten": "Flatten", "dense": "una capa densa (Dense)"}  # fmt: skip


def check_vgg_config(model: Any, config: str, *, num_classes: int = 1000,
                     verbose: bool = True) -> bool:
    """Compare a student's model with VGG's configuration ``config``, layer by layer.

    Args:
        model: the student's ``keras.Model`` (Sequential or functional).
        config: ``"A"``, ``"B"``, ``"C"``, ``"D"`` or ``"E"`` (LRN is not asked for).
        num_classes: units of the output layer (default 1000, as in the paper).
        verbose: print the feedback.

    Returns:
        True when every layer matches the paper's Table 1.

    Example:
        >>> def block(f, n):
        ...     convs = [layers.Conv2D(f, 3, padding="same", activation="relu") for _ in range(n)]
        ...     return convs + [layers.MaxPooling2D(2)]
        >>> body = sum((block(f, 1 if f < 256 else 2) for f in (64, 128, 256, 512, 512)), [])
        >>> head = [layers.Flatten(), layers.Dense(4096, activation="relu"),
        ...         layers.Dense(4096, activation="relu"), layers.Dense(10, activation="softmax")]
        >>> model = keras.Sequential([keras.Input((32, 32, 3)), *body, *head])
        >>> check_vgg_config(model, "A", num_classes=10, verbose=False)
        True
        >>> check_vgg_config(model, "B", num_classes=10, verbose=False)
        False
    """
    if config not in ("A", "B", "C", "D", "E"):
        raise ValueError(f"`config` must be one of 'A', 'B', 'C', 'D', 'E', got {config!r}.")
    lines = [f"Comprobando tu configuración {config} de VGG capa a capa:"]
    if not isinstance(model, keras.Model):
        return _report(lines + [f"{BAD} Esto no es un modelo de Keras; devuelve el modelo."],
                       verbose)  # fmt: skip
    names = {la.name for la in model.layers}
    if model.name.startswith(f"vgg_{config}") or {"block1_conv1", "fc1", "predictions"} <= names:
        lines.append(f"{BAD} Has usado cnnkit.models.vgg; construye la red con capas de Keras.")
    found = [la for la in model.layers if not isinstance(la, (layers.InputLayer, layers.Dropout))]
    steps = _vgg_steps(config, num_classes)
    i = 0
    for number, (kind, k, f) in enumerate(steps, 1):
        if i >= len(found):
            lines.append(f"{BAD} Faltan capas: después de la última se esperaba {_ES[kind]}.")
            return _report(lines, verbose)
        layer = found[i]
        where = f"Capa {number} ({layer.name})"
        has = next((v for c, v in _KIND.items() if isinstance(layer, c)), None)
        if has != kind:
            lines.append(f"{BAD} {where}: se esperaba {_ES[kind]} y hay {type(layer).__name__}.")
            return _report(lines, verbose)
        act = _act(layer)
        if i + 1 < len(found) and isinstance(found[i + 1], _ACTS) and act == "linear":
            i, act = i + 1, _relu_name(found[i + 1])  # a separate activation layer
        i += 1
        lines += _vgg_layer(where, kind, k, f, layer, act, last=number == len(steps))
    lines += [f"{BAD} Sobra la capa {la.name} ({type(la).__name__}) al final." for la in found[i:]]
    if not any(line.startswith(BAD) for line in lines):
        convs = sum(kind == "conv" for kind, _, _ in steps)
        lines.append(f"{OK} {convs} convoluciones en 5 bloques y 3 densas, como la "
                     f"configuración {config}.")  # fmt: skip
    return _report(lines, verbose)


def _vgg_layer(where: str, kind: str, k: int, f: int, layer: Any, act: str,
               last: bool) -> list[str]:
    if kind == "conv":
        problems = [
            (_pair(layer.kernel_size) != k, f"el núcleo es {_pair(layer.kernel_size)}x"
             f"{_pair(layer.kernel_size)}; la tabla pide {k}x{k} (conv{k}-{f})"),
            (layer.filters != f, f"tiene {layer.filters} filtros; la tabla pide {f}"),
            (_pair(layer.strides) != 1, f"tiene stride {_pair(layer.strides)}; en VGG las "
             "convoluciones tienen stride 1 (el tamaño solo lo reducen los max pooling)"),
            (layer.padding != "same", "usa padding='valid'; VGG usa padding='same'"),
            (act != "relu", "no tiene activación ReLU")]  # fmt: skip
    elif kind == "pool":
        size, stride = _pair(layer.pool_size), _pair(layer.strides)
        problems = [((size, stride) != (2, 2), f"el max pooling es {size}x{size} con stride "
                     f"{stride}; VGG usa 2x2 con stride 2")]  # fmt: skip
    elif kind == "dense":
        want = "softmax" if last else "relu"
        problems = [(layer.units != f, f"tiene {layer.units} neuronas; se esperaban {f}"),
                    (act != want, f"su activación es {act}; se esperaba {want}")]
    else:
        problems = []
    bad = [text for wrong, text in problems if wrong]
    return [f"{BAD} {where}: {text}." for text in bad]


def _branch(graph: Any, start: str, stop: str) -> list[Any] | None:
    """The layers from ``stop`` (excluded) down to ``start``, or None if it does not get there."""
    chain, node = [], start
    while node != stop:
        parents = graph.parents(node)
        if len(parents) != 1:
            return None
        chain.append(graph.operations[node])
        node = parents[0]
    return chain[::-1]


def check_residual_block(block: Callable[..., Any], *, input_shape: Sequence[int] = (56, 56, 64),
                         filters: int = 128, stride: int = 2, verbose: bool = True) -> bool:
    """Check ``block(x, filters, stride=stride)``: a basic block with a projection shortcut.

    Expected: main path conv 3x3 (stride) - BN - ReLU - conv 3x3 - BN, shortcut conv 1x1
    (stride) - BN, both without bias, ``Add``, then ReLU.

    Example:
        >>> from cnnkit.models import residual_block
        >>> check_residual_block(lambda x, f, stride: residual_block(x, f, stride=stride),
        ...                      verbose=False)
        True
    """
    lines = ["Comprobando tu bloque residual con proyección:"]
    x = keras.Input(tuple(input_shape), name="entrada")
    try:
        model = keras.Model(x, block(x, filters, stride=stride))
    except Exception as error:  # noqa: BLE001 - the student's code: explain, do not raise
        hint = " ¿Falta la proyección 1x1 con stride en el atajo?" if "shape" in str(error) else ""
        return _report(lines + [f"{BAD} Tu bloque no se puede construir: {error}.{hint}"],
                       verbose)  # fmt: skip
    graph = layer_graph(model)
    adds = [n for n in graph.nodes if isinstance(graph.operations[n], layers.Add)]
    if len(adds) != 1:
        return _report(lines + [f"{BAD} Tu bloque tiene {len(adds)} sumas (layers.Add); debe "
                                "tener una, la del atajo con el camino principal."], verbose)
    add = adds[0]
    after = [graph.operations[n] for n in graph.children(add)]
    if len(after) != 1 or not isinstance(after[0], _ACTS) or _relu_name(after[0]) != "relu":
        lines.append(f"{BAD} Después de la suma ({add}) debe ir una ReLU.")
    branches = [_branch(graph, p, "entrada") for p in graph.parents(add)]
    if any(b is None for b in branches):
        return _report(lines + [f"{BAD} Las dos entradas de la suma deben salir de la entrada "
                                "del bloque, una por el camino principal y otra por el atajo."],
                       verbose)  # fmt: skip
    branches.sort(key=lambda b: sum(isinstance(la, layers.Conv2D) for la in b))
    shortcut, main = branches
    lines += _main_path(main, filters, stride) + _shortcut(shortcut, filters, stride)
    want = (input_shape[0] // stride, input_shape[1] // stride, filters)
    if tuple(model.output_shape[1:]) != want:
        lines.append(f"{BAD} La salida es {tuple(model.output_shape[1:])}; debe ser {want}.")
    return _report(lines, verbose)


def _relu_name(layer: Any) -> str:
    return "relu" if isinstance(layer, layers.ReLU) else _act(layer)


def _conv_problems(conv: Any, role: str, k: int, f: int, s: int) -> list[str]:
    size, got = _pair(conv.kernel_size), _pair(conv.strides)
    checks = [(size != k, f"es {size}x{size}; debe ser {k}x{k}"),
              (conv.filters != f, f"tiene {conv.filters} filtros; debe tener {f}"),
              (got != s, f"tiene stride {got}; debe tener stride {s}"),
              (conv.use_bias, "tiene sesgo; va sin sesgo (use_bias=False), porque la sigue "
               "una normalización por lotes"),
              (_act(conv) != "linear", f"aplica {_act(conv)} antes de la normalización por "
               "lotes; la activación va después (una capa ReLU)")]  # fmt: skip
    return [f"{BAD} {role} ({conv.name}) {text}." for wrong, text in checks if wrong]


def _main_path(main: list[Any], filters: int, stride: int) -> list[str]:
    kinds = [type(la).__name__ for la in main]
    convs = [la for la in main if isinstance(la, layers.Conv2D)]
    if len(convs) != 2:
        return [f"{BAD} El camino principal tiene {len(convs)} convoluciones; el bloque "
                "básico tiene dos 3x3."]
    first, second = convs
    if _pair(first.strides) == 1 and _pair(second.strides) == stride != 1:
        return [f"{BAD} El stride {stride} está en la segunda convolución ({second.name}); va "
                "en la primera, como en el artículo."]
    lines = _conv_problems(first, "La primera convolución", 3, filters, stride)
    lines += _conv_problems(second, "La segunda convolución", 3, filters, 1)
    expected = ["Conv2D", "BatchNormalization", "ReLU", "Conv2D", "BatchNormalization"]
    names = ["Conv2D" if k == "Conv2D" else "ReLU" if k == "Activation" else k for k in kinds]
    if names != expected and not lines:
        relu = next((la.name for la in main[main.index(second):] if isinstance(la, _ACTS)), None)
        lines.append(f"{BAD} Hay una ReLU ({relu}) antes de la suma; va después de la suma."
                     if relu else f"{BAD} El orden del camino principal es {' - '.join(kinds)}; "
                     "debe ser Conv2D - BatchNormalization - ReLU - Conv2D - BatchNormalization.")
    return lines or [f"{OK} Camino principal: conv 3x3 (stride {stride}) - BN - ReLU - conv 3x3 "
                     "- BN."]  # fmt: skip


def _shortcut(shortcut: list[Any], filters: int, stride: int) -> list[str]:
    convs = [la for la in shortcut if isinstance(la, layers.Conv2D)]
    if not convs:
        return [f"{BAD} El atajo no tiene proyección: la entrada llega a la suma sin "
                "convolución 1x1."]
    lines = _conv_problems(convs[0], "La proyección del atajo", 1, filters, stride)
    if not isinstance(shortcut[-1], layers.BatchNormalization):
        lines.append(f"{BAD} Falta la normalización por lotes después de la proyección "
                     f"({convs[0].name}).")
    return lines or [f"{OK} Atajo: proyección 1x1 con stride {stride} y normalización por lotes."]
