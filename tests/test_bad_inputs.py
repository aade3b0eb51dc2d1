"""One table of bad inputs over the whole public API of cnnkit.

Each row calls one public function with one bad argument and states the exception the
convention asks for (``TypeError`` for a wrong type, ``ValueError`` for a wrong value) and
the argument the message must name, in backticks. ``test_every_public_function_is_in_the_table``
keeps the table complete: a new public function needs a row (or a reason it takes no bad
input). Rows marked ``xfail(strict=True)`` are known gaps of a module; they start failing,
on purpose, the day the module follows the convention, so the mark gets removed.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pandas as pd
import pytest

import cnnkit
from cnnkit import (
    augment,
    cli,
    data,
    exercises,
    kernels,
    ops,
    stats,
    student,
    training,
    transfer,
    viz,
)
from cnnkit.models import (
    alexnet,
    conv_net,
    deck_cnn,
    dense_block,
    densenet,
    efficientnet_lite0,
    googlenet,
    inception_block,
    lenet5,
    residual_block,
    resnet,
    transition,
    vgg,
    zfnet,
)
from cnnkit.receptive import receptive_field, receptive_field_size
from cnnkit.viz.teaching import show_conv_step

X = np.zeros((5, 5))
IMAGES = np.zeros((2, 3, 3), np.uint8)
TABLE = [{"n": 1, "accuracy": 0.5, "strategy": "a"}]


class Env:
    """What the rows need, built on first use: a small compiled CNN."""

    def __init__(self) -> None:
        self._model: keras.Model | None = None

    def model(self) -> keras.Model:
        if self._model is None:
            inputs = keras.Input((8, 8, 1))
            x = keras.layers.Conv2D(2, 3, name="conv")(inputs)
            x = keras.layers.Flatten(name="flatten")(x)
            outputs = keras.layers.Dense(2, activation="softmax", name="predictions")(x)
            self._model = keras.Model(inputs, outputs)
            self._model.compile("adam", "sparse_categorical_crossentropy")
        return self._model


def gap(owner: str, what: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"convention gap ({owner}): {what}")


def _case(row: Any) -> Any:
    """A row as a pytest parameter whose id is the row's name."""
    if hasattr(row, "values"):
        return pytest.param(*row.values, id=row.values[0], marks=row.marks)
    return pytest.param(*row, id=row[0])


Row = tuple[str, Callable[[Env], Any], type[Exception], str]

