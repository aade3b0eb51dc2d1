"""Model builders of the course. Each one depends only on ``keras``, so an instructor can
copy a single function into an assignment."""

__all__: list[str] = []

from cnnkit.models.conv_net import conv_net, deck_cnn  # noqa: E402

__all__ += ["conv_net", "deck_cnn"]

from cnnkit.models.lenet import lenet5  # noqa: E402

__all__ += ["lenet5"]

from cnnkit.models.efficientnet_lite import efficientnet_lite0  # noqa: E402

__all__ += ["efficientnet_lite0"]

from cnnkit.models.resnet import residual_block, resnet  # noqa: E402

__all__ += ["residual_block", "resnet"]

from cnnkit.models.alexnet import alexnet, zfnet  # noqa: E402

__all__ += ["alexnet", "zfnet"]

from cnnkit.models.vgg import vgg  # noqa: E402

__all__ += ["vgg"]

from cnnkit.models.googlenet import googlenet, inception_block  # noqa: E402

__all__ += ["googlenet", "inception_block"]

from cnnkit.models.densenet import dense_block, densenet, transition  # noqa: E402

__all__ += ["dense_block", "densenet", "transition"]
