"""Reading an ONNX model into a deltaprop Network.

A model that deltaprop exported carries its architecture in its metadata and comes back
as the same network with bit-equal parameters. Any other model (PyTorch's exporter, for
one) is read operator by operator, in graph order, as a chain of the layers deltaprop
has; weight layouts are converted explicitly (PyTorch's Linear stores W as (out, in),
exported as ``Gemm`` with ``transB=1``; deltaprop stores (in, out)). Reading parses the
protobuf only: nothing in the file is executed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from google.protobuf.message import DecodeError
from onnx import helper, numpy_helper

from ..core.layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    Identity,
    Layer,
    LeakyReLU,
    MaxPool2D,
    ReLU,
    Reshape,
    Sigmoid,
    Softmax,
    Tanh,
)
from ..core.network import Network

KNOWN = (
    "Gemm",
    "MatMul",
    "Add",
    "Conv",
    "MaxPool",
    "AveragePool",
    "Flatten",
    "Reshape",
    "Relu",
    "Sigmoid",
    "Tanh",
    "LeakyRelu",
    "Softmax",
    "Identity",
    "Dropout",
    "ReduceMax",
)


class ONNXImportError(ValueError):
    """An ONNX file deltaprop cannot read, or a model it cannot represent.

    Examples
    --------
    >>> from deltaprop.onnx import ONNXImportError
    >>> import pathlib, tempfile
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "model.onnx"
    >>> _ = bad.write_bytes(b"not onnx")
    >>> try:
    ...     load(bad)
    ... except ONNXImportError as error:
    ...     print("model.onnx" in str(error))
    True
    """


def read(path: str | Path) -> onnx.ModelProto:
    """Parse and check an ONNX file; a clear error for anything that is not one."""
    path = Path(path)
    try:
        model = onnx.load(str(path), load_external_data=False)
        onnx.checker.check_model(model)
    except (DecodeError, onnx.checker.ValidationError, ValueError) as err:
        raise ONNXImportError(f"{path}: not a valid ONNX model ({err})") from None
    if not model.graph.node:
        raise ONNXImportError(f"{path}: not a valid ONNX model (its graph is empty)")
    return model


def load(path: str | Path) -> Network:
    """Load an ONNX model (see the module docstring) as a float32 :class:`Network`.

    Parameters
    ----------
    path : str or Path
        The ``.onnx`` file.

    Returns
    -------
    Network
        A float32 network with the model's parameters.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.onnx import export, load
    >>> import pathlib, tempfile
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([4, 3, 2])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.onnx"
    >>> export(net, path)
    >>> back = load(path)
    >>> x = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    >>> bool((back.forward(x) == net.forward(x)).all())
    True
    """
    model = read(path)
    props = {p.key: p.value for p in model.metadata_props}
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    if "deltaprop_config" in props:
        return _own(props["deltaprop_config"], weights, path)
    return _foreign(model, weights, path)


def _own(config: str, weights: dict[str, np.ndarray], path: str | Path) -> Network:
    network = Network.from_config(json.loads(config))
    for i, layer in enumerate(network.layers):
        for key in layer.params:
            value = weights[f"layers.{i}.{layer.name}.{key}"]
            layer.params[key][...] = value.reshape(layer.params[key].shape)
    return network


def _attributes(node: onnx.NodeProto) -> dict[str, Any]:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _unsupported(node: onnx.NodeProto, what: str) -> ONNXImportError:
    return ONNXImportError(f"ONNX node {node.name or node.op_type!r}: {what}")


class _Chain:
    """Walks a single-input chain of nodes, turning each into deltaprop layers."""

    def __init__(self, model: onnx.ModelProto, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.layers: list[Layer] = []
        self.values: list[tuple[Layer, dict[str, np.ndarray]]] = []  # set once the net is built
        self.pending: Dense | None = None  # a MatMul waiting for its Add (the bias)

    def weight(self, node: onnx.NodeProto, name: str) -> np.ndarray:
        if name not in self.weights:
            raise _unsupported(node, f"input {name!r} is computed, not a stored weight")
        return self.weights[name]

    def dense(self, W: np.ndarray, b: np.ndarray | None) -> Dense:
        layer = Dense(W.shape[0], W.shape[1])
        self.values.append((layer, {"W": W, "b": np.zeros(W.shape[1]) if b is None else b}))
        return layer

    def add(self, node: onnx.NodeProto) -> None:
        op, attrs = node.op_type, _attributes(node)
        if op != "Add" and self.pending is not None:
            self.layers.append(self.pending)
            self.pending = None
        if op == "Gemm":
            if (
                attrs.get("alpha", 1.0) != 1.0
                or attrs.get("beta", 1.0) != 1.0
                or attrs.get("transA")
            ):
                raise _unsupported(node, "Gemm with alpha, beta or transA is not a Dense layer")
            W = self.weight(node, node.input[1])
            W = W.T if attrs.get("transB") else W  # PyTorch's (out, in) to deltaprop's (in, out)
            b = self.weight(node, node.input[2]) if len(node.input) > 2 else None
            self.layers.append(self.dense(W, b))
        elif op == "MatMul":
            self.pending = self.dense(self.weight(node, node.input[1]), None)
        elif op == "Add":
            if self.pending is None:
                raise _unsupported(node, "an Add that is not the bias of a MatMul")
            self.values[-1][1]["b"] = self.weight(node, node.input[1])
            self.layers.append(self.pending)
            self.pending = None
        elif op == "Conv":
            W = self.weight(node, node.input[1])
            if attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1, 1])):
                raise _unsupported(node, "Conv with groups or dilation")
            pads = attrs.get("pads", [0, 0, 0, 0])
            if pads[:2] != pads[2:] or attrs.get("auto_pad", b"NOTSET") not in (
                b"NOTSET",
                "NOTSET",
            ):
                raise _unsupported(node, f"Conv with uneven padding {pads}")
            layer = Conv2D(
                W.shape[1],
                W.shape[0],
                W.shape[2:],
                attrs.get("strides", [1, 1]),
                (pads[0], pads[1]),
            )
            b = self.weight(node, node.input[2]) if len(node.input) > 2 else np.zeros(W.shape[0])
            self.values.append((layer, {"W": W, "b": b}))
            self.layers.append(layer)
        elif op in ("MaxPool", "AveragePool"):
            if any(attrs.get("pads", [0])) or attrs.get("ceil_mode", 0):
                raise _unsupported(node, f"{op} with padding or ceil_mode")
            kind = MaxPool2D if op == "MaxPool" else AvgPool2D
            self.layers.append(kind(attrs["kernel_shape"], attrs.get("strides")))
        elif op == "Flatten":
            if attrs.get("axis", 1) != 1:
                raise _unsupported(node, "Flatten must keep the batch axis (axis=1)")
            self.layers.append(Flatten())
        elif op == "Reshape":
            shape = [int(s) for s in self.weight(node, node.input[1])]
            if shape[0] not in (-1, 0):
                raise _unsupported(node, f"Reshape to {shape} changes the batch size")
            self.layers.append(Flatten() if shape[1:] == [-1] else Reshape(shape[1:]))
        elif op == "Softmax":
            if attrs.get("axis", -1) not in (-1, 1):
                raise _unsupported(node, "Softmax over another axis than the classes")
            self.layers.append(Softmax())
        elif op == "LeakyRelu":
            self.layers.append(LeakyReLU(attrs.get("alpha", 0.01)))
        elif op in ("Relu", "Sigmoid", "Tanh"):
            self.layers.append({"Relu": ReLU, "Sigmoid": Sigmoid, "Tanh": Tanh}[op]())
        elif op in ("Identity", "Dropout"):
            pass  # nothing at inference
        else:
            raise _unsupported(
                node, f"operator {op!r} is not supported; deltaprop imports {', '.join(KNOWN)}"
            )


def _foreign(model: onnx.ModelProto, weights: dict[str, np.ndarray], path: str | Path) -> Network:
    inputs = [i for i in model.graph.input if i.name not in weights]
    if len(inputs) != 1:
        raise ONNXImportError(f"{path}: expected one input, found {len(inputs)}")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim[1:]]
    if not dims or any(d <= 0 for d in dims):
        raise ONNXImportError(f"{path}: the input's shape {dims} is not fixed (beyond the batch)")
    chain = _Chain(model, weights)
    current = inputs[0].name
    for node in model.graph.node:
        if node.op_type == "Constant":
            weights[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
            continue
        data_inputs = [name for name in node.input if name and name not in weights]
        if data_inputs != [current]:
            raise _unsupported(node, "the graph is not a single chain of layers")
        chain.add(node)
        current = node.output[0]
    if chain.pending is not None:
        chain.layers.append(chain.pending)
    if not chain.layers:
        raise ONNXImportError(f"{path}: no layer found in the model")
    last = chain.layers[-1]
    matched: dict[type, str] = {Softmax: "log_likelihood", Sigmoid: "cross_entropy"}
    cost = matched.get(type(last), "quadratic")
    if not isinstance(last, (Softmax, Sigmoid, Identity)):
        chain.layers.append(Identity())  # the quadratic cost's matched output
    network = Network(chain.layers, cost, input_shape=tuple(dims))
    for layer, values in chain.values:
        for key, value in values.items():
            if value.size != layer.params[key].size:
                raise ONNXImportError(f"{path}: {key} of {layer!r} has shape {value.shape}")
            layer.params[key][...] = value.reshape(layer.params[key].shape)
    return network
