"""Block diagrams: the boxes and arrows drawn are the model's layers and connections."""

from __future__ import annotations

import io
import itertools

import keras
import pytest
from matplotlib.text import Annotation

import cnnkit
from cnnkit.layer_graph import group_units, layer_graph
from cnnkit.models import dense_block, inception_block, residual_block
from cnnkit.viz.diagrams import draw_block, layer_label, layout


def _block(shape, build):
    x = keras.Input(shape, name="entrada")
    return keras.Model(x, build(x))


BLOCKS = {
    "inception": lambda: _block((28, 28, 192), lambda x: inception_block(
        x, 64, 96, 128, 16, 32, 32, name="inception_3a")),
    "basic": lambda: _block((56, 56, 64), lambda x: residual_block(x, 64, name="b")),
    "projection": lambda: _block((56, 56, 64), lambda x: residual_block(
        x, 128, stride=2, name="b")),
    "padding": lambda: _block((56, 56, 64), lambda x: residual_block(
        x, 128, stride=2, shortcut="padding", name="b")),
    "bottleneck": lambda: _block((56, 56, 256), lambda x: residual_block(
        x, 64, bottleneck=True, name="b")),
    "bottleneck_projection": lambda: _block((56, 56, 64), lambda x: residual_block(
        x, 64, bottleneck=True, name="b")),
    "dense": lambda: _block((56, 56, 64), lambda x: dense_block(x, 3, 12, name="d")),
}


def _edges_from_nodes(model):
    """The oracle: edges read from Keras's own node objects, not from the config."""
    edges = set()
    for op in model.operations:
        for node in op._inbound_nodes:
            edges |= {(parent.operation.name, op.name) for parent in node.parent_nodes}
    return edges


@pytest.fixture(scope="module", params=list(BLOCKS))
def drawn(request, spanish):
    model = BLOCKS[request.param]()
    cnnkit.set_language("es")
    fig = draw_block(model, title="Bloque de prueba")
    yield request.param, model, fig
    import matplotlib.pyplot as plt

    plt.close(fig)


@pytest.fixture(scope="module")
def spanish():
    cnnkit.set_language("es")
    yield
    cnnkit.set_language("en")


def _boxes(fig):
    return {t.get_gid(): t for t in fig.axes[0].texts if not isinstance(t, Annotation)}


def _arrows(fig):
    return {t.get_gid(): t for t in fig.axes[0].texts
            if isinstance(t, Annotation) and not t.get_gid().endswith(":bend")}


def test_one_box_per_operation_and_one_arrow_per_connection(drawn):
    _, model, fig = drawn
    assert set(_boxes(fig)) == {op.name for op in model.operations}
    edges = _edges_from_nodes(model)
    assert set(layer_graph(model).edges) == edges
    assert {tuple(g.split("->")) for g in _arrows(fig)} == edges
    for gid, arrow in _arrows(fig).items():  # each arrow ends at its target's box
        assert arrow.xy == _boxes(fig)[gid.split("->")[1]].get_position()


def test_no_text_overlaps_and_everything_is_inside_the_figure(drawn):
    _, _, fig = drawn
    fig.draw_without_rendering()
    patches = [t.get_bbox_patch().get_window_extent() for t in _boxes(fig).values()]
    for a, b in itertools.combinations(patches, 2):
        assert not a.overlaps(b)
    title = fig.axes[0].title.get_window_extent()
    assert not any(title.overlaps(p) for p in patches)
    frame = fig.bbox
    assert all(frame.x0 <= p.x0 and p.x1 <= frame.x1 and frame.y0 <= p.y0 and p.y1 <= frame.y1
               for p in [*patches, title])


def test_png_at_the_notebook_dpi_is_small(drawn):
    _, _, fig = drawn
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    assert 5_000 < buffer.tell() < 150_000


