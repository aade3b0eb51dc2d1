"""Grad-CAM numerics: where in an image the evidence for a class lies (no plotting here).

Reference:
- R. R. Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
  Gradient-based Localization", ICCV 2017.

:func:`grad_cam_heatmap` differentiates the class *logit*, not its probability: when the
model ends in a softmax (a ``Dense(..., activation="softmax")``, a ``Softmax()`` layer or
an ``Activation("softmax")`` layer) the gradient is taken on the values that enter it.
The model is never modified: the softmax is bypassed by a separate copy of the last layer
without its activation, applied to the same inputs. The figure is drawn by
:func:`cnnkit.viz.grad_cam`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from cnnkit.viz._layers import (
    as_batch,
    check_model,
    default_feature_layers,
    resolve,
    spatial_layers,
)

if TYPE_CHECKING:
    import keras

__all__ = ["grad_cam_heatmap"]


def class_indices(class_index: Any, n: int, num_classes: int) -> np.ndarray | None:
    """``class_index`` (None, an int or one int per image) as an int32 array of ``n``."""
    if class_index is None:
        return None
    values = np.atleast_1d(np.asarray(class_index))
    if values.dtype.kind not in "iu" or values.ndim != 1 or len(values) not in (1, n):
        raise ValueError(
            f"`class_index` must be None, an int or one int per image ({n}); got {class_index!r}."
        )
    if values.min() < 0 or values.max() >= num_classes:
        raise ValueError(
            f"`class_index` must be in [0, {num_classes}); got {class_index!r}."
        )
    return np.broadcast_to(values, (n,)).astype("int32")


def default_cam_layer(model: keras.Model) -> keras.layers.Layer:
    """The last convolution with its activation (or activation layer): Grad-CAM's default."""
    from cnnkit.stats import layer_kind

    candidates = [
        layer for layer in default_feature_layers(model)
        if layer_kind(layer, detailed=True) != "pool"
    ] or spatial_layers(model)
    if not candidates:
        raise ValueError("`model` has no layer with a 4-D output, so Grad-CAM has no map to use.")
    return candidates[-1]


def _output_layer(model: keras.Model) -> keras.layers.Layer | None:
    """The layer whose output is the model's (first) output, if one layer gives it."""
    output = model.outputs[0]
    for layer in reversed(model.layers):
        try:
            if layer.output is output:
                return layer
        except (AttributeError, ValueError, RuntimeError):  # a layer used several times
            continue
    return None


def logits_function(model: keras.Model) -> tuple[Any, Callable[[Any], Any]]:
    """Where the class logits come from: ``(tensor, function)`` with ``logits = function(tensor)``.

    ``tensor`` is a symbolic tensor of ``model``'s graph and ``function`` maps its value to
    the logits: the identity for a model without a final softmax (``tensor`` is the
    output), or for a final ``Softmax()`` / ``Activation("softmax")`` layer (``tensor`` is
    that layer's input); for a last layer built with ``activation="softmax"`` (a
    ``Dense``), a copy of that layer with a linear activation and the same weights. The
    model and its layers are left as they were.
    """
    import keras

    softmax = keras.activations.softmax
    last = _output_layer(model)
    if last is None:
        return model.outputs[0], lambda values: values
    if isinstance(last, keras.layers.Softmax) or (
        isinstance(last, keras.layers.Activation) and last.activation is softmax
    ):
        return last.input, lambda values: values
    if getattr(last, "activation", None) is softmax:
        linear = type(last).from_config({**last.get_config(), "activation": "linear"})
        linear.build(last.input.shape)
        linear.set_weights(last.get_weights())
        return last.input, lambda values: linear(values, training=False)
    return model.outputs[0], lambda values: values


