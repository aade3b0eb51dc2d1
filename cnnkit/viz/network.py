"""What a CNN learned: its filters, its feature maps and where it looks (Grad-CAM).

`show_filters` draws the kernels of a convolution layer, `show_feature_maps` the
outputs of the layers for one image (deck 004's "output of each CNN layer"), and
`grad_cam` the class activation map of Selvaraju et al. (its numbers come from
:func:`cnnkit.viz.gradcam.grad_cam_heatmap`). All of them take Sequential or Functional
models, built or not yet called (an unbuilt Sequential is built from the image's shape),
and a layer by name or by index.

A layer given as an int always means ``model.layers[layer]`` (negative indices count from
the end), the list Keras keeps: a Functional model's starts with its ``InputLayer``, a
Sequential's does not. Names are clearer and are what the notebooks use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from cnnkit._language import format_number
from cnnkit._validate import check_int, check_number
from cnnkit.viz._figure import finish, subplots
from cnnkit.viz._layers import (
    as_batch,
    check_model,
    conv_layers,
    default_feature_layers,
    ensure_built,
    feature_model,
    resolve,
    spatial_layers,
)
from cnnkit.viz._text import text
from cnnkit.viz.gradcam import class_indices, default_cam_layer, grad_cam_heatmap
from cnnkit.viz.images import show_images
from cnnkit.viz.maps import show_maps

if TYPE_CHECKING:  # keras (and TensorFlow) load on first use, so `cnnkit.viz` stays light
    import keras

__all__ = ["show_filters", "show_feature_maps", "grad_cam"]


# ----------------------------------------------------------------------------- filters


def show_filters(
    model: keras.Model,
    layer: str | int | None = None,
    *,
    channel: int | None = None,
    max_filters: int = 64,
    ncols: int = 8,
    cmap: str = "gray",
) -> Figure:
    """Draws the learned kernels of a convolution layer, one panel per filter.

    Filters of a layer whose input has 3 channels are drawn in colour (each filter
    stretched to [0, 1]); otherwise one input channel (`channel`) or, by default, the
    mean over the input channels, each with its own grey scale (light = positive).

    Args:
        model: a built Sequential or Functional model.
        layer: a `Conv2D` layer, by name or by index into ``model.layers`` (see the
            module docstring); default the first convolution.
        channel: input channel to show for layers with more than one input channel;
            None for the mean (or colour, with 3 input channels).
        max_filters: at most this many filters (the first ones).
        ncols: panels per row.
        cmap: colour map of one-channel filters.

    Returns:
        The matplotlib `Figure`.

    Raises:
        TypeError: if `model` is not a keras Model, or `layer`, `channel` or
            `max_filters` has the wrong type.
        ValueError: if the model is not built, has no convolution, `layer` is not one
            of its convolutions (the message lists them) or `channel` is out of range.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, name="c1")])
        >>> fig = show_filters(model, "c1")
        >>> fig.get_suptitle(), len(fig.axes)
        ('c1: 4 filters 3x3', 4)
    """
    check_model(model)
    ensure_built(model)
    convs = conv_layers(model)
    if not convs:
        raise ValueError("`model` has no Conv2D layer, so there are no filters to show.")
    target = convs[0] if layer is None else resolve(model, layer, convs, "Conv2D layer")
    max_filters = check_int(max_filters, "max_filters", minimum=1)
    kernel = target.kernel.numpy()[..., :max_filters]  # (kh, kw, cin, F)
    cin = kernel.shape[2]
    if channel is not None:
        channel = check_int(channel, "channel", minimum=0, maximum=cin - 1,
                            hint=f"{target.name!r} has {cin} input channel(s).")
    title = text("filters_title", layer=target.name, count=kernel.shape[-1],
                 height=kernel.shape[0], width=kernel.shape[1])
    titles = [str(i) for i in range(kernel.shape[-1])]
    if channel is None and cin == 3:
        low = kernel.min(axis=(0, 1, 2), keepdims=True)
        span = np.ptp(kernel, axis=(0, 1, 2), keepdims=True)
        rgb = (kernel - low) / np.where(span > 0, span, 1.0)
        return show_images(np.moveaxis(rgb, -1, 0), titles=titles, ncols=ncols, suptitle=title)
    maps = kernel[:, :, channel, :] if channel is not None else kernel.mean(axis=2)
    return show_maps(maps, titles=titles, ncols=ncols, cmap=cmap, suptitle=title, size=1.0)


# ----------------------------------------------------------------------------- feature maps


def show_feature_maps(
    model: keras.Model,
    image: Any,
    layers: str | int | Sequence[str | int] | None = None,
    *,
    max_maps: int = 16,
    ncols: int = 8,
    cmap: str = "viridis",
    size: float = 1.1,
) -> list[Figure]:
    """Draws the feature maps that each layer produces for one image.

    One figure per layer (drawn with `cnnkit.viz.show_maps`), titled with the layer's
    name and output shape; the maps go from edges in the first layers to coarse,
    class-specific parts in the last ones.

    Args:
        model: a Sequential or Functional model (an unbuilt Sequential is built from
            the image's shape).
        image: one image, (H, W) or (H, W, C), uint8 (scaled by 1/255) or float.
        layers: a layer or a list of layers (names, or indices into ``model.layers``) with
            a 4-D output; default every convolution with its activation, every
            activation layer and every pooling layer, in order.
        max_maps: at most this many maps (channels) per layer, the first ones.
        ncols: maps per row.
        cmap: colour map.
        size: inches per map (width and height); larger maps show more detail.

    Returns:
        A list with one matplotlib `Figure` per layer.

    Raises:
        TypeError: if `model` is not a keras Model or a layer / `max_maps` has the wrong
            type, or `size` is not a number.
        ValueError: if a layer is not one with feature maps (the message lists the valid
            names), the image does not fit the model's input or `size` is not positive.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, name="c1")])
        >>> figures = show_feature_maps(model, np.zeros((8, 8)), layers="c1", max_maps=2)
        >>> [fig.get_suptitle() for fig in figures]
        ['c1: 6 x 6 x 4 (first 2 maps)']
    """
    import keras

    check_model(model)
    batch, _ = as_batch(model, image, "image")
    if batch.shape[0] != 1:
        raise ValueError(f"`image` must be one image, not a batch of {batch.shape[0]}.")
    max_maps = check_int(max_maps, "max_maps", minimum=1)
    size = check_number(size, "size", minimum=0.1, hint="Inches per map, e.g. 1.1 or 2.")
    spatial = spatial_layers(model)
    if layers is None:
        chosen = default_feature_layers(model) or spatial
    else:
        items = [layers] if isinstance(layers, (str, int, np.integer)) else list(layers)
        chosen = [
            resolve(model, item, spatial, "layer with feature maps", "layers") for item in items
        ]
    if not chosen:
        raise ValueError("`model` has no layer with a 4-D output (feature maps) to show.")
    outputs = feature_model(model, chosen)(batch, training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    figures = []
    for layer, maps in zip(chosen, outputs, strict=True):
        maps = keras.ops.convert_to_numpy(maps)[0]
        shown = maps[..., :max_maps]
        title = f"{layer.name}: {' x '.join(str(d) for d in maps.shape)}"
        if shown.shape[-1] < maps.shape[-1]:
            title += text("first_maps", count=shown.shape[-1])
        figures.append(show_maps(shown, ncols=ncols, cmap=cmap, suptitle=title, size=size))
    return figures


def grad_cam(
    model: keras.Model,
    image: Any,
    layer: str | int | None = None,
    *,
    class_index: int | Sequence[int] | None = None,
    class_names: Sequence[str] | None = None,
    labels: Sequence[int] | None = None,
    alpha: float = 0.45,
    cmap: str = "jet",
) -> Figure:
    """Shows Grad-CAM for one or a few images: image, heat map and overlay, one row each.

    Reference:
    - R. R. Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via
      Gradient-based Localization", ICCV 2017.

    Args:
        model: a Sequential or Functional classifier (see `grad_cam_heatmap`).
        image: one image (H, W) / (H, W, C) or a batch (N, H, W, C).
        layer: layer whose feature maps are used, by name or by index into
            ``model.layers``; default the last convolution.
        class_index: class to explain (None: the predicted class of each image).
        class_names: names of the classes for the titles.
        labels: true classes of the images, shown in the titles when given.
        alpha: opacity of the heat map over the image, in [0, 1].
        cmap: colour map of the heat map.

    Returns:
        The matplotlib `Figure`, with three `Axes` per image.

    Raises:
        TypeError: as `grad_cam_heatmap`, or if `alpha` is not a number.
        ValueError: as `grad_cam_heatmap`, or if `alpha` is outside [0, 1] or `labels`
            does not have one entry per image.

    Example:
        >>> import keras
        >>> model = keras.Sequential([
        ...     keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
        ...     keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax"),
        ... ])
        >>> fig = grad_cam(model, np.ones((2, 8, 8, 1)), class_names=["a", "b", "c"], labels=[0, 2])
        >>> len(fig.axes), fig.axes[0].get_title(), fig.axes[1].get_title()
        (6, 'a', 'Grad-CAM (c1)')
    """
    import keras

    alpha = check_number(alpha, "alpha", minimum=0, maximum=1,
                         hint="0 shows only the image, 1 only the heat map.")
    heat = grad_cam_heatmap(model, image, layer, class_index=class_index)
    heat = heat[np.newaxis] if heat.ndim == 2 else heat
    batch, _ = as_batch(model, image, "image")
    if labels is not None and len(labels) != len(batch):
        raise ValueError(f"`labels` has {len(labels)} entries but there are {len(batch)} images.")
    probs = keras.ops.convert_to_numpy(model(batch, training=False))
    explained = class_indices(class_index, len(batch), probs.shape[-1])
    explained = probs.argmax(axis=-1) if explained is None else explained
    target = layer if isinstance(layer, str) else _cam_layer_name(model, layer)

    def name(i: int) -> str:
        return str(class_names[i]) if class_names is not None else str(i)

    fig, axes = subplots(len(batch), 3, figsize=(7.5, 2.6 * len(batch)), squeeze=False)
    for row, (img, cam) in enumerate(zip(batch, heat, strict=True)):
        picture = img[..., 0] if img.shape[-1] == 1 else img
        grey = "gray" if picture.ndim == 2 else None
        first = name(int(labels[row])) if labels is not None else text("input")
        axes[row, 0].imshow(picture, cmap=grey)
        axes[row, 0].set_title(first, fontsize=9)
        axes[row, 1].imshow(cam, cmap=cmap, vmin=0.0, vmax=1.0)
        axes[row, 1].set_title(f"Grad-CAM ({target})", fontsize=9)
        axes[row, 2].imshow(picture, cmap=grey)
        axes[row, 2].imshow(cam, cmap=cmap, alpha=alpha, vmin=0.0, vmax=1.0)
        k = int(explained[row])
        probability = format_number(probs[row, k], 2)
        axes[row, 2].set_title(text("class_probability", name=name(k), probability=probability),
                               fontsize=9)
        for ax in axes[row]:
            ax.axis("off")
    return finish(fig)


def _cam_layer_name(model: keras.Model, layer: int | None) -> str:
    if layer is None:
        return default_cam_layer(model).name
    return model.layers[layer].name
