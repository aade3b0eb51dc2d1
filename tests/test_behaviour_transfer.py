"""Freezing and unfreezing (``cnnkit.transfer.freeze`` / ``unfreeze``) on a tiny hand-built
backbone, so that every rule of the docstrings is checked on exact layer names: only the
backbone freezes, ``top`` counts layers from the top, ``from_layer`` is inclusive, batch
normalisation stays frozen wherever it is, and the errors name the fix.
"""

from __future__ import annotations

import re

import keras
import pytest

from cnnkit.transfer import freeze, unfreeze

NAMES = ["image", "c1", "bn1", "r1", "c2", "bn2", "r2", "gap"]


def _backbone(name: str = "tiny") -> keras.Model:
    inputs = keras.Input((8, 8, 1), name="image")
    x = keras.layers.Conv2D(2, 3, name="c1")(inputs)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.ReLU(name="r1")(x)
    x = keras.layers.Conv2D(2, 3, name="c2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    x = keras.layers.ReLU(name="r2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, x, name=name)


def _transfer(backbone: keras.Model) -> keras.Model:
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Dense(3, name="head")(backbone(inputs))
    return keras.Model(inputs, outputs)


def _trainable(model: keras.Model) -> list[str]:
    return [layer.name for layer in model.layers if layer.trainable_weights]


def test_freeze_freezes_the_backbone_and_keeps_the_head():
    base = _backbone()
    model = _transfer(base)
    freeze(model)
    assert base.trainable is False and _trainable(base) == []
    assert [w.path for w in model.trainable_weights] == ["head/kernel", "head/bias"]


def test_freeze_of_a_backbone_alone_freezes_it_all():
    base = _backbone()
    freeze(base)
    assert base.trainable_weights == []


def test_a_sub_model_without_weights_is_not_the_backbone():
    base = _backbone()
    empty = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Rescaling(1.0)], name="pre")
    inputs = keras.Input((8, 8, 1))
    model = keras.Model(inputs, keras.layers.Dense(3, name="head")(base(empty(inputs))))
    freeze(model)
    assert base.trainable is False and empty.trainable is True
    assert len(model.trainable_weights) == 2


def test_two_backbones_are_refused_with_their_names():
    a, b = _backbone("first"), _backbone("second")
    inputs = keras.Input((8, 8, 1))
    joined = keras.layers.Concatenate()([a(inputs), b(inputs)])
    model = keras.Model(inputs, keras.layers.Dense(3)(joined))
    with pytest.raises(ValueError, match=re.escape("sub-models with weights (first, second)")):
        freeze(model)
    with pytest.raises(ValueError, match=re.escape("freeze(model.get_layer('name'))")):
        unfreeze(model)


def test_freeze_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match="`model` must be a keras.Model, got list"):
        freeze([])


def test_unfreeze_everything_but_batch_norm():
    base = _backbone()
    model = _transfer(base)
    freeze(model)
    assert unfreeze(model) == ["c1", "c2"]
    assert _trainable(base) == ["c1", "c2"]
    assert base.get_layer("bn1").trainable is False and base.get_layer("bn2").trainable is False
    assert base.trainable is True


@pytest.mark.parametrize("top, trainable", [(1, []), (3, []), (4, ["c2"]), (6, ["c2"]),
                                            (7, ["c1", "c2"]), (8, ["c1", "c2"])])  # fmt: skip
def test_unfreeze_top_counts_layers_from_the_top(top, trainable):
    base = _backbone()
    model = _transfer(base)
    freeze(model)
    assert unfreeze(model, top=top) == trainable
    for layer in base.layers:
        expected = layer.name in NAMES[-top:] and not layer.name.startswith("bn")
        assert layer.trainable is expected, layer.name


@pytest.mark.parametrize("name, trainable", [("c1", ["c1", "c2"]), ("bn1", ["c2"]),
                                             ("c2", ["c2"]), ("gap", [])])  # fmt: skip
def test_unfreeze_from_layer_is_inclusive(name, trainable):
    base = _backbone()
    freeze(base)
    assert unfreeze(base, from_layer=name) == trainable
    below = NAMES[: NAMES.index(name)]
    assert all(not base.get_layer(n).trainable for n in below if n != "image")


def test_batch_norm_nested_in_a_sub_layer_stays_frozen():
    inner = keras.Sequential(
        [keras.Input((8, 8, 2)), keras.layers.Conv2D(2, 1, name="ic"),
         keras.layers.BatchNormalization(name="ibn")], name="inner")  # fmt: skip
    inputs = keras.Input((8, 8, 2), name="image")
    base = keras.Model(inputs, inner(inputs), name="outer")
    freeze(base)
    unfreeze(base)
    assert inner.get_layer("ic").trainable is True
    assert inner.get_layer("ibn").trainable is False


def test_unfreeze_arguments_are_checked():
    base = _backbone()
    with pytest.raises(ValueError, match="not both"):
        unfreeze(base, top=2, from_layer="c2")
    for bad in (0, 9):
        with pytest.raises(ValueError, match=re.escape(f"The backbone 'tiny' has {len(NAMES)} "
                                                       "layers.")):  # fmt: skip
            unfreeze(base, top=bad)
    with pytest.raises(TypeError, match=re.escape("to count layers from the top use top=3")):
        unfreeze(base, from_layer=3)
    listed = "Its layers, bottom to top: " + ", ".join(NAMES)
    with pytest.raises(ValueError, match=re.escape(listed)):
        unfreeze(base, from_layer="c9")
