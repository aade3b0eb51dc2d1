"""The models and training steps of the labelled-examples experiment (TensorFlow backend).

:mod:`cnnkit.experiments.transfer_labels` decides what to train and with which rate; this
module trains it: the small CNN from scratch, EfficientNet-Lite0 as a frozen feature
extractor with a Dense head, and its fine-tuning. Every function seeds Keras first, so a
seed gives the same weights and the same batches.
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from cnnkit import data, transfer

__all__ = ["Lite", "accuracy", "augmentation", "head_accuracy", "train_head", "train_scratch"]

INTERMEDIATE = ("block4_add", "block7_add", "block10_add", "block14_add", "top_relu")
Schedule = Callable[[float, int], keras.optimizers.schedules.LearningRateSchedule]


def _tensorflow():
    """TensorFlow, quiet: no "triggered tf.function retracing" notices (by design here)."""
    from cnnkit._backend import require_tensorflow

    tf = require_tensorflow("cnnkit.experiments")
    tf.get_logger().setLevel("ERROR")
    return tf


def _compile(model: keras.Model, rate: float, steps: int, schedule: Schedule,
             eager: bool) -> None:
    model.compile(optimizer=keras.optimizers.Adam(schedule(rate, steps)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=eager)  # a smoke run's few steps do not repay tracing a graph


def augmentation() -> keras.Sequential:
    """Horizontal flip and a translation of up to 10 %."""
    return keras.Sequential([keras.layers.RandomFlip("horizontal"),
                             keras.layers.RandomTranslation(0.1, 0.1)], name="augment")


def _images(x: np.ndarray, y: np.ndarray, seed: int, batch: int):
    return data.make_dataset(x, y, batch_size=batch, shuffle=True, seed=seed).repeat()


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Test accuracy of a compiled model on ``(x, y)``."""
    ds = data.make_dataset(x, y, batch_size=256, shuffle=False)
    return float(model.evaluate(ds, verbose=0)[1])


def train_scratch(x, y, rate: float, seed: int, steps: int, batch: int, *, augment: bool,
                  schedule: Schedule, eager: bool = False, model: str = "cnnkit_fashion5",
                  resolution: int = 96) -> keras.Model:
    """A CNN with random weights, every layer trained for ``steps`` steps.

    ``model`` is the small CNN of notebook 05 (``"cnnkit_fashion5"``, on the 28x28 images)
    or EfficientNet-Lite0 (``"efficientnet_lite0"``, the images resized to ``resolution``
    inside the model, as for transfer): the control with the transfer options' architecture.
    Its batch normalisation is trainable, so it trains in training mode.
    """
    _tensorflow()
    keras.utils.set_random_seed(seed)
    if model == "cnnkit_fashion5":
        net = transfer.transfer_model(transfer.backbone(model, weights=None), 10,
                                      augment=augmentation() if augment else None)
    else:
        bb = transfer.backbone(model, input_shape=(resolution, resolution, 3), weights=None)
        net = transfer.transfer_model(bb, 10, input_shape=(28, 28, 1),
                                      augment=augmentation() if augment else None)
    _compile(net, rate, steps, schedule, eager)
    net.fit(_images(x, y, seed, batch), epochs=1, steps_per_epoch=steps, verbose=0,
            shuffle=False)
    return net


def train_head(f: np.ndarray, y: np.ndarray, rate: float, seed: int, steps: int, batch: int,
               *, schedule: Schedule, eager: bool = False, classes: int = 10) -> keras.Sequential:
    """Dropout + Dense on fixed features: the extractor, trained on features computed once."""
    tf = _tensorflow()
    keras.utils.set_random_seed(seed)
    head = keras.Sequential([keras.Input((f.shape[1],)), keras.layers.Dropout(0.2),
                             keras.layers.Dense(classes, activation="softmax")])
    _compile(head, rate, steps, schedule, eager)
    ds = tf.data.Dataset.from_tensor_slices((f, y)).shuffle(len(y), seed=seed).repeat()
    head.fit(ds.batch(batch), epochs=1, steps_per_epoch=steps, verbose=0, shuffle=False)
    return head


def head_accuracy(head: keras.Model, f: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of a head on precomputed features."""
    return float(np.mean(head.predict(f, batch_size=1024, verbose=0).argmax(1) == y))


class Lite:
    """EfficientNet-Lite0 (ImageNet) in the transfer recipe, with its feature models.

    Args:
        resolution: the side the 28x28 images are resized to.
        features: ``"top"`` (the last feature map) or ``"intermediate"`` (global averages
            of blocks 4, 7, 10, 14 and the top, concatenated).
        augment: put :func:`augmentation` in front of the backbone.
        seed: seeds the new head's initial weights.
        eager: compute features (and the preprocessed images of :meth:`reestimate_bn`)
            without tracing a graph: a smoke run's few hundred images do not repay the
            seconds spent tracing EfficientNet-Lite0's forward pass (as ``eager`` of the
            training functions). False (the default) is the traced ``predict``.
    """

    def __init__(self, resolution: int, features: str, augment: bool, seed: int, *,
                 eager: bool = False):
        _tensorflow()
        keras.utils.set_random_seed(seed)
        bb = transfer.backbone("efficientnet_lite0", input_shape=(resolution, resolution, 3))
        self.model = transfer.transfer_model(
            bb, 10, input_shape=(28, 28, 1), augment=augmentation() if augment else None)
        transfer.freeze(self.model)
        self.base = bb.model
        layers = self.model.layers
        before = layers[layers.index(self.base) - 1]
        self.prep = keras.Model(self.model.input, before.output)  # resize, RGB, preprocess
        names = INTERMEDIATE if features == "intermediate" else ("top_relu",)
        inner = keras.Model(self.base.input, [self.base.get_layer(n).output for n in names])
        pooled = [keras.layers.GlobalAveragePooling2D()(t) for t in keras.tree.flatten(
            inner(self.prep.output))]
        out = pooled[0] if len(pooled) == 1 else keras.layers.Concatenate()(pooled)
        self.features = keras.Model(self.model.input, out)
        if eager:
            self.prep.run_eagerly = self.features.run_eagerly = True

    def reestimate_bn(self, x: np.ndarray) -> None:
        """Batch-norm statistics of ``x`` (after the same preprocessing), then frozen again."""
        bns = [la for la in self.base.layers if isinstance(la, keras.layers.BatchNormalization)]
        batch = self.prep.predict(data.make_dataset(x, None, batch_size=256, shuffle=False),
                                  verbose=0)
        self.base.trainable = True
        for layer in bns:
            layer.momentum = 0.0  # moving statistics = statistics of this one batch
        self.base(batch, training=True)
        for layer in bns:
            layer.momentum = 0.99
        self.base.trainable = False

    def feats(self, x: np.ndarray) -> np.ndarray:
        """The pooled features of ``x``, for the extractor's head."""
        ds = data.make_dataset(x, None, batch_size=256, shuffle=False)
        return self.features.predict(ds, verbose=0)

    def fine_tune(self, head: keras.Model, x, y, rate: float, seed: int, steps: int,
                  batch: int, *, schedule: Schedule, eager: bool = False,
                  callbacks: list | None = None) -> None:
        """Copy the head into the model, unfreeze the backbone (BN stays frozen) and train."""
        self.model.get_layer("predictions").set_weights(head.layers[-1].get_weights())
        transfer.unfreeze(self.model)
        keras.utils.set_random_seed(seed)
        _compile(self.model, rate, steps, schedule, eager)
        self.model.fit(_images(x, y, seed, batch), epochs=1, steps_per_epoch=steps, verbose=0,
                       shuffle=False, callbacks=callbacks)
