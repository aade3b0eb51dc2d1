"""Spanish explanations of the errors a student meets while building a model in an exercise.

cnnkit's own error messages are English, like every library's; inside the exercise flow
(a checker, a checking cell) students read them in Spanish through :func:`explain_error`.
It recognises the arguments of the model builders, which cnnkit's messages name in
backticks (``input_shape``, ``num_classes``, ``variant``, ``pad_to_32``), Keras's shape
errors (a filter larger than its input, a convolution after ``Flatten``), an exercise
left empty and a name that is not defined yet. Anything else keeps its original message,
introduced in Spanish.
"""

from __future__ import annotations

import re

__all__ = ["explain_error"]

_GIVEN_SHAPE = re.compile(r"`input_shape`(?: is)? \((\d+), (\d+), (\d+)\)")
_ARGUMENT = re.compile(r"`(\w+)(?:=[^`]*)?`")


def _input_shape(message: str) -> str:
    shape = _GIVEN_SHAPE.search(message)
    if shape is None:
        return (
            "input_shape debe ser una tupla de tres enteros positivos (alto, ancho, canales), "
            "por ejemplo input_shape=(32, 32, 1)."
        )
    height, width, channels = (int(d) for d in shape.groups())
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


def _argument(name: str, message: str, error: BaseException) -> str | None:
    """The explanation of a builder argument named in backticks, or None if unknown."""
    if name == "pad_to_32":
        if isinstance(error, TypeError):
            return "pad_to_32 debe ser True o False."
        return (
            "pad_to_32=True rellena imágenes de 28x28 con 2 píxeles por cada lado; con "
            "imágenes de 32x32 no hace falta: quita pad_to_32=True."
        )
    if name == "input_shape":
        return _input_shape(message)
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


def _keras_shape(message: str) -> str | None:
    """The explanation of one of Keras's shape errors, or None if it is not one."""
    if "output size would be zero or negative" in message or "Negative dimension" in message:
        return (
            "una capa recibe mapas más pequeños que su filtro o su ventana de pooling. Revisa "
            "kernel_size y pool_size, el orden de las capas y el tamaño de la entrada "
            "(LeNet-5: 32x32)."
        )
    found = re.search(r"expected min_ndim=4, found ndim=(\d)", message)
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


def explain_error(error: BaseException) -> str:
    """Explains in Spanish an error met while building a model in an exercise.

    Args:
        error: the exception, e.g. the ``ValueError`` of ``models.lenet5`` or of Keras.

    Returns:
        One Spanish paragraph: what went wrong and how to fix it. An error it does not
        recognise keeps its original (English) message after a Spanish introduction.

    Example:

    >>> from cnnkit.models import lenet5
    >>> try:
    ...     lenet5(input_shape=(28, 28, 1))
    ... except ValueError as error:
    ...     print(explain_error(error).split(". ")[0])
    LeNet-5 trabaja con imágenes de 32x32 y has pedido input_shape=(28, 28, 1)
    >>> print(explain_error(NameError("name 'modelo' is not defined", name="modelo")))
    Todavía no existe 'modelo': ejecuta antes las celdas anteriores, empezando por la que lo define.
    """
    if not isinstance(error, BaseException):
        raise TypeError(
            f"`error` must be an exception (the one caught with `except ... as error`), "
            f"got {type(error).__name__}: {error!r}."
        )
    message = str(error)
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
    argument = _ARGUMENT.search(message)
    if argument is not None:
        explanation = _argument(argument.group(1), message, error)
        if explanation is not None:
            return explanation
    explanation = _keras_shape(message)
    if explanation is not None:
        return "Keras no puede construir el modelo: " + explanation
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"Error de Python ({type(error).__name__}); su mensaje original, en inglés: {first}"
