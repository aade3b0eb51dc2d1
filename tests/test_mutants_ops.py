"""cnnkit.ops where the older tests left it open (mutation testing, target ``ops``).

The older tests matched a word of each error (``"stride"``, ``"kernel"``): a message whose
argument name or fix was changed still passed. Here every argument check of the reference
operations and the slide formulas is asserted whole, the bounds are tried one step inside
(a kernel exactly as large as the padded image, n == kernel_size, padding 0), NumPy booleans
are accepted where Python booleans are, and the former pooling name warns with its whole
message. Written against the public API only (``cnnkit.ops``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cnnkit.ops import conv2d, conv_output_size, conv_params, pool2d, same_padding, upsample2d

X, K = np.zeros((5, 5)), np.ones((3, 3))

ERRORS = [  # (case, call, error type, the whole message)
    ('conv2d x text', lambda: conv2d("image", K), TypeError,
     ('`x` must be a real numeric array, got dtype <U5; convert it with np.asarray(..., '
      'dtype=float).')),
    ('conv2d x 1-D', lambda: conv2d(np.zeros(5), K), ValueError,
     '`x` must have 2 or 3 dimensions, got shape (5,) (1 dimensions).'),
    ('conv2d kernel 1-D', lambda: conv2d(X, np.ones(3)), ValueError,
     '`kernel` must have 2 or 3 or 4 dimensions, got shape (3,) (1 dimensions).'),
    ('conv2d kernel complex', lambda: conv2d(X, np.full((3, 3), 1 + 2j)), TypeError,
     ('`kernel` must be a real numeric array, got dtype complex128; convert it with '
      'np.asarray(..., dtype=float).')),
    ('conv2d stride 0', lambda: conv2d(X, K, stride=0), ValueError,
     '`stride` must be >= 1, got 0.'),
    ('conv2d stride 1.5', lambda: conv2d(X, K, stride=1.5), TypeError,
     '`stride` must be an int or a pair of ints, got 1.5.'),
    ('conv2d stride triple', lambda: conv2d(X, K, stride=(1, 2, 3)), ValueError,
     '`stride` must be an int or a pair (rows, cols), got (1, 2, 3).'),
    ('conv2d padding full', lambda: conv2d(X, K, padding="full"), ValueError,
     '`padding` must be "valid", "same", an int or a pair (ph, pw); got \'full\'.'),
    ('conv2d padding -1', lambda: conv2d(X, K, padding=-1), ValueError,
     '`padding` must be >= 0, got -1.'),
    ('conv2d padding None', lambda: conv2d(X, K, padding=None), TypeError,
     '`padding` must be an int or a pair of ints, got None.'),
    ('conv2d flip yes', lambda: conv2d(X, K, flip="yes"), TypeError,
     "`flip` must be True or False, got str: 'yes'."),
    ('conv2d bias length', lambda: conv2d(X, np.ones((3, 3, 1, 2)), bias=[1, 2, 3]), ValueError,
     '`bias` must be a scalar or have one value per output map (2), got 3 values.'),
    ('conv2d bias 2-D', lambda: conv2d(X, K, bias=[[1.0]]), ValueError,
     '`bias` must have 0 or 1 dimensions, got shape (1, 1) (2 dimensions).'),
    ('conv2d depth 3-D', lambda: conv2d(np.zeros((5, 5, 3)), np.ones((3, 3, 2))), ValueError,
     ('`kernel` has depth 2 but `x` has 3 channel(s): a filter must be as deep as its '
      'input. Give a kernel of shape (kh, kw, 3) or (kh, kw, 3, F).')),
    ('conv2d depth 4-D', lambda: conv2d(X, np.ones((3, 3, 2, 4))), ValueError,
     ('`kernel` has depth 2 but `x` has 1 channel(s): a filter must be as deep as its '
      'input. Give a kernel of shape (kh, kw, 1) or (kh, kw, 1, F).')),
    ('conv2d kernel tall', lambda: conv2d(X, np.ones((6, 1))), ValueError,
     ('`kernel` of spatial size (6, 1) is larger than the padded input (5, 5); use a '
      'smaller kernel, more padding or a larger input.')),
    ('conv2d kernel wide', lambda: conv2d(X, np.ones((1, 6))), ValueError,
     ('`kernel` of spatial size (1, 6) is larger than the padded input (5, 5); use a '
      'smaller kernel, more padding or a larger input.')),
    ('conv2d kernel padded', lambda: conv2d(X, np.ones((8, 8)), padding=1), ValueError,
     ('`kernel` of spatial size (8, 8) is larger than the padded input (7, 7); use a '
      'smaller kernel, more padding or a larger input.')),
    ('pool2d size 0', lambda: pool2d(X, 0), ValueError,
     '`size` must be >= 1, got 0.'),
    ('pool2d size 1.5', lambda: pool2d(X, 1.5), TypeError,
     '`size` must be an int or a pair of ints, got 1.5.'),
    ('pool2d size 6', lambda: pool2d(X, (6, 1)), ValueError,
     ('`size` of spatial size (6, 1) is larger than the padded input (5, 5); use a smaller '
      'size, more padding or a larger input.')),
    ('pool2d stride 0', lambda: pool2d(X, 2, stride=0), ValueError,
     '`stride` must be >= 1, got 0.'),
    ('pool2d mode min', lambda: pool2d(X, 2, mode="min"), ValueError,
     "`mode` must be one of 'max', 'avg'; got 'min'."),
    ('pool2d mode 2', lambda: pool2d(X, 2, mode=2), TypeError,
     "`mode` must be one of 'max', 'avg'; got int: 2."),
    ('pool2d padding full', lambda: pool2d(X, 2, padding="full"), ValueError,
     '`padding` must be "valid", "same"; got \'full\'.'),
    ('pool2d padding 1', lambda: pool2d(X, 2, padding=1), TypeError,
     '`padding` must be "valid" or "same", got 1.'),
    ('upsample2d factor 0', lambda: upsample2d(X, 0), ValueError,
     '`factor` must be >= 1, got 0.'),
    ('upsample2d factor 2.0', lambda: upsample2d(X, 2.0), TypeError,
     '`factor` must be an int or a pair of ints, got 2.0.'),
    ('upsample2d mode', lambda: upsample2d(X, mode="cubic"), ValueError,
     '`mode` must be "nearest", "bilinear" or "bed_of_nails", got \'cubic\'.'),
    ('upsample2d x 1-D', lambda: upsample2d(np.zeros(4)), ValueError,
     '`x` must have 2 or 3 dimensions, got shape (4,) (1 dimensions).'),
    ('cos n 0', lambda: conv_output_size(0, 3), ValueError,
     '`n` must be an int >= 1, got 0.'),
    ('cos n 7.0', lambda: conv_output_size(7.0, 3), TypeError,
     '`n` must be an int >= 1, got float: 7.0.'),
    ('cos kernel 0', lambda: conv_output_size(7, 0), ValueError,
     '`kernel_size` must be an int >= 1, got 0.'),
    ('cos stride 0', lambda: conv_output_size(7, 3, stride=0), ValueError,
     '`stride` must be an int >= 1, got 0.'),
    ('cos padding -1', lambda: conv_output_size(7, 3, padding=-1), ValueError,
     '`padding` must be an int >= 0, got -1.'),
    ('cos larger', lambda: conv_output_size(7, 9), ValueError,
     '`kernel_size` 9 is larger than the padded input 7; use a smaller kernel or more padding.'),
    ('cos larger padded', lambda: conv_output_size(3, 8, padding=2), ValueError,
     '`kernel_size` 8 is larger than the padded input 7; use a smaller kernel or more padding.'),
    ('cos not fit', lambda: conv_output_size(7, 3, stride=3), ValueError,
     ('the filter does not fit: (7 - 3) / 3 + 1 = 2.33 is not an integer; change the '
      'stride or the padding.')),
    ('cos not fit padded', lambda: conv_output_size(8, 3, stride=2, padding=1), ValueError,
     ('the filter does not fit: (8 - 3 + 2*1) / 2 + 1 = 4.50 is not an integer; change the '
      'stride or the padding.')),
    ('sp n 0', lambda: same_padding(0, 3), ValueError,
     '`n` must be an int >= 1, got 0.'),
    ('sp kernel 0', lambda: same_padding(5, 0), ValueError,
     '`kernel_size` must be an int >= 1, got 0.'),
    ('sp stride 0', lambda: same_padding(5, 3, 0), ValueError,
     '`stride` must be an int >= 1, got 0.'),
    ('cp kernel 0', lambda: conv_params(0, 1, 1), ValueError,
     '`kernel_size` must be >= 1, got 0.'),
    ('cp kernel pair', lambda: conv_params((3, 0), 1, 1), ValueError,
     '`kernel_size` must be >= 1, got (3, 0).'),
    ('cp in 0', lambda: conv_params(3, 0, 1), ValueError,
     '`in_channels` must be an int >= 1, got 0.'),
    ('cp filters 0', lambda: conv_params(3, 1, 0), ValueError,
     '`filters` must be an int >= 1, got 0.'),
    ('cp filters str', lambda: conv_params(3, 1, "10"), TypeError,
     "`filters` must be an int >= 1, got str: '10'."),
    ('cp bias yes', lambda: conv_params(3, 1, 1, bias="yes"), TypeError,
     "`bias` must be True or False, got str: 'yes'."),
]  # fmt: skip


@pytest.mark.parametrize(("case", "call", "error", "message"), ERRORS, ids=[r[0] for r in ERRORS])
def test_every_argument_check_says_what_is_wrong_and_names_the_fix(case, call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_a_window_as_large_as_the_padded_image_fits_on_each_axis():
    image = np.arange(15.0).reshape(3, 5)
    np.testing.assert_array_equal(conv2d(image, np.ones((3, 1))), [image.sum(axis=0)])
    np.testing.assert_array_equal(conv2d(image, np.ones((1, 5))), image.sum(axis=1)[:, None])
    np.testing.assert_array_equal(conv2d(np.ones((1, 1)), np.ones((3, 3)), padding=1), [[1.0]])
    np.testing.assert_array_equal(pool2d(image, (3, 5)), [[14.0]])
    assert conv_output_size(3, 3) == 1 and conv_output_size(1, 1) == 1
    assert conv_output_size(1, 3, padding=1) == 1
    assert same_padding(1, 1) == (0, 0) and same_padding(1, 1, 1) == (0, 0)
    assert conv_params(1, 1, 1) == 2 and conv_params((1, 1), 1, 1, bias=False) == 1


def test_explicit_zero_padding_is_valid_padding():
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(conv2d(image, K, padding=0), conv2d(image, K))
    np.testing.assert_array_equal(conv2d(image, K, padding=(0, 1)),
                                  conv2d(np.pad(image, ((0, 0), (1, 1))), K))  # fmt: skip
    assert conv_output_size(7, 3, padding=0) == 5


def test_numpy_booleans_are_booleans():
    row = np.array([[1.0, 2.0, 4.0]])
    np.testing.assert_array_equal(conv2d(row, [[1, 0, -1]], flip=np.True_), [[3.0]])
    np.testing.assert_array_equal(conv2d(row, [[1, 0, -1]], flip=np.False_), [[-3.0]])
    assert conv_params(3, 2, 4, bias=np.True_) == 76
    assert conv_params(3, 2, 4, bias=np.False_) == 72


def test_the_former_pooling_name_warns_with_the_new_one():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pool2d(X, 2, mode="average")
    assert [str(w.message) for w in caught] == [
        "pool2d(mode='average') is the former name; use mode='avg' (the builders' `pooling` "
        "names)."]  # fmt: skip
    assert caught[0].category is PendingDeprecationWarning


def test_defaults_are_the_documented_ones():
    image = np.arange(36.0).reshape(6, 6)
    np.testing.assert_array_equal(conv2d(image, K), conv2d(image, K, stride=1, padding="valid"))
    assert conv2d(image, K).shape == (4, 4)
    np.testing.assert_array_equal(pool2d(image), pool2d(image, 2, stride=2, mode="max"))
    assert pool2d(image, 3, padding="same").shape == (2, 2)
    np.testing.assert_array_equal(upsample2d([[1.0]]), np.ones((2, 2)))
    assert conv_output_size(7, 3) == conv_output_size(7, 3, stride=1, padding=0)
