"""The LeNet-5 checker: a student's Keras model against LeNet-5, with feedback in Spanish.

:func:`check_lenet` compares a student's model (or the function that builds it) with
LeNet-5 (LeCun et al., 1998) layer by layer and says, in Spanish, what is right, what
differs and what to change. The parts live in one module each: the reference table
(:mod:`~cnnkit.exercises._reference`), the reading of the student's model
(:mod:`~cnnkit.exercises._layers`), the rules for one layer
(:mod:`~cnnkit.exercises._compare`), the alignment of the two
(:mod:`~cnnkit.exercises._align`), the sentences (:mod:`~cnnkit.exercises._messages`) and
the call tracer that tells a hand-built model from cnnkit's own
(:mod:`~cnnkit.exercises._builder`).

What counts as equivalent (documented for students and instructors):

- ``activation="tanh"`` on a Conv2D / Dense layer, or the same layer without activation
  followed right away by ``layers.Activation("tanh")`` (or ``layers.ReLU()``,
  ``layers.Softmax()``).
- C5 as ``Flatten`` + ``Dense(120)`` (the slides: "three dense layers") or as
  ``Conv2D(120, 5)`` + ``Flatten``: on the 5x5x16 maps of S4 both are the same
  computation with the same 48,120 parameters.
- For 28x28 inputs (MNIST): a ``ZeroPadding2D(2)`` layer before C1, or C1 with
  ``padding="same"`` (both add two zero pixels on each side: the same computation).
- Layers that do not change the architecture are ignored with a note: ``Dropout``,
  ``Rescaling`` and the ``InputLayer``. Any other extra layer is an error.
- Pooling may be average (classic variant) or max (modern variant); hidden activations
  may be ``tanh`` (classic) or ``relu`` (modern). ``variant=`` asks for one of them.

Given the *function* that builds the model, the checker also refuses a model made by
cnnkit's own builders (any call into :mod:`cnnkit.models`, however imported) and a
function that returns the same model or layers at each call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras

from cnnkit._validate import check_bool, check_choice, check_int, type_name
from cnnkit.exercises import _messages as say
from cnnkit.exercises._align import align, match_cost, walk
from cnnkit.exercises._builder import build, shares_layers
from cnnkit.exercises._layers import student_layers
from cnnkit.exercises._reference import VARIANTS, candidates
from cnnkit.exercises._text import BAD, OK, number
from cnnkit.exercises.errors import explain_error

__all__ = ["check_lenet"]


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
    kernel size, strides, dilation, groups, padding, bias, activation, output shape and
    parameter count. Each layer gets a line marked ✔ (right) or ✘ (what differs and what
    to change); missing and extra layers are named. The equivalences it accepts are listed
    in the module docstring. Anything that cannot be checked (not a Keras model, a model
    without input, a function that fails) is reported the same way and fails; nothing is
    raised for the student.

    Args:
        model: the student's model (a ``keras.Sequential`` or functional ``keras.Model``
            with a defined input), or the function that builds it, called with no
            arguments. A function is also checked for integrity: it must build the
            layers itself (no call into :mod:`cnnkit.models`) and build a new model at
            each call.
        variant: ``None`` (default) accepts both variants; ``"classic"`` asks for
            tanh + AveragePooling2D and ``"modern"`` for relu + MaxPooling2D.
        num_classes: the number of classes the output layer must have (default 10).
        verbose: print the feedback (default True); False only returns the result.

    Returns:
        True if the model is LeNet-5, False otherwise.

    Raises:
        TypeError: ``variant`` is not a string or None, ``num_classes`` not an int
            (NumPy integers are accepted) or ``verbose`` not a bool.
        ValueError: ``variant`` is not ``"classic"`` or ``"modern"``, or
            ``num_classes`` is less than 2.

    Example:

    >>> import keras
    >>> from cnnkit.models import lenet5
    >>> check_lenet(lenet5(), verbose=False)
    True
    >>> check_lenet(lenet5(variant="modern"), variant="classic", verbose=False)
    False
    >>> check_lenet(lambda: lenet5(variant="modern"), variant="modern")
    Comprobando tu LeNet-5 capa a capa (variante moderna):
    ✘ Tu función llama a cnnkit.models.lenet5, la red que trae cnnkit ya hecha. El ejercicio \
pide que la construyas tú, capa a capa, con keras.Sequential y las capas de keras.layers.
    ✘ Tu modelo todavía no es LeNet-5. Corrige las líneas marcadas con ✘, empezando por la \
primera, y vuelve a ejecutar la comprobación.
    False
    """
    if variant is not None and not isinstance(variant, str):
        raise TypeError(f"`variant` must be None or a string, got {type_name(variant)}.")
    check_choice(variant, "variant", [v for v in VARIANTS if v is not None] + [None])
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    check_bool(verbose, "verbose")
    lines = [say.title(variant)]
    if callable(model) and not isinstance(model, keras.Model):
        model, problems = _built_by(model)
        if problems:
            lines += problems + [say.verdict()]
    if len(lines) == 1:
        lines += _layer_feedback(model, variant, num_classes)
    passed = lines[-1].startswith(OK)
    if verbose:
        print("\n".join(lines))
    return passed


