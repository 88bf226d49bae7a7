"""ONNX export checked by onnx.checker and ONNX Runtime; import of own and PyTorch models."""

from __future__ import annotations

import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper  # noqa: E402

from deltaprop import Network  # noqa: E402
from deltaprop.core.layers import (  # noqa: E402
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Identity,
    LeakyReLU,
    Maxout,
    MaxPool2D,
    ReLU,
    Reshape,
    Sigmoid,
    Softmax,
    Tanh,
)
from deltaprop.core.spec import parse_layers  # noqa: E402
from deltaprop.datasets import load_mnist_sample  # noqa: E402
from deltaprop.onnx import ONNXImportError, export, load  # noqa: E402

RNG = np.random.default_rng(0)

NETWORKS = {
    "dense, sigmoid, tanh, softmax": lambda: Network(
        [Dense(6, 5), Sigmoid(), Dense(5, 4), Tanh(), Dense(4, 3), Softmax()], input_shape=(6,)
    ),
    "relu, leaky relu, identity": lambda: Network(
        [Dense(6, 5), ReLU(), Dense(5, 4), LeakyReLU(0.2), Dense(4, 2), Identity()]
    ),
    "maxout, dropout, sigmoid output": lambda: Network(
        [Maxout(6, 5, pieces=3), Dropout(0.3), Dense(5, 1), Sigmoid()]
    ),
    "reshape, conv stride 2 padding 1, max and avg pool, flatten": lambda: Network(
        [
            Reshape((1, 12, 12)),
            Conv2D(1, 3, 3, stride=2, padding=1),
            ReLU(),
            MaxPool2D(2),
            Conv2D(3, 4, 3, padding="same"),
            AvgPool2D(3, stride=1),
            Flatten(),
            Dense(4, 3),
            Softmax(),
        ]
    ),
}


def runtime(path, x):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": x.astype(np.float32)})[0]


@pytest.mark.parametrize("name", list(NETWORKS))
def test_onnx_runtime_computes_what_deltaprop_computes(name, tmp_path):
    net = NETWORKS[name]()
    path = tmp_path / "model.onnx"
    export(net, path)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    for batch in (1, 7):  # a dynamic batch dimension
        x = RNG.random((batch, *net.input_shape)).astype(np.float32)
        np.testing.assert_allclose(runtime(path, x), net.predict_proba(x), atol=1e-5, rtol=1e-5)


def test_own_models_come_back_with_bit_equal_parameters_and_metadata(tmp_path):
    net = NETWORKS["maxout, dropout, sigmoid output"]()
    export(net, tmp_path / "m.onnx", classes=["no", "yes"])
    model = onnx.load(tmp_path / "m.onnx")
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["classes"]) == ["no", "yes"]
    assert json.loads(props["deltaprop_config"]) == net.get_config()
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    back = load(tmp_path / "m.onnx")
    assert back.get_config() == net.get_config()
    pairs = zip(net.named_parameters(), back.named_parameters(), strict=True)
    for (name, p, _), (_, q, _) in pairs:
        assert np.array_equal(p, q), name


def trained(spec: str, epochs: int) -> tuple[Network, np.ndarray]:
    (X, y), (X_test, _) = load_mnist_sample(1000, 200, seed=0)
    net = Network(parse_layers(spec, 784, image_shape=(28, 28)), seed=0)
    net.fit(X, y, epochs=epochs, batch_size=20, eta=0.1, seed=0)
    return net, X_test


@pytest.mark.parametrize(
    "spec",
    [
        "dense:100:sigmoid,dense:10:softmax",
        "conv:20x5x5,pool:2,conv:40x5x5,pool:2,dense:100:relu,dense:10:softmax",
    ],
    ids=["MLP", "LeNet"],
)
def test_trained_networks_agree_with_onnx_runtime(spec, tmp_path):
    net, X_test = trained(spec, epochs=1)
    export(net, tmp_path / "m.onnx")
    ours, theirs = net.predict_proba(X_test), runtime(tmp_path / "m.onnx", X_test)
    np.testing.assert_allclose(theirs, ours, atol=1e-5)
    assert (theirs.argmax(1) == ours.argmax(1)).all()


def test_bad_exports_are_refused(tmp_path):
    with pytest.raises(ValueError, match="not built yet"):  # no input shape: nothing to build
        export(Network([ReLU(), Softmax()]), tmp_path / "m.onnx")
    half = NETWORKS["relu, leaky relu, identity"]()
    half.layers[2].params = {}  # a layer whose parameters were never made
    with pytest.raises(ValueError, match="not built yet"):
        export(half, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()
    with pytest.raises(IsADirectoryError, match="is a directory"):
        export(NETWORKS["relu, leaky relu, identity"](), tmp_path)


def test_bad_files_get_a_clear_error(tmp_path):
    net = NETWORKS["relu, leaky relu, identity"]()
    export(net, tmp_path / "m.onnx")
    data = (tmp_path / "m.onnx").read_bytes()
    (tmp_path / "cut.onnx").write_bytes(data[: len(data) // 2])
    (tmp_path / "png.onnx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    for name in ("cut.onnx", "png.onnx"):
        with pytest.raises(ONNXImportError, match="not a valid ONNX model"):
            load(tmp_path / name)


def foreign(nodes, initializers, shape=(3,)):
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", *shape])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", None])],
        [onnx.numpy_helper.from_array(v.astype(np.float32), k) for k, v in initializers.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_an_unsupported_operator_is_named(tmp_path):
    model = foreign([helper.make_node("Cos", ["x"], ["y"], name="wave")], {})
    onnx.save(model, tmp_path / "cos.onnx")
    with pytest.raises(ONNXImportError, match="operator 'Cos' is not supported"):
        load(tmp_path / "cos.onnx")


def test_matmul_and_add_become_a_dense_layer(tmp_path):
    W, b = RNG.random((3, 2)), RNG.random(2)
    nodes = [
        helper.make_node("MatMul", ["x", "W"], ["xW"]),
        helper.make_node("Add", ["xW", "b"], ["z"]),
        helper.make_node("Sigmoid", ["z"], ["y"]),
    ]
    onnx.save(foreign(nodes, {"W": W, "b": b}), tmp_path / "mm.onnx")
    net = load(tmp_path / "mm.onnx")
    x = RNG.random((4, 3)).astype(np.float32)
    np.testing.assert_allclose(net.predict_proba(x), 1 / (1 + np.exp(-(x @ W + b))), rtol=1e-5)
    assert net.cost_function.name == "cross_entropy"


def test_the_export_command(tmp_path, capsys):
    from deltaprop import save
    from deltaprop.cli import main

    net = NETWORKS["dense, sigmoid, tanh, softmax"]()
    save(net, tmp_path / "m.npz")
    out = tmp_path / "m.onnx"
    assert main(["export", str(tmp_path / "m.npz"), str(out), "--classes", "a,b,c"]) == 0
    assert "wrote" in capsys.readouterr().out
    x = RNG.random((3, 6)).astype(np.float32)
    np.testing.assert_allclose(runtime(out, x), net.predict_proba(x), atol=1e-5)
    props = {p.key: p.value for p in onnx.load(out).metadata_props}
    assert json.loads(props["classes"]) == ["a", "b", "c"]
    assert main(["export", str(tmp_path / "m.npz"), str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
