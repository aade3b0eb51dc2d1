"""Tests for cnnkit.viz.network and cnnkit.viz.gradcam: filters, feature maps and Grad-CAM."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from cnnkit.viz.gradcam import grad_cam_heatmap  # noqa: E402
from cnnkit.viz.network import grad_cam, show_feature_maps, show_filters  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def functional_model() -> keras.Model:
    inputs = keras.Input((12, 12, 1))
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(inputs)
    x = keras.layers.MaxPooling2D(name="p1")(x)
    x = keras.layers.Conv2D(6, 3, padding="same", name="c2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    x = keras.layers.Activation("relu", name="relu2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    return keras.Model(inputs, outputs)


def unbuilt_sequential() -> keras.Sequential:
    return keras.Sequential(
        [
            keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
            keras.layers.MaxPooling2D(name="p1"),
            keras.layers.Conv2D(5, 3, activation="relu", name="c2"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(3, activation="softmax", name="out"),
        ]
    )


IMAGE = np.random.default_rng(0).integers(0, 256, (12, 12), dtype=np.uint8)


def quadrant_model(scale: float, softmax: bool | str) -> keras.Model:
    """Class 0's logit is ``scale`` x the mean of channel 0, class 1's of channel 1.

    The 1x1 convolution copies each channel and a 2x2 average pooling ("pool") brings it
    onto an 8x8 grid, so the heat map of "pool" has to be upsampled to the 16x16 image.
    ``softmax``: False (logits out), True (``Dense(activation="softmax")``), ``"layer"``
    (a ``Softmax()`` layer after the Dense) or ``"activation"`` (``Activation("softmax")``).
    (Not a 1x1 convolution with stride 2: under a GradientTape, TensorFlow 2.21's oneDNN
    kernels corrupt the heap with it on a small batch, and the test process aborts.)
    """
    inputs = keras.Input((16, 16, 2))
    conv = keras.layers.Conv2D(2, 1, name="copy")
    x = keras.layers.AveragePooling2D(2, name="pool")(conv(inputs))
    x = keras.layers.GlobalAveragePooling2D()(x)
    dense = keras.layers.Dense(2, activation="softmax" if softmax is True else None,
                               name="logits")
    outputs = dense(x)
    if softmax == "layer":
        outputs = keras.layers.Softmax(name="probabilities")(outputs)
    elif softmax == "activation":
        outputs = keras.layers.Activation("softmax", name="probabilities")(outputs)
    conv.set_weights([np.eye(2, dtype="float32").reshape(1, 1, 2, 2), np.zeros(2, "float32")])
    dense.set_weights([scale * np.eye(2, dtype="float32"), np.zeros(2, "float32")])
    return keras.Model(inputs, outputs)


def two_blob_image() -> np.ndarray:
    """Evidence for class 0 in the top-left quadrant, for class 1 in the bottom-right."""
    image = np.zeros((16, 16, 2), "float32")
    image[2:6, 2:6, 0] = 1.0
    image[10:14, 10:14, 1] = 0.6
    return image


def quadrant_means(heat: np.ndarray) -> tuple[float, float]:
    return float(heat[:8, :8].mean()), float(heat[8:, 8:].mean())


# ----------------------------------------------------------------------------- Grad-CAM


def test_grad_cam_finds_the_quadrant_that_holds_the_evidence():
    model = quadrant_model(scale=1.0, softmax=False)
    image = two_blob_image()
    heat0 = grad_cam_heatmap(model, image, "pool", class_index=0)
    heat1 = grad_cam_heatmap(model, image, "pool", class_index=1)
    top0, bottom0 = quadrant_means(heat0)
    top1, bottom1 = quadrant_means(heat1)
    assert heat0.shape == (16, 16) and heat0.dtype == np.float32
    assert top0 > 0.2 and bottom0 < 0.05 * top0
    assert bottom1 > 0.2 and top1 < 0.05 * bottom1
    assert heat0.max() == pytest.approx(1.0) and heat0.min() >= 0.0


def test_grad_cam_default_class_is_the_prediction():
    model = quadrant_model(scale=1.0, softmax=True)
    image = two_blob_image()  # channel 0 has more mass: class 0 is predicted
    assert model.predict(image[None], verbose=0).argmax() == 0
    np.testing.assert_allclose(
        grad_cam_heatmap(model, image), grad_cam_heatmap(model, image, class_index=0)
    )


@pytest.mark.parametrize("softmax", [True, "layer", "activation"])
def test_grad_cam_uses_logits_when_the_softmax_saturates(softmax):
    # With logits 1000 apart the softmax gradient underflows to exactly zero; Grad-CAM
    # must bypass the softmax (an activation or a final layer) to still see the evidence.
    model = quadrant_model(scale=8000.0, softmax=softmax)
    probabilities = model(two_blob_image()[None])
    with tf.GradientTape() as tape:  # the premise: through the softmax the gradient is zero
        inputs = tf.constant(two_blob_image()[None])
        tape.watch(inputs)
        score = model(inputs)[0, 0]
    assert not np.any(tape.gradient(score, inputs).numpy())
    heat = grad_cam_heatmap(model, two_blob_image(), "pool", class_index=0)
    top, bottom = quadrant_means(heat)
    assert top > 0.2 and bottom < 0.05 * top
    np.testing.assert_array_equal(model(two_blob_image()[None]), probabilities)


def test_grad_cam_of_only_negative_evidence_is_all_zero():
    # logit_k = -mean(channel k): the evidence in channel 0 (positive everywhere) speaks
    # against class 0, so the ReLU leaves nothing; class 1's channel is empty (no evidence).
    model = quadrant_model(scale=-1.0, softmax=False)
    image = np.zeros((16, 16, 2), "float32")
    image[..., 0] = 0.5
    image[2:6, 2:6, 0] = 1.0
    for layer in ("copy", "pool"):
        heat = grad_cam_heatmap(model, image, layer, class_index=0)
        assert heat.shape == (16, 16) and not np.any(heat), layer
    # the same image explains class 0 of the sign-flipped model: the blob is the evidence
    positive = grad_cam_heatmap(quadrant_model(scale=1.0, softmax=False), image, "copy",
                                class_index=0)
    assert positive.max() == pytest.approx(1.0) and positive[8:, 8:].max() < 1.0
    assert positive[3, 3] == pytest.approx(1.0)


def test_grad_cam_leaves_the_model_untouched():
    seen = []
    dense = keras.layers.Dense(2, activation="softmax", name="logits")

    class Spy(keras.layers.Layer):
        """Records the final layer's activation each time the model runs."""

        def call(self, x):
            seen.append(dense.activation)
            return x

    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(3, 3, activation="relu", name="conv")(inputs)
    x = Spy(name="spy")(x)
    outputs = dense(keras.layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, outputs)
    config, weights = model.get_config(), [w.copy() for w in model.get_weights()]
    seen.clear()
    image = np.random.default_rng(0).random((16, 16, 3)).astype("float32")
    grad_cam_heatmap(model, image, "conv")
    grad_cam(model, image, "conv")
    assert seen and all(a is keras.activations.softmax for a in seen)
    assert model.get_config() == config
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "Conv2D", "Spy", "GlobalAveragePooling2D", "Dense"
    ]


