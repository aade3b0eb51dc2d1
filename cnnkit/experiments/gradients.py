"""Gradients at initialisation, convolution by convolution: plain against residual networks.

For each convolution of a CIFAR-style network (``cnnkit.models.resnet``, input first), the
gradient of one batch's mean cross-entropy with respect to its kernel, measured **per
weight**: ``grad_rms = sqrt(mean(g ** 2))``, comparable between kernels of 72 and 9,216
weights (a raw L2 norm grows with the square root of the size), and relative to the
kernel's own scale, ``relative = grad_rms / weight_rms`` (how large one plain step of rate
1 would be next to the weights). Several batches and several seeds (each seed its own
initial weights and its own batches) give the spread. Training mode, as in a training step
(batch normalisation normalises with the batch's statistics). Needs TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from cnnkit._pixels import scale_pixels
from cnnkit.models import resnet

__all__ = ["conv_gradients", "run", "summarize"]


def _float_images(x: np.ndarray) -> np.ndarray:
    """Pixels scaled by cnnkit's one rule (:func:`cnnkit._pixels.scale_pixels`), with channels."""
    x = scale_pixels(np.asarray(x), "x")
    return x[..., None] if x.ndim == 3 else x


def conv_gradients(model: keras.Model, x: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """Per-weight RMS of each convolution kernel's gradient on one batch, and its ratio.

    Args:
        model: a Keras model ending in a softmax.
        x: a batch of images (uint8 or float in [0, 1]); y: their labels.

    Returns:
        One row per ``Conv2D``, in the order of ``model.layers``: ``{"index", "layer",
        "weights", "grad_rms", "weight_rms", "relative"}``.

    Example:
        >>> m = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3),
        ...                       keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
        >>> rows = conv_gradients(m, np.ones((2, 4, 4), "uint8"), np.array([0, 1]))
        >>> rows[0]["weights"], rows[0]["grad_rms"] > 0
        (18, True)
    """
    from cnnkit._backend import require_tensorflow

    tf = require_tensorflow("cnnkit.experiments.gradients")
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    with tf.GradientTape() as tape:
        probabilities = model(_float_images(x), training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probabilities))
    grads = tape.gradient(loss, [c.kernel for c in convs])
    rows = []
    for i, (conv, g) in enumerate(zip(convs, grads, strict=True)):
        g, w = np.asarray(g), keras.ops.convert_to_numpy(conv.kernel)
        grad_rms, weight_rms = float(np.sqrt(np.mean(g**2))), float(np.sqrt(np.mean(w**2)))
        rows.append({"index": i, "layer": conv.name, "weights": int(w.size),
                     "grad_rms": grad_rms, "weight_rms": weight_rms,
                     "relative": grad_rms / weight_rms})  # fmt: skip
    return rows


def run(x: np.ndarray, y: np.ndarray, *, depth: int = 44, width: int = 16,
        seeds: Sequence[int] = (0, 1, 2), batches: int = 4,
        batch_size: int = 128) -> list[dict[str, Any]]:
    """:func:`conv_gradients` for the plain and the residual network, seeds x batches.

    Seed ``s`` builds both networks with the same initial weights (``plain=True`` has the
    same layers) and draws ``batches`` batches of ``batch_size`` images with ``s``.

    Returns:
        Rows of :func:`conv_gradients` with ``"network"``, ``"depth"``, ``"seed"`` and
        ``"batch"`` added.

    Example:
        >>> x, y = np.zeros((32, 28, 28), "uint8"), np.arange(32) % 10
        >>> rows = run(x, y, depth=8, width=2, seeds=(0,), batches=2, batch_size=8)
        >>> len(rows), rows[0]["network"], rows[-1]["network"]   # 7 convolutions x 2 x 2
        (28, 'plain', 'residual')
    """
    shape = tuple(np.shape(x)[1:3]) + ((np.shape(x)[3],) if np.ndim(x) == 4 else (1,))
    classes = int(np.max(y)) + 1
    rows = []
    for seed in seeds:
        order = np.random.default_rng(seed).permutation(len(x))
        for network, plain in (("plain", True), ("residual", False)):
            keras.utils.set_random_seed(seed)
            model = resnet(shape, classes, depth=depth, stem="small", plain=plain,
                           init_filters=width)
            for b in range(batches):
                chosen = order[b * batch_size:(b + 1) * batch_size]
                rows += [{"network": network, "depth": depth, "seed": seed, "batch": b, **r}
                         for r in conv_gradients(model, np.asarray(x)[chosen],
                                                 np.asarray(y)[chosen])]  # fmt: skip
            keras.backend.clear_session(free_memory=False)  # gc.collect() costs ~0.5 s here
    return rows


def summarize(rows: list[dict[str, Any]]) -> Any:
    """Per network and convolution: median, minimum and maximum over seeds and batches.

    Returns:
        A ``pandas.DataFrame`` indexed by (network, index) with columns ``layer``,
        ``weights``, ``grad_rms_median``, ``grad_rms_min``, ``grad_rms_max``,
        ``relative_median``, ``relative_min``, ``relative_max`` and ``samples``.

    Example:
        >>> rows = [{"network": "plain", "index": 0, "layer": "c", "weights": 9,
        ...          "grad_rms": g, "relative": g} for g in (1.0, 2.0, 4.0)]
        >>> summarize(rows).loc[("plain", 0), ["grad_rms_median", "samples"]].tolist()
        [2.0, 3.0]
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    grouped = frame.groupby(["network", "index"], sort=False)
    out = grouped.agg(layer=("layer", "first"), weights=("weights", "first"),
                      grad_rms_median=("grad_rms", "median"), grad_rms_min=("grad_rms", "min"),
                      grad_rms_max=("grad_rms", "max"),
                      relative_median=("relative", "median"), relative_min=("relative", "min"),
                      relative_max=("relative", "max"), samples=("grad_rms", "size"))
    return out
