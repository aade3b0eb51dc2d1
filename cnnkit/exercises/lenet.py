"""The LeNet-5 checker: a student's Keras model against LeNet-5, with feedback in Spanish.

:func:`check_lenet` compares a student's Keras model with LeNet-5 (LeCun et al., 1998)
layer by layer and says, in Spanish, what is right, what differs and what to change.

What counts as equivalent (documented for students and instructors):

- ``activation="tanh"`` on a Conv2D / Dense layer, or the same layer without activation
  followed by ``layers.Activation("tanh")`` (or ``layers.ReLU()``, ``layers.Softmax()``).
- C5 as ``Flatten`` + ``Dense(120)`` (the slides: "three dense layers") or as
  ``Conv2D(120, 5)`` + ``Flatten``: on the 5x5x16 maps of S4 both are the same
  computation with the same 48,120 parameters.
- For 28x28 inputs (MNIST): a ``ZeroPadding2D(2)`` layer before C1, or C1 with
  ``padding="same"`` (both add two zero pixels on each side: the same computation).
- Layers that do not change the architecture are ignored with a note: ``Dropout``,
  ``Rescaling`` and the ``InputLayer``. Any other extra layer is an error.
- Pooling may be average (classic variant) or max (modern variant); hidden activations
  may be ``tanh`` (classic) or ``relu`` (modern). ``variant=`` asks for one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras
from keras import layers

__all__ = ["check_lenet"]

OK, BAD, INFO = "✔", "✘", "ℹ"

_VARIANTS = {
    None: {"activation": ("tanh", "relu"), "pool": ("avg", "max")},
    "classic": {"activation": ("tanh",), "pool": ("avg",)},
    "modern": {"activation": ("relu",), "pool": ("max",)},
}
_VARIANT_ES = {"classic": "clásica", "modern": "moderna"}
_POOL_CLASS = {"avg": "AveragePooling2D", "max": "MaxPooling2D"}
_NEUTRAL = (layers.InputLayer, layers.Dropout, layers.Rescaling)
_ACTIVATION_LAYERS = (
    layers.Activation,
    layers.ReLU,
    layers.Softmax,
    layers.LeakyReLU,
    layers.ELU,
    layers.PReLU,
)


@dataclass(frozen=True)
class _Step:
    """One layer of the reference LeNet-5."""

    name: str
    kind: str  # "pad", "conv", "pool", "flatten" or "dense"
    in_shape: tuple[int, ...]
    shape: tuple[int, ...]
    params: int
    size: int = 0  # filters (conv) or units (dense)
    kernel: int = 0
    padding: str = "valid"
    is_output: bool = False


@dataclass
class _Found:
    """One layer of the student's model, with a folded Activation layer if any."""

    layer: Any
    kind: str  # "pad", "conv", "pool", "flatten", "dense", "activation" or "other"
    activation: str | None = None
    activation_layer: str | None = None

    @property
    def shape(self) -> tuple:
        return tuple(self.layer.output.shape[1:])

    @property
    def in_shape(self) -> tuple:
        return tuple(self.layer.input.shape[1:])

    @property
    def params(self) -> int:
        return int(self.layer.count_params())


# ---------------------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------------------


def _n(value: int) -> str:
    """A whole number in Spanish usage, whatever the figure language: 2416, 48.120."""
    text = f"{value:,}"
    return text.replace(",", ".") if abs(value) >= 10_000 else text.replace(",", "")


def _shape(shape: tuple) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _activation_name(value: Any) -> str:
    """Name of an activation given as a string, a function or a serialized dict."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        if isinstance(config, str):
            return config
        return str(value.get("class_name", "?"))
    return str(getattr(value, "__name__", value))


def _activation_of_layer(layer: Any) -> str:
    """The activation an activation layer applies, e.g. 'relu' for ``layers.ReLU()``."""
    if isinstance(layer, layers.Activation):
        return _activation_name(layer.get_config()["activation"])
    if isinstance(layer, layers.Softmax):
        return "softmax"
    if isinstance(layer, layers.ReLU):
        config = layer.get_config()
        plain = (
            config.get("max_value") is None
            and not config.get("negative_slope")
            and not config.get("threshold")
        )
        return "relu" if plain else "relu (modificada)"
    return {layers.LeakyReLU: "leaky_relu", layers.ELU: "elu", layers.PReLU: "prelu"}.get(
        type(layer), type(layer).__name__
    )


def _describe_found(found: _Found) -> str:
    """A short Spanish description of a student's layer."""
    layer = found.layer
    cls = type(layer).__name__
    if found.kind == "conv":
        k = "x".join(str(d) for d in layer.kernel_size)
        return f"{cls} con {layer.filters} filtros de {k}"
    if found.kind == "dense":
        return f"{cls} con {layer.units} neuronas"
    if found.kind == "activation":
        return f"{cls} ('{found.activation}')"
    return cls


