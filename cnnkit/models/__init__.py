"""Model builders of the course, one file per family.

Each builder file imports only ``keras`` and the standard library, so an instructor can copy
that file into an assignment and it runs. The argument checks they share (and the
``LocalResponseNormalization`` layer of ``alexnet.py`` and ``vgg.py``) are verbatim copies of
``_shared.py``, written there once and copied by ``python -m cnnkit.models._shared``.
"""

from cnnkit.models.alexnet import alexnet, zfnet
from cnnkit.models.conv_net import conv_net, deck_cnn
from cnnkit.models.densenet import dense_block, densenet, transition
from cnnkit.models.efficientnet_lite import efficientnet_lite0
from cnnkit.models.googlenet import googlenet, inception_block
from cnnkit.models.lenet import lenet5
from cnnkit.models.resnet import residual_block, resnet
from cnnkit.models.small_backbone import small_backbone
from cnnkit.models.vgg import vgg

__all__ = [
    "alexnet",
    "conv_net",
    "deck_cnn",
    "dense_block",
    "densenet",
    "efficientnet_lite0",
    "googlenet",
    "inception_block",
    "lenet5",
    "residual_block",
    "resnet",
    "small_backbone",
    "transition",
    "vgg",
    "zfnet",
]