def _built_by(function: Callable[[], Any]) -> tuple[Any, list[str]]:
    """The model a student's function builds, and why it cannot be accepted (if so)."""
    name = getattr(function, "__name__", "")
    who = f"Tu función {name}()" if name.isidentifier() else "Tu función"
    first = build(function)
    if first.cnnkit_call:
        return None, [
            f"{BAD} {who} llama a {first.cnnkit_call}, la red que trae cnnkit ya hecha. "
            "El ejercicio pide que la construyas tú, capa a capa, con keras.Sequential y las "
            "capas de keras.layers."
        ]
    if first.error is not None:
        return None, [f"{BAD} {who} ha fallado: {explain_error(first.error)}"]
    if not isinstance(first.result, keras.Model):
        return first.result, []  # reported by the layer check
    second = build(function, watch=False)  # only its layers matter: no profiler
    if isinstance(second.result, keras.Model) and shares_layers(first.result, second.result):
        return None, [
            f"{BAD} {who} devuelve el mismo modelo (o las mismas capas) cada vez que la "
            "llamas: crea las capas dentro de la función, para que cada llamada construya "
            "una red nueva con sus propios pesos."
        ]
    return first.result, []


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


_UNREADABLE = (
    f"{BAD} No puedo revisar tu modelo capa a capa: alguna capa no tiene una sola "
    "entrada y una sola salida (¿usas la misma capa dos veces?). Escríbelo como un "
    "keras.Sequential con una capa detrás de otra, como LeNet-5."
)


def _layer_feedback(model: Any, variant: str | None, num_classes: int) -> list[str]:
    """The layer-by-layer lines for a model; the last one is the verdict."""
    problem = _model_problem(model)
    if problem is not None:
        return [f"{BAD} {problem}", say.verdict()]
    shape = tuple(model.inputs[0].shape[1:])
    lines, errors = _input_lines(shape)
    found, ignored = student_layers(model)
    if not any(f.kind == "conv" for f in found):
        lines.append(
            f"{BAD} Tu modelo no tiene ninguna capa Conv2D: LeNet-5 es una red convolucional "
            "(C1 y C3 son capas Conv2D)."
        )
        errors += 1
    size = tuple(shape[:2]) if len(shape) == 3 else ()
    channels = shape[2] if len(shape) == 3 and isinstance(shape[2], int) else 1
    try:
        options = [
            (align(steps, found, lambda s, f: match_cost(s, f, variant)), steps)
            for steps in candidates(size, channels, num_classes)
        ]
        (_, alignment), steps = min(options, key=lambda item: item[0][0])  # first on ties
        layer_lines, matched = walk(steps, alignment, found, variant)
    except (AttributeError, ValueError):  # e.g. a layer used twice: no single output
        return lines + [_UNREADABLE, say.verdict()]
    lines += [say.ignored(layer) for layer in ignored] + layer_lines
    errors += sum(line.startswith(BAD) for line in layer_lines)
    expected = sum(s.params for s in steps)
    total = int(model.count_params())
    if total == expected:
        lines.append(f"{OK} Total: {number(total)} parámetros, como LeNet-5.")
    else:
        lines.append(
            f"{BAD} Total: tu modelo tiene {number(total)} parámetros y LeNet-5 tiene "
            f"{number(expected)}."
        )
        errors += 1
    if errors:
        return lines + [say.verdict()]
    return lines + [f"{OK} ¡Correcto! Tu modelo es LeNet-5 ({say.variant_line(matched)})."]