def grad_cam_heatmap(
    model: keras.Model,
    images: Any,
    layer: str | int | None = None,
    *,
    class_index: int | Sequence[int] | None = None,
) -> np.ndarray:
    """Computes Grad-CAM heat maps: where in the image the evidence for a class lies.

    Reference:
    - R. R. Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
      Gradient-based Localization", ICCV 2017.

    The gradient of the class score (the logit: a final softmax, as an activation or a
    layer, is bypassed without modifying the model) with respect to the feature maps of
    `layer` is averaged over each map; these weights combine the maps, a ReLU keeps the
    positive evidence, and the result is resized (bilinear) to the image size and divided
    by its maximum (all zeros when there is no positive evidence).

    TensorFlow 2.21 on CPU: its oneDNN kernels corrupt the heap (the Python process dies
    with "Segmentation fault" or "double free") when a gradient flows through a 1x1
    ``Conv2D`` with stride 2 and few channels (8 or fewer in our measurements) on a batch
    of an odd number of images (1, 3, 5 and 7 crashed; 2 and 4 did not), such as the
    projection shortcut of a narrow ResNet (``cnnkit.models.resnet(..., width=8)``).
    Grad-CAM only differentiates the layers after `layer`, so only a `layer` before such a
    convolution is exposed (the default, the last convolution, comes after every
    shortcut). Then Grad-CAM guards itself: an odd batch gets a copy of its last image,
    whose map is dropped (each image's map does not depend on the others). Elsewhere, the
    workaround is to start Python with ``TF_ENABLE_ONEDNN_OPTS=0`` (before TensorFlow is
    imported; about 1.5x slower).

    Args:
        model: a Sequential or Functional model (an unbuilt Sequential is built from
            the images' shape).
        images: one image (H, W) / (H, W, C) or a batch (N, H, W, C); uint8 images are
            scaled by 1/255, boolean ones to 0/1.
        layer: a layer with a 4-D output, by name or by index into ``model.layers``;
            default the last convolution (or its activation layer).
        class_index: the class to explain: None for the predicted class of each image,
            an int for all, or one int per image.

    Returns:
        float32 array in [0, 1]: (H, W) for one image, (N, H, W) for a batch.

    Raises:
        TypeError: if `model` is not a keras Model or `layer` is neither a name nor an int.
        ValueError: if `layer` has no feature maps (the message lists the valid names),
            `class_index` is out of range or the images do not fit the model.

    Example:
        >>> import keras
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
        ...     keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax"),
        ... ])
        >>> heat = grad_cam_heatmap(model, np.ones((8, 8)), "c1")
        >>> heat.shape, bool(heat.min() >= 0 and heat.max() <= 1)
        ((8, 8), True)
    """
    import keras

    from cnnkit._backend import require_tensorflow

    tf = require_tensorflow("cnnkit.viz.grad_cam")  # tf.GradientTape
    check_model(model)
    batch, single = as_batch(model, images, "images")
    target = (
        default_cam_layer(model)
        if layer is None
        else resolve(model, layer, spatial_layers(model), "layer with feature maps")
    )
    before_logits, to_logits = logits_function(model)
    grad_model = keras.Model(inputs=model.inputs[0], outputs=[target.output, before_logits])
    num_classes = model.outputs[0].shape[-1]
    chosen = class_indices(class_index, batch.shape[0], num_classes)
    n = batch.shape[0]
    if n % 2 and onednn_risk(model, target):  # an even batch: see the docstring
        batch = np.concatenate([batch, batch[-1:]])
        chosen = None if chosen is None else np.concatenate([chosen, chosen[-1:]])
    inputs = tf.convert_to_tensor(batch)
    with tf.GradientTape() as tape:
        maps, features = grad_model(inputs, training=False)
        scores = to_logits(features)
        if chosen is None:
            chosen = np.asarray(tf.argmax(scores, axis=-1), dtype="int32")
        score = tf.gather(scores, chosen, axis=1, batch_dims=1)
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))
    cam = tf.image.resize(cam[..., tf.newaxis], batch.shape[1:3], method="bilinear")[..., 0]
    cam = tf.math.divide_no_nan(cam, tf.reduce_max(cam, axis=(1, 2), keepdims=True))
    heat = cam.numpy().astype("float32")[:n]
    return heat[0] if single else heat


def onednn_risk(model: keras.Model, target: keras.layers.Layer) -> bool:
    """Whether a gradient from the output back to ``target`` crosses a 1x1 ``Conv2D`` with
    stride > 1 and fewer than 16 channels in or out, which TensorFlow 2.21's oneDNN kernels
    crash on with an odd batch (measured: 1, 3, 5 and 7 images crash, 2 and 4 do not)."""
    import keras

    after = model.layers[model.layers.index(target) + 1:]
    return any(
        isinstance(layer, keras.layers.Conv2D) and tuple(layer.kernel_size) == (1, 1)
        and max(layer.strides) > 1 and min(layer.filters, layer.input.shape[-1]) < 16
        for layer in after
    )
