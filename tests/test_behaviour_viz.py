"""The numbers behind the course's pictures: Grad-CAM heat maps and drawn filters.

nbval does not compare PNG outputs, so a wrong picture passes every notebook check; these
tests build tiny models whose right answer is known by hand and compare the arrays
(``cnnkit.viz.grad_cam_heatmap``) and the arrays a figure draws (``AxesImage.get_array``).
Written against the public API only (``cnnkit.viz``).
"""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnkit import viz

IMAGE = np.linspace(0.2, 1.0, 64, dtype="float32").reshape(8, 8)  # strictly positive


def _identity_cam_model(class_weights: tuple[float, float], softmax: bool) -> keras.Model:
    """Image -> one feature map equal to the image (1x1 conv, weight 1, ReLU) -> mean ->
    two class scores ``w_k * mean(map)``. The gradient of class k's score with respect to
    the map is ``w_k / 64`` at every pixel, so Grad-CAM's map is ``relu(w_k * image) / 64``.
    """
    inputs = keras.Input((8, 8, 1))
    maps = keras.layers.Conv2D(1, 1, use_bias=False, activation="relu", name="maps")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(maps)
    dense = keras.layers.Dense(2, use_bias=False, activation="softmax" if softmax else None)
    model = keras.Model(inputs, dense(pooled))
    model.get_layer("maps").set_weights([np.ones((1, 1, 1, 1), "float32")])
    dense.set_weights([np.array([class_weights], "float32")])
    return model


@pytest.mark.parametrize("softmax", [False, True])
def test_only_negative_evidence_gives_an_all_zero_map(softmax):
    model = _identity_cam_model((-1.0, 1.0), softmax)  # class 0's score falls as maps grow
    heat = viz.grad_cam_heatmap(model, IMAGE, "maps", class_index=0)
    assert heat.shape == (8, 8) and heat.dtype == np.float32
    np.testing.assert_array_equal(heat, np.zeros((8, 8)))


@pytest.mark.parametrize("softmax", [False, True])
def test_positive_evidence_map_is_the_feature_map_divided_by_its_maximum(softmax):
    model = _identity_cam_model((-1.0, 2.0), softmax)
    heat = viz.grad_cam_heatmap(model, IMAGE, "maps", class_index=1)
    np.testing.assert_allclose(heat, IMAGE / IMAGE.max(), rtol=1e-5)


def test_default_class_is_the_predicted_one():
    model = _identity_cam_model((-1.0, 2.0), softmax=True)  # positive image: class 1 wins
    np.testing.assert_allclose(viz.grad_cam_heatmap(model, IMAGE, "maps"),
                               IMAGE / IMAGE.max(), rtol=1e-5)  # fmt: skip
    flipped = _identity_cam_model((2.0, -1.0), softmax=True)  # now class 0 wins
    np.testing.assert_allclose(viz.grad_cam_heatmap(flipped, IMAGE, "maps"),
                               IMAGE / IMAGE.max(), rtol=1e-5)  # fmt: skip


def test_one_class_per_image_in_a_batch():
    model = _identity_cam_model((-1.0, 1.0), softmax=False)
    batch = np.stack([IMAGE, IMAGE])[..., None]
    heat = viz.grad_cam_heatmap(model, batch, "maps", class_index=[1, 0])
    assert heat.shape == (2, 8, 8)
    np.testing.assert_allclose(heat[0], IMAGE / IMAGE.max(), rtol=1e-5)
    np.testing.assert_array_equal(heat[1], 0.0)


def test_map_of_a_smaller_layer_is_resized_to_the_image():
    # a 2x2 average pool of the identity map: Grad-CAM at 4x4, resized back to 8x8.
    inputs = keras.Input((8, 8, 1))
    maps = keras.layers.Conv2D(1, 1, use_bias=False, name="maps")(inputs)
    small = keras.layers.AveragePooling2D(2, name="small")(maps)
    score = keras.layers.Dense(1, use_bias=False)(keras.layers.GlobalAveragePooling2D()(small))
    model = keras.Model(inputs, score)
    model.get_layer("maps").set_weights([np.ones((1, 1, 1, 1), "float32")])
    model.layers[-1].set_weights([np.ones((1, 1), "float32")])
    image = np.zeros((8, 8), "float32")
    image[:4, :4] = 1.0  # evidence in the top-left quarter only
    heat = viz.grad_cam_heatmap(model, image, "small", class_index=0)
    assert heat.shape == (8, 8)
    assert heat.max() == pytest.approx(1.0) and heat[0, 0] == pytest.approx(1.0)
    assert heat[-1, -1] == 0.0 and heat[:4, :4].mean() > heat[4:, 4:].mean()


