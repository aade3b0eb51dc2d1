"""The compile checker: optimiser, learning rate, loss and metric of a student's model.

:func:`check_compile` reads what ``model.compile(...)`` received and says, in Spanish, what
is right and what to change, one line per setting, like :func:`cnnkit.exercises.check_lenet`.
The exercise asks for exactly this: ``keras.optimizers.Adam`` with a fixed learning rate
(no weight decay), the sparse categorical cross-entropy on probabilities (a softmax output,
so not ``from_logits=True``) and one metric, the accuracy, logged as ``"accuracy"`` (the
notebook reads ``history["val_accuracy"]``).
"""

from __future__ import annotations

import math
from typing import Any

import keras

from cnnkit._validate import check_bool, check_number
from cnnkit.exercises._text import BAD, OK, decimal

__all__ = ["check_compile"]

_LOSS = "sparse_categorical_crossentropy"
_FIX_METRIC = 'Usa metrics=["accuracy"].'
_SAME_ACCURACY = ("acc", "sparse_categorical_accuracy")  # the same number, another name
_WRONG_ACCURACY = {
    "categorical_accuracy": "espera etiquetas one-hot y las tuyas son enteros del 0 al 9",
    "binary_accuracy": "es para dos clases y aquí hay diez",
    "Accuracy": "compara la salida tal cual con la etiqueta, sin elegir la clase más probable",
    "top_k_categorical_accuracy": "cuenta como acierto que la clase esté entre las 5 primeras",
}


