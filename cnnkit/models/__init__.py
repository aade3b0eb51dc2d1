"""Model builders of the course. Each builder file depends only on ``keras``, so an
instructor can copy a single function into an assignment (``efficientnet_lite_weights``,
the loader of EfficientNet-Lite0's ImageNet weights, also needs NumPy and cnnkit)."""

__all__: list[str] = []

from cnnkit.models.conv_net import conv_net, deck_cnn  # noqa: E402

__all__ += ["conv_net", "deck_cnn"]

from cnnkit.models.lenet import lenet5  # noqa: E402

__all__ += ["lenet5"]

from cnnkit.models.efficientnet_lite import efficientnet_lite0  # noqa: E402

__all__ += ["efficientnet_lite0"]

from cnnkit.models.small_backbone import small_backbone  # noqa: E402

__all__ += ["small_backbone"]
