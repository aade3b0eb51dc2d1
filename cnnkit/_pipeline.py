"""The tf.data input pipeline of the course, :func:`make_dataset` (``cnnkit.data.make_dataset``).

Images are scaled to float32 in [0, 1] by one rule (:func:`cnnkit._pixels.scale_pixels`),
shuffled with a seed, batched, augmented and prefetched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from cnnkit._pixels import scale_pixels
from cnnkit._validate import check_bool, check_int, check_seed, type_name

__all__ = ["make_dataset"]


def make_dataset(
    x: np.ndarray,
    y: np.ndarray | None,
    *,
    batch_size: int,
    shuffle: bool,
    augment: Callable[..., Any] | None = None,
    seed: int | None = None,
) -> Any:
    """Build a ``tf.data`` pipeline: scale, add the channel axis, shuffle, batch, augment.

    Pixels become float32 in [0, 1]: uint8 images are divided by 255, other integer
    types too when every value lies in 0-255 (otherwise a ``ValueError``: their scale is
    unknown), boolean images become 0.0 / 1.0, and float images must already be in
    [0, 1]. Images of shape (N, H, W) get a channel axis (N, H, W, 1).

    Augmentation runs with ``training=True`` on each batch: pass it for the training set
    only. It runs batch after batch, in order, not in a parallel ``map``: Keras's random
    layers draw from a seed generator that parallel calls would advance in a different
    order on every run, so with a seeded augmentation (``cnnkit.augment.augmentation(seed=0)``,
    or after ``cnnkit.setup(seed=...)``) and a seeded shuffle, two runs give identical
    batches. The pipeline ends with ``prefetch(AUTOTUNE)``, which prepares the next
    batches while the model trains on the current one.

    Args:
        x: images, (N, H, W) or (N, H, W, C): uint8, another integer type in 0-255,
            bool, or float in [0, 1].
        y: labels of length N, or ``None`` for a dataset of images only.
        batch_size: images per batch, a positive int.
        shuffle: shuffle the whole set each epoch (use it for training).
        augment: a Keras layer or ``keras.Sequential`` of preprocessing layers
            (for example ``cnnkit.augment.augmentation()``), or ``None``.
        seed: seed of the shuffle order, for repeatable runs.

    Returns:
        A ``tf.data.Dataset`` of ``(images, labels)`` batches (or images only).

    Raises:
        TypeError: if ``x`` is not a NumPy array of numbers, or an argument has the wrong
            type.
        ValueError: on a wrong shape, a float outside [0, 1] or NaN, integers outside
            0-255, a label count that differs from the image count, or a bad batch size.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((10, 28, 28), dtype="uint8"); y = np.arange(10)
        >>> ds = make_dataset(x, y, batch_size=4, shuffle=False)
        >>> [tuple(b.shape) for b, _ in ds]
        [(4, 28, 28, 1), (4, 28, 28, 1), (2, 28, 28, 1)]
    """
    images = _check_images(x)
    labels = _check_labels(y, len(images))
    check_int(batch_size, "batch_size", minimum=1, hint="For example batch_size=128.")
    check_bool(shuffle, "shuffle", hint="Use shuffle=True for training data only.")
    if augment is not None and not callable(augment):
        raise TypeError(
            "`augment` must be a Keras layer or keras.Sequential (something callable) or "
            f"None, got {type_name(augment)}. For example augment=cnnkit.augment.augmentation()."
        )
    seed = check_seed(seed, allow_none=True)

    from cnnkit._backend import require_tensorflow

    tf = require_tensorflow("cnnkit.data.make_dataset")  # tf.data, whatever Keras's backend

    tensors = images if labels is None else (images, labels)
    ds = tf.data.Dataset.from_tensor_slices(tensors)
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment is not None:  # in order (no num_parallel_calls): see the docstring
        if labels is None:
            ds = ds.map(lambda b: augment(b, training=True))
        else:
            ds = ds.map(lambda b, t: (augment(b, training=True), t))
    return ds.prefetch(tf.data.AUTOTUNE)


def _check_images(x: Any) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"`x` must be a NumPy array of images, got {type_name(x)}. Convert it with np.asarray."
        )
    if x.ndim == 3:
        x = x[..., np.newaxis]
    elif x.ndim != 4:
        raise ValueError(
            f"`x` must have shape (N, H, W) or (N, H, W, C), got shape {x.shape}; "
            "for a single image use x[np.newaxis]"
        )
    if len(x) == 0:
        raise ValueError("`x` is empty: make_dataset needs at least one image.")
    if x.dtype.kind not in "biuf":
        raise TypeError(
            f"`x` must hold numbers (uint8 or float), got dtype {x.dtype}. Convert it with "
            "x.astype('float32') / 255."
        )
    if x.dtype.kind != "f":
        return scale_pixels(x, "x")
    low, high = float(np.min(x)), float(np.max(x))
    if np.isnan(low) or np.isnan(high):
        raise ValueError("`x` contains NaN values; clean the images before building a dataset.")
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"`x` (float images) must be in [0, 1], got values in [{low:g}, {high:g}]; pass "
            "the uint8 arrays from the loaders (make_dataset scales them) or divide by 255."
        )
    return x.astype("float32")


def _check_labels(y: Any, n: int) -> np.ndarray | None:
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim not in (1, 2):
        raise ValueError(
            f"`y` must be a 1-D array of labels (or 2-D one-hot), got shape {y.shape}."
        )
    if len(y) != n:
        raise ValueError(
            f"`y` must have one label per image of `x`: got {n} images and {len(y)} labels."
        )
    return y
