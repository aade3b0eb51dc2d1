"""Spanish explanations of the errors a student meets while building a model in an exercise.

cnnkit's own error messages are English, like every library's; inside the exercise flow
(a checker, a checking cell) students read them in Spanish through :func:`explain_error`.

An error is recognised by what survives a library rewording its messages, most robust
first:

1. its type: an exercise left empty (``NotImplementedError``), a name that is not
   defined yet (``NameError.name``);
2. Keras's shape errors, from the values Keras's own checks were working on when they
   raised (read from the traceback): the ``InputSpec`` a layer declares and the shape it
   received, or a layer's ``kernel_size`` / ``pool_size``, ``dilation_rate``, ``padding``
   and input shape. cnnkit re-derives the problem from them (a filter larger than its
   map, a convolution after ``Flatten``, images without a channel axis, images of another
   size or depth than the model's) and explains it with the numbers;
3. the arguments of cnnkit's model builders, which cnnkit's messages name in backticks
   (``input_shape``, ``num_classes``, ``variant``, ``pad_to_32``; cnnkit's documented
   convention), with the value the builder received read from the traceback;
4. only when that data is missing (an exception re-raised without its traceback), the
   English text of the message.

Anything else keeps its original message, introduced in Spanish.
"""

from __future__ import annotations

import re
from types import FrameType, TracebackType
from typing import Any

from cnnkit.exercises._keras_shapes import BUILD, explain_keras_frame

__all__ = ["explain_error"]

_GIVEN_SHAPE = re.compile(r"`input_shape`(?: is)? \((\d+), (\d+), (\d+)\)")
_ARGUMENT = re.compile(r"`(\w+)(?:=[^`]*)?`")
_MISSING = object()


def explain_error(error: BaseException) -> str:
    """Explains in Spanish an error met while building a model in an exercise.

    Args:
        error: the exception, e.g. the ``ValueError`` of ``models.lenet5`` or of Keras.

    Returns:
        One Spanish paragraph: what went wrong and how to fix it. An error it does not
        recognise keeps its original (English) message after a Spanish introduction.

    Raises:
        TypeError: ``error`` is not an exception.

    Example:
        >>> from cnnkit.models import lenet5
        >>> try:
        ...     lenet5(input_shape=(28, 28, 1))
        ... except ValueError as error:
        ...     print(explain_error(error).split(". ")[0])
        LeNet-5 trabaja con imágenes de 32x32 y has pedido input_shape=(28, 28, 1)
        >>> print(explain_error(NameError("name 'modelo' is not defined", name="modelo")))
        ... # doctest: +NORMALIZE_WHITESPACE
        Todavía no existe 'modelo': ejecuta antes las celdas anteriores, empezando por la que
        lo define.
    """
    if not isinstance(error, BaseException):
        raise TypeError(
            f"`error` must be an exception (the one caught with `except ... as error`), "
            f"got {type(error).__name__}: {error!r}."
        )
    if isinstance(error, NotImplementedError):
        return (
            "Este ejercicio todavía está vacío: sustituye las líneas «# TU CÓDIGO AQUÍ» y "
            "«raise NotImplementedError()» por tu código."
        )
    if isinstance(error, NameError) and getattr(error, "name", None):
        return (
            f"Todavía no existe '{error.name}': ejecuta antes las celdas anteriores, "
            "empezando por la que lo define."
        )
    frames = _frames(error)
    for frame in frames:
        if frame.f_globals.get("__name__", "").startswith("keras"):
            explanation = explain_keras_frame(frame.f_locals)
            if explanation is not None:
                return explanation
    message = str(error)
    argument = _ARGUMENT.search(message)
    if argument is not None:
        explanation = _argument(argument.group(1), message, error, frames)
        if explanation is not None:
            return explanation
    explanation = _keras_text(message)
    if explanation is not None:
        return BUILD + explanation
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"Error de Python ({type(error).__name__}); su mensaje original, en inglés: {first}"


