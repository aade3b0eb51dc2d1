"""cnnkit.convmatrix against ops.conv2d and SciPy, on counts and on bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import convolve2d, correlate2d

from cnnkit.convmatrix import conv_matrix
from cnnkit.ops import conv2d


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4),
    stride=st.integers(1, 3), padding=st.integers(0, 2), flip=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_matrix_times_image_is_conv2d(h, w, kh, kw, stride, padding, flip, seed):
    if kh > h + 2 * padding or kw > w + 2 * padding:
        return
    rng = np.random.default_rng(seed)
    image, kernel = rng.normal(size=(h, w)), rng.normal(size=(kh, kw))
    expected = conv2d(image, kernel, stride=stride, padding=padding, flip=flip)
    m = conv_matrix((h, w), kernel, stride=stride, padding=padding, flip=flip)
    assert m.shape == (expected.size, h * w)
    np.testing.assert_allclose((m @ image.ravel()).reshape(expected.shape), expected, atol=1e-12)


def test_scipy_oracle_valid_correlation_and_convolution():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    m = conv_matrix(image.shape, kernel)
    np.testing.assert_allclose(m @ image.ravel(), correlate2d(image, kernel, "valid").ravel())
    m = conv_matrix(image.shape, kernel, flip=True)
    np.testing.assert_allclose(m @ image.ravel(), convolve2d(image, kernel, "valid").ravel())


def test_weights_are_shared_or_zero():
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    m = conv_matrix((5, 5), kernel)
    assert m.shape == (9, 25)
    assert np.count_nonzero(m) == 9 * 9                      # each row: the 9 weights
    assert sorted(np.unique(m[m != 0])) == list(kernel.ravel())
    for row in m:                                             # every row holds the kernel
        assert sorted(row[row != 0]) == list(kernel.ravel())


def test_padding_drops_zero_columns():
    m = conv_matrix((3, 3), np.ones((3, 3)), padding=1)
    assert m.shape == (9, 9)
    # the corner output sees a 2x2 block of the image
    assert m[0].sum() == 4 and m[4].sum() == 9


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"image_shape": (5,)}, ValueError, "`image_shape`"),
        ({"image_shape": "5x5"}, TypeError, "`image_shape`"),
        ({"kernel": np.ones((2, 2, 2))}, ValueError, "`kernel`"),
        ({"kernel": [["a"]]}, TypeError, "`kernel`"),
        ({"stride": 0}, ValueError, "`stride`"),
        ({"stride": 1.5}, TypeError, "`stride`"),
        ({"padding": -1}, ValueError, "`padding`"),
        ({"padding": "same"}, TypeError, "`padding`"),
        ({"flip": 1}, TypeError, "`flip`"),
        ({"kernel": np.ones((6, 6))}, ValueError, "larger than the padded image"),
    ],
)
def test_bad_input(kwargs, error, words):
    args = {"image_shape": (5, 5), "kernel": np.ones((3, 3))} | kwargs
    shape, kernel = args.pop("image_shape"), args.pop("kernel")
    with pytest.raises(error, match=words):
        conv_matrix(shape, kernel, **args)
