"""cnnkit.ops against independent oracles (SciPy, Keras layers) and on bad input."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import convolve2d, correlate2d

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

from cnnkit.ops import (  # noqa: E402
    conv2d,
    conv_output_size,
    conv_params,
    pool2d,
    same_padding,
    upsample2d,
)

ORACLE = settings(max_examples=40, deadline=None)
KERAS_ORACLE = settings(max_examples=25, deadline=None)
FLOAT32_TOL = {"rtol": 1e-5, "atol": 1e-5}

sides = st.integers(min_value=1, max_value=12)
small = st.integers(min_value=1, max_value=5)
strides = st.integers(min_value=1, max_value=3)


def _random(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def _run_layer(layer: keras.layers.Layer, x: np.ndarray) -> np.ndarray:
    """Apply a Keras layer eagerly to one image (adds and removes the batch axis)."""
    return keras.ops.convert_to_numpy(layer(x[None].astype("float32")))[0]

# The docstring examples of cnnkit.ops and cnnkit.kernels run under --doctest-modules.


# --------------------------------------------------------------------------- conv2d vs SciPy


@ORACLE
@given(h=sides, w=sides, kh=small, kw=small, sh=strides, sw=strides,
       ph=st.integers(0, 2), pw=st.integers(0, 2), seed=st.integers(0, 2**16), flip=st.booleans())
def test_conv2d_matches_scipy(h, w, kh, kw, sh, sw, ph, pw, seed, flip) -> None:
    x, k = _random(seed, h, w), _random(seed + 1, kh, kw)
    padded = np.pad(x, ((ph, ph), (pw, pw)))
    if kh > padded.shape[0] or kw > padded.shape[1]:
        with pytest.raises(ValueError, match="kernel"):
            conv2d(x, k, stride=(sh, sw), padding=(ph, pw), flip=flip)
        return
    oracle = convolve2d if flip else correlate2d
    expected = oracle(padded, k, mode="valid")[::sh, ::sw]
    got = conv2d(x, k, stride=(sh, sw), padding=(ph, pw), flip=flip)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert got.shape == (conv_output_size(h, kh, stride=sh, padding=ph, strict=False),
                         conv_output_size(w, kw, stride=sw, padding=pw, strict=False))


@ORACLE
@given(h=sides, w=sides, c=st.integers(1, 3), f=st.integers(1, 3), kh=small, kw=small,
       seed=st.integers(0, 2**16))
def test_conv2d_volume_matches_scipy_sum_over_channels(h, w, c, f, kh, kw, seed) -> None:
    x, k = _random(seed, h + kh, w + kw, c), _random(seed + 1, kh, kw, c, f)
    expected = np.stack(
        [sum(correlate2d(x[:, :, ci], k[:, :, ci, fi], mode="valid") for ci in range(c))
         for fi in range(f)], axis=-1)
    np.testing.assert_allclose(conv2d(x, k), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv2d(x, k[:, :, :, 0]), expected[:, :, 0], atol=1e-12)


def test_conv2d_integer_input_is_float64() -> None:
    x = np.arange(16, dtype=np.uint8).reshape(4, 4)
    out = conv2d(x, np.ones((2, 2), dtype=np.int64))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, correlate2d(x.astype(float), np.ones((2, 2)), "valid"))


def test_conv2d_bias_and_grey_with_deep_kernel() -> None:
    x = _random(0, 6, 6)
    k = _random(1, 3, 3, 1, 2)
    out = conv2d(x, k, bias=[1.0, -2.0])
    assert out.shape == (4, 4, 2)
    np.testing.assert_allclose(out[:, :, 1], correlate2d(x, k[:, :, 0, 1], "valid") - 2.0)
    np.testing.assert_allclose(conv2d(x, k[:, :, 0, 0], bias=0.5),
                               correlate2d(x, k[:, :, 0, 0], "valid") + 0.5)


# --------------------------------------------------------------------------- conv2d vs Keras


@KERAS_ORACLE
@given(h=sides, w=sides, c=st.integers(1, 3), f=st.integers(1, 3), kh=small, kw=small,
       sh=strides, sw=strides, padding=st.sampled_from(["valid", "same"]),
       use_bias=st.booleans(), seed=st.integers(0, 2**16))
def test_conv2d_matches_keras_conv2d(h, w, c, f, kh, kw, sh, sw, padding, use_bias, seed):
    if padding == "valid" and (kh > h or kw > w):
        kh, kw = min(kh, h), min(kw, w)
    x, k, b = _random(seed, h, w, c), _random(seed + 1, kh, kw, c, f), _random(seed + 2, f)
    layer = keras.layers.Conv2D(f, (kh, kw), strides=(sh, sw), padding=padding,
                                use_bias=use_bias)
    layer.build((1, h, w, c))
    layer.set_weights([k, b] if use_bias else [k])
    got = conv2d(x, k, stride=(sh, sw), padding=padding, bias=b if use_bias else None)
    np.testing.assert_allclose(got, _run_layer(layer, x), **FLOAT32_TOL)


@KERAS_ORACLE
@given(h=sides, w=sides, c=st.integers(1, 3), k=small, s=strides,
       padding=st.sampled_from(["valid", "same"]), seed=st.integers(0, 2**16))
def test_2d_kernel_on_channels_matches_keras_depthwise(h, w, c, k, s, padding, seed) -> None:
    k = min(k, h, w) if padding == "valid" else k
    x, kernel = _random(seed, h, w, c), _random(seed + 1, k, k)
    layer = keras.layers.DepthwiseConv2D((k, k), strides=s, padding=padding, use_bias=False)
    layer.build((1, h, w, c))
    layer.set_weights([np.repeat(kernel[:, :, None, None], c, axis=2)])
    got = conv2d(x, kernel, stride=s, padding=padding)
    assert got.shape[2] == c
    np.testing.assert_allclose(got, _run_layer(layer, x), **FLOAT32_TOL)


@pytest.mark.parametrize(("n", "k", "s"), [(7, 2, 1), (6, 4, 2), (5, 2, 3), (8, 3, 2), (1, 4, 1)])
def test_same_padding_even_kernels_and_strides_like_keras(n, k, s) -> None:
    before, after = same_padding(n, k, s)
    assert after - before in (0, 1)  # TensorFlow puts the odd pixel bottom / right
    x, kernel = _random(n, n, n + 1, 1), _random(k, k, k, 1, 1)
    layer = keras.layers.Conv2D(1, k, strides=s, padding="same", use_bias=False)
    layer.build((1, n, n + 1, 1))
    layer.set_weights([kernel])
    got = conv2d(x, kernel, stride=s, padding="same")
    assert got.shape[:2] == (-(-n // s), -(-(n + 1) // s))
    np.testing.assert_allclose(got, _run_layer(layer, x), **FLOAT32_TOL)


# --------------------------------------------------------------------------- pooling vs Keras


@KERAS_ORACLE
@given(h=sides, w=sides, c=st.integers(1, 3), ph=st.integers(1, 3), pw=st.integers(1, 3),
       stride=st.one_of(st.none(), st.tuples(strides, strides)),
       padding=st.sampled_from(["valid", "same"]), mode=st.sampled_from(["max", "avg"]),
       seed=st.integers(0, 2**16))
def test_pool2d_matches_keras(h, w, c, ph, pw, stride, padding, mode, seed) -> None:
    if padding == "valid":
        ph, pw = min(ph, h), min(pw, w)
    x = _random(seed, h, w, c)
    layer_class = keras.layers.MaxPooling2D if mode == "max" else keras.layers.AveragePooling2D
    layer = layer_class(pool_size=(ph, pw), strides=stride, padding=padding)
    got = pool2d(x, (ph, pw), stride=stride, padding=padding, mode=mode)
    np.testing.assert_allclose(got, _run_layer(layer, x), **FLOAT32_TOL)
    np.testing.assert_allclose(pool2d(x[:, :, 0], (ph, pw), stride=stride, padding=padding,
                                      mode=mode), got[:, :, 0])


def test_pool2d_former_average_name_works_with_a_pending_deprecation_only() -> None:
    x = np.arange(16.0).reshape(4, 4)
    with pytest.warns(PendingDeprecationWarning, match='mode="avg"|mode=\'avg\'') as caught:
        old = pool2d(x, 2, mode="average")
    np.testing.assert_array_equal(old, pool2d(x, 2, mode="avg"))
    # Never a DeprecationWarning: IPython shows those for notebook code (stderr).
    assert not any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert caught[0].filename == __file__  # points at the caller's line


def test_pool2d_slide_example_and_stride_default() -> None:
    x = np.array([[1, 2, 0, 2], [1, 4, 2, 0], [4, 3, 1, 0], [1, 2, 2, 1]])
    np.testing.assert_array_equal(pool2d(x, 2), [[4, 2], [4, 2]])
    np.testing.assert_array_equal(pool2d(x, 2, mode="avg"), [[2, 1], [2.5, 1]])
    np.testing.assert_array_equal(pool2d(x, 2, stride=2), pool2d(x, 2))
    assert pool2d(x, 3, stride=1).shape == (2, 2)


# --------------------------------------------------------------------------- upsampling


@KERAS_ORACLE
@given(h=sides, w=sides, c=st.integers(1, 3), fh=st.integers(1, 4), fw=st.integers(1, 4),
       mode=st.sampled_from(["nearest", "bilinear"]), seed=st.integers(0, 2**16))
def test_upsample2d_matches_keras(h, w, c, fh, fw, mode, seed) -> None:
    x = _random(seed, h, w, c)
    layer = keras.layers.UpSampling2D(size=(fh, fw), interpolation=mode)
    got = upsample2d(x, (fh, fw), mode=mode)
    assert got.shape == (h * fh, w * fw, c)
    np.testing.assert_allclose(got, _run_layer(layer, x), **FLOAT32_TOL)
    np.testing.assert_allclose(upsample2d(x[:, :, 0], (fh, fw), mode=mode), got[:, :, 0])


@ORACLE
@given(h=sides, w=sides, f=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_bed_of_nails_keeps_values_and_zeros(h, w, f, seed) -> None:
    x = _random(seed, h, w)
    out = upsample2d(x, f, mode="bed_of_nails")
    np.testing.assert_array_equal(out[::f, ::f], x)
    assert np.count_nonzero(out) == np.count_nonzero(x)
    np.testing.assert_allclose(out.sum(), x.sum())


# --------------------------------------------------------------------------- formulas


def test_conv_output_size_slide_cases() -> None:
    assert conv_output_size(7, 3) == 5
    assert conv_output_size(7, 3, stride=2) == 3
    assert conv_output_size(7, 3, padding=1) == 7
    assert conv_output_size(32, 5, padding=2) == 32
    assert conv_output_size(conv_output_size(32, 5), 5) == 24
    with pytest.raises(ValueError, match=r"\(7 - 3\) / 3 \+ 1 = 2\.33"):
        conv_output_size(7, 3, stride=3)
    assert conv_output_size(7, 3, stride=3, strict=False) == 2


@ORACLE
@given(n=st.integers(1, 40), k=st.integers(1, 7), s=strides, p=st.integers(0, 3))
def test_conv_output_size_matches_conv2d_and_keras(n, k, s, p) -> None:
    if k > n + 2 * p:
        with pytest.raises(ValueError, match="kernel_size"):
            conv_output_size(n, k, stride=s, padding=p, strict=False)
        return
    size = conv_output_size(n, k, stride=s, padding=p, strict=False)
    assert conv2d(np.zeros((n, 1)), np.zeros((k, 1)), stride=(s, 1), padding=(p, 0)).shape[0] \
        == size
    layer = keras.layers.Conv2D(1, (k, 1), strides=(s, 1))
    assert layer.compute_output_shape((1, n + 2 * p, 1, 1))[1] == size
    if (n - k + 2 * p) % s == 0:
        assert conv_output_size(n, k, stride=s, padding=p) == size
    else:
        with pytest.raises(ValueError, match="does not fit"):
            conv_output_size(n, k, stride=s, padding=p)


@ORACLE
@given(k=small, c=st.integers(1, 4), f=st.integers(1, 6), bias=st.booleans())
def test_conv_params_matches_keras_count(k, c, f, bias) -> None:
    layer = keras.layers.Conv2D(f, k, use_bias=bias)
    layer.build((None, 8, 8, c))
    assert conv_params(k, c, f, bias=bias) == layer.count_params()


def test_conv_params_slide() -> None:
    assert conv_params(5, 3, 10) == 760
    assert conv_params((5, 5), 3, 10, bias=False) == 750


# --------------------------------------------------------------------------- bad input

X, K = np.zeros((5, 5)), np.ones((3, 3))
BAD_INPUT = [
    (lambda: conv2d(X, np.ones((6, 6))), ValueError, "kernel"),
    (lambda: conv2d(X, np.ones((8, 8)), padding=1), ValueError, "padded input"),
    (lambda: conv2d(X, K, stride=0), ValueError, "stride"),
    (lambda: conv2d(X, K, stride=-1), ValueError, "stride"),
    (lambda: conv2d(X, K, stride=(1, 0)), ValueError, "stride"),
    (lambda: conv2d(X, K, stride=1.5), TypeError, "stride"),
    (lambda: conv2d(X, K, stride=(1, 2, 3)), ValueError, "stride"),
    (lambda: conv2d(X, K, padding="full"), ValueError, "padding"),
    (lambda: conv2d(X, K, padding=-1), ValueError, "padding"),
    (lambda: conv2d(X, K, padding=None), TypeError, "padding"),
    (lambda: conv2d(np.zeros((5, 5, 3)), np.ones((3, 3, 2))), ValueError, "channel"),
    (lambda: conv2d(np.zeros((5, 5)), np.ones((3, 3, 2, 4))), ValueError, "channel"),
    (lambda: conv2d(np.zeros(5), K), ValueError, "`x`"),
    (lambda: conv2d(np.zeros((1, 5, 5, 1)), K), ValueError, "`x`"),
    (lambda: conv2d(X, np.ones(3)), ValueError, "`kernel`"),
    (lambda: conv2d(X, np.ones((3, 3, 1, 1, 1))), ValueError, "`kernel`"),
    (lambda: conv2d(np.full((5, 5), "a"), K), TypeError, "`x`"),
    (lambda: conv2d(X, np.full((3, 3), 1 + 2j)), TypeError, "`kernel`"),
    (lambda: conv2d([[1, None], [2, 3]], [[1]]), TypeError, "`x`"),
    (lambda: conv2d(np.where(np.eye(5), np.nan, 0), K), ValueError, "NaN"),
    (lambda: conv2d(X, np.full((3, 3), np.inf)), ValueError, "`kernel`"),
    (lambda: conv2d(X, K, bias=np.nan), ValueError, "`bias`"),
    (lambda: conv2d(X, np.ones((3, 3, 1, 2)), bias=[1, 2, 3]), ValueError, "bias"),
    (lambda: conv2d(np.zeros((0, 5)), K), ValueError, "empty"),
    (lambda: conv2d(X, K, flip="yes"), TypeError, "flip"),
    (lambda: pool2d(X, 0), ValueError, "size"),
    (lambda: pool2d(X, 6), ValueError, "size"),
    (lambda: pool2d(X, 2, stride=0), ValueError, "stride"),
    (lambda: pool2d(X, 2, mode="min"), ValueError, "mode"),
    (lambda: pool2d(X, 2, padding="full"), ValueError, "padding"),
    (lambda: pool2d(X, 2, padding=1), TypeError, "padding"),
    (lambda: pool2d(np.zeros((2, 5, 5, 1)), 2), ValueError, "`x`"),
    (lambda: pool2d(np.array([[np.nan]]), 1), ValueError, "NaN"),
    (lambda: upsample2d(X, 0), ValueError, "factor"),
    (lambda: upsample2d(X, 2.0), TypeError, "factor"),
    (lambda: upsample2d(X, mode="cubic"), ValueError, "mode"),
    (lambda: upsample2d(np.zeros(4)), ValueError, "`x`"),
    (lambda: upsample2d(np.array(["a"])), TypeError, "`x`"),
    (lambda: conv_output_size(7, 3, stride=0), ValueError, "stride"),
    (lambda: conv_output_size(7, 9), ValueError, "kernel_size"),
    (lambda: conv_output_size(7.0, 3), TypeError, "`n`"),
    (lambda: conv_output_size(7, 3, padding=-1), ValueError, "padding"),
    (lambda: conv_params(5, 0, 10), ValueError, "in_channels"),
    (lambda: conv_params(5, 3, "10"), TypeError, "filters"),
    (lambda: conv_params(5, 3, 10, bias="yes"), TypeError, "bias"),
]


@pytest.mark.parametrize(("call", "error", "needle"), BAD_INPUT)
def test_bad_input_names_the_argument(call, error, needle) -> None:
    with pytest.raises(error, match=needle):
        call()