def _frames(error: BaseException) -> list[FrameType]:
    """The frames of ``error``'s traceback (and of the error it wraps), innermost first."""
    frames: list[FrameType] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb: TracebackType | None = current.__traceback__
        chain = []
        while tb is not None:
            chain.append(tb.tb_frame)
            tb = tb.tb_next
        frames += reversed(chain)
        current = current.__cause__ or current.__context__
    return frames


def _received(name: str, frames: list[FrameType]) -> Any:
    """The value of argument ``name`` in the innermost frame that has it, or ``_MISSING``."""
    for frame in frames:
        if name in frame.f_locals:
            return frame.f_locals[name]
    return _MISSING


# --------------------------------------------------------------------------- builder arguments


def _three_ints(value: Any) -> tuple[int, int, int] | None:
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value):
        return None
    return int(value[0]), int(value[1]), int(value[2])


def _input_shape(message: str, frames: list[FrameType]) -> str:
    shape = _three_ints(_received("input_shape", frames))
    if shape is None:
        found = _GIVEN_SHAPE.search(message)
        shape = None if found is None else tuple(int(d) for d in found.groups())
    if shape is None:
        return (
            "input_shape debe ser una tupla de tres enteros positivos (alto, ancho, canales), "
            "por ejemplo input_shape=(32, 32, 1)."
        )
    height, width, channels = shape
    given = f"input_shape=({height}, {width}, {channels})"
    if (height, width) == (28, 28):
        return (
            f"LeNet-5 trabaja con imágenes de 32x32 y has pedido {given}. Rellena las imágenes "
            "hasta 32x32 (2 píxeles a 0 por cada lado, por ejemplo con np.pad) y usa "
            f"input_shape=(32, 32, {channels}), o pasa pad_to_32=True para que el modelo "
            "empiece con una capa ZeroPadding2D(2)."
        )
    return (
        f"{given} no vale: LeNet-5 trabaja con imágenes de 32x32 (o de 28x28 con "
        "pad_to_32=True). Rellena o redimensiona tus imágenes hasta 32x32."
    )


def _argument(
    name: str, message: str, error: BaseException, frames: list[FrameType]
) -> str | None:
    """The explanation of a builder argument named in backticks, or None if unknown."""
    if name == "pad_to_32":
        if isinstance(error, TypeError):
            return "pad_to_32 debe ser True o False."
        return (
            "pad_to_32=True rellena imágenes de 28x28 con 2 píxeles por cada lado; con "
            "imágenes de 32x32 no hace falta: quita pad_to_32=True."
        )
    if name == "input_shape":
        return _input_shape(message, frames)
    if name == "num_classes":
        return (
            "num_classes es el número de clases de tus datos: un entero mayor o igual que 2 "
            "(num_classes=10 para MNIST y Fashion-MNIST)."
        )
    if name == "variant":
        return (
            "variant debe ser 'classic' (tanh y average pooling, como el artículo) o "
            "'modern' (ReLU y max pooling)."
        )
    return None


# --------------------------------------------------------------------------- message text


def _keras_text(message: str) -> str | None:
    """Last resort: Keras's shape errors recognised by their English text (Keras 3.15)."""
    if "output size would be zero or negative" in message or "Negative dimension" in message:
        return (
            "una capa recibe mapas más pequeños que su filtro o su ventana de pooling. Revisa "
            "kernel_size y pool_size, el orden de las capas y el tamaño de la entrada "
            "(LeNet-5: 32x32)."
        )
    found = re.search(r"expected (?:min_)?ndim=4, found ndim=(\d)", message)
    if found and found.group(1) == "2":
        return (
            "una capa convolucional o de pooling recibe un vector: va después de Flatten. "
            "Flatten va justo después de la última capa de pooling (S4)."
        )
    if found and found.group(1) == "3":
        return (
            "una capa convolucional recibe imágenes sin el eje del canal: usa "
            "keras.Input(shape=(32, 32, 1)), con el 1 del canal gris."
        )
    if "is incompatible with the layer" in message:
        return (
            "una capa recibe datos con una forma que no espera. Revisa el orden de las capas "
            "y la forma de keras.Input(shape=...)."
        )
    return None
