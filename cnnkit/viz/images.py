"""Grids of images with their labels, predictions or titles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from cnnkit._validate import check_int
from cnnkit.viz._figure import finish, subplots

__all__ = ["show_images"]

CORRECT_COLOR = "black"
WRONG_COLOR = "tab:red"


def show_images(
    images: Any,
    *,
    labels: Sequence[Any] | np.ndarray | None = None,
    predictions: Sequence[Any] | np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    titles: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    size: float = 1.6,
    suptitle: str | None = None,
) -> Figure:
    """Show images in a grid, titled with their labels and predictions.

    With ``predictions``, each title reads ``prediction (label)`` and wrong predictions are
    drawn in red.

    Args:
        images: (N, H, W), (N, H, W, 1) or (N, H, W, 3) array (uint8 0-255 or float 0-1),
            or a list of 2-D / 3-D arrays (of any sizes).
        labels: true classes (ints, used with ``class_names``, or strings).
        predictions: predicted classes, same kind as ``labels``.
        class_names: names for integer labels (e.g. ``cnnkit.data.FASHION_MNIST_CLASSES_ES``).
        titles: explicit titles, one per image (instead of labels / predictions).
        ncols: images per row (fewer if there are fewer images).
        cmap: colour map for one-channel images.
        size: width and height of each image in inches.
        suptitle: title of the whole figure.

    Returns:
        The matplotlib Figure.

    Raises:
        TypeError: when ``ncols`` is not an int.
        ValueError: when the numbers of images, labels, predictions or titles differ, an
            image has an unsupported shape or ``ncols`` < 1.

    Example:
        >>> import numpy as np
        >>> fig = show_images(np.zeros((3, 28, 28)), titles=["a", "b", "c"])
        >>> len(fig.axes)
        3
    """
    pictures = _as_image_list(images)
    n = len(pictures)
    names = {
        "labels": labels,
        "predictions": predictions,
        "titles": titles,
    }
    for arg, values in names.items():
        if values is not None and (isinstance(values, str) or not hasattr(values, "__len__")):
            raise TypeError(
                f"`{arg}` must be a sequence with one entry per image, got "
                f"{type(values).__name__}: {values!r}."
            )
        if values is not None and len(values) != n:
            raise ValueError(
                f"`{arg}` has {len(values)} entries but there are {n} images; "
                "pass one per image."
            )
    cols = min(check_int(ncols, "ncols", minimum=1), n)
    rows = math.ceil(n / cols)
    texts = [_title(i, labels, predictions, class_names, titles) for i in range(n)]
    title_lines = max(text.count("\n") + 1 if text else 0 for text, _ in texts)
    row_height = size + 0.18 * title_lines + 0.1  # room for the titles above each image
    top = 0.4 if suptitle else 0.0
    fig, axes = subplots(
        rows, cols, figsize=(cols * size, rows * row_height + top), squeeze=False,
        layout="constrained",
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            ax.remove()
            continue
        picture = pictures[i]
        ax.imshow(picture, cmap=cmap if picture.ndim == 2 else None, **_value_range(picture))
        title, color = texts[i]
        if title:
            ax.set_title(title, fontsize=9, color=color)
    return finish(fig, suptitle=suptitle, tight=False)


def _as_image_list(images: Any) -> list[np.ndarray]:
    if isinstance(images, np.ndarray):
        if images.ndim == 2:
            raise ValueError(
                f"`images` must be a batch (N, H, W[, C]), got one image of shape "
                f"{images.shape}; wrap it: images[np.newaxis]."
            )
        items = list(images)
    elif isinstance(images, list | tuple):
        items = [np.asarray(img) for img in images]
    else:
        items = list(np.asarray(images))
    if not items:
        raise ValueError("`images` is empty: pass at least one image.")
    out = []
    for i, img in enumerate(items):
        img = np.asarray(img)
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        if img.ndim != 2 and not (img.ndim == 3 and img.shape[-1] in (3, 4)):
            raise ValueError(
                f"`images[{i}]` has shape {img.shape}; expected (H, W), (H, W, 1) or (H, W, 3)."
            )
        out.append(img)
    return out


def _value_range(picture: np.ndarray) -> dict[str, Any]:
    """Fixed grey range so dark images stay dark (uint8: 0-255, float: 0-1)."""
    if picture.ndim == 3:  # RGB: matplotlib reads uint8 as 0-255 and floats as 0-1
        return {}
    if np.issubdtype(picture.dtype, np.integer):
        return {"vmin": 0, "vmax": 255}
    low, high = float(np.nanmin(picture)), float(np.nanmax(picture))
    if 0.0 <= low and high <= 1.0:
        return {"vmin": 0.0, "vmax": 1.0}
    return {}


def _name(value: Any, class_names: Sequence[str] | None) -> str:
    if class_names is not None and isinstance(value, int | np.integer):
        return str(class_names[int(value)])
    return str(value)


def _title(
    i: int,
    labels: Any,
    predictions: Any,
    class_names: Sequence[str] | None,
    titles: Sequence[str] | None,
) -> tuple[str, str]:
    if titles is not None:
        return str(titles[i]), CORRECT_COLOR
    if predictions is not None:
        predicted = _name(predictions[i], class_names)
        if labels is None:
            return predicted, CORRECT_COLOR
        true = _name(labels[i], class_names)
        color = CORRECT_COLOR if predicted == true else WRONG_COLOR
        return f"{predicted}\n({true})", color
    if labels is not None:
        return _name(labels[i], class_names), CORRECT_COLOR
    return "", CORRECT_COLOR
