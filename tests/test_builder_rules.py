"""Every argument rule on every builder: one behaviour, the one of ``cnnkit._validate``.

The builders of ``cnnkit.models`` (and ``cnnkit.transfer.transfer_model``) share their
checks through ``cnnkit/models/_shared.py``, copied verbatim into each builder file (the
copy-one-file promise); here each rule runs on each builder, so a builder that drifts from
the others fails by name:

- a wrong type is a ``TypeError``, a wrong value a ``ValueError``, and the message names
  the argument in backticks; NumPy integers are ints (``conv_net(shape, y.max() + 1)``);
- ``classifier_activation`` is a Keras activation name, a callable or None (logits);
- ``num_classes=None`` builds the convolutional base, ended by ``pooling`` (None, "avg" or
  "max"), as ``keras.applications``' ``include_top=False``;
- ``name`` is a non-empty str or None (the builder's default name); options are
  keyword-only after ``input_shape`` and ``num_classes``.
"""

from __future__ import annotations

import inspect
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from shapeless import shapeless, shared

from cnnkit import models
from cnnkit.models import _shared
from cnnkit.transfer import transfer_model


def _transfer(input_shape: Any, num_classes: Any, **kwargs: Any) -> keras.Model:
    """transfer_model on a tiny base, called like the builders."""
    base = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3)])
    return transfer_model(base, num_classes, input_shape=input_shape, **kwargs)


# builder: (function, a small input_shape, options that keep the model small, default name)
BUILDERS: dict[str, tuple[Callable[..., keras.Model], tuple, dict[str, Any], str]] = {
    "conv_net": (models.conv_net, (28, 28, 1), {"filters": (4,), "dense_units": (8,)},
                 "conv_net"),
    "deck_cnn": (models.deck_cnn, (28, 28, 1), {}, "deck_cnn"),
    "lenet5": (models.lenet5, (32, 32, 1), {}, "lenet5_classic"),
    "small_backbone": (models.small_backbone, (28, 28, 1), {"filters": (4,)}, "small_backbone"),
    "alexnet": (models.alexnet, (28, 28, 1), {"stem": "small", "width": 0.0625,
                                              "dense_units": 8}, "alexnet"),
    "zfnet": (models.zfnet, (64, 64, 3), {"width": 0.0625, "dense_units": 8}, "zfnet"),
    "vgg": (models.vgg, (28, 28, 1), {"config": "A-LRN", "num_blocks": 2, "width": 0.0625,
                                      "dense_units": 8}, "vgg_A-LRN"),
    "googlenet": (models.googlenet, (28, 28, 1), {"stem": "small", "width": 0.0625},
                  "googlenet"),
    "resnet": (models.resnet, (28, 28, 1), {"depth": 8, "init_filters": 4}, "resnet8"),
    "densenet": (models.densenet, (28, 28, 1), {"blocks": (1, 1), "growth_rate": 4,
                                                "stem": "small"}, "densenet"),
    "efficientnet_lite0": (models.efficientnet_lite0, (32, 32, 3), {}, "efficientnet_lite0"),
    "transfer_model": (_transfer, (8, 8, 1), {}, "transfer_model"),
}  # fmt: skip
HEADLESS = [b for b in BUILDERS if b != "transfer_model"]  # transfer_model is a classifier
POOLED_CLASSIFIER = {"conv_net", "small_backbone"}  # `pooling` also feeds their classifier
BUILDER_FILES = sorted(p.name for p in _shared.builder_files())


def build(builder: str, *args: Any, **kwargs: Any) -> keras.Model:
    """Call ``builder`` with its small options; positional args replace (shape, classes).

    The rules read layers, names and shapes, never a weight's value: the model is built
    without drawing its initial weights (``tests/shapeless.py``). The default build, which
    several rules read, is made once (``shared``).
    """
    function, input_shape, options, _ = BUILDERS[builder]
    if not args and not kwargs:
        return shared(function, input_shape, 3, **options)
    args = (*args, *(input_shape, 3)[len(args):])
    return shapeless(function, *args, **{**options, **kwargs})


