"""The graph of a Keras model: which layer feeds which, read from the model's config.

A functional model's ``get_config()`` lists every operation (layers, and the ``keras.ops``
calls such as the zero padding of a residual shortcut) with the tensors it was called on
(``inbound_nodes``, each tensor named by the ``keras_history`` of the layer that made it).
:func:`layer_graph` turns that into nodes and edges, the public, serialisable description of
the connections that ``keras.saving`` itself relies on. :func:`group_units` contracts each
convolution with its batch normalisation and activation into one node. The block diagrams of
:mod:`cnnkit.viz.diagrams` and the block checkers of :mod:`cnnkit.exercises.architectures`
read it.

Example:
    >>> import keras
    >>> from cnnkit.models import residual_block
    >>> x = keras.Input((8, 8, 16), name="x")
    >>> graph = layer_graph(keras.Model(x, residual_block(x, 16, name="b")))
    >>> graph.parents("b_add")     # the shortcut (the input itself) and the residual branch
    ('x', 'b_2_bn')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras

from cnnkit._validate import type_name

__all__ = ["LayerGraph", "group_units", "layer_graph"]


@dataclass(frozen=True)
class LayerGraph:
    """Nodes (operation names, inputs first, in the model's topological order) and edges.

    Attributes:
        nodes: the names of the operations, inputs first.
        edges: ``(source, target)`` pairs, one per tensor a node is called on, in the order
            of the call's arguments (``Add([shortcut, y])`` gives the shortcut's edge first).
        operations: name -> the Keras layer or operation.
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    operations: dict[str, Any] = field(repr=False, compare=False)

    def parents(self, name: str) -> tuple[str, ...]:
        """The nodes whose outputs ``name`` is called on, in argument order."""
        return tuple(s for s, t in self.edges if t == name)

    def children(self, name: str) -> tuple[str, ...]:
        """The nodes called on the output of ``name``."""
        return tuple(t for s, t in self.edges if s == name)

    def inputs(self) -> tuple[str, ...]:
        """The nodes without parents (the model's inputs)."""
        return tuple(n for n in self.nodes if not self.parents(n))


def _histories(value: Any) -> list[str]:
    """The producing layer of every Keras tensor in a serialised call argument."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            return [value["config"]["keras_history"][0]]
        return [n for v in value.values() for n in _histories(v)]
    if isinstance(value, (list, tuple)):
        return [n for v in value for n in _histories(v)]
    return []


def layer_graph(model: keras.Model) -> LayerGraph:
    """The operations of ``model`` and the connections between them.

    Args:
        model: a functional ``keras.Model`` (a block wrapped as
            ``keras.Model(inputs, block(inputs, ...))``) or a built ``keras.Sequential``
            (a chain). Each operation must be called once in the model.

    Returns:
        A :class:`LayerGraph`.

    Raises:
        TypeError: ``model`` is not a ``keras.Model``.
        ValueError: a layer is called more than once inside the model (shared layers).

    Example:
        >>> import keras
        >>> from cnnkit.models import inception_block
        >>> x = keras.Input((28, 28, 192), name="x")
        >>> g = layer_graph(keras.Model(x, inception_block(x, 64, 96, 128, 16, 32, 32, name="i")))
        >>> g.parents("i_output")      # the branches, in the order they are concatenated
        ('i_1x1', 'i_3x3', 'i_5x5', 'i_pool_proj')
        >>> sorted(g.children("x"))
        ['i_1x1', 'i_3x3_reduce', 'i_5x5_reduce', 'i_pool']
        >>> len(g.nodes), len(g.edges)
        (9, 11)
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"`model` must be a keras.Model, got {type_name(model)}. Wrap a block "
                        "as keras.Model(inputs, block(inputs, ...)).")
    if isinstance(model, keras.Sequential):
        ops = list(model.layers)
        first = model.inputs[0]._keras_history[0] if model.inputs else None
        chain = ([first] if first is not None else []) + ops
        operations = {op.name: op for op in chain}
        names = tuple(operations)
        return LayerGraph(names, tuple(zip(names, names[1:], strict=False)), operations)
    operations = {op.name: op for op in model.operations}
    nodes, edges = [], []
    for entry in model.get_config()["layers"]:
        calls = entry["inbound_nodes"]
        if len(calls) > 1:
            raise ValueError(f"layer {entry['name']!r} is called {len(calls)} times in the "
                             "model; layer_graph needs each layer called once.")
        nodes.append(entry["name"])
        edges += [(source, entry["name"]) for call in calls for source in _histories(call)]
    return LayerGraph(tuple(nodes), tuple(edges), operations)


def _chains(graph: LayerGraph) -> list[list[str]]:
    """Maximal runs of layers, each the only child of the one before and its only input."""
    def alone(node: str) -> bool:  # inputs and merges never join a run
        return len(graph.parents(node)) != 1 or isinstance(
            graph.operations[node], (keras.layers.Add, keras.layers.Concatenate))

    chains: list[list[str]] = []
    chain_of: dict[str, list[str]] = {}
    for node in graph.nodes:
        parent = graph.parents(node)[0] if len(graph.parents(node)) == 1 else None
        if (not alone(node) and parent is not None and not alone(parent)
                and len(graph.children(parent)) == 1):
            chain_of[node] = chain_of[parent]
            chain_of[node].append(node)
        else:
            chain_of[node] = [node]
            chains.append(chain_of[node])
    return chains


def group_units(graph: LayerGraph) -> tuple[LayerGraph, dict[str, list[Any]]]:
    """Contract each convolution and the normalisation / activation layers beside it.

    In a run of layers that starts with a convolution (ResNet: conv, BN, ReLU) a unit is a
    convolution and the layers after it; otherwise (DenseNet: BN, ReLU, conv) the layers
    before it and the convolution. Inputs, merges and layers outside such runs stay alone.

    Returns:
        ``(graph, units)``: the contracted graph (a unit is named by its layers' names joined
        by ``+``) and, for each unit, its layers in order.

    Example:
        >>> from cnnkit.models import dense_block
        >>> x = keras.Input((8, 8, 16), name="x")
        >>> g, units = group_units(layer_graph(keras.Model(x, dense_block(x, 1, 12, name="d"))))
        >>> [len(units[n]) for n in g.nodes]     # input, BN-ReLU-conv twice, concatenation
        [1, 3, 3, 1]
        >>> g.nodes[1]
        'd_layer1_bn1+d_layer1_relu1+d_layer1_conv1'
    """
    ops = graph.operations
    units: list[list[str]] = []
    for chain in _chains(graph):
        convs = [isinstance(ops[n], keras.layers.Conv2D) for n in chain]
        if not any(convs) or len(chain) == 1:
            units += [[n] for n in chain]
            continue
        current: list[str] = []
        for name, is_conv in zip(chain, convs, strict=True):
            if convs[0] and is_conv and current:  # conv first: a conv opens a unit
                units.append(current)
                current = []
            current.append(name)
            if not convs[0] and is_conv:  # norm first: a conv closes a unit
                units.append(current)
                current = []
        units += [[n] for n in current] if not convs[0] else [current] if current else []
    owner = {n: "+".join(u) for u in units for n in u}
    edges = tuple((owner[s], owner[t]) for s, t in graph.edges if owner[s] != owner[t])
    names = tuple("+".join(u) for u in units)
    members = {"+".join(u): [ops[n] for n in u] for u in units}
    return LayerGraph(names, edges, {n: m[0] for n, m in members.items()}), members