def test_uint8_images_are_scaled_like_float_ones():
    model = _identity_cam_model((-1.0, 1.0), softmax=False)
    image = (IMAGE * 255).astype("uint8")
    np.testing.assert_allclose(viz.grad_cam_heatmap(model, image, "maps", class_index=1),
                               image / image.max(), rtol=1e-5)  # fmt: skip


def test_grad_cam_figure_draws_the_heat_map_and_the_image():
    model = _identity_cam_model((-1.0, 2.0), softmax=True)
    fig = viz.grad_cam(model, IMAGE, "maps", class_names=["a", "b"])
    try:
        axes = fig.axes
        assert len(axes) == 3
        np.testing.assert_allclose(axes[0].images[0].get_array(), IMAGE)
        np.testing.assert_allclose(axes[1].images[0].get_array(), IMAGE / IMAGE.max(), rtol=1e-5)
        overlay = axes[2].images
        assert len(overlay) == 2 and overlay[1].get_alpha() == pytest.approx(0.45)
        assert axes[1].images[0].get_clim() == (0.0, 1.0)
        assert axes[2].get_title().startswith("b")  # the predicted (explained) class
    finally:
        plt.close(fig)


def test_grad_cam_figure_of_negative_evidence_is_blank():
    model = _identity_cam_model((-1.0, 1.0), softmax=False)
    fig = viz.grad_cam(model, IMAGE, "maps", class_index=0)
    try:
        np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), 0.0)
    finally:
        plt.close(fig)


# ------------------------------------------------------------------------------- filters


def _conv_model(cin: int, kernel: np.ndarray) -> keras.Model:
    model = keras.Sequential([keras.Input((6, 6, cin)),
                              keras.layers.Conv2D(kernel.shape[-1], 3, name="c1")])  # fmt: skip
    model.get_layer("c1").set_weights([kernel, np.zeros(kernel.shape[-1], "float32")])
    return model


def test_one_channel_filters_are_drawn_as_their_weights():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 1, 4)).astype("float32")
    fig = viz.show_filters(_conv_model(1, kernel), "c1")
    try:
        assert len(fig.axes) == 4
        for i, ax in enumerate(fig.axes):
            np.testing.assert_allclose(ax.images[0].get_array(), kernel[:, :, 0, i])
    finally:
        plt.close(fig)


def test_filters_of_several_channels_show_the_mean_or_the_chosen_channel():
    kernel = np.random.default_rng(1).normal(size=(3, 3, 2, 3)).astype("float32")
    model = _conv_model(2, kernel)
    for channel, expected in ((None, kernel.mean(axis=2)), (1, kernel[:, :, 1])):
        fig = viz.show_filters(model, "c1", channel=channel)
        try:
            for i, ax in enumerate(fig.axes):
                np.testing.assert_allclose(ax.images[0].get_array(), expected[..., i], rtol=1e-6)
        finally:
            plt.close(fig)


def test_colour_filters_are_stretched_to_0_1_each():
    kernel = np.random.default_rng(2).normal(size=(3, 3, 3, 2)).astype("float32")
    fig = viz.show_filters(_conv_model(3, kernel), "c1", max_filters=1)
    try:
        assert len(fig.axes) == 1
        drawn = np.asarray(fig.axes[0].images[0].get_array())
        k = kernel[..., 0]
        np.testing.assert_allclose(drawn, (k - k.min()) / (k.max() - k.min()), atol=1e-6)
    finally:
        plt.close(fig)


def test_feature_maps_are_the_layer_outputs():
    kernel = np.zeros((3, 3, 1, 2), "float32")
    kernel[1, 1, 0, 0] = 1.0  # identity (valid: the centre 4x4)
    kernel[1, 1, 0, 1] = -1.0  # negated
    model = _conv_model(1, kernel)
    image = np.random.default_rng(3).random((6, 6)).astype("float32")
    (fig,) = viz.show_feature_maps(model, image, "c1")
    try:
        drawn = [np.asarray(ax.images[0].get_array()) for ax in fig.axes if ax.images]
        assert len(drawn) == 2
        np.testing.assert_allclose(drawn[0], image[1:5, 1:5], atol=1e-6)
        np.testing.assert_allclose(drawn[1], -image[1:5, 1:5], atol=1e-6)
    finally:
        plt.close(fig)