def _name(value: Any) -> str:
    """How a loss or metric (a string, a function, an object or its config) is called."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        name = config.get("name") if isinstance(config, dict) else config
        return str(name or value.get("class_name", "?"))
    return str(getattr(value, "name", None) or getattr(value, "__name__", type(value).__name__))


def _optimizer_lines(optimizer: Any, learning_rate: float) -> list[str]:
    fix = f"Usa optimizer=keras.optimizers.Adam(learning_rate={learning_rate:g})."
    if type(optimizer) is not keras.optimizers.Adam:
        return [
            f"{BAD} Optimizador: tu modelo usa {type(optimizer).__name__} y el ejercicio pide "
            f"Adam. {fix}"
        ]
    config = optimizer.get_config()
    if config.get("weight_decay"):
        return [
            f"{BAD} Optimizador: tu Adam usa weight_decay={config['weight_decay']:g} y el "
            f"ejercicio pide Adam sin decaimiento de pesos. {fix}"
        ]
    lines = [f"{OK} Optimizador: Adam"]
    rate = config["learning_rate"]
    if not isinstance(rate, float | int):
        return lines + [
            f"{BAD} Tasa de aprendizaje: tu Adam usa un programa ({_name(rate)}) y el "
            f"ejercicio pide una tasa fija de {decimal(learning_rate)}. {fix}"
        ]
    if not math.isclose(float(rate), learning_rate, rel_tol=1e-6):
        return lines + [
            f"{BAD} Tasa de aprendizaje: tu Adam usa {decimal(rate)} y el ejercicio pide "
            f"{decimal(learning_rate)}. {fix}"
        ]
    return lines + [f"{OK} Tasa de aprendizaje: {decimal(rate)}"]


def _loss_line(loss: Any) -> str:
    sparse = isinstance(loss, keras.losses.SparseCategoricalCrossentropy)
    if loss == _LOSS or loss is keras.losses.sparse_categorical_crossentropy:
        return f"{OK} Pérdida: entropía cruzada categórica dispersa"
    if sparse and not loss.get_config().get("from_logits"):
        return f"{OK} Pérdida: entropía cruzada categórica dispersa"
    fix = (
        f'Usa loss="{_LOSS}" (entropía cruzada categórica dispersa: etiquetas enteras y '
        "salida softmax)."
    )
    if sparse:
        return (
            f"{BAD} Pérdida: tu pérdida usa from_logits=True, que espera la salida sin softmax, "
            f"y la de LeNet-5 ya es softmax. {fix}"
        )
    name = _name(loss)
    why = ""
    if "categorical_crossentropy" in name.lower() or "CategoricalCrossentropy" in name:
        why = ": esa pérdida espera etiquetas one-hot y las tuyas son enteros del 0 al 9"
    return f"{BAD} Pérdida: tu modelo usa {name!r}{why}. {fix}"


_OWN = "own"  # a metric the student wrote: a function or a Metric class from outside Keras


def _snake(class_name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in class_name).lstrip("_")


def _metric_kind(metric: Any) -> str:
    """The metric's Keras name ("accuracy", "categorical_accuracy", "Accuracy", "mse"...).

    A metric the student wrote (a function, or a class defined outside Keras) is ``_OWN``
    whatever its name: a function called ``accuracy`` is not Keras's accuracy.
    """
    if isinstance(metric, keras.metrics.Metric):
        cls = type(metric)
        if not cls.__module__.startswith("keras."):
            return _OWN
        return "Accuracy" if cls.__name__ == "Accuracy" else _snake(cls.__name__)
    if callable(metric):
        return metric.__name__ if getattr(metric, "__module__", "").startswith("keras.") else _OWN
    if isinstance(metric, dict):
        if metric.get("module") == "keras.metrics":  # a metric object, by its class
            cls = metric.get("class_name", "")
            return "Accuracy" if cls == "Accuracy" else _snake(cls)
        return _name(metric)
    return metric if isinstance(metric, str) else _name(metric)


def _metric_line(metrics: Any) -> str:
    listed = list(metrics) if isinstance(metrics, list | tuple) else [metrics] if metrics else []
    names = ", ".join(repr(_name(m)) for m in listed)
    if not listed:
        return f"{BAD} Métrica: tu modelo no mide ninguna. {_FIX_METRIC}"
    if len(listed) > 1:
        return (
            f"{BAD} Métrica: tu modelo mide {names} y el ejercicio pide solo el acierto. "
            f"{_FIX_METRIC}"
        )
    metric = listed[0]
    kind, name = _metric_kind(metric), _name(metric)
    if kind == _OWN:
        name = type(metric).__name__ if isinstance(metric, keras.metrics.Metric) else name
        return (
            f"{BAD} Métrica: {name!r} es una métrica escrita por ti y el ejercicio pide la de "
            f"Keras, que ya calcula el acierto. {_FIX_METRIC}"
        )
    if kind in ("accuracy", "sparse_categorical_accuracy") and name == "accuracy":
        return f"{OK} Métrica: acierto"
    if kind in _SAME_ACCURACY or kind == "accuracy":
        return (
            f"{BAD} Métrica: tu modelo mide el acierto con el nombre {name!r} y el cuaderno lo "
            f'lee como "accuracy" (historial.history["val_accuracy"]). {_FIX_METRIC}'
        )
    if kind in _WRONG_ACCURACY:
        shown = "keras.metrics.Accuracy()" if kind == "Accuracy" else repr(name)
        return f"{BAD} Métrica: {shown} {_WRONG_ACCURACY[kind]}. {_FIX_METRIC}"
    return (
        f"{BAD} Métrica: tu modelo mide {names} y el ejercicio pide el acierto (la fracción "
        f"de imágenes bien clasificadas). {_FIX_METRIC}"
    )


def check_compile(model: Any, *, learning_rate: float = 1e-3, verbose: bool = True) -> bool:
    """Checks how a student compiled a classifier, with feedback in Spanish.

    The exercise asks for Adam with a fixed learning rate, the sparse categorical
    cross-entropy (integer labels, softmax output) and the accuracy as the only metric.
    Each setting gets a line marked ✔ (right) or ✘ (what the model uses and what to write
    instead). Equivalent spellings pass: ``optimizer="adam"`` (whose default rate is
    0.001), the loss as a string, a function or a ``SparseCategoricalCrossentropy()``
    object, and ``keras.metrics.SparseCategoricalAccuracy(name="accuracy")``.

    Args:
        model: the student's compiled ``keras.Model``.
        learning_rate: the learning rate the exercise asks for (default 0.001).
        verbose: print the feedback (default True); False only returns the result.

    Returns:
        True if the model is compiled as the exercise asks, False otherwise.

    Raises:
        TypeError: if ``learning_rate`` is not a number or ``verbose`` not a bool.
        ValueError: if ``learning_rate`` (the instructor's argument) is not a positive
            number.

    Example:

    >>> from cnnkit.models import lenet5
    >>> model = lenet5()
    >>> check_compile(model, verbose=False)
    False
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    ...               metrics=["accuracy"])
    >>> check_compile(model)
    Comprobando cómo has compilado el modelo:
    ✔ Optimizador: Adam
    ✔ Tasa de aprendizaje: 0,001
    ✔ Pérdida: entropía cruzada categórica dispersa
    ✔ Métrica: acierto
    ✔ ¡Correcto! El modelo está listo para entrenar.
    True
    """
    check_number(learning_rate, "learning_rate")
    if not learning_rate > 0:
        raise ValueError(f"`learning_rate` must be a positive number, got {learning_rate!r}.")
    check_bool(verbose, "verbose")
    lines = ["Comprobando cómo has compilado el modelo:"] + _feedback(model, learning_rate)
    passed = not any(line.startswith(BAD) for line in lines)
    if passed:
        lines.append(f"{OK} ¡Correcto! El modelo está listo para entrenar.")
    else:
        lines.append(
            f"{BAD} Corrige las líneas marcadas con ✘ en tu función y vuelve a ejecutar la "
            "comprobación."
        )
    if verbose:
        print("\n".join(lines))
    return passed


def _feedback(model: Any, learning_rate: float) -> list[str]:
    if not isinstance(model, keras.Model):
        hint = " ¿Olvidaste devolver el modelo (return modelo)?" if model is None else ""
        return [
            f"{BAD} check_compile necesita un modelo de Keras (keras.Model) y ha recibido "
            f"{type(model).__name__}.{hint}"
        ]
    try:
        config = model.get_compile_config() if model.compiled else None
    except TypeError:  # Keras cannot serialise a loss or metric object without get_config
        return [
            f"{BAD} Tu modelo usa una pérdida o una métrica propia que Keras no sabe describir. "
            f'Usa loss="{_LOSS}" y metrics=["accuracy"].'
        ]
    if not config:
        return [
            f"{BAD} Tu modelo no está compilado: llama a modelo.compile(optimizer=..., "
            "loss=..., metrics=[...]) dentro de tu función."
        ]
    return [
        *_optimizer_lines(model.optimizer, learning_rate),
        _loss_line(model.loss),
        _metric_line(_given_metrics(model, config)),
    ]


def _given_metrics(model: keras.Model, config: dict) -> Any:
    """The metrics as passed to ``compile`` (the objects, not their configs).

    The public compile config names a function by its ``__name__`` only, so a student's
    own function called ``accuracy`` would read as ``"accuracy"``; Keras keeps the objects
    in ``model._compile_config`` (private, hence the fallback to the public config).
    """
    given = getattr(getattr(model, "_compile_config", None), "config", None)
    return given.get("metrics") if isinstance(given, dict) else config.get("metrics")
