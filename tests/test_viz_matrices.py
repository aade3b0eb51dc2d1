"""cnnkit.viz.matrices: what each figure draws (numbers, colours, panels, titles)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import cnnkit.viz.maps as maps  # noqa: E402
import cnnkit.viz.matrices as matrices  # noqa: E402
from cnnkit import viz  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig: Figure, axis: int = 0) -> list[str]:
    return [t.get_text() for t in fig.axes[axis].texts]


def test_reexported_from_viz() -> None:
    for module, names in ((matrices, ("show_matrix", "show_kernel", "show_matrices")),
                          (maps, ("show_maps", "compare_images"))):
        for name in names:
            assert getattr(viz, name) is getattr(module, name)
            assert name in viz.__all__


def test_show_matrix_writes_every_value_with_the_format() -> None:
    m = np.array([[0.0, 10.0, 20.0], [21.6, 32.4, 43.2]])
    fig = viz.show_matrix(m, title="G", fmt="{:.1f}")
    assert isinstance(fig, Figure)
    assert _texts(fig) == ["0.0", "10.0", "20.0", "21.6", "32.4", "43.2"]
    assert fig.axes[0].get_title() == "G"
    positions = [t.get_position() for t in fig.axes[0].texts]
    assert positions[4] == (1, 1)  # column, row of 32.4


def test_show_matrix_text_contrasts_with_the_cell() -> None:
    fig = viz.show_matrix([[0, 100]], cmap="Greys")
    colours = [t.get_color() for t in fig.axes[0].texts]
    assert colours == ["black", "white"]  # light cell -> black text, dark cell -> white


def test_long_numbers_get_a_smaller_font() -> None:
    short = viz.show_matrix([[1, 2]], cell_size=0.42).axes[0].texts[0].get_fontsize()
    long = viz.show_matrix([[118.4, 2]], fmt="{:.1f}", cell_size=0.42).axes[0].texts[0]
    assert long.get_fontsize() < short
    assert long.get_fontsize() * 0.6 * len("118.4") <= 0.42 * 72  # fits in the cell


def test_show_matrix_draws_on_given_axes_and_skips_numbers_when_large() -> None:
    fig, ax = plt.subplots()
    assert viz.show_matrix(np.eye(3), ax=ax) is fig
    big = viz.show_matrix(np.zeros((30, 30)))
    assert _texts(big) == []


def test_show_kernel_writes_fractions_centred_on_zero() -> None:
    fig = viz.show_kernel(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
    assert _texts(fig) == ["1/16", "1/8", "1/16", "1/8", "1/4", "1/8", "1/16", "1/8", "1/16"]
    image = fig.axes[0].images[0]
    assert image.norm.vmin == -image.norm.vmax == -0.25
    sobel = viz.show_kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert _texts(sobel)[:3] == ["\N{MINUS SIGN}1", "0", "1"]  # a true minus, as in the text


def test_matrix_numbers_write_a_true_minus_sign_like_the_tick_labels() -> None:
    fig = viz.show_matrix([[-1.5, 2e-05, 0]], fmt="{:g}")
    assert _texts(fig) == ["\N{MINUS SIGN}1.5", "2e-05", "0"]  # an exponent keeps its hyphen
    with matplotlib.rc_context({"axes.unicode_minus": False}):
        assert _texts(viz.show_matrix([[-1.5]], fmt="{:g}")) == ["-1.5"]


def test_format_fraction() -> None:
    assert matrices.format_fraction(1 / 25) == "1/25"
    assert matrices.format_fraction(-0.2) == "-1/5"
    assert matrices.format_fraction(np.pi) == "3.1"


def test_show_matrices_one_panel_per_matrix_with_own_format() -> None:
    fig = viz.show_matrices([np.eye(2), np.ones((3, 3)) / 9], ["F", "H"],
                            fmt=["{:g}", "fraction"])
    assert [ax.get_title() for ax in fig.axes] == ["F", "H"]
    assert _texts(fig, 0) == ["1", "0", "0", "1"]
    assert set(_texts(fig, 1)) == {"1/9"}
    kernels = viz.show_matrices([[[-1, 2]], [[0.5, 0.25]]], symmetric=True, cmap="RdBu_r")
    limits = [(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in kernels.axes]
    assert limits == [(-2.0, 2.0), (-0.5, 0.5)]


def test_show_matrices_shared_scale_gives_every_panel_one_colour_range() -> None:
    panels = [np.array([[1.0, 2.0]]), np.array([[0.0, 4.0]])]
    own = viz.show_matrices(panels)
    assert [(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in own.axes] == [
        (1.0, 2.0), (0.0, 4.0)]
    shared = viz.show_matrices(panels, shared_scale=True)
    assert [(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in shared.axes] == [
        (0.0, 4.0), (0.0, 4.0)]
    kernels = viz.show_matrices([[[-1, 2]], [[0.5, 0.25]]], symmetric=True, shared_scale=True)
    assert [(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in kernels.axes] == [
        (-2.0, 2.0), (-2.0, 2.0)]


def test_show_maps_accepts_a_volume_or_a_list() -> None:
    volume = np.random.default_rng(0).normal(size=(6, 5, 10))
    fig = viz.show_maps(volume, ncols=4, suptitle="mapas")
    visible = [ax for ax in fig.axes if ax.images]
    assert len(visible) == 10 and len(fig.axes) == 12  # 3 rows of 4, two empty panels
    np.testing.assert_array_equal(visible[3].images[0].get_array(), volume[:, :, 3])
    assert fig._suptitle.get_text() == "mapas"
    listed = viz.show_maps([np.zeros((4, 4)), np.ones((2, 3))], titles=["a", "b"])
    assert [ax.get_title() for ax in listed.axes] == ["a", "b"]


def test_show_maps_shared_scale() -> None:
    fig = viz.show_maps([np.zeros((2, 2)), np.full((2, 2), 5.0)], shared_scale=True)
    assert {(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in fig.axes} == {(0.0, 5.0)}


def test_compare_images_grey_and_colour_of_different_sizes() -> None:
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4)
    colour = np.full((6, 8, 3), 1.5)
    fig = viz.compare_images([grey, colour], ["antes", "después"])
    assert [ax.get_title() for ax in fig.axes] == ["antes", "después"]
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    assert fig.axes[1].images[0].get_array().max() == 1.0  # floats clipped to [0, 1]


@pytest.mark.parametrize(
    ("call", "error", "needle"),
    [
        (lambda: viz.show_matrix(np.zeros((2, 2, 2))), ValueError, "`m`"),
        (lambda: viz.show_matrix([["a"]]), TypeError, "`m`"),
        (lambda: viz.show_matrix(np.eye(2), fmt="{:q}"), ValueError, "fmt"),
        (lambda: viz.show_matrix(np.eye(2), fmt=3), TypeError, "fmt"),
        (lambda: viz.show_kernel(np.ones(3)), ValueError, "kernel"),
        (lambda: viz.show_matrices([]), ValueError, "matrices"),
        (lambda: viz.show_matrices([np.eye(2)], ["a", "b"]), ValueError, "titles"),
        (lambda: viz.show_maps(np.zeros((1, 4, 4, 2))), ValueError, "maps"),
        (lambda: viz.show_maps(np.zeros((4, 4, 2)), titles=["a"]), ValueError, "titles"),
        (lambda: viz.show_maps(np.zeros((4, 4, 2)), ncols=0), ValueError, "ncols"),
        (lambda: viz.compare_images([np.zeros((4, 4, 2))]), ValueError, "images"),
        (lambda: viz.compare_images([]), ValueError, "images"),
    ],
)
def test_bad_input(call, error, needle) -> None:
    with pytest.raises(error, match=needle):
        call()