def test_grad_cam_heatmap_batch_and_unbuilt_sequential():
    model = unbuilt_sequential()
    batch = np.random.default_rng(1).random((3, 12, 12)).astype("float32")
    heat = grad_cam_heatmap(model, batch, "c2")
    assert heat.shape == (3, 12, 12)
    for one in heat:  # each map is divided by its own maximum: it peaks at exactly 1
        assert one.max() == pytest.approx(1.0) and one.min() >= 0.0
        assert (one < 0.999).any()  # and is a map, not a constant
    for image, one in zip(batch, heat, strict=True):  # the batch is the images one by one
        np.testing.assert_allclose(grad_cam_heatmap(model, image, "c2"), one, atol=1e-5)
    assert grad_cam_heatmap(model, batch[0], -3).shape == (12, 12)  # index of "c2"


def test_grad_cam_figure_has_three_panels_per_image():
    model = functional_model()
    fig = grad_cam(model, np.stack([IMAGE, IMAGE]), class_names=["a", "b", "c"], labels=[2, 1])
    assert len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "c" and titles[3] == "b"
    assert titles[1] == "Grad-CAM (relu2)"  # the last convolution's activation
    assert titles[2].split(":")[0] in {"a", "b", "c"}


def test_grad_cam_rejects_bad_arguments():
    model = functional_model()
    with pytest.raises(ValueError, match=r"valid: \['c1', 'p1', 'c2', 'bn2', 'relu2'\]"):
        grad_cam_heatmap(model, IMAGE, "gap")
    with pytest.raises(ValueError, match="class_index"):
        grad_cam_heatmap(model, IMAGE, class_index=3)
    with pytest.raises(ValueError, match="expects images of shape"):
        grad_cam_heatmap(model, np.zeros((10, 10)))
    with pytest.raises(ValueError, match="alpha"):
        grad_cam(model, IMAGE, alpha=2)