def raises(error: type[Exception], argument: str, call: Callable[[], Any]) -> None:
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    assert f"`{argument}`" in str(info.value), str(info.value)


def _tempered_softmax(x: Any) -> Any:
    return keras.activations.softmax(x / 2)


# --- num_classes and input_shape: types, values, NumPy integers ---------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_numpy_integers_are_ints(builder):
    shape = tuple(np.int64(d) for d in BUILDERS[builder][1])
    model = build(builder, shape, np.int64(2) + 1)  # as y.max() + 1 gives it
    assert model.output_shape == (None, 3)


@pytest.mark.parametrize("bad", ["10", 3.0, True, [3]])
@pytest.mark.parametrize("builder", BUILDERS)
def test_num_classes_of_a_wrong_type_is_a_type_error(builder, bad):
    raises(TypeError, "num_classes", lambda: build(builder, BUILDERS[builder][1], bad))


@pytest.mark.parametrize("bad", [1, 0, np.int64(-3)])
@pytest.mark.parametrize("builder", BUILDERS)
def test_num_classes_out_of_range_is_a_value_error(builder, bad):
    raises(ValueError, "num_classes", lambda: build(builder, BUILDERS[builder][1], bad))


@pytest.mark.parametrize(("bad", "error"), [("28x28", TypeError), (28, TypeError),
                                            ((28, 28), ValueError), ((28, 28, 0), ValueError),
                                            ((28.0, 28, 1), ValueError)])  # fmt: skip
@pytest.mark.parametrize("builder", BUILDERS)
def test_input_shape_rules(builder, bad, error):
    raises(error, "input_shape", lambda: build(builder, bad))


# --- classifier_activation: a name, a callable or None -----------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_classifier_activation_may_be_a_callable(builder):
    model = build(builder, classifier_activation=_tempered_softmax)
    assert model.get_layer("predictions").activation is _tempered_softmax


@pytest.mark.parametrize("builder", BUILDERS)
def test_classifier_activation_none_gives_logits(builder):
    model = build(builder, classifier_activation=None)
    assert model.get_layer("predictions").activation is keras.activations.linear
    assert build(builder).get_layer("predictions").activation is keras.activations.softmax


@pytest.mark.parametrize(("bad", "error"), [("softmaxx", ValueError), (3, TypeError)])
@pytest.mark.parametrize("builder", BUILDERS)
def test_bad_classifier_activation(builder, bad, error):
    raises(error, "classifier_activation", lambda: build(builder, classifier_activation=bad))


# --- num_classes=None: the convolutional base, ended by `pooling` -------------------------


@pytest.mark.parametrize("pooling", [None, "avg", "max"])
@pytest.mark.parametrize("builder", HEADLESS)
def test_headless_build_with_each_pooling(builder, pooling):
    model = build(builder, BUILDERS[builder][1], None, pooling=pooling)
    names = [layer.name for layer in model.layers]
    assert "predictions" not in names and "flatten" not in names
    if pooling is None:
        assert len(model.output_shape) == 4
    else:
        kind = {"avg": keras.layers.GlobalAveragePooling2D, "max": keras.layers.GlobalMaxPooling2D}
        assert isinstance(model.layers[-1], kind[pooling]) and len(model.output_shape) == 2


@pytest.mark.parametrize(("bad", "error"), [("sum", ValueError), (1, TypeError)])
@pytest.mark.parametrize("builder", HEADLESS)
def test_bad_pooling(builder, bad, error):
    raises(error, "pooling", lambda: build(builder, BUILDERS[builder][1], None, pooling=bad))


