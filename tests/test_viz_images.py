"""cnnkit.viz.show_images."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnkit.viz import show_images  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _titles(fig):
    return [ax.get_title() for ax in fig.axes]


def test_grid_shape_and_class_names():
    fig = show_images(
        np.zeros((10, 28, 28), np.uint8), labels=np.arange(10), class_names=list("abcdefghij"),
        ncols=4,
    )
    assert len(fig.axes) == 10  # 3 rows of 4, the two empty cells removed
    assert _titles(fig) == list("abcdefghij")


def test_wrong_predictions_are_red():
    fig = show_images(np.zeros((3, 5, 5, 1)), labels=[0, 1, 2], predictions=[0, 2, 2],
                      class_names=["x", "y", "z"])
    titles = _titles(fig)
    assert titles == ["x\n(x)", "z\n(y)", "z\n(z)"]
    colors = [matplotlib.colors.to_hex(ax.title.get_color()) for ax in fig.axes]
    assert colors[1] != colors[0] == colors[2]


def test_rgb_and_list_of_different_sizes():
    fig = show_images([np.zeros((4, 4, 3), np.uint8), np.ones((6, 8))], titles=["a", "b"])
    assert _titles(fig) == ["a", "b"]
    assert fig.axes[0].images[0].get_array().shape == (4, 4, 3)


def test_grey_uint8_keeps_its_range():
    fig = show_images(np.full((1, 4, 4), 10, np.uint8))
    assert fig.axes[0].images[0].get_clim() == (0, 255)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"images": np.zeros((4, 4))}, "got one image"),
        ({"images": np.zeros((2, 4, 4, 2))}, r"expected \(H, W\)"),
        ({"images": np.zeros((2, 4, 4)), "labels": [1]}, "`labels` has 1 entries but there are 2"),
        ({"images": np.zeros((2, 4, 4)), "ncols": 0}, "`ncols` must be an int >= 1, got 0"),
        ({"images": []}, "`images` is empty"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        show_images(**kwargs)


def test_ncols_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="`ncols` must be an int >= 1, got float: 2.0"):
        show_images(np.zeros((2, 4, 4)), ncols=2.0)