# ----------------------------------------------------------------------------- filters


def test_show_filters_draws_one_panel_per_filter():
    model = functional_model()
    fig = show_filters(model)
    assert len(fig.axes) == 4
    assert fig._suptitle.get_text() == "c1: 4 filters 3x3"
    assert len(show_filters(model, "c2", channel=1, max_filters=5).axes) == 5


def test_show_filters_rgb_layer_is_drawn_in_colour():
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(2, 3, name="rgb")])
    fig = show_filters(model, 0)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_images()[0].get_array().shape == (3, 3, 3)


def test_show_filters_errors_list_the_convolutions():
    model = functional_model()
    with pytest.raises(ValueError, match=r"valid: \['c1', 'c2'\]"):
        show_filters(model, "p1")
    with pytest.raises(ValueError, match="out of range"):
        show_filters(model, 40)
    with pytest.raises(ValueError, match="not built"):
        show_filters(unbuilt_sequential())
    with pytest.raises(TypeError, match="model"):
        show_filters("not a model")


# ----------------------------------------------------------------------------- feature maps


def test_feature_maps_default_layers_and_shapes():
    figures = show_feature_maps(functional_model(), IMAGE)
    titles = [fig._suptitle.get_text() for fig in figures]
    # c2 has no activation (BatchNormalization follows): its activation layer stands for it
    assert titles == ["c1: 12 x 12 x 4", "p1: 6 x 6 x 4", "relu2: 6 x 6 x 6"]
    assert [len(fig.axes) for fig in figures] == [4, 4, 6]


def test_feature_maps_of_an_unbuilt_sequential_by_name_and_index():
    model = unbuilt_sequential()
    figures = show_feature_maps(model, IMAGE, layers=[0, "c2"], max_maps=3)
    titles = [fig._suptitle.get_text() for fig in figures]
    assert titles == ["c1: 10 x 10 x 4 (first 3 maps)", "c2: 3 x 3 x 5 (first 3 maps)"]
    assert all(len(fig.axes) == 3 for fig in figures)


def test_feature_maps_size_sets_the_inches_per_map():
    small, = show_feature_maps(functional_model(), IMAGE, layers="c1", max_maps=4, ncols=4)
    large, = show_feature_maps(functional_model(), IMAGE, layers="c1", max_maps=4, ncols=4,
                               size=2.2)
    assert large.get_size_inches()[0] == pytest.approx(2 * small.get_size_inches()[0])
    with pytest.raises(ValueError, match="`size`"):
        show_feature_maps(functional_model(), IMAGE, size=0)
    with pytest.raises(TypeError, match="`size`"):
        show_feature_maps(functional_model(), IMAGE, size="big")


def test_feature_maps_reject_a_dense_layer_and_a_batch():
    model = functional_model()
    with pytest.raises(ValueError, match="not a layer with feature maps"):
        show_feature_maps(model, IMAGE, layers="out")
    with pytest.raises(ValueError, match="one image"):
        show_feature_maps(model, np.stack([IMAGE, IMAGE]))


ONEDNN_SCRIPT = """
import keras, numpy as np
from cnnkit.viz import gradcam
inputs = keras.Input((16, 16, 2))
x = keras.layers.Conv2D(2, 3, padding="same", activation="relu", name="c1")(inputs)
x = keras.layers.Conv2D(2, 1, strides=2, name="shortcut")(x)
x = keras.layers.GlobalAveragePooling2D()(x)
model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
assert gradcam.onednn_risk(model, model.get_layer("c1"))
assert not gradcam.onednn_risk(model, model.get_layer("shortcut"))
images = np.random.default_rng(0).random((3, 16, 16, 2)).astype("float32")
for _ in range(5):
    one = gradcam.grad_cam_heatmap(model, images[0], "c1")
    three = gradcam.grad_cam_heatmap(model, images, "c1")
assert one.shape == (16, 16) and three.shape == (3, 16, 16)
np.testing.assert_allclose(three[0], one, atol=1e-5)
print("ok")
"""


def test_grad_cam_guards_against_the_onednn_crash():
    # Through a 1x1 stride-2 convolution with 2 channels, a gradient on 1 or 3 images
    # aborts (or kills) TensorFlow 2.21's process; Grad-CAM pads odd batches. In a child
    # process, so that a regression fails this test instead of killing the test run.
    import os
    import subprocess
    import sys

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", ONEDNN_SCRIPT], capture_output=True,
                          text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
