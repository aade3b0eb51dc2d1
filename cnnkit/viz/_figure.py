"""New figures for ``cnnkit.viz``, and the epilogue every visualizer ends with.

A visualizer returns its ``Figure`` and leaves pyplot's list of open figures alone
wherever pyplot could not show a figure anyway: under a non-interactive backend (Agg,
the backend of scripts and of the test suite, or pdf / svg) the figure is a plain
``matplotlib.figure.Figure`` (with an Agg canvas) that belongs to the caller and is
freed with it, so calling a visualizer in a loop does not grow ``plt.get_fignums()``.
Under a backend that shows figures (Jupyter's inline backend, a desktop window) the
figure is made by pyplot, so ``plt.show()`` shows it as it shows any other figure;
Jupyter's inline backend then closes it at the end of the cell.

Save a figure with ``fig.savefig(...)`` (not ``plt.savefig``, which saves pyplot's
current figure).

Example (under Agg, the test suite's backend):
    >>> import matplotlib.pyplot as plt
    >>> before = plt.get_fignums()
    >>> fig, axes = subplots(1, 2, figsize=(4, 2))
    >>> axes.shape, plt.get_fignums() == before
    ((2,), True)
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from cnnkit.viz._text import finish_figure

__all__ = ["pyplot_shows_figures", "new_figure", "subplots", "finish"]


def pyplot_shows_figures() -> bool:
    """Whether the current matplotlib backend can show figures (``plt.show()``)."""
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry

    backend = str(matplotlib.get_backend()).lower()
    return backend not in backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)


def new_figure(**kwargs: Any) -> Figure:
    """A new figure (``Figure`` keyword arguments): pyplot's only where pyplot can show it."""
    if pyplot_shows_figures():
        import matplotlib.pyplot as plt

        return plt.figure(**kwargs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(**kwargs)
    FigureCanvasAgg(figure)  # what pyplot would attach under Agg: fig.canvas.draw() renders
    return figure


def subplots(
    nrows: int = 1, ncols: int = 1, *, squeeze: bool = True,
    gridspec_kw: dict[str, Any] | None = None, **kwargs: Any,
) -> tuple[Figure, Any]:
    """Like ``plt.subplots`` (same arguments), made with :func:`new_figure`."""
    figure = new_figure(**kwargs)
    axes = figure.subplots(nrows, ncols, squeeze=squeeze, gridspec_kw=gridspec_kw)
    return figure, axes


def finish(figure: Figure, *, suptitle: str | None = None, tight: bool = True) -> Figure:
    """The visualizers' epilogue: optional title, tight layout, language of the ticks."""
    if suptitle:
        figure.suptitle(suptitle)
    if tight:
        figure.tight_layout()
    return finish_figure(figure)