def _describe_step(step: _Step, variant: str | None) -> str:
    """A short Spanish description of a reference layer."""
    if step.kind == "pad":
        return "ZeroPadding2D(padding=2)"
    if step.kind == "conv":
        return f"Conv2D con {step.size} filtros de {step.kernel}x{step.kernel}"
    if step.kind == "pool":
        pools = _VARIANTS[variant]["pool"]
        return "un pooling de 2x2 (" + " o ".join(_POOL_CLASS[p] for p in pools) + ")"
    if step.kind == "flatten":
        return "Flatten"
    return f"Dense con {step.size} neuronas"


def _activation_hint(variant: str | None) -> str:
    names = _VARIANTS[variant]["activation"]
    if len(names) == 1:
        return f"activation='{names[0]}'"
    return "activation='tanh' (clásica) o activation='relu' (moderna)"


# ---------------------------------------------------------------------------------------
# The reference and the student's layers
# ---------------------------------------------------------------------------------------


def _reference(channels: int, num_classes: int, pad: str, c5: str) -> list[_Step]:
    """LeNet-5's layers for ``channels`` input channels.

    ``pad`` is "none" (32x32 input), "layer" (28x28 + ZeroPadding2D) or "same"
    (28x28 + C1 with padding='same'); ``c5`` is "dense" or "conv".
    """
    steps: list[_Step] = []
    first = (28, 28, channels) if pad != "none" else (32, 32, channels)
    if pad == "layer":
        steps.append(_Step("relleno", "pad", first, (32, 32, channels), 0))
    c1_in = steps[-1].shape if steps else first
    c1_params = 6 * (5 * 5 * channels + 1)
    steps += [
        _Step(
            "C1", "conv", c1_in, (28, 28, 6), c1_params, 6, 5, "same" if pad == "same" else "valid"
        ),
        _Step("S2", "pool", (28, 28, 6), (14, 14, 6), 0),
        _Step("C3", "conv", (14, 14, 6), (10, 10, 16), 2416, 16, 5),
        _Step("S4", "pool", (10, 10, 16), (5, 5, 16), 0),
    ]
    if c5 == "dense":
        steps += [
            _Step("aplanado", "flatten", (5, 5, 16), (400,), 0),
            _Step("C5", "dense", (400,), (120,), 48120, 120),
        ]
    else:
        steps += [
            _Step("C5", "conv", (5, 5, 16), (1, 1, 120), 48120, 120, 5),
            _Step("aplanado", "flatten", (1, 1, 120), (120,), 0),
        ]
    steps += [
        _Step("F6", "dense", (120,), (84,), 10164, 84),
        _Step(
            "salida", "dense", (84,), (num_classes,), 85 * num_classes, num_classes, is_output=True
        ),
    ]
    return steps


def _kind(layer: Any) -> str:
    if isinstance(layer, layers.Conv2D):
        return "conv"
    if isinstance(layer, layers.Dense):
        return "dense"
    if isinstance(layer, layers.AveragePooling2D | layers.MaxPooling2D):
        return "pool"
    if isinstance(layer, layers.Flatten):
        return "flatten"
    if isinstance(layer, layers.ZeroPadding2D):
        return "pad"
    return "other"


def _student_layers(model: keras.Model) -> tuple[list[_Found], list[str]]:
    """The student's layers that matter, and notes on the layers that were ignored."""
    found: list[_Found] = []
    notes: list[str] = []
    for layer in model.layers:
        if isinstance(layer, layers.InputLayer):
            continue
        if isinstance(layer, _NEUTRAL):
            notes.append(
                f"{INFO} Ignoro la capa '{layer.name}' ({type(layer).__name__}): "
                "no cambia la arquitectura de LeNet-5."
            )
            continue
        if isinstance(layer, _ACTIVATION_LAYERS):
            name = _activation_of_layer(layer)
            last = next((f for f in reversed(found) if f.kind in ("conv", "dense")), None)
            if last is not None and last.activation == "linear" and not last.activation_layer:
                last.activation, last.activation_layer = name, layer.name
            else:
                found.append(_Found(layer, "activation", activation=name))
            continue
        kind = _kind(layer)
        activation = None
        if kind in ("conv", "dense"):
            activation = _activation_name(layer.get_config().get("activation", "linear"))
        found.append(_Found(layer, kind, activation=activation))
    return found, notes


