"""Behaviour of the reference operations that the older tests left open (mutation testing).

Each test here was written for mutants of ``benchmarks/mutation.py`` that survived the
older tests: a default size changed, a bound of an argument check dropped, an ``or`` made
``and``, a kernel's row moved, an error message that lost the fix it names. Written against
the public API only (``cnnkit.ops``, ``cnnkit.kernels``, ``cnnkit.convmatrix``).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cnnkit import kernels
from cnnkit.convmatrix import conv_matrix

# ------------------------------------------------------------------------------- kernels


def test_default_sizes_are_the_documented_ones():
    np.testing.assert_array_equal(kernels.box_blur(), np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(kernels.box_blur(normalize=False), np.ones((3, 3)))
    assert kernels.gaussian().shape == (5, 5)
    np.testing.assert_allclose(kernels.gaussian(), kernels.gaussian(5, 5 / 6))


def test_gaussian_is_the_normalised_outer_product_of_a_sampled_bell():
    offsets = np.arange(7) - 3
    row = np.exp(-(offsets**2) / (2 * 1.5**2))
    expected = np.outer(row, row) / np.outer(row, row).sum()
    np.testing.assert_allclose(kernels.gaussian(7, 1.5), expected, rtol=1e-12)


@pytest.mark.parametrize("sigma", [-1.0, -0.5, 0, 0.0])
def test_gaussian_sigma_must_be_positive(sigma):
    with pytest.raises(ValueError, match="`sigma` must be"):
        kernels.gaussian(5, sigma)


def test_gaussian_size_must_be_odd():
    with pytest.raises(ValueError, match=re.escape("`size` must be odd so the kernel has a")):
        kernels.gaussian(4)


def test_line_detectors_are_plus_one_on_their_line_and_minus_one_elsewhere():
    d = kernels.line_detectors()
    line = np.array([[-1.0, -1, -1], [1, 1, 1], [-1, -1, -1]])
    np.testing.assert_array_equal(d["horizontal"], line)
    np.testing.assert_array_equal(d["vertical"], line.T)
    np.testing.assert_array_equal(d["diagonal"], 2 * np.eye(3) - 1)
    np.testing.assert_array_equal(d["antidiagonal"], (2 * np.eye(3) - 1)[:, ::-1])
    assert list(d) == ["horizontal", "vertical", "diagonal", "antidiagonal"]


def test_classic_kernels_are_the_lesson_s_matrices():
    c = kernels.classic()
    np.testing.assert_array_equal(c["box_blur"], np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(c["gaussian"] * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(c["sharpen"], [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(c["sobel_x"], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(c["sobel_y"], c["sobel_x"].T)
    np.testing.assert_array_equal(c["laplacian"], [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(kernels.cross_mean() * 5, [[0, 1, 0], [1, 1, 1], [0, 1, 0]])


# ---------------------------------------------------------------------------- convmatrix


@pytest.mark.parametrize("kernel_shape", [(4, 1), (1, 4), (4, 4)])
def test_conv_matrix_rejects_a_kernel_larger_than_the_image_on_either_axis(kernel_shape):
    with pytest.raises(ValueError, match=r"`kernel` of shape .* is larger than the padded image"):
        conv_matrix((3, 3), np.ones(kernel_shape))


def test_conv_matrix_kernel_as_large_as_the_padded_image_is_one_row():
    m = conv_matrix((2, 2), np.ones((4, 4)), padding=1)
    np.testing.assert_array_equal(m, np.ones((1, 4)))


def test_conv_matrix_errors_name_the_fix():
    with pytest.raises(ValueError, match=re.escape("e.g. (5, 5)")):
        conv_matrix((3, 0), [[1.0]])
    with pytest.raises(ValueError, match=re.escape("`padding` must be an int >= 0, got -1. "
                                                   "Use 0 for 'valid'.")):  # fmt: skip
        conv_matrix((3, 3), [[1.0]], padding=-1)
