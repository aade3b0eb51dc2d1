"""Pairing the student's layers with LeNet-5's: the cheapest alignment (an edit distance).

A missing or an extra layer costs 1; pairing two layers of the same kind costs 0 when they
agree and less than 1 when only their settings differ; pairing different kinds costs 2, so
the checker prefers to name a missing or an extra layer. :func:`walk` turns the alignment
into the feedback lines.

Example:
    >>> costs = {("a", "a"): 0.0, ("b", "b"): 0.0}
    >>> align(["a", "b"], ["a", "x", "b"], lambda s, f: costs.get((s, f), 2.0))
    (1.0, [(0, 0), (None, 1), (1, 2)])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cnnkit.exercises import _messages as say
from cnnkit.exercises._compare import compare, config_problems
from cnnkit.exercises._layers import Found
from cnnkit.exercises._reference import Step
from cnnkit.exercises._text import BAD

Pairs = list[tuple[int | None, int | None]]


def match_cost(step: Step, found: Found, variant: str | None) -> float:
    """Cost of pairing two layers: 0 if they agree, < 1 if only the settings differ."""
    if step.kind != found.kind:
        return 2.0
    return min(0.9, 0.3 * len(config_problems(step, found, variant)))


def align(
    steps: Sequence[Any], found: Sequence[Any], cost_of: Callable[[Any, Any], float]
) -> tuple[float, Pairs]:
    """Cheapest alignment of ``steps`` with ``found`` under the pairing cost ``cost_of``.

    Returns:
        The cost and the pairs ``(step index, found index)`` in order, with None for a
        missing layer (no found index) or an extra one (no step index).
    """
    n, m = len(steps), len(found)
    pair = [[cost_of(s, f) for f in found] for s in steps]
    cost = [[float(i + j) if not (i and j) else 0.0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + pair[i - 1][j - 1],
                cost[i - 1][j] + 1.0,
                cost[i][j - 1] + 1.0,
            )
    pairs: Pairs = []
    i, j = n, m
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + pair[i - 1][j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1.0:
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    return cost[n][m], pairs[::-1]


def walk(
    steps: list[Step], alignment: Pairs, found: list[Found], variant: str | None
) -> tuple[list[str], list[tuple[Step, Found]]]:
    """Feedback lines for an alignment, and the pairs of layers that match."""
    lines: list[str] = []
    matched: list[tuple[Step, Found]] = []
    for i, j in alignment:
        if j is None:
            previous = steps[i - 1].name if i else ""
            lines.append(say.missing(steps[i], previous, variant))
        elif i is None:
            lines.append(say.extra(found[j]))
        else:
            step, layer = steps[i], found[j]
            problems = compare(step, layer, variant)
            if not problems:
                lines.append(say.ok_line(step, layer))
                matched.append((step, layer))
            lines += [f"{BAD} {step.name} ('{layer.layer.name}'): {p}" for p in problems]
    return lines, matched