# ---------------------------------------------------------------------------------------
# Comparing one layer
# ---------------------------------------------------------------------------------------


def _check_activation(step: _Step, found: _Found, variant: str | None) -> list[str]:
    act = found.activation or "linear"
    where = f" (en la capa '{found.activation_layer}')" if found.activation_layer else ""
    if step.is_output:
        if act == "softmax":
            return []
        if act == "linear":
            return [
                "no tiene activación softmax: añade activation='softmax' para que la salida "
                f"sean las probabilidades de las {step.size} clases."
            ]
        return [f"usa activation='{act}'{where}. Cambia activation='softmax'."]
    allowed = _VARIANTS[variant]["activation"]
    if act in allowed:
        return []
    if act == "linear":
        return [f"no tiene activación. Añade {_activation_hint(variant)}."]
    if variant is not None and act in ("tanh", "relu"):
        return [
            f"usa activation='{act}'{where} y la variante {_VARIANT_ES[variant]} usa "
            f"'{allowed[0]}'. Cambia activation='{allowed[0]}'."
        ]
    return [f"usa activation='{act}'{where}; LeNet-5 usa {_activation_hint(variant)}."]


def _check_conv(step: _Step, found: _Found, variant: str | None) -> list[str]:
    layer, problems = found.layer, []
    k = step.kernel
    if tuple(layer.kernel_size) != (k, k):
        got = "x".join(str(d) for d in layer.kernel_size)
        problems.append(f"esperaba filtros de {k}x{k}, tu capa usa {got}. Cambia kernel_size={k}.")
    if layer.filters != step.size:
        problems.append(
            f"esperaba {step.size} filtros de {k}x{k}, tu capa tiene {layer.filters}. "
            f"Cambia filters={step.size}."
        )
    if tuple(layer.strides) != (1, 1):
        problems.append(
            f"tu capa usa strides={tuple(layer.strides)} y LeNet-5 desplaza los filtros de "
            "1 en 1. Quita strides= (por defecto es 1)."
        )
    if layer.padding != step.padding:
        if step.padding == "valid":
            problems.append(
                f"tu capa usa padding='{layer.padding}' y aquí LeNet-5 no rellena. "
                "Quita padding= (por defecto es 'valid')."
            )
        else:
            problems.append(
                "tu entrada es 28x28: usa padding='same' en C1 (o una capa "
                "ZeroPadding2D(padding=2) antes) para trabajar a 32x32 como LeNet-5."
            )
    return problems + _check_activation(step, found, variant)


def _check_pool(step: _Step, found: _Found, variant: str | None) -> list[str]:
    layer, problems = found.layer, []
    kind = "avg" if isinstance(layer, layers.AveragePooling2D) else "max"
    allowed = _VARIANTS[variant]["pool"]
    if kind not in allowed:
        problems.append(
            f"la variante {_VARIANT_ES[variant]} usa {_POOL_CLASS[allowed[0]]} y tu capa es "
            f"{type(layer).__name__}. Cambia a layers.{_POOL_CLASS[allowed[0]]}(pool_size=2)."
        )
    if tuple(layer.pool_size) != (2, 2):
        problems.append(
            f"esperaba un pooling de 2x2, tu capa usa pool_size={tuple(layer.pool_size)}. "
            "Cambia pool_size=2."
        )
    if tuple(layer.strides) != (2, 2):
        problems.append(
            f"tu capa usa strides={tuple(layer.strides)} y LeNet-5 reduce a la mitad "
            "(stride 2). Quita strides= (por defecto es igual a pool_size)."
        )
    return problems


def _check_dense(step: _Step, found: _Found, variant: str | None) -> list[str]:
    problems = []
    units = found.layer.units
    if units != step.size:
        why = " (una por clase)" if step.is_output else ""
        problems.append(
            f"esperaba {step.size} neuronas{why}, tu capa tiene {units}. Cambia units={step.size}."
        )
    return problems + _check_activation(step, found, variant)


