"""The compile checker: optimiser, learning rate, loss and metric of a student's model.

:func:`check_compile` reads what ``model.compile(...)`` received and says, in Spanish, what
is right and what to change, one line per setting, like :func:`cnnkit.exercises.check_lenet`.
"""

from __future__ import annotations

import math
from typing import Any

import keras

from cnnkit._validate import check_bool, check_number

__all__ = ["check_compile"]

OK, BAD = "✔", "✘"

_LOSS = "sparse_categorical_crossentropy"
_LOSS_CLASS = keras.losses.SparseCategoricalCrossentropy
_ACCURACY = ("accuracy", "acc", "sparse_categorical_accuracy")
_ACCURACY_CLASS = keras.metrics.SparseCategoricalAccuracy


def _number(value: float) -> str:
    """A learning rate as Spanish writes it (6 significant digits): 0,001, 0,0005, 0,01."""
    rounded = float(f"{value:.6g}")  # float32 variables hold 0.0099999998 for 0.01
    return f"{rounded:.12f}".rstrip("0").rstrip(".").replace(".", ",")


def _name(value: Any) -> str:
    """How a loss or metric (a string, a function, an object or its config) is called."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        config = value.get("config")
        name = config.get("name") if isinstance(config, dict) else None
        return str(name or value.get("class_name", "?"))
    return str(getattr(value, "name", None) or getattr(value, "__name__", type(value).__name__))


def _optimizer_lines(optimizer: Any, learning_rate: float) -> list[str]:
    if type(optimizer).__name__ != "Adam":  # AdamW and others subclass Adam
        return [
            f"{BAD} Optimizador: tu modelo usa {type(optimizer).__name__} y el ejercicio pide "
            f"Adam. Usa optimizer=keras.optimizers.Adam(learning_rate={learning_rate:g})."
        ]
    lines = [f"{OK} Optimizador: Adam"]
    rate = optimizer.get_config()["learning_rate"]
    if not isinstance(rate, float | int):
        return lines + [
            f"{BAD} Tasa de aprendizaje: tu Adam usa un programa ({_name(rate)}) y el "
            f"ejercicio pide una tasa fija de {_number(learning_rate)}. Usa "
            f"keras.optimizers.Adam(learning_rate={learning_rate:g})."
        ]
    value = float(rate)
    if not math.isclose(value, learning_rate, rel_tol=1e-6):
        return lines + [
            f"{BAD} Tasa de aprendizaje: tu Adam usa {_number(value)} y el ejercicio pide "
            f"{_number(learning_rate)}. Usa keras.optimizers.Adam(learning_rate={learning_rate:g})."
        ]
    return lines + [f"{OK} Tasa de aprendizaje: {_number(value)}"]


def _loss_line(loss: Any) -> str:
    if _name(loss) == _LOSS or isinstance(loss, _LOSS_CLASS):
        return f"{OK} Pérdida: entropía cruzada categórica dispersa"
    name = _name(loss)
    why = (
        ": esa pérdida espera etiquetas one-hot y las tuyas son enteros del 0 al 9"
        if "categorical_crossentropy" in name
        else ""
    )
    return (
        f'{BAD} Pérdida: tu modelo usa {name!r}{why}. Usa loss="{_LOSS}" (entropía cruzada '
        "categórica dispersa: etiquetas enteras y salida softmax)."
    )


def _metric_line(metrics: Any) -> str:
    listed = metrics if isinstance(metrics, list | tuple) else [metrics] if metrics else []
    if any(_name(m) in _ACCURACY or isinstance(m, _ACCURACY_CLASS) for m in listed):
        return f"{OK} Métrica: exactitud (accuracy)"
    names = ", ".join(repr(_name(m)) for m in listed) or "ninguna"
    return f'{BAD} Métrica: tu modelo mide {names}. Usa metrics=["accuracy"].'


def check_compile(model: Any, *, learning_rate: float = 1e-3, verbose: bool = True) -> bool:
    """Checks how a student compiled a classifier, with feedback in Spanish.

    The exercise asks for Adam with a fixed learning rate, the sparse categorical
    cross-entropy (integer labels, softmax output) and the accuracy metric. Each setting
    gets a line marked ✔ (right) or ✘ (what the model uses and what to write instead).
    Equivalent spellings pass: ``optimizer="adam"`` (whose default rate is 0.001),
    loss and metric objects or their string names (``"acc"``).

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
    ✔ Métrica: exactitud (accuracy)
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
    config = model.get_compile_config() if model.compiled else None
    if not config:
        return [
            f"{BAD} Tu modelo no está compilado: llama a modelo.compile(optimizer=..., "
            "loss=..., metrics=[...]) dentro de tu función."
        ]
    return [
        *_optimizer_lines(model.optimizer, learning_rate),
        _loss_line(model.loss),
        _metric_line(config.get("metrics")),
    ]
