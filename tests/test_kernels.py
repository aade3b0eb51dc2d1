"""cnnkit.kernels: the slides' weights, their properties and SciPy's versions of the filters."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from scipy.signal import windows

from cnnkit import kernels
from cnnkit.ops import conv2d

RNG = np.random.default_rng(0)
IMAGE = RNG.uniform(0, 255, size=(12, 15))


def _interior(array: np.ndarray) -> np.ndarray:
    return array[1:-1, 1:-1]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_box_blur_is_a_mean(size: int) -> None:
    kernel = kernels.box_blur(size)
    assert kernel.shape == (size, size)
    np.testing.assert_allclose(kernel, 1 / size**2)
    np.testing.assert_array_equal(kernels.box_blur(size, normalize=False), np.ones((size, size)))
    expected = ndimage.uniform_filter(IMAGE, size=size, mode="constant")
    lo, hi = size // 2, size // 2 - (size % 2 == 0)
    got = conv2d(IMAGE, kernel)
    np.testing.assert_allclose(got, expected[lo : IMAGE.shape[0] - hi, lo : IMAGE.shape[1] - hi])


def test_gaussian_3x3_is_the_slide_matrix() -> None:
    slide = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]])  # deck 000
    np.testing.assert_array_equal(kernels.gaussian_3x3(normalize=False), slide)
    np.testing.assert_allclose(kernels.gaussian_3x3(), slide / 16)


@pytest.mark.parametrize(("size", "sigma"), [(3, 0.8), (5, None), (7, 1.5), (9, 3.0)])
def test_gaussian_matches_scipy_window(size: int, sigma: float | None) -> None:
    kernel = kernels.gaussian(size, sigma)
    std = size / 6 if sigma is None else sigma
    row = windows.gaussian(size, std=std)
    np.testing.assert_allclose(kernel, np.outer(row, row) / np.outer(row, row).sum())
    assert np.isclose(kernel.sum(), 1.0)
    assert np.unravel_index(kernel.argmax(), kernel.shape) == (size // 2, size // 2)


def test_sharpen_is_identity_minus_laplacian() -> None:
    identity = np.zeros((3, 3))
    identity[1, 1] = 1
    np.testing.assert_array_equal(kernels.sharpen(), identity - kernels.laplacian())
    np.testing.assert_array_equal(kernels.sharpen(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    flat = np.full((5, 5), 7.0)
    np.testing.assert_allclose(conv2d(flat, kernels.sharpen()), 7.0)


def test_sobel_matches_scipy_ndimage() -> None:
    np.testing.assert_allclose(_interior(conv2d(IMAGE, kernels.sobel_x(), padding=1)),
                               _interior(ndimage.sobel(IMAGE, axis=1)))
    np.testing.assert_allclose(_interior(conv2d(IMAGE, kernels.sobel_y(), padding=1)),
                               _interior(ndimage.sobel(IMAGE, axis=0)))


def test_sobel_signs_on_ramps() -> None:
    ramp_right = np.tile(np.arange(6.0), (6, 1))  # brighter to the right
    np.testing.assert_allclose(conv2d(ramp_right, kernels.sobel_x()), 8.0)
    np.testing.assert_allclose(conv2d(ramp_right, kernels.sobel_y()), 0.0)
    np.testing.assert_allclose(conv2d(ramp_right.T, kernels.sobel_y()), 8.0)


def test_laplacian_matches_scipy_and_kills_ramps() -> None:
    np.testing.assert_allclose(_interior(conv2d(IMAGE, kernels.laplacian(), padding=1)),
                               _interior(ndimage.laplace(IMAGE)))
    ramp = np.add.outer(np.arange(6.0), 2 * np.arange(6.0))
    np.testing.assert_allclose(conv2d(ramp, kernels.laplacian()), 0.0, atol=1e-12)


def test_cross_mean_is_deck_001_h() -> None:
    np.testing.assert_allclose(kernels.cross_mean() * 5, [[0, 1, 0], [1, 1, 1], [0, 1, 0]])
    u_first_rows = np.array([[130, 136, 53], [130, 89, 77]])
    # top-left output pixel of deck 001 (zero padding): (130 + 136 + 130) / 5 = 79.2
    assert conv2d(u_first_rows, kernels.cross_mean(), padding=1)[0, 0] == pytest.approx(79.2)


def test_line_detectors_respond_most_to_their_own_line() -> None:
    detectors = kernels.line_detectors()
    assert list(detectors) == ["horizontal", "vertical", "diagonal", "antidiagonal"]
    for name, kernel in detectors.items():
        assert set(np.unique(kernel)) == {-1.0, 1.0}
        responses = {other: float((kernel * pattern).sum()) for other, pattern in detectors.items()}
        assert responses[name] == 9.0
        assert all(value < 9.0 for other, value in responses.items() if other != name)


def test_classic_returns_fresh_arrays() -> None:
    first = kernels.classic()
    assert list(first) == ["box_blur", "gaussian", "sharpen", "sobel_x", "sobel_y", "laplacian"]
    first["sharpen"][1, 1] = 100.0
    assert kernels.classic()["sharpen"][1, 1] == 5.0
    assert all(k.shape == (3, 3) and k.dtype == np.float64 for k in first.values())


@pytest.mark.parametrize(
    ("call", "error", "needle"),
    [
        (lambda: kernels.box_blur(0), ValueError, "size"),
        (lambda: kernels.box_blur(2.5), TypeError, "size"),
        (lambda: kernels.gaussian(4), ValueError, "odd"),
        (lambda: kernels.gaussian(5, sigma=0), ValueError, "sigma"),
        (lambda: kernels.gaussian(5, sigma=float("nan")), ValueError, "sigma"),
        (lambda: kernels.gaussian(5, sigma="1"), TypeError, "sigma"),
    ],
)
def test_bad_input(call, error, needle) -> None:
    with pytest.raises(error, match=needle):
        call()