def _check_pad(step: _Step, found: _Found) -> list[str]:
    padding = tuple(tuple(p) for p in found.layer.padding)
    if padding != ((2, 2), (2, 2)):
        return [
            f"esperaba 2 píxeles de relleno por lado (28 → 32), tu capa usa padding={padding}. "
            "Usa layers.ZeroPadding2D(padding=2)."
        ]
    return []


def _config_problems(step: _Step, found: _Found, variant: str | None) -> list[str]:
    """What is wrong in how a student's layer is configured (empty: nothing)."""
    if found.kind != step.kind:
        return [f"esperaba {_describe_step(step, variant)} y tu capa es {_describe_found(found)}."]
    if step.kind == "conv":
        return _check_conv(step, found, variant)
    if step.kind == "pool":
        return _check_pool(step, found, variant)
    if step.kind == "dense":
        return _check_dense(step, found, variant)
    if step.kind == "pad":
        return _check_pad(step, found)
    return []


def _compare(step: _Step, found: _Found, variant: str | None) -> list[str]:
    """Problems of one student layer matched to a reference layer (empty: all right)."""
    problems = _config_problems(step, found, variant)
    if problems:
        return problems  # a wrong shape or parameter count would only repeat the cause
    upstream = ""
    if found.in_shape != step.in_shape:
        upstream = (
            f", porque su entrada es {_shape(found.in_shape)} y no {_shape(step.in_shape)}: "
            "corrige primero las capas anteriores"
        )
    if found.shape != step.shape:
        return [f"su salida es {_shape(found.shape)} y debería ser {_shape(step.shape)}{upstream}."]
    if found.params != step.params:
        hint = "" if upstream else " ¿Has quitado el sesgo (use_bias=False)?"
        return [
            f"tiene {_n(found.params)} parámetros y debería tener {_n(step.params)}"
            f"{upstream}.{hint}"
        ]
    return []


def _ok_line(step: _Step, found: _Found) -> str:
    detail = {
        "pad": "ZeroPadding2D(2)",
        "conv": f"Conv2D, {step.size} filtros {step.kernel}x{step.kernel}, {found.activation}",
        "pool": f"{type(found.layer).__name__} 2x2",
        "flatten": "Flatten",
        "dense": f"Dense {step.size}, {found.activation}",
    }[step.kind]
    return f"{OK} {step.name}: {detail} → salida {_shape(step.shape)}, {_n(step.params)} parámetros"


# ---------------------------------------------------------------------------------------
# Comparing the whole model
# ---------------------------------------------------------------------------------------


def _missing(step: _Step, previous: str, variant: str | None) -> str:
    where = f"después de {previous}" if previous else "al principio"
    if step.kind == "pad":
        return (
            f"{BAD} relleno: tu entrada es 28x28 y LeNet-5 trabaja con 32x32. Añade "
            "layers.ZeroPadding2D(padding=2) al principio (o usa padding='same' en C1)."
        )
    act = _VARIANTS[variant]["activation"][0]
    other = " (o activation='relu' en la variante moderna)" if variant is None else ""
    if step.kind == "conv":
        add = f"layers.Conv2D({step.size}, kernel_size={step.kernel}, activation='{act}'){other}"
    elif step.kind == "pool":
        pools = _VARIANTS[variant]["pool"]
        add = " o ".join(f"layers.{_POOL_CLASS[p]}(pool_size=2)" for p in pools)
    elif step.kind == "flatten":
        add = "layers.Flatten() para pasar de mapas de características a un vector"
    elif step.is_output:
        add = f"layers.Dense({step.size}, activation='softmax')"
    else:
        add = f"layers.Dense({step.size}, activation='{act}'){other}"
    return f"{BAD} {step.name}: falta esta capa. Añade {add} {where}."


def _extra(found: _Found) -> str:
    return (
        f"{BAD} Capa '{found.layer.name}' ({_describe_found(found)}): LeNet-5 no tiene "
        "esta capa aquí. Quítala."
    )


def _match_cost(step: _Step, found: _Found, variant: str | None) -> float:
    """Cost of pairing two layers: 0 if they agree, < 1 if only the settings differ.

    A missing layer or an extra one costs 1, and pairing layers of different types
    costs 2, so the alignment prefers naming a missing or extra layer.
    """
    if step.kind != found.kind:
        return 2.0
    return min(0.9, 0.3 * len(_config_problems(step, found, variant)))


