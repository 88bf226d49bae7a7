"""Writing a network as an ONNX model: one or two ONNX operators per deltaprop layer.

deltaprop is batch-first with ``W`` of shape (n_in, n_out), so a Dense layer is ONNX's
``Gemm(x, W, b)`` without transposition; Conv2D's (filters, channels, kh, kw) is ONNX's
layout already. Parameters are written as float32; the batch dimension is dynamic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ..core.layers import Layer
from ..core.network import Network
from ..utils.fileio import atomic_write

OPSET = 21
IR_VERSION = 10  # what the opset needs; ONNX Runtime reads it
INPUT, OUTPUT = "input", "output"


class _Graph:
    """Nodes and initializers, each layer appending what it becomes."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.weights: list[onnx.TensorProto] = []

    def weight(self, name: str, value: np.ndarray, dtype: type = np.float32) -> str:
        self.weights.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: Sequence[str], output: str, **attributes: Any) -> str:
        self.nodes.append(helper.make_node(op, list(inputs), [output], name=output, **attributes))
        return output


def _dense(g: _Graph, layer: Layer, x: str, name: str) -> str:
    W, b = g.weight(f"{name}.W", layer.params["W"]), g.weight(f"{name}.b", layer.params["b"])
    return g.node("Gemm", [x, W, b], name)


def _maxout(g: _Graph, layer: Layer, x: str, name: str) -> str:
    W = g.weight(f"{name}.W", layer.params["W"])  # (pieces, n_in, n_out)
    b = g.weight(f"{name}.b", np.asarray(layer.params["b"])[:, None, :])  # (pieces, 1, n_out)
    z = g.node("Add", [g.node("MatMul", [x, W], f"{name}.xW"), b], f"{name}.z")
    axes = g.weight(f"{name}.axes", np.array([0]), np.int64)
    return g.node("ReduceMax", [z, axes], name, keepdims=0)


def _conv(g: _Graph, layer: Layer, x: str, name: str) -> str:
    W, b = g.weight(f"{name}.W", layer.params["W"]), g.weight(f"{name}.b", layer.params["b"])
    (ph, pw), stride = layer.pad, list(layer.stride)  # type: ignore[attr-defined]
    return g.node("Conv", [x, W, b], name, strides=stride, pads=[ph, pw, ph, pw])


def _pool(op: str) -> Callable[[_Graph, Layer, str, str], str]:
    def pool(g: _Graph, layer: Layer, x: str, name: str) -> str:
        size, stride = list(layer.size), list(layer.stride)  # type: ignore[attr-defined]
        return g.node(op, [x], name, kernel_shape=size, strides=stride)

    return pool


def _reshape(g: _Graph, layer: Layer, x: str, name: str) -> str:
    shape = g.weight(f"{name}.shape", np.array([-1, *layer.shape]), np.int64)  # type: ignore[attr-defined]
    return g.node("Reshape", [x, shape], name)


def _simple(op: str, **attributes: Any) -> Callable[[_Graph, Layer, str, str], str]:
    return lambda g, layer, x, name: g.node(op, [x], name, **attributes)


WRITERS: dict[str, Callable[[_Graph, Layer, str, str], str]] = {
    "dense": _dense,
    "maxout": _maxout,
    "conv2d": _conv,
    "maxpool2d": _pool("MaxPool"),
    "avgpool2d": _pool("AveragePool"),
    "flatten": _simple("Flatten", axis=1),
    "reshape": _reshape,
    "dropout": _simple("Identity"),  # inference: dropout does nothing
    "sigmoid": _simple("Sigmoid"),
    "tanh": _simple("Tanh"),
    "relu": _simple("Relu"),
    "softmax": _simple("Softmax", axis=-1),
    "identity": _simple("Identity"),
}
"""How each layer type (by its registered name) becomes ONNX operators."""


def to_model(network: Network, classes: Sequence[str] | None = None) -> onnx.ModelProto:
    """The network as an ONNX model (checked by ``onnx.checker`` in full).

    Parameters
    ----------
    network : Network
        The network.
    classes : sequence of str, optional
        Class names, stored in the model's metadata.

    Returns
    -------
    onnx.ModelProto
        The model, in memory.

    Examples
    --------
    >>> from deltaprop.onnx import to_model
    >>> from deltaprop import Network
    >>> model = to_model(Network.from_sizes([4, 3, 2]))
    >>> [node.op_type for node in model.graph.node]
    ['Gemm', 'Sigmoid', 'Gemm', 'Softmax', 'Identity']
    """
    if network.input_shape is None or any(
        "W" not in layer.params for layer in network.layers if layer.param_shapes()
    ):
        raise ValueError("the network is not built yet: give it an input shape or train it first")
    g = _Graph()
    x = INPUT
    for i, layer in enumerate(network.layers):
        name = f"layers.{i}.{layer.name}"
        if layer.name == "leaky_relu":
            x = g.node("LeakyRelu", [x], name, alpha=layer.slope)  # type: ignore[attr-defined]
        elif layer.name in WRITERS:
            x = WRITERS[layer.name](g, layer, x, name)
        else:
            raise ValueError(
                f"layer {layer!r} has no ONNX form; ONNX export knows "
                f"{', '.join(sorted([*WRITERS, 'leaky_relu']))}"
            )
    g.nodes.append(helper.make_node("Identity", [x], [OUTPUT], name=OUTPUT))
    graph = helper.make_graph(
        g.nodes,
        "deltaprop",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["batch", *network.input_shape])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", network.n_out])],
        g.weights,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="deltaprop",
        ir_version=IR_VERSION,
    )
    metadata = {"deltaprop_config": json.dumps(network.get_config())}
    if classes is not None:
        metadata["classes"] = json.dumps([str(c) for c in classes])
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model, full_check=True)
    return model


def export(network: Network, path: str | Path, *, classes: Sequence[str] | None = None) -> None:
    """Write ``network`` to ``path`` as an ONNX model (atomically).

    The input is named ``"input"`` (batch × the network's input shape), the output
    ``"output"``; the architecture (``get_config``) and ``classes``, if given, go into the
    model's metadata, so :func:`deltaprop.onnx.load` rebuilds the same network.

    Parameters
    ----------
    network : Network
        The network to write.
    path : str or Path
        The ``.onnx`` file.
    classes : sequence of str, optional
        Class names, stored in the model's metadata.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.onnx import export
    >>> import pathlib, tempfile
    >>> import onnxruntime
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.onnx"
    >>> export(net, path, classes=["no", "yes"])
    >>> x = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    >>> (out,) = onnxruntime.InferenceSession(path).run(None, {"input": x})
    >>> bool(np.allclose(out, net.forward(x), atol=1e-5))
    True
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory: give a file name such as model.onnx")
    data = to_model(network, classes).SerializeToString()
    with atomic_write(path) as handle:
        handle.write(data)