ROWS: list[Row | Any] = [
    # cnnkit (top level)
    ("setup/seed", lambda e: cnnkit.setup(seed="0", verbose=False), TypeError, "seed"),
    ("setup/seed<0", lambda e: cnnkit.setup(seed=-1, verbose=False), ValueError, "seed"),
    ("setup/verbose", lambda e: cnnkit.setup(seed=0, verbose="no"), TypeError, "verbose"),
    ("setup/language", lambda e: cnnkit.setup(verbose=False, language="fr"), ValueError,
     "language"),
    ("set_language/language", lambda e: cnnkit.set_language("fr"), ValueError, "language"),
    ("set_language/type", lambda e: cnnkit.set_language(1), TypeError, "language"),
    ("format_number/value", lambda e: cnnkit.format_number("3"), TypeError, "value"),
    ("format_number/decimals", lambda e: cnnkit.format_number(3.0, -1), ValueError, "decimals"),
    ("format_percent/fraction", lambda e: cnnkit.format_percent("0.5"), TypeError, "fraction"),
    ("format_percent/decimals", lambda e: cnnkit.format_percent(0.5, 1.5), TypeError, "decimals"),
    ("format_table/table", lambda e: cnnkit.format_table([[0.5]]), TypeError, "table"),
    ("format_number/significant", lambda e: cnnkit.format_number(0.5, significant=0),
                 ValueError, "significant"),
    ("format_number/language", lambda e: cnnkit.format_number(0.5, language="fr"),
                 ValueError, "language"),
    ("format_percent/language", lambda e: cnnkit.format_percent(0.5, language=1),
                 TypeError, "language"),
    ("format_bool/value", lambda e: cnnkit.format_bool(1), TypeError, "value"),
    ("format_array/array", lambda e: cnnkit.format_array(["a"]), TypeError, "array"),
    ("format_array/decimals", lambda e: cnnkit.format_array([0.5], -1), ValueError, "decimals"),
    ("summary/model", lambda e: cnnkit.summary("model"), TypeError, "model"),
    ("summary_text/model", lambda e: cnnkit.summary_text(None), TypeError, "model"),
    ("summary_text/language", lambda e: cnnkit.summary_text(e.model, language="de"),
                 ValueError, "language"),
    ("format_table/decimals", lambda e: cnnkit.format_table(pd.DataFrame({"a": [1.0]}), 1.5),
     TypeError, "decimals"),
    # data
    ("load_fashion_mnist/data_dir", lambda e: data.load_fashion_mnist(3), TypeError, "data_dir"),
    ("load_fashion_mnist/sample", lambda e: data.load_fashion_mnist(sample="yes"), TypeError,
     "sample"),
    ("load_fashion_mnist/download", lambda e: data.load_fashion_mnist(sample=True, download=1),
     TypeError, "download"),
    ("load_mnist/data_dir", lambda e: data.load_mnist(data_dir=3.5), TypeError, "data_dir"),
    ("load_mnist/sample", lambda e: data.load_mnist(sample=1), TypeError, "sample"),
    ("load_mnist/sample+data_dir", lambda e: data.load_mnist("/tmp", sample=True), ValueError,
     "data_dir"),
    ("make_dataset/x", lambda e: data.make_dataset([[1]], None, batch_size=2, shuffle=False),
     TypeError, "x"),
    ("make_dataset/x-int-range",
     lambda e: data.make_dataset(np.full((2, 3, 3), 4095, np.int32), None, batch_size=2,
                                 shuffle=False), ValueError, "x"),
    ("make_dataset/y", lambda e: data.make_dataset(IMAGES, np.zeros(3), batch_size=2,
                                                   shuffle=False), ValueError, "y"),
    ("make_dataset/batch_size", lambda e: data.make_dataset(IMAGES, None, batch_size=0,
                                                            shuffle=False), ValueError,
     "batch_size"),
    ("make_dataset/shuffle", lambda e: data.make_dataset(IMAGES, None, batch_size=2,
                                                         shuffle="yes"), TypeError, "shuffle"),
    ("make_dataset/augment", lambda e: data.make_dataset(IMAGES, None, batch_size=2,
                                                         shuffle=False, augment=3), TypeError,
     "augment"),
    ("make_dataset/seed", lambda e: data.make_dataset(IMAGES, None, batch_size=2, shuffle=True,
                                                      seed=1.5), TypeError, "seed"),
    ("make_dataset/seed<0", lambda e: data.make_dataset(IMAGES, None, batch_size=2, shuffle=True,
                                                        seed=-3), ValueError, "seed"),
    # training
    ("fit/model", lambda e: training.fit(object(), None, epochs=1), TypeError, "model"),
    ("fit/epochs", lambda e: training.fit(e.model(), None, epochs=0), ValueError, "epochs"),
    ("fit/epochs-type", lambda e: training.fit(e.model(), None, epochs=2.0), TypeError, "epochs"),
    ("fit/patience", lambda e: training.fit(e.model(), None, epochs=2, patience=0), ValueError,
     "patience"),
    ("fit/time_budget", lambda e: training.fit(e.model(), None, epochs=2, time_budget="60"),
     TypeError, "time_budget"),
    ("TimeBudget/seconds", lambda e: training.TimeBudget(-1), ValueError, "seconds"),
    ("TimeBudget/seconds-type", lambda e: training.TimeBudget("60"), TypeError, "seconds"),
    # augment
    ("augmentation/flip", lambda e: augment.augmentation(flip="diagonal"), ValueError, "flip"),
    ("augmentation/rotation", lambda e: augment.augmentation(rotation="0.1"), TypeError,
     "rotation"),
    ("augmentation/seed", lambda e: augment.augmentation(seed=-1), ValueError, "seed"),
    ("augmentation/crop", lambda e: augment.augmentation(crop=24), TypeError, "crop"),
    # ops
    ("conv2d/x", lambda e: ops.conv2d("image", np.ones((3, 3))), TypeError, "x"),
    ("conv2d/stride", lambda e: ops.conv2d(X, np.ones((3, 3)), stride=0), ValueError, "stride"),
    ("conv2d/flip", lambda e: ops.conv2d(X, np.ones((3, 3)), flip="yes"), TypeError, "flip"),
    ("pool2d/mode", lambda e: ops.pool2d(X, 2, mode="min"), ValueError, "mode"),
    ("pool2d/mode type", lambda e: ops.pool2d(X, 2, mode=2), TypeError, "mode"),
    ("pool2d/size", lambda e: ops.pool2d(X, 1.5), TypeError, "size"),
    ("upsample2d/factor", lambda e: ops.upsample2d(X, 0), ValueError, "factor"),
    ("upsample2d/mode", lambda e: ops.upsample2d(X, 2, mode="cubic"), ValueError, "mode"),
    ("conv_output_size/n", lambda e: ops.conv_output_size(0, 3), ValueError, "n"),
    ("conv_output_size/stride", lambda e: ops.conv_output_size(7, 3, stride="2"), TypeError,
     "stride"),
    ("conv_params/bias", lambda e: ops.conv_params(3, 1, 1, bias="yes"), TypeError, "bias"),
    ("conv_params/filters", lambda e: ops.conv_params(3, 1, 0), ValueError, "filters"),
    ("same_padding/kernel_size", lambda e: ops.same_padding(5, 0), ValueError, "kernel_size"),
    ("same_padding/n", lambda e: ops.same_padding(5.0, 3), TypeError, "n"),
    # kernels
    ("box_blur/size", lambda e: kernels.box_blur(0), ValueError, "size"),
    ("box_blur/normalize", lambda e: kernels.box_blur(3, normalize="yes"), TypeError,
     "normalize"),
    ("gaussian_3x3/normalize", lambda e: kernels.gaussian_3x3(normalize=1), TypeError,
     "normalize"),
    ("gaussian/size", lambda e: kernels.gaussian(4), ValueError, "size"),
    ("gaussian/sigma", lambda e: kernels.gaussian(3, sigma="1"), TypeError, "sigma"),
    # models
    ("conv_net/num_classes", lambda e: conv_net((28, 28, 1), 1), ValueError, "num_classes"),
    ("conv_net/input_shape", lambda e: conv_net("28x28", 10), TypeError, "input_shape"),
    ("conv_net/classifier_activation",
     lambda e: conv_net((28, 28, 1), 10, classifier_activation=1), TypeError,
     "classifier_activation"),
    ("conv_net/num_classes-str", lambda e: conv_net((28, 28, 1), "10"), TypeError,
     "num_classes"),
    ("conv_net/pooling", lambda e: conv_net((28, 28, 1), 10, pooling="sum"), ValueError,
     "pooling"),
    ("conv_net/block_pool", lambda e: conv_net((28, 28, 1), 10, block_pool=2), TypeError,
     "block_pool"),
    ("conv_net/dense_units", lambda e: conv_net((28, 28, 1), 10, dense_units=128), TypeError,
     "dense_units"),
    ("deck_cnn/num_classes", lambda e: deck_cnn(num_classes=2.0), TypeError, "num_classes"),
    ("deck_cnn/pooling", lambda e: deck_cnn(pooling="avg"), ValueError, "pooling"),
    ("deck_cnn/input_shape", lambda e: deck_cnn((4, 4, 1)), ValueError, "input_shape"),
    ("lenet5/variant", lambda e: lenet5(variant="new"), ValueError, "variant"),
    ("lenet5/pad_to_32", lambda e: lenet5((28, 28, 1), pad_to_32="yes"), TypeError, "pad_to_32"),
    ("lenet5/name", lambda e: lenet5(name=5), TypeError, "name"),
    ("lenet5/name-empty", lambda e: lenet5(name=""), ValueError, "name"),
    ("lenet5/num_classes", lambda e: lenet5(num_classes="10"), TypeError, "num_classes"),
    ("efficientnet_lite0/input_shape", lambda e: efficientnet_lite0(input_shape=(224, 224)),
     ValueError, "input_shape"),
    ("efficientnet_lite0/dropout", lambda e: efficientnet_lite0(dropout=1.5), ValueError,
     "dropout"),
    ("efficientnet_lite0/pooling", lambda e: efficientnet_lite0(num_classes=None, pooling=1),
     TypeError, "pooling"),
    ("alexnet/groups", lambda e: alexnet(groups=3), ValueError, "groups"),
    ("alexnet/stem", lambda e: alexnet(stem=1), TypeError, "stem"),
    ("alexnet/input_shape", lambda e: alexnet((32, 32, 3)), ValueError, "input_shape"),
    ("zfnet/width", lambda e: zfnet(width=0), ValueError, "width"),
    ("vgg/config", lambda e: vgg(config="F"), ValueError, "config"),
    ("vgg/batch_norm", lambda e: vgg(batch_norm="yes"), TypeError, "batch_norm"),
    ("vgg/classifier_activation", lambda e: vgg(classifier_activation="softmaxx"), ValueError,
     "classifier_activation"),
    ("vgg/name", lambda e: vgg(name=5), TypeError, "name"),
    ("vgg/pooling", lambda e: vgg(pooling="avg"), ValueError, "pooling"),
    ("googlenet/stem", lambda e: googlenet(stem="tiny"), ValueError, "stem"),
    ("inception_block/f1", lambda e: inception_block(keras.Input((8, 8, 4)), 0, 1, 1, 1, 1, 1),
     ValueError, "f1"),
    ("inception_block/f3", lambda e: inception_block(keras.Input((8, 8, 4)), 1, 1, 2.5, 1, 1, 1),
     TypeError, "f3"),
    ("densenet/depth", lambda e: densenet(depth=100), ValueError, "depth"),
    ("densenet/depth-type", lambda e: densenet(depth="121"), TypeError, "depth"),
    ("googlenet/classifier_activation", lambda e: googlenet(classifier_activation=2), TypeError,
     "classifier_activation"),
    ("dense_block/growth_rate", lambda e: dense_block(keras.Input((8, 8, 4)), 2, 0), ValueError,
     "growth_rate"),
    ("dense_block/num_layers", lambda e: dense_block(keras.Input((8, 8, 4)), "2", 4), TypeError,
     "num_layers"),
    ("transition/compression", lambda e: transition(keras.Input((8, 8, 4)), 1.5), ValueError,
     "compression"),
    ("resnet/depth", lambda e: resnet(depth=21), ValueError, "depth"),
    ("resnet/num_classes", lambda e: resnet((28, 28, 1), "10", depth=8), TypeError,
     "num_classes"),
    ("resnet/stem", lambda e: resnet(stem="cifar"), ValueError, "stem"),
    ("resnet/init_filters", lambda e: resnet((28, 28, 1), 10, depth=8, init_filters=8.0),
     TypeError, "init_filters"),
    ("resnet/plain", lambda e: resnet((28, 28, 1), 10, depth=8, plain="yes"), TypeError, "plain"),
    ("resnet/name", lambda e: resnet((28, 28, 1), 10, depth=8, name=5), TypeError, "name"),
    ("resnet/classifier_activation",
     lambda e: resnet((28, 28, 1), 10, depth=8, classifier_activation="softmaxx"), ValueError,
     "classifier_activation"),
    ("residual_block/stride", lambda e: residual_block(keras.Input((8, 8, 4)), 4, stride=3),
     ValueError, "stride"),
    ("residual_block/bottleneck",
     lambda e: residual_block(keras.Input((8, 8, 4)), 4, bottleneck="yes"), TypeError,
     "bottleneck"),
    # stats
    ("dense_share/model", lambda e: stats.dense_share("m"), TypeError, "model"),
    ("layer_kind/layer", lambda e: stats.layer_kind("conv"), TypeError, "layer"),
    ("layer_kind/detailed", lambda e: stats.layer_kind(keras.layers.ReLU(), detailed=1),
     TypeError, "detailed"),
    ("layer_table/model", lambda e: stats.layer_table(3), TypeError, "model"),
    ("layer_table/with_mult_adds", lambda e: stats.layer_table(e.model(), with_mult_adds="yes"),
     TypeError, "with_mult_adds"),
    ("mult_adds/model", lambda e: stats.mult_adds(None), TypeError, "model"),
    ("parameters_by_kind/model", lambda e: stats.parameters_by_kind([]), TypeError, "model"),
    ("summary_row/model", lambda e: stats.summary_row("x"), TypeError, "model"),
    ("weight_layers/model", lambda e: stats.weight_layers(1), TypeError, "model"),
    ("model_depth/model", lambda e: stats.model_depth("model"), TypeError, "model"),
    ("trainable_counts/model", lambda e: stats.trainable_counts(None), TypeError, "model"),
    # transfer
    ("backbone/name", lambda e: transfer.backbone(3), TypeError, "name"),
    ("backbone/name-value", lambda e: transfer.backbone("resnet9000"), ValueError,
                 "name"),
    ("freeze/model", lambda e: transfer.freeze("model"), TypeError, "model"),
    ("unfreeze/model", lambda e: transfer.unfreeze("model"), TypeError, "model"),
    ("unfreeze/top", lambda e: transfer.unfreeze(e.model(), top=1.5), TypeError, "top"),
    ("unfreeze/from_layer", lambda e: transfer.unfreeze(e.model(), from_layer="nope"),
     ValueError, "from_layer"),
    ("transfer_model/base", lambda e: transfer.transfer_model("mobilenet", 10), TypeError, "base"),
    ("transfer_model/num_classes", lambda e: transfer.transfer_model(e.model(), 1), ValueError,
     "num_classes"),
    ("transfer_model/classifier_activation",
     lambda e: transfer.transfer_model(e.model(), 10, classifier_activation=1), TypeError,
     "classifier_activation"),
    ("transfer_model/name", lambda e: transfer.transfer_model(e.model(), 10, name=""),
     ValueError, "name"),
    ("transfer_model/preprocess", lambda e: transfer.transfer_model(e.model(), 10, preprocess=3),
     TypeError, "preprocess"),
    ("small_backbone/input_shape", lambda e: transfer.small_backbone((28, 28)), ValueError,
     "input_shape"),
    ("small_backbone/pooling", lambda e: transfer.small_backbone(num_classes=5, pooling=None),
     ValueError, "pooling"),
    ("imagenet_weights_file/name", lambda e: transfer.imagenet_weights_file("resnet9000"),
     ValueError, "name"),
    ("packaged_weights_file/name", lambda e: transfer.packaged_weights_file("resnet"),
     ValueError, "name"),
    ("packaged_weights_file/name-type", lambda e: transfer.packaged_weights_file(3), TypeError,
     "name"),
    ("load_efficientnet_lite0_weights/model",
                 lambda e: transfer.load_efficientnet_lite0_weights("m"), TypeError, "model"),
    # viz
    ("show_images/labels-type", lambda e: viz.show_images(IMAGES, labels=3),
                 TypeError, "labels"),
    ("show_images/labels", lambda e: viz.show_images(IMAGES, labels=[0]), ValueError, "labels"),
    ("plot_history/history", lambda e: viz.plot_history(3), TypeError, "history"),
    ("plot_confusion_matrix/normalize",
     lambda e: viz.plot_confusion_matrix([0, 1], [0, 1], normalize="rows"), ValueError,
     "normalize"),
    ("show_misclassified/n", lambda e: viz.show_misclassified(IMAGES, [0, 1], [1, 0], n=0),
     ValueError, "n"),
    ("show_misclassified/size",
     lambda e: viz.show_misclassified(IMAGES, [0, 1], [1, 0], size=0), ValueError, "size"),
    ("show_matrix/m", lambda e: viz.show_matrix(np.zeros((2, 2, 2, 2))), ValueError, "m"),
    ("show_kernel/kernel", lambda e: viz.show_kernel(np.zeros(3)), ValueError, "kernel"),
    ("show_matrices/matrices", lambda e: viz.show_matrices([]), ValueError, "matrices"),
    ("show_matrices/ncols", lambda e: viz.show_matrices([np.eye(2)], ncols=0), ValueError,
     "ncols"),
    ("show_maps/maps", lambda e: viz.show_maps(np.zeros(4)), ValueError, "maps"),
    ("compare_images/images", lambda e: viz.compare_images([]), ValueError, "images"),
    ("show_filters/model", lambda e: viz.show_filters("model"), TypeError, "model"),
    ("show_filters/layer", lambda e: viz.show_filters(e.model(), 99), ValueError, "layer"),
    ("show_feature_maps/max_maps",
     lambda e: viz.show_feature_maps(e.model(), np.zeros((8, 8, 1)), max_maps=0), ValueError,
     "max_maps"),
    ("show_feature_maps/size",
     lambda e: viz.show_feature_maps(e.model(), np.zeros((8, 8, 1)), size=-1), ValueError,
     "size"),
    ("show_feature_maps/layers",
                 lambda e: viz.show_feature_maps(e.model(), np.zeros((8, 8, 1)), 99), ValueError,
                 "layers"),
    ("grad_cam/layer", lambda e: viz.grad_cam(e.model(), np.zeros((8, 8, 1)), "nope"),
     ValueError, "layer"),
    ("grad_cam/class_index",
     lambda e: viz.grad_cam(e.model(), np.zeros((8, 8, 1)), class_index=5), ValueError,
     "class_index"),
    ("grad_cam_heatmap/layer",
     lambda e: viz.grad_cam_heatmap(e.model(), np.zeros((1, 8, 8, 1)), 99), ValueError, "layer"),
    ("grad_cam_heatmap/images",
     lambda e: viz.grad_cam_heatmap(e.model(), np.full((8, 8, 1), 1000, np.int16)), ValueError,
     "images"),
    ("plot_stages/stages", lambda e: viz.plot_stages(3), TypeError, "stages"),
    ("plot_stages/stages-empty", lambda e: viz.plot_stages({}), ValueError, "stages"),
    ("plot_accuracy_vs_examples/results",
     lambda e: viz.plot_accuracy_vs_examples(TABLE, x="m"), ValueError, "results"),
    ("plot_accuracy_vs_examples/results-type",
                 lambda e: viz.plot_accuracy_vs_examples(3), TypeError, "results"),
    # exercises, student, cli
    ("check_compile/learning_rate",
     lambda e: exercises.check_compile(e.model(), learning_rate=-1), ValueError, "learning_rate"),
    ("check_compile/verbose", lambda e: exercises.check_compile(e.model(), verbose="no"),
     TypeError, "verbose"),
    ("explain_error/error", lambda e: exercises.explain_error("boom"), TypeError, "error"),
    ("check_lenet/variant", lambda e: exercises.check_lenet(None, variant="new"), ValueError,
     "variant"),
    ("check_lenet/num_classes", lambda e: exercises.check_lenet(None, num_classes=1), ValueError,
     "num_classes"),
    ("check_lenet/num_classes-str", lambda e: exercises.check_lenet(None, num_classes="10"),
     TypeError, "num_classes"),
    ("check_lenet/variant-type", lambda e: exercises.check_lenet(None, variant=1), TypeError,
     "variant"),
    ("check_lenet/verbose", lambda e: exercises.check_lenet(None, verbose="no"), TypeError,
     "verbose"),
    ("student_notebook/notebook", lambda e: student.student_notebook("nb"),
                 TypeError, "notebook"),
    ("make_student_notebook/source",
                 lambda e: student.make_student_notebook("x.txt", "y.ipynb"), ValueError,
                 "source"),
    ("make_student_copies/sources", lambda e: student.make_student_copies([], "out"),
                 ValueError, "sources"),
    ("main/argv", lambda e: cli.main("student"), TypeError, "argv"),
    # teaching figures and the receptive field (lessons 01 and 02)
    ("show_conv_step/stride", lambda e: show_conv_step(X, np.ones((3, 3)), (0, 0), stride=0),
     ValueError, "stride"),
    ("show_conv_step/position", lambda e: show_conv_step(X, np.ones((3, 3)), 3), TypeError,
     "position"),
    ("receptive_field/input_size", lambda e: receptive_field("9", [("conv", 3, 1)]), TypeError,
     "input_size"),
    ("receptive_field_size/layers", lambda e: receptive_field_size("conv"), TypeError, "layers"),
]

