"""augmentation(): every argument check with its whole message, and every setting reaching
its Keras layer at the ends of its range (mutation testing found the limits, the messages
and some settings unchecked: ``benchmarks/mutation.py augment``). Builds layers only: no
image goes through them.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnkit.augment import augmentation

CROP = "`crop` must be None or (height, width) of the random crop, e.g. (24, 24); got "
RANGE = ("`value_range` must be (low, high) with low < high, e.g. (0, 1) for images scaled by "
         "make_dataset or (0, 255) for raw pixels; got ")  # fmt: skip
FRACTION = "It is a fraction of the range."

BAD = [
    ({"rotation": 0.51}, ValueError,
     "`rotation` must be a number between 0 and 0.5, got 0.51. It is a fraction of a full turn."),
    ({"zoom": 0.995}, ValueError,
     "`zoom` must be a number between 0 and 0.99, got 0.995. It is a fraction of the side."),
    ({"translation": 1.0}, ValueError,
     "`translation` must be a number between 0 and 0.99, got 1.0. It is a fraction of the side."),
    ({"hue": 1.01}, ValueError, f"`hue` must be a number between 0 and 1.0, got 1.01. {FRACTION}"),
    ({"saturation": -0.1}, ValueError,
     f"`saturation` must be a number between 0 and 1.0, got -0.1. {FRACTION}"),
    ({"brightness": 1.5}, ValueError,
     f"`brightness` must be a number between 0 and 1.0, got 1.5. {FRACTION}"),
    ({"contrast": True}, TypeError,
     f"`contrast` must be a number between 0 and 1.0, got bool: True. {FRACTION}"),
    ({"crop": (0, 24)}, ValueError, CROP + "(0, 24)."),
    ({"crop": (24, True)}, ValueError, CROP + "(24, True)."),
    ({"crop": (24, 24, 3)}, ValueError, CROP + "(24, 24, 3)."),
    ({"crop": [24.0, 24]}, ValueError, CROP + "[24.0, 24]."),
    ({"crop": b"ab"}, TypeError, CROP + "bytes: b'ab'."),
    ({"crop": 24}, TypeError, CROP + "int: 24."),
    ({"value_range": (1, 1)}, ValueError, RANGE + "(1, 1)."),
    ({"value_range": (0, True)}, ValueError, RANGE + "(0, True)."),
    ({"value_range": (0, 1, 2)}, ValueError, RANGE + "(0, 1, 2)."),
    ({"value_range": (0, "1")}, ValueError, RANGE + "(0, '1')."),
    ({"value_range": 5}, TypeError, RANGE + "int: 5."),
    ({"value_range": "01"}, TypeError, RANGE + "str: '01'."),
    ({"flip": "diagonal"}, ValueError, "`flip` must be one of 'horizontal', 'vertical', "
     "'horizontal_and_vertical'; got 'diagonal'. Or None for no mirroring."),
    ({"fill_mode": "mirror"}, ValueError,
     "`fill_mode` must be one of 'constant', 'reflect', 'wrap', 'nearest'; got 'mirror'."),
    ({"flip": None, "translation": 0.0}, ValueError,
     "every transformation is off: set at least one of flip, rotation, translation, zoom, "
     "crop, brightness, contrast, hue or saturation."),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "message"), BAD, ids=[str(b[0]) for b in BAD])
def test_each_bad_argument_has_its_whole_message(kwargs, error, message):
    with pytest.raises(error) as info:
        augmentation(**kwargs)
    assert str(info.value) == message


def test_every_setting_reaches_its_layer_at_the_end_of_its_range():
    aug = augmentation(flip="vertical", rotation=0.5, zoom=0.99, translation=0.99,
                       brightness=1.0, contrast=1.0, hue=0.5, saturation=0.5,
                       value_range=(0.2, 0.9), fill_mode="reflect", crop=[4, 6],
                       name="mi_aumento", seed=3)  # fmt: skip
    assert aug.name == "mi_aumento"
    layers = {layer.name: layer.get_config() for layer in aug.layers}
    assert list(layers) == ["random_crop", "central_crop", "random_flip", "random_rotation",
                            "random_zoom", "random_translation", "random_brightness",
                            "random_contrast", "random_hue", "random_saturation"]  # fmt: skip
    for name in ("random_crop", "central_crop"):
        assert (layers[name]["height"], layers[name]["width"]) == (4, 6)
    assert layers["random_flip"]["mode"] == "vertical"
    assert tuple(layers["random_rotation"]["factor"]) == (-0.5, 0.5)
    assert layers["random_zoom"]["height_factor"] == 0.99
    assert layers["random_zoom"]["width_factor"] is None  # Keras: the same as the height
    translation = layers["random_translation"]
    assert (translation["height_factor"], translation["width_factor"]) == (0.99, 0.99)
    for name in ("random_rotation", "random_zoom", "random_translation"):
        assert layers[name]["fill_mode"] == "reflect" and layers[name]["fill_value"] == 0.2
    factors = {"random_brightness": (-1.0, 1.0), "random_contrast": (0, 1.0),
               "random_hue": (0, 0.5), "random_saturation": (-0.5, 0.5)}  # fmt: skip
    for name, factor in factors.items():
        assert tuple(layers[name]["factor"]) == factor, name
        assert tuple(layers[name]["value_range"]) == (0.2, 0.9), name
    # one seed per random layer, counted from `seed`; the central crop has none
    seeds = [layers[n].get("seed") for n in layers if n != "central_crop"]
    assert seeds == list(range(3, 12))


def test_zero_turns_a_transformation_off_and_none_turns_off_flip():
    assert [layer.name for layer in augmentation(flip=None, zoom=0.1, translation=0).layers] == [
        "random_zoom"
    ]
    assert [layer.name for layer in augmentation(rotation=0.0, contrast=0.0).layers] == [
        "random_flip", "random_translation"
    ]  # fmt: skip
    assert augmentation().name == "augmentation"


def test_the_smallest_crop_one_pixel_on_a_side_is_accepted():
    # `crop` (0, 24) is refused above; one step inside, a crop of 1 row is legal.
    aug = augmentation(crop=(1, 3), flip=None, translation=0)
    images = np.arange(2 * 5 * 5, dtype="float32").reshape(2, 5, 5, 1) / 50
    out = np.asarray(aug(images, training=False))  # the central crop at inference
    assert out.shape == (2, 1, 3, 1)
    np.testing.assert_allclose(out, images[:, 2:3, 1:4], rtol=1e-6)
