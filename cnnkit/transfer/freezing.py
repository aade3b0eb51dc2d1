"""Freeze and unfreeze a backbone: the two strategies of transfer learning (deck 002).

Strategy 1 (feature extraction) freezes the whole backbone and trains the new head;
strategy 2 (fine-tuning) then unfreezes its top layers and trains them with a small
learning rate. Batch normalisation layers stay frozen throughout, so they run in
inference mode with the statistics of the source data.
"""

from __future__ import annotations

from typing import Any

import keras

from cnnkit._validate import check_int, type_name

__all__ = ["freeze", "unfreeze"]


def _find_base(model: Any) -> keras.Model:
    """The backbone inside ``model`` (its nested model with weights), or ``model`` itself."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type_name(model)}.")
    nested = [
        layer
        for layer in model.layers
        if isinstance(layer, keras.Model) and layer.count_params() > 0
    ]
    if not nested:
        return model
    if len(nested) > 1:
        names = ", ".join(layer.name for layer in nested)
        raise ValueError(
            f"`model` holds several sub-models with weights ({names}); pass the backbone "
            "itself, e.g. freeze(model.get_layer('name'))."
        )
    return nested[0]


def _set_bn_frozen(layer: keras.layers.Layer) -> None:
    """Keep every BatchNormalization layer in ``layer`` (itself or nested) non-trainable."""
    if isinstance(layer, keras.layers.BatchNormalization):
        layer.trainable = False
    for sub in getattr(layer, "layers", []):
        _set_bn_frozen(sub)


def freeze(model: keras.Model) -> None:
    """Freezes the backbone: its weights stop training (strategy 1, feature extraction).

    On a model from ``transfer_model`` only the backbone is frozen, the new head
    stays trainable; on a backbone alone the whole model is frozen. Compile the model
    again afterwards (a ``TransferModel`` refuses to ``fit`` until you do).

    Args:
        model: a ``TransferModel``, any model holding one backbone as a sub-model,
            or the backbone itself.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if ``model`` holds several sub-models with weights.

    Example:
        >>> from cnnkit.transfer import backbone, transfer_model
        >>> model = transfer_model(backbone("cnnkit_fashion5"), num_classes=5)
        >>> freeze(model)
        >>> len(model.trainable_weights)   # only the Dense head: kernel and bias
        2
    """
    _find_base(model).trainable = False


def unfreeze(
    model: keras.Model, *, top: int | None = None, from_layer: str | None = None
) -> list[str]:
    """Unfreezes the top of the backbone for fine-tuning (strategy 2); BN stays frozen.

    Say where the trainable top begins in one of two ways: ``top=n``, the backbone's
    last ``n`` layers (counted in ``backbone.layers``, in order, including the input,
    activation and pooling layers, as in the Keras fine-tuning guide), or
    ``from_layer="name"``, that layer and every layer above it. With neither, the whole
    backbone. Everything below stays frozen, and every ``BatchNormalization`` layer stays
    frozen wherever it is: its scale and shift keep the source values and, being
    non-trainable, it runs in inference mode with the source statistics even while
    ``fit`` trains the rest. Compile the model again afterwards, with a small learning
    rate.

    Args:
        model: a ``TransferModel``, any model holding one backbone as a sub-model,
            or the backbone itself.
        top: the number of layers to unfreeze, counted from the top of the backbone.
        from_layer: the name of the lowest layer to unfreeze (inclusive).

    Returns:
        The names of the backbone layers that now have trainable weights.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``, ``top`` not an int or
            ``from_layer`` not a string.
        ValueError: if ``top`` is out of range, ``from_layer`` names no layer of the
            backbone, or both are given.

    Example:
        >>> from cnnkit.transfer import backbone, freeze, transfer_model
        >>> model = transfer_model(backbone("cnnkit_fashion5"), num_classes=5)
        >>> freeze(model)
        >>> unfreeze(model, from_layer="block3_conv")
        ['block3_conv']
        >>> unfreeze(model, top=4)   # block3_conv, block3_bn, block3_relu and gap
        ['block3_conv']
    """
    base = _find_base(model)
    chosen = _layers_to_unfreeze(base, top, from_layer)
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name in chosen
        _set_bn_frozen(layer)
    return [layer.name for layer in base.layers if layer.trainable_weights]


def _layers_to_unfreeze(base: keras.Model, top: Any, from_layer: Any) -> set[str]:
    names = [layer.name for layer in base.layers]
    if top is not None and from_layer is not None:
        raise ValueError(
            "Give `top` (a number of layers) or `from_layer` (a layer name), not both."
        )
    if top is not None:
        count = check_int(
            top,
            "top",
            minimum=1,
            maximum=len(names),
            hint=f"The backbone {base.name!r} has {len(names)} layers.",
        )
        return set(names[-count:])
    if from_layer is None:
        return set(names)
    if not isinstance(from_layer, str):
        raise TypeError(
            f"`from_layer` must be the name of a layer (a str), got {type_name(from_layer)}: "
            f"{from_layer!r}; to count layers from the top use top={from_layer!r}."
        )
    if from_layer not in names:
        raise ValueError(
            f"`from_layer` must name a layer of the backbone {base.name!r}, got "
            f"{from_layer!r}. Its layers, bottom to top: {', '.join(names)}"
        )
    return set(names[names.index(from_layer) :])