# Public functions that accept no bad input: no arguments, or any value is valid.
NO_BAD_INPUT = {
    "is_quick", "language", "quick",  # quick(full, short) returns either value as given
    "sharpen", "sobel_x", "sobel_y", "laplacian", "cross_mean", "line_detectors", "classic",
    "Backbone", "TransferModel",  # classes the functions above return, not built by users
}  # fmt: skip

MODULES = ("cnnkit", "cnnkit.data", "cnnkit.training", "cnnkit.augment", "cnnkit.ops",
           "cnnkit.receptive", "cnnkit.viz.teaching",
           "cnnkit.kernels", "cnnkit.models", "cnnkit.stats", "cnnkit.transfer", "cnnkit.viz",
           "cnnkit.exercises", "cnnkit.student", "cnnkit.cli")  # fmt: skip


def _row_id(row: Any) -> str:
    return row.values[0] if hasattr(row, "values") else row[0]


def _public_functions() -> set[str]:
    names = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value) and issubclass(value, BaseException):
                continue
            if callable(value):
                names.add(name)
    return names


@pytest.fixture(scope="module")
def env() -> Env:
    return Env()


@pytest.fixture(autouse=True)
def _english_and_closed_figures():
    yield
    cnnkit.set_language("en")
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize(("case", "call", "error", "argument"), [_case(row) for row in ROWS])
def test_bad_input_raises_and_names_the_argument(case, call, error, argument, env):
    with pytest.raises(Exception) as info:  # noqa: B017, PT011 - the type is checked below
        call(env)
    assert isinstance(info.value, error), (
        f"{case}: {type(info.value).__name__} instead of {error.__name__}: {info.value}"
    )
    assert f"`{argument}`" in str(info.value), f"{case}: message does not name `{argument}`"


def test_the_table_is_large_and_covers_every_public_function():
    assert len(ROWS) >= 40
    covered = {_row_id(row).split("/")[0] for row in ROWS}
    missing = _public_functions() - covered - NO_BAD_INPUT
    assert not missing, f"public functions without a bad-input row: {sorted(missing)}"
