"""Checkers for notebook 06's exercises that ask for a number or a measurement.

Each checker prints one Spanish line per item (✔ right, ✘ what differs and what to
change) and returns True or False, like the layer-by-layer checkers of
:mod:`cnnkit.exercises.architectures`:

- :func:`check_receptive_field`: a receptive field the student computed (a number, or a
  function of the kernels and strides tried on several stacks).
- :func:`check_stack_parameters`: the weights and biases of stacked k x k convolutions.
- :func:`check_depth_gap`: a function that measures, from the rows of the degradation
  experiment, how much more training error the deepest network ends with than the
  shallowest; tried on rows with a known answer, the usual mistakes recognised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from cnnkit.architecture_tables import receptive_field

__all__ = ["check_depth_gap", "check_receptive_field", "check_stack_parameters"]

OK, BAD = "✔", "✘"


def _report(lines: list[str], verbose: bool) -> bool:
    passed = not any(line.startswith(BAD) for line in lines)
    lines.append(f"{OK} ¡Correcto!" if passed else
                 f"{BAD} Todavía no: corrige la primera línea marcada con ✘ y vuelve a comprobar.")
    if verbose:
        print("\n".join(lines))
    return passed


def _n(value: int) -> str:
    """A whole number in Spanish usage whatever the figure language: 2416, 27.744."""
    text = f"{value:,}"
    return text.replace(",", ".") if abs(value) >= 10_000 else text.replace(",", "")


def _field_mistake(answer: Any, kernels: Sequence[int], strides: Sequence[int] | None) -> str:
    if answer == sum(kernels):
        return "es la suma de los tamaños de los núcleos; cada capa k x k añade k - 1 píxeles"
    if strides is not None and answer == receptive_field(kernels):
        return ("no tiene en cuenta los strides: tras un stride s, cada píxel más es s de la "
                "entrada")
    return "no es el campo receptivo; suma k - 1 por capa, multiplicado por los strides de antes"


def check_receptive_field(answer: Any, kernels: Sequence[int],
                          strides: Sequence[int] | None = None, *, verbose: bool = True) -> bool:
    """Check a receptive field the student computed for layers ``kernels`` / ``strides``.

    Args:
        answer: the student's number, or their function ``f(kernels, strides)``: a function
            is also tried on other stacks (a single layer, strides before and after).
        kernels, strides: the stack the exercise asks about (strides default all 1).
        verbose: print the feedback.

    Example:
        >>> check_receptive_field(7, [3, 3, 3], verbose=False)
        True
        >>> check_receptive_field(9, [3, 3, 3])
        ✘ 9 es la suma de los tamaños de los núcleos; cada capa k x k añade k - 1 píxeles.
        ✘ Todavía no: corrige la primera línea marcada con ✘ y vuelve a comprobar.
        False
        >>> ignores_strides = lambda k, s: 1 + sum(x - 1 for x in k)
        >>> check_receptive_field(ignores_strides, [3, 2, 3], [1, 2, 1], verbose=False)
        False
    """
    if not callable(answer):
        right = receptive_field(kernels, strides)
        if answer == right:
            return _report([f"{OK} {right} x {right} píxeles."], verbose)
        return _report([f"{BAD} {answer} {_field_mistake(answer, kernels, strides)}."], verbose)
    cases = [(list(kernels), list(strides) if strides is not None else [1] * len(kernels)),
             ([5], [1]), ([3, 3], [1, 1]), ([7, 3, 3], [2, 2, 1]), ([3, 2, 3, 3], [1, 2, 1, 2])]
    for ks, ss in cases:
        try:
            got = answer(list(ks), list(ss))
        except Exception as error:  # noqa: BLE001 - the student's code: explain, do not raise
            return _report([f"{BAD} Tu función falla con núcleos {ks} y strides {ss}: "
                            f"{type(error).__name__}: {error}."], verbose)  # fmt: skip
        if got != receptive_field(ks, ss):
            return _report([f"{BAD} Con núcleos {ks} y strides {ss} tu función da {got}: "
                            f"{_field_mistake(got, ks, ss)}."], verbose)  # fmt: skip
    return _report([f"{OK} Tu función acierta en las {len(cases)} pilas de capas de la "
                    "prueba, la del enunciado incluida."], verbose)  # fmt: skip


def check_stack_parameters(answer: Any, *, layers: int, channels: int, kernel: int = 3,
                           verbose: bool = True) -> bool:
    """Check the weights and biases of ``layers`` stacked k x k convolutions of C channels.

    Example:
        >>> check_stack_parameters(3 * (9 * 64 * 64 + 64), layers=3, channels=64, verbose=False)
        True
        >>> check_stack_parameters(3 * 9 * 64 * 64, layers=3, channels=64)
        ✘ Te faltan los sesgos: uno por filtro y capa (192).
        ✘ Todavía no: corrige la primera línea marcada con ✘ y vuelve a comprobar.
        False
    """
    n, c, k = layers, channels, kernel
    right = n * (k * k * c * c + c)
    mistakes = {n * k * k * c * c: f"Te faltan los sesgos: uno por filtro y capa ({n * c})",
                k * k * c * c + c: "Es el número de una sola capa; multiplícalo por las capas",
                n * (k * k * c + c): "Cada filtro tiene k x k x C pesos: falta multiplicar por "
                                     "los C filtros"}  # fmt: skip
    if answer == right:
        return _report([f"{OK} {_n(right)} parámetros."], verbose)
    why = mistakes.get(answer, "No es correcto: cada capa tiene k·k·C·C pesos y C sesgos")
    return _report([f"{BAD} {why}."], verbose)


def _gap(rows: list[dict[str, Any]], network: str, *, step: str = "last",
         paired: bool = True) -> float:
    mine = [r for r in rows if r["network"] == network]
    depths = sorted({r["depth"] for r in mine})
    gaps = []
    for seed in sorted({r["seed"] for r in mine}):
        ends = {}
        for depth in (depths[0], depths[-1]):
            curve = sorted((r for r in mine if (r["seed"], r["depth"]) == (seed, depth)),
                           key=lambda r: r["step"])  # fmt: skip
            errors = [r["train_error"] for r in curve]
            ends[depth] = {"last": errors[-1], "first": errors[0],
                           "mean": float(np.mean(errors))}[step]
        gaps.append(ends[depths[-1]] - ends[depths[0]])
    return float(np.mean(gaps))


def _depth_rows(seed_errors: dict[tuple[str, int, int], list[float]]) -> list[dict[str, Any]]:
    return [{"network": net, "depth": depth, "seed": seed, "step": 10 * i, "train_error": e}
            for (net, depth, seed), errors in seed_errors.items()
            for i, e in enumerate(errors)]  # fmt: skip


def _gap_cases() -> list[tuple[list[dict[str, Any]], str]]:
    rng = np.random.default_rng(6)
    cases = []
    for depths, seeds in (((20, 44), (0, 1, 2)), ((8, 14, 32), (5, 7))):
        table = {(net, d, s): list(np.round(rng.uniform(0.05, 0.9, size=4), 3))
                 for net in ("plain", "residual") for d in depths for s in seeds}  # fmt: skip
        rows = _depth_rows(table)
        rng.shuffle(rows)
        cases += [(rows, "plain"), (rows, "residual")]
    return cases


def check_depth_gap(function: Callable[..., Any], *, verbose: bool = True) -> bool:
    """Check ``function(rows, network)``: the deepest network's extra final training error.

    The expected value, for the rows of :func:`cnnkit.experiments.degradation.run` and a
    network (``"plain"`` or ``"residual"``): for each seed, the training error at the last
    measured step of the deepest network minus that of the shallowest, averaged over the
    seeds, as a fraction (0,05 is 5 points). It is tried on made-up rows in random order,
    with two or three depths and several seeds.

    Example:
        >>> def right(rows, network):
        ...     return _gap(rows, network)
        >>> check_depth_gap(right, verbose=False)
        True
        >>> check_depth_gap(lambda rows, network: -_gap(rows, network), verbose=False)
        False
    """
    for rows, network in _gap_cases():
        try:
            got = function([dict(r) for r in rows], network)
            got = float(got)
        except Exception as error:  # noqa: BLE001 - the student's code: explain, do not raise
            return _report([f"{BAD} Tu función falla con la red {network}: "
                            f"{type(error).__name__}: {error}."], verbose)  # fmt: skip
        right = _gap(rows, network)
        if abs(got - right) < 1e-9:
            continue
        other = "residual" if network == "plain" else "plain"
        mistakes = [
            (-right, "da el signo contrario: resta la menos profunda de la más profunda"),
            (100 * right, "da la diferencia en puntos; devuélvela como fracción (0,05 = 5 "
                          "puntos)"),
            (_gap(rows, other), f"mide la red {other}: quédate con las filas de la red pedida"),
            (_gap(rows, network, step="first"), "usa la primera medida de cada curva; el "
                                                "error final es el del último paso"),
            (_gap(rows, network, step="mean"), "promedia toda la curva; el error final es el "
                                               "del último paso"),
        ]  # fmt: skip
        why = next((text for value, text in mistakes if abs(got - value) < 1e-9),
                   f"da {got:.4f} y se esperaba {right:.4f}: para cada semilla, error del "
                   "último paso de la red más profunda menos el de la menos profunda; luego "
                   "la media de las semillas".replace(".", ","))
        return _report([f"{BAD} Con la red {network} tu función {why}."], verbose)
    return _report([f"{OK} Tu función mide bien la diferencia en {len(_gap_cases())} casos de "
                    "prueba (dos y tres profundidades, varias semillas, filas desordenadas)."],
                   verbose)
