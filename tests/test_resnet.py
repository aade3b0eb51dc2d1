"""cnnkit.models.resnet: residual blocks, ResNet-18/34/50 and the CIFAR-style 6n + 2 networks."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import shutil
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from shapeless import shapeless, shared

from cnnkit.models import residual_block, resnet
from cnnkit.stats import trainable_counts

# the module (cnnkit.models.resnet is the function once the package is imported)
resnet_module = importlib.import_module("cnnkit.models.resnet")


def _layers_of(model: keras.Model, kind: type) -> list[keras.layers.Layer]:
    return [layer for layer in model.layers if isinstance(layer, kind)]


@pytest.fixture(scope="module")
def imagenet_models() -> dict[int, keras.Model]:
    """The big models, built without drawing their weights, once per test process.

    With ``tests/shapeless.py`` the variables get their shapes but no values (as in
    tests/test_architectures.py): the counts and layers are the real model's. ResNet-18
    and -50 are the same objects tests/test_behaviour_builders.py reads (``shared``).
    """
    return {depth: shared(resnet, depth=depth) for depth in (18, 34, 50)}


@pytest.mark.parametrize(
    ("depth", "trainable", "statistics"),
    # torchvision.models.resnet18 / 34 / 50 have the same trainable counts.
    [(18, 11_689_512, 9_600), (34, 21_797_672, 17_024), (50, 25_557_032, 53_120)],
)
def test_imagenet_counts_are_the_papers(imagenet_models, depth, trainable, statistics):
    model = imagenet_models[depth]
    assert trainable_counts(model) == {"trainable": trainable, "non_trainable": statistics}
    assert model.name == f"resnet{depth}"
    assert model.output_shape == (None, 1000)
    convs = _layers_of(model, keras.layers.Conv2D)
    assert not any(conv.use_bias for conv in convs)
    projections = [conv for conv in convs if conv.name.endswith("_0_conv")]
    assert len(projections) == (4 if depth == 50 else 3)
    # depth = weight layers of the main path: convolutions without projections + dense
    assert len(convs) - len(projections) + 1 == depth


def test_keras_applications_resnet50_differs_by_its_convolution_biases(imagenet_models):
    ours = imagenet_models[50]
    theirs = shapeless(keras.applications.ResNet50, weights=None)
    assert theirs.count_params() == 25_636_712
    assert trainable_counts(theirs) == {"trainable": 25_583_592, "non_trainable": 53_120}
    biases = sum(
        int(np.prod(layer.bias.shape)) for layer in _layers_of(theirs, keras.layers.Conv2D)
    )
    assert biases == 26_560
    assert trainable_counts(theirs)["trainable"] - biases == trainable_counts(ours)["trainable"]
    convs = keras.layers.Conv2D
    assert len(_layers_of(theirs, convs)) == len(_layers_of(ours, convs))


@pytest.mark.parametrize("depth", [8, 14, 20, 32])
def test_cifar_style_depth_and_plain_twin(depth):
    n = (depth - 2) // 6
    model = shapeless(resnet, (28, 28, 1), 10, depth=depth)  # layers and shapes read only
    twin = shapeless(resnet, (28, 28, 1), 10, depth=depth, plain=True)
    assert model.name == f"resnet{depth}" and twin.name == f"plain{depth}"
    assert len(_layers_of(model, keras.layers.Conv2D)) + 1 == depth
    assert len(_layers_of(model, keras.layers.Add)) == 3 * n
    assert not _layers_of(twin, keras.layers.Add)
    # option A shortcuts have no parameters: plain=True removes the shortcuts and nothing else
    assert [w.shape for w in model.weights] == [w.shape for w in twin.weights]
    assert model.get_layer("conv4_block1_2_conv").output.shape[1:] == (7, 7, 64)
    assert model.output_shape == (None, 10)


def test_logits_and_names():
    model = shapeless(resnet, (28, 28, 1), 10, depth=8, classifier_activation=None,
                      name="mi_resnet")
    assert model.name == "mi_resnet"
    assert model.get_layer("predictions").get_config()["activation"] == "linear"


def test_cifar_resnet20_has_the_papers_size():
    # He et al. (2016), table 6: ResNet-20 has 0.27M parameters (CIFAR-10, 32x32x3).
    model = shapeless(resnet, (32, 32, 3), 10, depth=20)
    assert trainable_counts(model)["trainable"] == 269_722
    assert shapeless(resnet, (32, 32, 3), 10, depth=50, stem="small").name == "resnet50"


def test_init_filters_and_projection_options():
    narrow = shapeless(resnet, (28, 28, 1), 10, depth=8, init_filters=8)
    assert narrow.get_layer("conv1_conv").filters == 8
    assert narrow.get_layer("conv4_block1_1_conv").filters == 32
    padded = shapeless(resnet, (28, 28, 1), 10, depth=8)
    projected = shapeless(resnet, (28, 28, 1), 10, depth=8, shortcut="projection")
    # two projections (16 -> 32 and 32 -> 64): 1x1 kernels and their batch normalisation
    extra = (16 * 32 + 4 * 32) + (32 * 64 + 4 * 64)
    assert projected.count_params() - padded.count_params() == extra


def test_identity_shortcut_passes_the_input_when_the_branch_is_silenced():
    inputs = keras.Input((6, 6, 4))
    model = keras.Model(inputs, residual_block(inputs, 4, name="b"))
    assert not _layers_of(model, keras.layers.Conv2D)[0].name.endswith("_0_conv")
    gamma, beta, mean, var = model.get_layer("b_2_bn").get_weights()
    model.get_layer("b_2_bn").set_weights([np.zeros_like(gamma), beta, mean, var])
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(x, 0), atol=1e-6)


def test_padding_shortcut_subsamples_and_adds_zero_channels():
    inputs = keras.Input((6, 6, 4))
    model = keras.Model(inputs, residual_block(inputs, 8, stride=2, shortcut="padding", name="b"))
    gamma, beta, mean, var = model.get_layer("b_2_bn").get_weights()
    model.get_layer("b_2_bn").set_weights([np.zeros_like(gamma), beta, mean, var])
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 4)).astype("float32")
    expected = np.pad(np.maximum(x[:, ::2, ::2, :], 0), ((0, 0), (0, 0), (0, 0), (2, 2)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-6)


def test_projection_and_bottleneck_blocks():
    inputs = keras.Input((8, 8, 16))
    out = residual_block(inputs, 32, stride=2, name="p")
    model = keras.Model(inputs, out)
    projection = model.get_layer("p_0_conv")
    assert projection.kernel_size == (1, 1) and projection.strides == (2, 2)
    assert tuple(out.shape) == (None, 4, 4, 32)
    block = keras.Model(inputs, residual_block(inputs, 16, bottleneck=True, name="k"))
    assert block.output_shape == (None, 8, 8, 64)
    assert [c.kernel_size for c in _layers_of(block, keras.layers.Conv2D)] == [
        (1, 1), (3, 3), (1, 1), (1, 1)
    ]  # fmt: skip
    plain = keras.Model(inputs, residual_block(inputs, 32, stride=2, plain=True))
    assert len(_layers_of(plain, keras.layers.Conv2D)) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"depth": 21}, ValueError, "`depth` must be of the form 6n \\+ 2"),
        ({"depth": 20.0}, TypeError, "`depth` must be an int"),
        ({"depth": 20, "stem": "paper"}, ValueError, "`depth` must be one of"),
        ({"depth": "50", "stem": "paper"}, TypeError, "`depth` must be one of"),
        ({"depth": 8, "stem": "tiny"}, ValueError, "`stem` must be one of"),
        ({"depth": 8, "stem": 1}, TypeError, "`stem` must be one of"),
        ({"depth": 8, "plain": 1}, TypeError, "`plain` must be True or False"),
        ({"depth": 8, "shortcut": "zeros"}, ValueError, "`shortcut` must be one of"),
        ({"depth": 8, "init_filters": 0}, ValueError, "`init_filters` must be an int >= 1"),
        ({"depth": 8, "init_filters": 8.0}, TypeError, "`init_filters` must be an int >= 1"),
        ({"depth": 8, "num_classes": 1}, ValueError, "`num_classes` must be an int >= 2"),
        ({"depth": 8, "input_shape": (28, 28)}, ValueError, "`input_shape` must be"),
        ({"depth": 8, "classifier_activation": "softmaxx"}, ValueError, "`classifier_activation`"),
        ({"depth": 8, "classifier_activation": 1}, TypeError, "`classifier_activation`"),
        ({"depth": 8, "name": 5}, TypeError, "`name` must be a non-empty str or None"),
    ],
)
def test_bad_arguments_raise_before_building(kwargs, error, message):
    kwargs = {"input_shape": (28, 28, 1), "num_classes": 10, **kwargs}
    with pytest.raises(error, match=message):
        resnet(**kwargs)


def test_residual_block_bad_arguments():
    inputs = keras.Input((8, 8, 16))
    with pytest.raises(ValueError, match="`stride` must be an int between 1 and 2"):
        residual_block(inputs, 16, stride=3)
    with pytest.raises(ValueError, match="`filters` must be an int >= 1"):
        residual_block(inputs, 0)
    with pytest.raises(TypeError, match="`filters` must be an int >= 1"):
        residual_block(inputs, "16")
    with pytest.raises(TypeError, match="`bottleneck` must be True or False"):
        residual_block(inputs, 16, bottleneck="yes")
    with pytest.raises(TypeError, match="`name` must be a non-empty str or None"):
        residual_block(inputs, 16, name=3)
    with pytest.raises(ValueError, match='use shortcut="projection"'):
        residual_block(inputs, 8, stride=2, shortcut="padding")


def test_module_imports_only_keras_and_the_standard_library():
    tree = ast.parse(Path(resnet_module.__file__).read_text())
    roots = {
        (alias.name if isinstance(node, ast.Import) else node.module).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert roots - set(sys.stdlib_module_names) == {"keras"}


def test_the_file_runs_when_copied_alone(tmp_path):
    """The file copied alone builds the package's network, with `cnnkit` not importable.

    It runs in this process (Keras is already imported here) through the blocker of
    tests/test_models_standalone.py, not in a second Python that imports Keras again.
    """
    from test_models_standalone import _without_cnnkit

    copy = tmp_path / "resnet.py"
    shutil.copy(resnet_module.__file__, copy)
    spec = importlib.util.spec_from_file_location("standalone_resnet", copy)
    module = importlib.util.module_from_spec(spec)
    with _without_cnnkit():
        spec.loader.exec_module(module)
        model = shapeless(module.resnet, (28, 28, 1), 10, depth=8)
    assert model.output_shape == (None, 10)
    assert model.count_params() == shapeless(resnet, (28, 28, 1), 10, depth=8).count_params()


def test_the_old_width_keyword_still_works_with_a_deprecation_warning():
    with pytest.warns(PendingDeprecationWarning, match="`width` is now `init_filters`"):
        old = shapeless(resnet, (28, 28, 1), 10, depth=8, width=4)
    new = shapeless(resnet, (28, 28, 1), 10, depth=8, init_filters=4)
    assert old.count_params() == new.count_params()
