"""cnnkit.viz.teaching.show_conv_step and cnnkit.receptive, checked against their definitions."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from cnnkit import ops
from cnnkit.receptive import receptive_field, receptive_field_size
from cnnkit.viz.teaching import show_conv_step


def test_conv_step_title_is_the_computed_value():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(5, 5, 3))
    w = rng.integers(-1, 2, size=(3, 3, 3, 2))
    fig = show_conv_step(x, w, (1, 2), bias=[1, 0], stride=2, padding=1)
    expected = ops.conv2d(x, w, stride=2, padding=1, bias=[1, 0])[1, 2, 0]
    assert fig.get_suptitle().endswith(f"= {int(expected)}".replace("-", "\u2212"))
    assert len([ax for ax in fig.axes if ax.get_title()]) == 3 + 3 * 2 + 2


def test_conv_step_outlines_the_window():
    fig = show_conv_step(np.arange(25).reshape(5, 5), np.ones((3, 3)), (2, 1))
    (rect,) = fig.axes[0].patches
    assert rect.get_xy() == (0.5, 1.5) and rect.get_width() == 3


@pytest.mark.parametrize("position", [(3, 0), (0, -1)])
def test_conv_step_rejects_positions_outside_the_output(position):
    with pytest.raises(ValueError, match="position"):
        show_conv_step(np.zeros((5, 5)), np.ones((3, 3)), position)


def test_conv_step_rejects_a_kernel_of_the_wrong_depth():
    with pytest.raises(ValueError, match="kernel"):
        show_conv_step(np.zeros((5, 5, 3)), np.ones((3, 3, 2)), (0, 0))


@pytest.mark.parametrize(
    "layers",
    [
        [("conv", 3, 1)],
        [("conv", 3, 1)] * 3,
        [("conv", 3, 2), ("conv", 3, 1)],
        [("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1)],
        [("conv", 5, 1), ("pool", 3, 3), ("conv", 3, 1)],
    ],
)
def test_measured_field_matches_the_recurrence(layers):
    field = receptive_field(41, layers)
    rows, cols = np.flatnonzero(field.any(axis=1)), np.flatnonzero(field.any(axis=0))
    side = receptive_field_size(layers)
    assert rows.size == cols.size == side
    assert rows.max() - rows.min() + 1 == side  # one contiguous block


def test_field_counts_paths_for_stacked_convolutions():
    field = receptive_field(7, [("conv", 3, 1)] * 2)
    assert field[3, 3] == 9 and field[1, 1] == 1


def test_field_rejects_bad_inputs():
    with pytest.raises(ValueError, match="input_size"):
        receptive_field(5, [("conv", 3, 1)] * 3)
    with pytest.raises(ValueError, match="input_size"):
        receptive_field(65, [("conv", 3, 1)])
    with pytest.raises(TypeError, match="layers"):
        receptive_field(9, "conv")
    with pytest.raises(ValueError, match=r"layers\[0\]\[0\]"):
        receptive_field_size([("dense", 3, 1)])
    with pytest.raises(TypeError, match=r"layers\[0\]\[1\]"):
        receptive_field_size([("conv", 3.0, 1)])