def test_spanish_labels(drawn):
    name, _, fig = drawn
    first = {g: t.get_text().split("\n")[0] for g, t in _boxes(fig).items()}
    assert first["entrada"] == "Entrada"
    if name == "inception":
        assert sorted(first.values()) == sorted([
            "Entrada", "Convolución 1x1, 64 + ReLU", "Convolución 1x1, 96 + ReLU",
            "Convolución 3x3, 128 + ReLU", "Convolución 1x1, 16 + ReLU",
            "Convolución 5x5, 32 + ReLU", "Pooling máximo 3x3, paso 1",
            "Convolución 1x1, 32 + ReLU", "Concatenar"])
        assert _boxes(fig)["inception_3a_output"].get_text() == "Concatenar\n28x28x256"
    elif name == "projection":
        assert first["b_1_conv"] == "Convolución 3x3, 128, paso 2"
        assert first["b_0_conv"] == "Convolución 1x1, 128, paso 2"
        assert first["b_add"] == "Suma" and first["b_1_bn"] == "Norm. por lotes"
    elif name == "padding":
        assert "Relleno con ceros (canales)" in first.values()
    elif name == "dense":
        assert first["d_layer3_concat"] == "Concatenar"


def test_residual_main_path_goes_straight_down_and_the_shortcut_runs_right():
    graph = layer_graph(BLOCKS["projection"]())
    positions, bends = layout(graph)
    main = ["entrada", "b_1_conv", "b_1_bn", "b_1_relu", "b_2_conv", "b_2_bn", "b_add", "b_out"]
    assert {positions[n][0] for n in main} == {0.0}
    assert [positions[n][1] for n in main] == list(range(8))
    assert positions["b_0_conv"] == (1.0, 1)
    assert [c for c, _ in bends[("b_0_bn", "b_add")]] == [1.0, 1.0, 1.0]


def test_inception_branches_side_by_side_in_concatenation_order():
    graph = layer_graph(BLOCKS["inception"]())
    positions, _ = layout(graph)
    order = ["inception_3a_1x1", "inception_3a_3x3_reduce", "inception_3a_5x5_reduce",
             "inception_3a_pool"]
    assert [positions[n] for n in order] == [(-1.5, 1), (-0.5, 1), (0.5, 1), (1.5, 1)]
    assert positions["inception_3a_output"] == (0.0, 3)


def test_english_labels_for_library_users():
    cnnkit.set_language("en")
    assert layer_label(keras.layers.Add()) == "Add"
    assert layer_label(keras.layers.BatchNormalization()) == "Batch norm"
    assert layer_label(keras.layers.Dense(10, activation="softmax")) == "Dense, 10 + softmax"


def test_bad_input():
    with pytest.raises(TypeError, match="keras.Model"):
        draw_block("resnet")


@pytest.mark.parametrize("name", list(BLOCKS))
def test_grouped_boxes_cover_every_layer_once_and_arrows_join_the_groups(name, spanish):
    model = BLOCKS[name]()
    fig = draw_block(model, group=True)
    boxes = _boxes(fig)
    members = [m for gid in boxes for m in gid.split("+")]
    assert sorted(members) == sorted(op.name for op in model.operations)
    owner = {m: gid for gid in boxes for m in gid.split("+")}
    expected = {(owner[s], owner[t]) for s, t in _edges_from_nodes(model) if owner[s] != owner[t]}
    assert {tuple(g.split("->")) for g in _arrows(fig)} == expected
    _, units = group_units(layer_graph(model))
    for unit in units.values():  # at most one convolution per box
        assert sum(isinstance(op, keras.layers.Conv2D) for op in unit) <= 1
    fig.draw_without_rendering()
    patches = [t.get_bbox_patch().get_window_extent() for t in boxes.values()]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(patches, 2))


def test_grouping_follows_resnet_and_densenet_orders(spanish):
    cnnkit.set_language("es")
    basic = _boxes(draw_block(BLOCKS["projection"](), group=True))
    assert "b_1_conv+b_1_bn+b_1_relu" in basic and "b_2_conv+b_2_bn" in basic
    assert basic["b_1_conv+b_1_bn+b_1_relu"].get_text().split("\n")[0] == (
        "Convolución 3x3, 128, paso 2 · Norm. por lotes · ReLU")
    dense = _boxes(draw_block(BLOCKS["dense"](), group=True))
    assert "d_layer1_bn1+d_layer1_relu1+d_layer1_conv1" in dense and len(dense) == 1 + 3 * 3
