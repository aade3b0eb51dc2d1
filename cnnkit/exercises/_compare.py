"""The LeNet-5 checker's rules for one layer: what must match and what to say when it does not.

Each rule returns the Spanish problems of a student's layer paired with a reference layer
(an empty list: nothing wrong). The rules: layer type; number of filters or neurons; kernel
size, strides, dilation, groups and padding of a convolution; type, size and strides of a
pooling; bias; hidden activation (per variant) and softmax output; then the output shape and
the parameter count.

Example:
    >>> import keras
    >>> from cnnkit.exercises._layers import student_layers
    >>> from cnnkit.exercises._reference import reference
    >>> model = keras.Sequential([keras.Input((32, 32, 1)),
    ...                           keras.layers.Conv2D(6, 3, activation="tanh")])
    >>> c1 = reference(1, 10, "none", "dense")[0]
    >>> compare(c1, student_layers(model)[0][0], "classic")
    ['esperaba filtros de 5x5, tu capa usa 3x3. Cambia kernel_size=5.']
"""

from __future__ import annotations

from keras import layers

from cnnkit.exercises._layers import Found
from cnnkit.exercises._messages import activation_hint, describe_found, describe_step
from cnnkit.exercises._reference import POOL_CLASS, VARIANT_ES, VARIANTS, Step
from cnnkit.exercises._text import number, shape


def _activation(step: Step, found: Found, variant: str | None) -> list[str]:
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
    allowed = VARIANTS[variant]["activation"]
    if act in allowed:
        return []
    if act == "linear":
        return [f"no tiene activación. Añade {activation_hint(variant)}."]
    if variant is not None and act in ("tanh", "relu"):
        return [
            f"usa activation='{act}'{where} y la variante {VARIANT_ES[variant]} usa "
            f"'{allowed[0]}'. Cambia activation='{allowed[0]}'."
        ]
    return [f"usa activation='{act}'{where}; LeNet-5 usa {activation_hint(variant)}."]


def _bias(layer: layers.Layer, what: str) -> list[str]:
    if layer.use_bias:
        return []
    return [f"no tiene sesgo (use_bias=False) y en LeNet-5 cada {what} suma uno. Quita use_bias=."]


def _conv(step: Step, found: Found, variant: str | None) -> list[str]:
    layer, k = found.layer, step.kernel
    if not isinstance(layer, layers.Conv2D):
        return [
            f"esperaba una convolución normal (Conv2D) y tu capa es {type(layer).__name__}. "
            f"Usa layers.Conv2D({step.size}, kernel_size={k})."
        ]
    problems = []
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
    if tuple(layer.dilation_rate) != (1, 1):
        problems.append(
            f"tu capa usa dilation_rate={tuple(layer.dilation_rate)} y los filtros de LeNet-5 "
            "miran píxeles contiguos. Quita dilation_rate= (por defecto es 1)."
        )
    if layer.groups != 1:
        problems.append(
            f"tu capa usa groups={layer.groups} y en LeNet-5 cada filtro ve todos los mapas "
            "de la capa anterior. Quita groups= (por defecto es 1)."
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
    return problems + _bias(layer, "filtro") + _activation(step, found, variant)


def _pool(step: Step, found: Found, variant: str | None) -> list[str]:
    layer, problems = found.layer, []
    kind = "avg" if isinstance(layer, layers.AveragePooling2D) else "max"
    allowed = VARIANTS[variant]["pool"]
    if kind not in allowed:
        problems.append(
            f"la variante {VARIANT_ES[variant]} usa {POOL_CLASS[allowed[0]]} y tu capa es "
            f"{type(layer).__name__}. Cambia a layers.{POOL_CLASS[allowed[0]]}(pool_size=2)."
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


def _dense(step: Step, found: Found, variant: str | None) -> list[str]:
    problems = []
    units = found.layer.units
    if units != step.size:
        why = " (una por clase)" if step.is_output else ""
        problems.append(
            f"esperaba {step.size} neuronas{why}, tu capa tiene {units}. Cambia units={step.size}."
        )
    return problems + _bias(found.layer, "neurona") + _activation(step, found, variant)


def _pad(step: Step, found: Found) -> list[str]:
    padding = tuple(tuple(p) for p in found.layer.padding)
    if padding != ((2, 2), (2, 2)):
        return [
            f"esperaba 2 píxeles de relleno por lado (28 → 32), tu capa usa padding={padding}. "
            "Usa layers.ZeroPadding2D(padding=2)."
        ]
    return []


def config_problems(step: Step, found: Found, variant: str | None) -> list[str]:
    """What is wrong in how a student's layer is configured (empty: nothing)."""
    if found.kind != step.kind:
        return [f"esperaba {describe_step(step, variant)} y tu capa es {describe_found(found)}."]
    if step.kind == "conv":
        return _conv(step, found, variant)
    if step.kind == "pool":
        return _pool(step, found, variant)
    if step.kind == "dense":
        return _dense(step, found, variant)
    if step.kind == "pad":
        return _pad(step, found)
    return []


def compare(step: Step, found: Found, variant: str | None) -> list[str]:
    """Problems of one student layer matched to a reference layer (empty: all right)."""
    problems = config_problems(step, found, variant)
    if problems:
        return problems  # a wrong shape or parameter count would only repeat the cause
    upstream = ""
    if found.in_shape != step.in_shape:
        upstream = (
            f", porque su entrada es {shape(found.in_shape)} y no {shape(step.in_shape)}: "
            "corrige primero las capas anteriores"
        )
    if found.shape != step.shape:
        return [f"su salida es {shape(found.shape)} y debería ser {shape(step.shape)}{upstream}."]
    if found.params != step.params:
        return [
            f"tiene {number(found.params)} parámetros y debería tener {number(step.params)}"
            f"{upstream}."
        ]
    return []
