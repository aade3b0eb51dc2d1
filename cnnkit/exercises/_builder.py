"""Calling a student's model-building function and watching what it calls.

An exercise that asks a student to build a network by hand cannot accept the network
cnnkit's own builders make (:mod:`cnnkit.models`). :func:`build` calls the student's
function with Python's profiler on (:func:`sys.setprofile`) and records every call into a
file of the ``cnnkit/models`` folder, however the builder was imported or renamed
(``from cnnkit.models import lenet5 as red``). Calling the function twice tells whether it
builds a new model each time (:func:`shares_layers`); the second call only needs its result,
so it runs without the profiler (``watch=False``), which about doubles the CPU time of
building a model.

Example:
    >>> from cnnkit.models import lenet5 as red
    >>> build(lambda: red()).cnnkit_call
    'cnnkit.models.lenet5'
    >>> build(lambda: None).cnnkit_call is None
    True
    >>> build(lambda: red(), watch=False).cnnkit_call is None
    True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import keras

import cnnkit.models

_MODELS_DIR = os.path.dirname(os.path.realpath(cnnkit.models.__file__)) + os.sep


@dataclass(frozen=True)
class Built:
    """What a call of the student's function gave: a result or an error, and cnnkit calls."""

    result: Any = None
    error: Exception | None = None
    cnnkit_call: str | None = None  # the first cnnkit.models function it called


def build(function: Callable[[], Any], *, watch: bool = True) -> Built:
    """Call ``function()`` and record whether it called into :mod:`cnnkit.models`.

    Args:
        function: the student's function, called with no arguments.
        watch: record the calls into :mod:`cnnkit.models` (default True); False only calls
            the function (its ``cnnkit_call`` is then None).

    Returns:
        A :class:`Built` with the result (or the exception the call raised) and the name
        of the first :mod:`cnnkit.models` function it called, if any.
    """
    if not watch:
        try:
            return Built(result=function())
        except Exception as error:  # the student's code: reported, never raised
            return Built(error=error)
    inside: dict[str, bool] = {}
    calls: list[str] = []

    def watch(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call" or calls:
            return
        code = frame.f_code
        where = inside.get(code.co_filename)
        if where is None:
            where = os.path.realpath(code.co_filename).startswith(_MODELS_DIR)
            inside[code.co_filename] = where
        if where and code.co_name != "<module>":  # importing is not building
            calls.append(f"cnnkit.models.{code.co_name}")

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        result = function()
    except Exception as error:  # the student's code: reported, never raised
        return Built(error=error, cnnkit_call=calls[0] if calls else None)
    finally:
        sys.setprofile(previous)
    return Built(result=result, cnnkit_call=calls[0] if calls else None)


def shares_layers(first: keras.Model, second: keras.Model) -> bool:
    """Whether two models built by the same function share a layer (or are one object).

    The input layers are left out: a functional model may start from one ``keras.Input``.

    Example:
        >>> from cnnkit.models import lenet5
        >>> model = lenet5()
        >>> shares_layers(model, model), shares_layers(model, lenet5())
        (True, False)
    """
    if first is second:
        return True
    body = [layer for layer in first.layers if not isinstance(layer, keras.layers.InputLayer)]
    return any(layer is other for layer in body for other in second.layers)
