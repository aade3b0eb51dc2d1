"""cnnkit._compact_png: the same picture in fewer bytes."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from cnnkit._compact_png import compact_png, use_compact_png


def _plain(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def test_grey_photo_keeps_every_pixel_and_gets_smaller():
    image = np.random.default_rng(0).integers(0, 256, size=(64, 64)).repeat(4, 0).repeat(4, 1)
    fig, ax = plt.subplots(figsize=(3.5, 3.5))
    ax.imshow(image, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    plain, compact = _plain(fig), compact_png(fig)
    plt.close(fig)
    assert len(compact) < 0.8 * len(plain)
    before = np.asarray(Image.open(io.BytesIO(plain)).convert("RGB"))
    after = np.asarray(Image.open(io.BytesIO(compact)).convert("RGB"))
    assert before.shape == after.shape
    assert np.array_equal(before, after)  # at most 256 colours: exact


def test_colour_photo_gets_256_colours_close_to_the_original():
    image = np.random.default_rng(0).random((48, 48, 3)).repeat(5, 0).repeat(5, 1)
    fig, ax = plt.subplots(figsize=(3.5, 3.5))
    ax.imshow(image, interpolation="nearest")
    plain, compact = _plain(fig), compact_png(fig)
    plt.close(fig)
    after = Image.open(io.BytesIO(compact))
    assert after.mode == "P" and len(compact) < len(plain)
    before = np.asarray(Image.open(io.BytesIO(plain)).convert("RGB")).astype(int)
    assert np.abs(before - np.asarray(after.convert("RGB")).astype(int)).mean() < 10


def test_rejects_what_is_not_a_figure():
    with pytest.raises(TypeError, match="figure"):
        compact_png(np.zeros((2, 2)))


def test_registers_for_matplotlib_figures():
    class Formatter:
        def for_type(self, kind, function):
            self.registered = (kind, function)

    class Shell:
        display_formatter = type("D", (), {"formatters": {"image/png": Formatter()}})()

    shell = Shell()
    use_compact_png(shell)
    kind, function = shell.display_formatter.formatters["image/png"].registered
    assert kind is matplotlib.figure.Figure and function is compact_png
