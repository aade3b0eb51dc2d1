"""The preprocessing of each backbone, as Keras layers that take images in [0, 1].

Every model of the course takes images scaled to [0, 1]; a pre-trained backbone expects
what its weights were trained on. The conversion is made of Keras layers
(``Rescaling``, ``Normalization`` with fixed mean and variance, and :class:`RGBToBGR` for
the Caffe-style ``keras.applications`` models), so :func:`cnnkit.transfer.transfer_model`
puts them inside the model, where they show in ``model.layers`` and are saved with it.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

__all__ = [
    "Preprocessing",
    "RGBToBGR",
    "application_preprocessing",
    "lite_preprocessing",
    "standardize_preprocessing",
]

# keras.applications.imagenet_utils: the ImageNet statistics of the "caffe" and "torch" modes.
_CAFFE_MEAN_RGB = (123.68, 116.779, 103.939)  # Keras subtracts them as BGR (103.939, ...)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)


@keras.saving.register_keras_serializable(package="cnnkit")
class RGBToBGR(keras.layers.Layer):
    """Reverses the channel order, RGB to BGR (the Caffe models of ``keras.applications``)."""

    def call(self, inputs: Any) -> Any:
        return keras.ops.flip(inputs, axis=-1)

    def compute_output_shape(self, input_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        return input_shape


class Preprocessing(keras.Sequential):
    """A ``keras.Sequential`` of preprocessing layers that prints as its formula.

    :func:`cnnkit.transfer.transfer_model` adds its layers one by one to the model.
    """

    def __init__(self, layers: list[keras.layers.Layer], formula: str) -> None:
        super().__init__(layers, name="preprocess")
        self.formula = formula

    def __repr__(self) -> str:
        return self.formula


def standardize_preprocessing(mean: float, std: float) -> Preprocessing:
    """``(images - mean) / std``, with the statistics of a backbone's source images.

    Two layers: a ``Normalization`` that subtracts the mean (variance 1) and a
    ``Rescaling`` by ``1 / std`` (float32). That is the arithmetic TensorFlow's graph
    optimiser makes of a division by a constant, so models trained with these layers
    give the same numbers as with the division they replace.

    Example:
        >>> pre = standardize_preprocessing(0.2595, 0.3461)
        >>> pre, [layer.name for layer in pre.layers]
        ((images - 0.2595) / 0.3461, ['subtract_mean', 'divide_by_std'])
    """
    scale = float(np.float32(1.0) / np.float32(std))
    layers = [
        keras.layers.Normalization(axis=None, mean=mean, variance=1.0, name="subtract_mean"),
        keras.layers.Rescaling(scale, name="divide_by_std"),
    ]
    return Preprocessing(layers, f"(images - {mean:.4f}) / {std:.4f}")


def lite_preprocessing() -> Preprocessing:
    """``(255 * images - 127) / 128``: the input scaling of EfficientNet-Lite's weights.

    Example:
        >>> [layer.name for layer in lite_preprocessing().layers]
        ['to_255', 'lite_scale']
    """
    return Preprocessing(
        [
            keras.layers.Rescaling(255.0, name="to_255"),
            keras.layers.Normalization(axis=None, mean=127.0, variance=128.0**2, name="lite_scale"),
        ],
        "(255 * images - 127) / 128",
    )


def application_preprocessing(module: str, mode: str) -> Preprocessing:
    """``keras.applications.<module>.preprocess_input(255 * images)`` as layers.

    Args:
        module: the ``keras.applications`` submodule (for the formula).
        mode: ``"tf"`` (to [-1, 1]), ``"torch"`` (ImageNet mean and standard deviation
            of [0, 1] images), ``"caffe"`` (0-255 minus the ImageNet mean, BGR) or
            ``"raw"`` (0-255; the model normalises inside, as EfficientNet does).

    Example:
        >>> [layer.name for layer in application_preprocessing("vgg16", "caffe").layers]
        ['to_255', 'imagenet_mean', 'rgb_to_bgr']
    """
    formula = f"keras.applications.{module}.preprocess_input(255 * images)"
    if mode == "tf":  # 255 x / 127.5 - 1
        layers = [keras.layers.Rescaling(2.0, offset=-1.0, name="to_plus_minus_1")]
    elif mode == "torch":
        variance = [s**2 for s in _TORCH_STD]
        layers = [
            keras.layers.Normalization(
                mean=_TORCH_MEAN, variance=variance, name="imagenet_standardize"
            )
        ]
    elif mode == "caffe":
        layers = [
            keras.layers.Rescaling(255.0, name="to_255"),
            keras.layers.Normalization(
                mean=_CAFFE_MEAN_RGB, variance=(1.0, 1.0, 1.0), name="imagenet_mean"
            ),
            RGBToBGR(name="rgb_to_bgr"),
        ]
    elif mode == "raw":
        layers = [keras.layers.Rescaling(255.0, name="to_255")]
    else:
        raise ValueError(f"`mode` must be 'tf', 'torch', 'caffe' or 'raw'; got {mode!r}.")
    return Preprocessing(layers, formula)
