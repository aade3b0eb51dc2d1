"""Keras's shape errors, diagnosed from the values Keras was checking, not from its wording.

When Keras refuses a shape it raises a plain ``ValueError`` whose English text changes
between versions. The frame that raised it still holds what was checked, under the names
of Keras's public API: the layer's ``keras.InputSpec`` and the tensor it received
(``assert_input_compatibility``), or the layer's ``kernel_size`` / ``pool_size``,
``strides``, ``padding``, ``dilation_rate``, ``data_format`` and the ``input_shape``
(``compute_conv_output_shape``, ``compute_pooling_output_shape``). :func:`explain_keras_frame`
re-derives the problem from those values and explains it in Spanish, with the numbers.

Example:
    >>> import keras
    >>> spec = keras.InputSpec(min_ndim=4)
    >>> text = explain_keras_frame({"spec": spec, "x": keras.KerasTensor((None, 64))})
    >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
    Keras no puede construir el modelo: una capa convolucional o de pooling recibe un
    vector: va después de Flatten. Flatten va justo después de la última capa de pooling
    (S4). Aquí recibe datos de forma (None, 64).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras

__all__ = ["explain_keras_frame"]

BUILD = "Keras no puede construir el modelo: "
DATA = "Keras no puede aplicar el modelo a estos datos: "
_ADVICE = "el orden de las capas y el tamaño de la entrada (LeNet-5: 32x32)."


def explain_keras_frame(values: Mapping[str, Any]) -> str | None:
    """Explains the shape check that a Keras frame was running when it raised.

    Args:
        values: the local variables of one frame of the traceback (``frame.f_locals``).

    Returns:
        The Spanish explanation, starting with what Keras could not do, or None when the
        frame holds no shape check cnnkit knows.
    """
    spec = next((v for v in values.values() if isinstance(v, keras.InputSpec)), None)
    if spec is not None:
        tensor = next((v for v in values.values() if _is_tensor(v)), None)
        if tensor is None:
            return None
        prefix = BUILD if isinstance(tensor, keras.KerasTensor) else DATA
        layer = values.get("layer_name")
        where = f" '{layer}'" if isinstance(layer, str) and layer != "None" else ""
        shape = tuple(None if d is None else int(d) for d in tensor.shape)
        return prefix + _input_spec(spec, shape, where)
    window = values.get("kernel_size", values.get("pool_size"))
    if window is not None and values.get("input_shape") is not None:
        explanation = _window(values, window, is_pool="kernel_size" not in values)
        return None if explanation is None else BUILD + explanation
    return None


def _is_tensor(value: Any) -> bool:
    if isinstance(value, keras.KerasTensor):
        return True
    try:
        return bool(keras.ops.is_tensor(value)) and hasattr(value, "shape")
    except Exception:  # noqa: BLE001 - a backend that cannot tell: not a tensor
        return False


def _ints(value: Any, length: int) -> list[int]:
    items = [value] * length if isinstance(value, int) else list(value)
    return [int(v) for v in items]


def _by(sizes: Sequence[Any]) -> str:
    return "x".join(str(s) for s in sizes)


def _window(values: Mapping[str, Any], window: Any, *, is_pool: bool) -> str | None:
    """A filter or pooling window larger than the maps it slides on ("valid" padding)."""
    shape = [None if d is None else int(d) for d in values["input_shape"]]
    first = values.get("data_format", "channels_last") == "channels_first"
    spatial = shape[2:] if first else shape[1:-1]
    sizes = _ints(window, len(spatial))
    dilation = _ints(values.get("dilation_rate", 1), len(spatial))
    spans = [(k - 1) * d + 1 for k, d in zip(sizes, dilation, strict=True)]
    padding = str(values.get("padding", "valid")).lower()
    too_large = any(n is not None and s > n for n, s in zip(spatial, spans, strict=True))
    if padding != "valid" or not too_large:
        return None
    maps = f"mapas de {_by(spatial)}"
    if is_pool:
        return (
            f"una capa de pooling recibe {maps}, más pequeños que su ventana de pooling de "
            f"{_by(sizes)}. Revisa pool_size, {_ADVICE}"
        )
    spread = ""
    if spans != sizes:
        spread = f" con dilation_rate={tuple(dilation)}, que abarca {_by(spans)}"
    return (
        f"una capa recibe mapas más pequeños que su filtro: {maps} y un filtro de "
        f"{_by(sizes)}{spread}. Revisa kernel_size, {_ADVICE}"
    )


def _input_spec(spec: keras.InputSpec, shape: tuple[int | None, ...], where: str) -> str:
    """What is wrong with ``shape`` for a layer that declares ``spec``."""
    ndim, wanted = len(shape), spec.ndim if spec.ndim is not None else spec.min_ndim
    if wanted is not None and wanted >= 4 and ndim == 2:
        return (
            "una capa convolucional o de pooling recibe un vector: va después de Flatten. "
            "Flatten va justo después de la última capa de pooling (S4). Aquí"
            f"{' la capa' + where if where else ''} recibe datos de forma {shape}."
        )
    layer = f"la capa{where}" if where else "una capa"
    if wanted is not None and wanted >= 4 and ndim == 3:
        return (
            f"{'la' if where else 'una'} capa convolucional{where} recibe imágenes sin el eje "
            f"del canal, de forma {shape}: usa "
            f"keras.Input(shape=({shape[1]}, {shape[2]}, 1)), con el 1 del canal gris, y da "
            "a las imágenes ese eje (x[..., None])."
        )
    expected = tuple(spec.shape) if spec.shape is not None else None
    if expected is not None and len(expected) == ndim and _differs(expected[1:], shape[1:]):
        advice = (
            " Redimensiona o rellena las imágenes (de 28x28 a 32x32: 2 píxeles a 0 por lado, "
            "con np.pad) o construye el modelo para el tamaño de tus imágenes."
        ) if ndim == 4 else ""
        entry = f"la entrada de{where}" if where else "la entrada"
        return f"{entry} espera datos de forma {expected} y recibe {shape}.{advice}"
    for axis, value in (spec.axes or {}).items():
        got = shape[axis] if -ndim <= axis < ndim else None
        if got is None or value is None or got == value:
            continue
        if ndim >= 4 and axis in (-1, ndim - 1):
            return (
                f"{layer} espera imágenes de {_channels(value)} y recibe imágenes de "
                f"{_channels(got)} (forma {shape}). Las imágenes en gris tienen 1 canal y las "
                "de color 3: "
                "usa el mismo número en keras.Input(shape=(alto, ancho, canales)) y en tus datos."
            )
        return (
            f"{layer} espera vectores de {value} valores y recibe datos de forma "
            f"{shape}: las imágenes no tienen el tamaño con el que se construyó el modelo "
            "(tras Flatten cada imagen da alto x ancho x canales valores). Revisa el tamaño "
            "de las imágenes y keras.Input(shape=...)."
        )
    return (
        f"{layer} recibe datos con una forma que no espera, {shape}. Revisa el orden "
        "de las capas y la forma de keras.Input(shape=...)."
    )


def _channels(count: int) -> str:
    return f"{count} canal" if count == 1 else f"{count} canales"


def _differs(expected: Sequence[int | None], got: Sequence[int | None]) -> bool:
    pairs = zip(expected, got, strict=True)
    return any(e is not None and g is not None and e != g for e, g in pairs)