@pytest.mark.parametrize("builder", HEADLESS)
def test_pooling_with_a_classifier(builder):
    if builder in POOLED_CLASSIFIER:  # the classifier sits on the pooled vector
        model = build(builder, pooling="max")
        assert isinstance(model.get_layer("max_pool"), keras.layers.GlobalMaxPooling2D)
        assert model.output_shape == (None, 3)
    else:  # the paper's classifier: `pooling` would be ignored, so it is refused
        raises(ValueError, "pooling", lambda: build(builder, pooling="avg"))


# --- names and signatures ------------------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_name_default_and_given(builder):
    assert build(builder).name == BUILDERS[builder][3]
    assert build(builder, name="mine").name == "mine"


@pytest.mark.parametrize(("bad", "error"), [(5, TypeError), (b"net", TypeError),
                                            ("", ValueError)])  # fmt: skip
@pytest.mark.parametrize("builder", BUILDERS)
def test_bad_name(builder, bad, error):
    raises(error, "name", lambda: build(builder, name=bad))


@pytest.mark.parametrize("builder", BUILDERS)
def test_signature_convention(builder):
    function = transfer_model if builder == "transfer_model" else BUILDERS[builder][0]
    params = inspect.signature(function).parameters
    first = ["base", "num_classes"] if builder == "transfer_model" else ["input_shape",
                                                                         "num_classes"]
    assert list(params)[:2] == first
    assert all(p.kind is p.KEYWORD_ONLY for p in list(params.values())[2:])
    assert params["name"].default is None
    assert params["classifier_activation"].default == "softmax"
    if builder in HEADLESS:
        assert params["pooling"].default == ("avg" if builder == "small_backbone" else None)


# --- the block functions follow the same rules ---------------------------------------------

BLOCKS = {
    "inception_block": lambda x, n, **kw: models.inception_block(x, n, n, n, n, n, n, **kw),
    "residual_block": lambda x, n, **kw: models.residual_block(x, n, **kw),
    "dense_block": lambda x, n, **kw: models.dense_block(x, n, n, **kw),
    "transition": lambda x, n, **kw: models.transition(x, 1 / n, **kw),
}


@pytest.mark.parametrize("block", BLOCKS)
def test_blocks_take_numpy_integers_and_check_names(block):
    x = keras.Input((8, 8, 4))
    assert BLOCKS[block](x, np.int64(4), name="b").shape[0] is None
    raises(TypeError, "name", lambda: BLOCKS[block](x, 4, name=5))
    if block != "transition":  # its argument is a fraction
        with pytest.raises(TypeError, match="must be an int"):
            BLOCKS[block](x, "4")


# --- the copies of cnnkit/models/_shared.py --------------------------------------------------


@pytest.mark.parametrize("filename", BUILDER_FILES)
def test_builder_file_carries_the_current_shared_code(filename):
    path = Path(_shared.__file__).with_name(filename)
    text = path.read_text(encoding="utf-8")
    assert _shared.render(text) == text, (
        f"{filename}: its shared section differs from cnnkit/models/_shared.py; "
        "run python -m cnnkit.models._shared"
    )


def test_a_drifted_copy_is_detected_and_sync_rewrites_it(tmp_path):
    for path in _shared.builder_files():
        shutil.copy(path, tmp_path / path.name)
    copy = tmp_path / "lenet.py"
    text = copy.read_text(encoding="utf-8")
    drifted = text.replace('"True or False"', '"a bool"')
    assert drifted != text and _shared.render(drifted) != drifted
    copy.write_text(drifted, encoding="utf-8")
    assert _shared.sync(tmp_path) == ["lenet.py"]
    assert copy.read_text(encoding="utf-8") == text
    assert _shared.sync(tmp_path) == []


def test_each_file_gets_what_it_uses_and_the_lrn_twice():
    units = _shared._units()
    assert {"_check_head", "_global_pool", "LocalResponseNormalization"} <= set(units)
    carriers = [p.name for p in _shared.builder_files()
                if "class LocalResponseNormalization" in p.read_text(encoding="utf-8")]
    assert carriers == ["alexnet.py", "vgg.py"]
