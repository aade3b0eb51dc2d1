"""The LeNet-5 checker's sentences: how it names layers, missing and extra ones, the verdict.

Every line a student reads starts with a mark of :mod:`cnnkit.exercises._text` (✔ right,
✘ what differs and what to change, ℹ a note) and is Spanish.

Example:
    >>> from cnnkit.exercises._reference import reference
    >>> c1 = reference(1, 10, "none", "dense")[0]
    >>> print(missing(c1, "", "classic"))
    ✘ C1: falta esta capa. Añade layers.Conv2D(6, kernel_size=5, activation='tanh') al principio.
"""

from __future__ import annotations

from typing import Any

from cnnkit.exercises._layers import Found
from cnnkit.exercises._reference import POOL_CLASS, VARIANT_ES, VARIANTS, Step
from cnnkit.exercises._text import BAD, INFO, OK, number, shape


def describe_found(found: Found) -> str:
    """A short Spanish description of a student's layer: 'Conv2D con 6 filtros de 3x3'."""
    layer = found.layer
    cls = type(layer).__name__
    if found.kind == "conv" and hasattr(layer, "filters"):
        k = "x".join(str(d) for d in layer.kernel_size)
        return f"{cls} con {layer.filters} filtros de {k}"
    if found.kind == "dense":
        return f"{cls} con {layer.units} neuronas"
    if found.kind == "activation":
        return f"{cls} ('{found.activation}')"
    return cls


def describe_step(step: Step, variant: str | None) -> str:
    """A short Spanish description of a reference layer: 'Dense con 84 neuronas'."""
    if step.kind == "pad":
        return "ZeroPadding2D(padding=2)"
    if step.kind == "conv":
        return f"Conv2D con {step.size} filtros de {step.kernel}x{step.kernel}"
    if step.kind == "pool":
        pools = VARIANTS[variant]["pool"]
        return "un pooling de 2x2 (" + " o ".join(POOL_CLASS[p] for p in pools) + ")"
    if step.kind == "flatten":
        return "Flatten"
    return f"Dense con {step.size} neuronas"


def activation_hint(variant: str | None) -> str:
    """The hidden activation a variant asks for, as code to write."""
    names = VARIANTS[variant]["activation"]
    if len(names) == 1:
        return f"activation='{names[0]}'"
    return "activation='tanh' (clásica) o activation='relu' (moderna)"


def ignored(layer: Any) -> str:
    """The note for a layer that does not change the architecture (Dropout, Rescaling)."""
    return (
        f"{INFO} Ignoro la capa '{layer.name}' ({type(layer).__name__}): "
        "no cambia la arquitectura de LeNet-5."
    )


def missing(step: Step, previous: str, variant: str | None) -> str:
    """The line for a reference layer the student's model lacks, with the code to add."""
    where = f"después de {previous}" if previous else "al principio"
    if step.kind == "pad":
        return (
            f"{BAD} relleno: tu entrada es 28x28 y LeNet-5 trabaja con 32x32. Añade "
            "layers.ZeroPadding2D(padding=2) al principio (o usa padding='same' en C1)."
        )
    act = VARIANTS[variant]["activation"][0]
    other = " (o activation='relu' en la variante moderna)" if variant is None else ""
    if step.kind == "conv":
        add = f"layers.Conv2D({step.size}, kernel_size={step.kernel}, activation='{act}'){other}"
    elif step.kind == "pool":
        add = " o ".join(f"layers.{POOL_CLASS[p]}(pool_size=2)" for p in VARIANTS[variant]["pool"])
    elif step.kind == "flatten":
        add = "layers.Flatten() para pasar de mapas de características a un vector"
    elif step.is_output:
        add = f"layers.Dense({step.size}, activation='softmax')"
    else:
        add = f"layers.Dense({step.size}, activation='{act}'){other}"
    return f"{BAD} {step.name}: falta esta capa. Añade {add} {where}."


def extra(found: Found) -> str:
    """The line for a student's layer that LeNet-5 does not have there."""
    return (
        f"{BAD} Capa '{found.layer.name}' ({describe_found(found)}): LeNet-5 no tiene "
        "esta capa aquí. Quítala."
    )


def ok_line(step: Step, found: Found) -> str:
    """The line for a layer that matches its reference layer."""
    detail = {
        "pad": "ZeroPadding2D(2)",
        "conv": f"Conv2D, {step.size} filtros {step.kernel}x{step.kernel}, {found.activation}",
        "pool": f"{type(found.layer).__name__} 2x2",
        "flatten": "Flatten",
        "dense": f"Dense {step.size}, {found.activation}",
    }[step.kind]
    return (
        f"{OK} {step.name}: {detail} → salida {shape(step.shape)}, {number(step.params)} parámetros"
    )


def variant_line(pairs: list[tuple[Step, Found]]) -> str:
    """Which variant a passing model is: classic, modern or a mix of the two."""
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


def title(variant: str | None) -> str:
    """The first line of the feedback."""
    text = "Comprobando tu LeNet-5 capa a capa"
    if variant is not None:
        text += f" (variante {VARIANT_ES[variant]})"
    return text + ":"


def verdict() -> str:
    """The last line when something is wrong."""
    return (
        f"{BAD} Tu modelo todavía no es LeNet-5. Corrige las líneas marcadas con ✘, "
        "empezando por la primera, y vuelve a ejecutar la comprobación."
    )