def _align(
    steps: list[_Step], found: list[_Found], variant: str | None
) -> tuple[float, list[tuple[int | None, int | None]]]:
    """Cheapest alignment (edit distance) of the reference with the student's layers.

    Returns the cost and the pairs ``(step index, found index)`` in order, with None
    for a missing layer (no found index) or an extra one (no step index).
    """
    n, m = len(steps), len(found)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = float(i)
    for j in range(1, m + 1):
        cost[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + _match_cost(steps[i - 1], found[j - 1], variant),
                cost[i - 1][j] + 1.0,
                cost[i][j - 1] + 1.0,
            )
    pairs: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if (
            i
            and j
            and cost[i][j] == cost[i - 1][j - 1] + _match_cost(steps[i - 1], found[j - 1], variant)
        ):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1.0:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return cost[n][m], pairs[::-1]


def _walk(
    steps: list[_Step],
    alignment: list[tuple[int | None, int | None]],
    found: list[_Found],
    variant: str | None,
) -> tuple[list[str], list[tuple[_Step, _Found]]]:
    """Feedback lines for an alignment, and the pairs of matched layers."""
    lines: list[str] = []
    pairs: list[tuple[_Step, _Found]] = []
    for i, j in alignment:
        if j is None:
            previous = steps[i - 1].name if i else ""
            lines.append(_missing(steps[i], previous, variant))
        elif i is None:
            lines.append(_extra(found[j]))
        else:
            step, layer = steps[i], found[j]
            problems = _compare(step, layer, variant)
            if not problems:
                lines.append(_ok_line(step, layer))
                pairs.append((step, layer))
            lines += [f"{BAD} {step.name} ('{layer.layer.name}'): {p}" for p in problems]
    return lines, pairs


def _candidates(size: tuple, channels: int, num_classes: int) -> list[list[_Step]]:
    pads = ("layer", "same") if size == (28, 28) else ("none",)
    return [_reference(channels, num_classes, pad, c5) for pad in pads for c5 in ("dense", "conv")]


def _variant_line(pairs: list[tuple[_Step, _Found]]) -> str:
    acts = {f.activation for s, f in pairs if s.kind in ("conv", "dense") and not s.is_output}
    pools = {type(f.layer).__name__ for s, f in pairs if s.kind == "pool"}
    if acts == {"tanh"} and pools == {"AveragePooling2D"}:
        return "variante clásica: tanh + AveragePooling2D"
    if acts == {"relu"} and pools == {"MaxPooling2D"}:
        return "variante moderna: relu + MaxPooling2D"
    return (
        "mezcla de las dos variantes: "
        + ", ".join(sorted(acts))
        + " + "
        + ", ".join(sorted(pools))
        + "; la clásica usa tanh + AveragePooling2D y la moderna relu + MaxPooling2D"
    )


def _model_problem(model: Any) -> str | None:
    """Why the model cannot be checked layer by layer (None if it can)."""
    if not isinstance(model, keras.Model):
        hint = " ¿Olvidaste el return en tu función?" if model is None else ""
        return (
            f"check_lenet necesita un modelo de Keras (keras.Model) y ha recibido "
            f"{type(model).__name__}.{hint}"
        )
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        return (
            "Tu modelo no tiene una entrada definida: empieza el keras.Sequential con "
            "keras.Input(shape=(32, 32, 1)). check_lenet revisa modelos Sequential o "
            "funcionales (keras.Model(inputs, outputs))."
        )
    if len(inputs) != 1 or len(outputs) != 1:
        return (
            f"Tu modelo tiene {len(inputs)} entradas y {len(outputs)} salidas; LeNet-5 tiene "
            "una entrada (la imagen) y una salida (las probabilidades de cada clase)."
        )
    return None


def _input_lines(shape: tuple) -> tuple[list[str], int]:
    text = "x".join(str(d) for d in shape)
    if len(shape) != 3 or tuple(shape[:2]) not in ((32, 32), (28, 28)) or shape[2] is None:
        return [
            f"{BAD} Entrada: tu modelo recibe {text} y LeNet-5 recibe imágenes de 32x32 "
            "(o de 28x28 que el modelo rellena hasta 32x32). "
            "Usa keras.Input(shape=(32, 32, 1))."
        ], 1
    note = " (el modelo debe rellenarlas hasta 32x32)" if shape[:2] == (28, 28) else ""
    return [f"{OK} Entrada: imágenes de {text}{note}"], 0


