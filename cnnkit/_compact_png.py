"""Smaller inline figures: each notebook PNG is stored with a palette of at most 256 colours.

Photographs drawn by matplotlib are saved as 8-bit RGBA PNGs, which makes the course's
notebooks heavy (a grid of photo panels weighs 100-150 KB). Re-encoding the same pixels with a
palette halves the bytes. Figures with at most 256 colours (grey photographs, matrices, line
plots) keep every pixel exactly; a colour photograph gets 256 colours chosen by Pillow's fast
octree (no dithering), a change no one can see at the course's sizes.
:func:`use_compact_png` makes IPython display matplotlib figures this way; ``cnnkit.setup``
calls it in a notebook.

Example:
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(1, 1)); _ = ax.plot([0, 1])
    >>> compact_png(fig)[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    >>> plt.close(fig)
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["compact_png", "use_compact_png"]


def compact_png(figure: Figure) -> bytes:
    """The PNG bytes of ``figure`` (as Jupyter draws it), with a 256-colour palette if smaller.

    Raises:
        TypeError: ``figure`` is not a matplotlib ``Figure``.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"`figure` must be a matplotlib Figure, got {type(figure).__name__}.")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    plain = buffer.getvalue()
    image = Image.open(io.BytesIO(plain))
    if image.mode == "RGBA" and image.getextrema()[3][0] < 255:
        return plain  # transparent pixels: keep the alpha channel
    rgb = np.asarray(image.convert("RGB"))
    # each pixel as one integer 0xRRGGBB: np.unique on it gives the colours in the order of
    # np.unique(..., axis=0) on the rows (R, G, B), tens of times faster
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
    codes, index = np.unique((packed | rgb[..., 2]).ravel(), return_inverse=True)
    if len(codes) <= 256:  # exact: every pixel keeps its colour
        colours = np.stack([codes >> 16, (codes >> 8) & 0xFF, codes & 0xFF], axis=1)
        palette = Image.fromarray(index.reshape(rgb.shape[:2]).astype(np.uint8), mode="P")
        palette.putpalette(colours.astype(np.uint8).ravel().tolist())
    else:
        palette = Image.fromarray(rgb).quantize(
            colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return min(plain, buffer.getvalue(), key=len)


def use_compact_png(shell: Any) -> None:
    """Make an IPython shell display matplotlib figures with :func:`compact_png`."""
    shell.display_formatter.formatters["image/png"].for_type(Figure, compact_png)
