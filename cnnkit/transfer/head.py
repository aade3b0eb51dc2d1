"""The transfer model: a new classifier head on a backbone, and the stale-compile check.

:func:`transfer_model` builds the Keras transfer-learning recipe
``Input -> [augment] -> [resize, gray->RGB] -> preprocessing layers ->
base(training=False) -> [pooling] -> Dropout -> Dense(softmax)`` as a
:class:`TransferModel`, a functional model that refuses to ``fit`` after its trainable
weights changed without compiling again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras

from cnnkit._validate import check_int, check_number, check_shape, type_name
from cnnkit.transfer.backbones import Backbone

__all__ = ["StaleCompileError", "TransferModel", "transfer_model"]


class StaleCompileError(RuntimeError):
    """``fit`` was called after the trainable weights changed without compiling again."""


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
    classifier_activation: Any = "softmax",
    name: str | None = None,
) -> TransferModel:
    """Instantiates a classifier on top of a pre-trained backbone (Keras transfer recipe).

    The graph is ``Input -> [augment] -> [resize, gray->RGB] -> preprocess ->
    base(x, training=False) -> [GlobalAveragePooling2D] -> Dropout -> Dense``.
    The preprocessing is made of Keras layers (a ``keras.Sequential``'s layers are added
    one by one), so it shows in ``model.layers``. The base is called with
    ``training=False``, the recipe of the Keras guide, so that its batch normalisation
    layers run in inference mode and keep the statistics learned on the source data.
    Beware: in Keras 3, ``fit`` calls the model with ``training=True`` and that value
    reaches the nested base anyway (keras-team/keras#20285). What keeps the batch
    normalisation layers in inference mode during training is that they are **frozen**:
    Keras runs a non-trainable ``BatchNormalization`` in inference mode, and ``freeze`` /
    ``unfreeze`` never make one trainable. A base left fully trainable (training from
    scratch, ``backbone(..., weights=None)``) updates its statistics as usual. The base
    is not frozen here: call ``freeze`` for feature extraction.

    Reference:
    - Yosinski, J., Clune, J., Bengio, Y., & Lipson, H. (2014). How transferable are
      features in deep neural networks? NeurIPS 27.
    - Chollet, F. Transfer learning & fine-tuning, keras.io guide.

    Args:
        base: the backbone, a ``keras.Model`` from images to feature maps (4-D) or
            vectors (2-D), or a :class:`Backbone` (its ``model`` and ``preprocess``).
        num_classes: number of classes of the new task, >= 2.
        dropout: dropout rate before the new Dense layer, in [0, 1).
        preprocess: Keras layer(s) (or a callable of ``keras.ops``) applied to the images
            (scaled to [0, 1]) before the base; defaults to the Backbone's own
            ``preprocess`` (or nothing for a plain model).
        augment: optional Keras layer / ``keras.Sequential`` of augmentation layers,
            applied first (active only during training).
        input_shape: shape of the images the model takes, when it differs from the
            base's: other height/width adds a ``Resizing`` layer, 1 channel for a
            3-channel base repeats the gray channel. Defaults to the base's input shape.
        classifier_activation: activation of ``"predictions"``: ``"softmax"`` (default,
            class probabilities), another Keras activation name or a callable, or None
            for logits (then compile with ``from_logits=True``), as in ``keras.applications``
            and cnnkit's builders.
        name: name of the model; None (default) gives ``"transfer_model"``.

    Returns:
        A :class:`TransferModel` (a functional ``keras.Model``), not compiled; its
        classifier layer is named ``"predictions"``.

    Raises:
        TypeError: ``base``, ``preprocess``, ``augment``, ``classifier_activation``,
            ``name`` or a number of the wrong type.
        ValueError: invalid ``num_classes``, ``dropout``, ``input_shape``,
            ``classifier_activation`` or ``name``.

    Example:
        >>> from cnnkit.transfer import backbone
        >>> bb = backbone("cnnkit_fashion5", weights=None)
        >>> model = transfer_model(bb, num_classes=5)
        >>> model.output_shape, [layer.name for layer in model.layers][:2]
        ((None, 5), ['image', 'subtract_mean'])
        >>> transfer_model(bb, 5, classifier_activation=None).layers[-1].activation.__name__
        'linear'
    """
    base_model, preprocess = _unpack_base(base, preprocess)
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    dropout = check_number(dropout, "dropout", minimum=0)
    if dropout >= 1:
        raise ValueError(f"`dropout` must be a number in [0, 1), got {dropout!r}.")
    _check_activation(classifier_activation)
    if name is not None and (not isinstance(name, str) or not name):
        error = ValueError if name == "" else TypeError
        raise error(f"`name` must be a non-empty str or None, got {type_name(name)}: {name!r}.")
    if augment is not None and not callable(augment):
        raise TypeError(
            f"`augment` must be a Keras layer or keras.Sequential, got {type_name(augment)}."
        )
    base_shape = tuple(base_model.input_shape[1:])
    if input_shape is None:
        if None in base_shape:
            raise ValueError(
                f"The base accepts any image size {base_shape}: pass input_shape=(h, w, c)."
            )
        input_shape = base_shape
    input_shape = check_shape(input_shape, "input_shape", example="(96, 96, 3)")
    _check_channels(input_shape, base_shape)

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if augment is not None:
        x = augment(x)
    height, width, channels = base_shape
    if (height, width) != (None, None) and input_shape[:2] != (height, width):
        x = keras.layers.Resizing(height, width, name="resize")(x)
    if input_shape[2] == 1 and channels == 3:
        x = keras.layers.Concatenate(name="gray_to_rgb")([x, x, x])
    if isinstance(preprocess, keras.Sequential):
        for layer in preprocess.layers:
            x = layer(x)
    elif preprocess is not None:
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
    outputs = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(
        x
    )
    return TransferModel(inputs, outputs, name=name or "transfer_model")


def _unpack_base(
    base: Any, preprocess: Callable[[Any], Any] | None
) -> tuple[keras.Model, Callable[[Any], Any] | None]:
    if preprocess is not None and not callable(preprocess):
        raise TypeError(
            f"`preprocess` must be Keras layers, a callable or None, got {type_name(preprocess)}."
        )
    if isinstance(base, Backbone):
        return base.model, preprocess if preprocess is not None else base.preprocess
    if not isinstance(base, keras.Model):
        raise TypeError(
            f"`base` must be a keras.Model or a cnnkit.transfer.Backbone, got {type_name(base)}."
        )
    if len(base.inputs) != 1 or len(base.input_shape) != 4:
        raise ValueError(
            f"`base` must take one batch of images (4-D input), got input shape {base.input_shape}."
        )
    return base, preprocess


def _check_activation(value: Any) -> None:
    """A Keras activation name, a callable or None: the rule of cnnkit's builders."""
    if value is None or callable(value):
        return
    words = "`classifier_activation` must be a Keras activation name such as 'relu', a callable"
    if not isinstance(value, str):
        raise TypeError(f"{words} or None, got {type_name(value)}: {value!r}.")
    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(f"{words} or None, got {value!r}.") from None


def _check_channels(input_shape: tuple[int, ...], base_shape: tuple[Any, ...]) -> None:
    given, wanted = input_shape[2], base_shape[2]
    if wanted is None or given == wanted or (given == 1 and wanted == 3):
        return
    raise ValueError(
        f"`input_shape` has {given} channels but the base takes {wanted}; only 1 -> 3 "
        "(grayscale to RGB) is converted inside the model."
    )