def check_lenet(
    model: Any,
    *,
    variant: str | None = None,
    num_classes: int = 10,
    verbose: bool = True,
) -> bool:
    """Checks that a student's Keras model is LeNet-5, with feedback in Spanish.

    Compares the model layer by layer with LeNet-5 (LeCun et al., 1998: C1, S2, C3,
    S4, C5, F6 and the output layer): layer type, number of filters or neurons,
    kernel size, strides, padding, activation, output shape and parameter count.
    Each layer gets a line marked ✔ (right) or ✘ (what differs and what to change);
    missing and extra layers are named. The equivalences it accepts are listed in the
    module docstring (Activation layers, C5 as a convolution, 28x28 inputs with padding,
    Dropout). Anything that cannot be checked (not a Keras model, a model without
    input) is reported the same way and fails; nothing is raised for the student.

    Args:
        model: the student's model, a ``keras.Sequential`` or functional
            ``keras.Model`` with a defined input.
        variant: ``None`` (default) accepts both variants; ``"classic"`` asks for
            tanh + AveragePooling2D and ``"modern"`` for relu + MaxPooling2D.
        num_classes: the number of classes the output layer must have (default 10).
        verbose: print the feedback (default True); False only returns the result.

    Returns:
        True if the model is LeNet-5, False otherwise.

    Raises:
        ValueError: if ``variant`` or ``num_classes`` (the instructor's arguments)
            are not valid.

    Example:

    >>> from cnnkit.models import lenet5
    >>> check_lenet(lenet5(), verbose=False)
    True
    >>> check_lenet(lenet5(variant="modern"), variant="classic", verbose=False)
    False
    """
    if variant not in _VARIANTS:
        raise ValueError(f"`variant` must be None, 'classic' or 'modern', got {variant!r}.")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"`num_classes` must be an integer >= 2, got {num_classes!r}.")
    lines, passed = _feedback(model, variant, num_classes)
    if verbose:
        print("\n".join(lines))
    return passed


def _feedback(model: Any, variant: str | None, num_classes: int) -> tuple[list[str], bool]:
    """All the feedback lines for a model, and whether it passes."""
    title = "Comprobando tu LeNet-5 capa a capa"
    if variant is not None:
        title += f" (variante {_VARIANT_ES[variant]})"
    lines = [title + ":"]
    problem = _model_problem(model)
    if problem is not None:
        return lines + [f"{BAD} {problem}", _verdict()], False

    shape = tuple(model.inputs[0].shape[1:])
    input_lines, errors = _input_lines(shape)
    lines += input_lines
    found, notes = _student_layers(model)
    if not any(f.kind == "conv" for f in found):
        lines.append(
            f"{BAD} Tu modelo no tiene ninguna capa Conv2D: LeNet-5 es una red convolucional "
            "(C1 y C3 son capas Conv2D)."
        )
        errors += 1
    size = tuple(shape[:2]) if len(shape) == 3 else ()
    channels = shape[2] if len(shape) == 3 and isinstance(shape[2], int) else 1
    try:
        aligned = [
            (_align(steps, found, variant), steps)
            for steps in _candidates(size, channels, num_classes)
        ]
        (_, alignment), steps = min(aligned, key=lambda item: item[0][0])  # first on ties
        layer_lines, pairs = _walk(steps, alignment, found, variant)
    except (AttributeError, ValueError):  # e.g. a layer used twice: no single output
        unreadable = (
            f"{BAD} No puedo revisar tu modelo capa a capa: alguna capa no tiene una sola "
            "entrada y una sola salida (¿usas la misma capa dos veces?). Escríbelo como un "
            "keras.Sequential con una capa detrás de otra, como LeNet-5."
        )
        return lines + [unreadable, _verdict()], False
    lines += notes + layer_lines
    errors += sum(line.startswith(BAD) for line in layer_lines)

    expected = sum(s.params for s in steps)
    total = int(model.count_params())
    if total == expected:
        lines.append(f"{OK} Total: {_n(total)} parámetros, como LeNet-5.")
    else:
        lines.append(
            f"{BAD} Total: tu modelo tiene {_n(total)} parámetros y LeNet-5 tiene {_n(expected)}."
        )
        errors += 1
    if errors == 0:
        lines.append(f"{OK} ¡Correcto! Tu modelo es LeNet-5 ({_variant_line(pairs)}).")
    else:
        lines.append(_verdict())
    return lines, errors == 0


def _verdict() -> str:
    return (
        f"{BAD} Tu modelo todavía no es LeNet-5. Corrige las líneas marcadas con ✘, "
        "empezando por la primera, y vuelve a ejecutar la comprobación."
    )
