"""Dev-only: models exported by PyTorch's ONNX exporter load into deltaprop and backprop there.

Skipped where PyTorch is not installed (``pip install torch==2.13.0``; never a dependency).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from deltaprop.core.diagnostics import trace  # noqa: E402
from deltaprop.onnx import load  # noqa: E402

nn = torch.nn


def exported(model, shape, tmp_path):
    path = tmp_path / "torch.onnx"
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (torch.randn(2, *shape),),
            str(path),
            dynamo=False,
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}},
        )
    return path


MODELS = {
    "MLP": (
        lambda: nn.Sequential(nn.Linear(784, 30), nn.ReLU(), nn.Linear(30, 10), nn.Softmax(dim=1)),
        (784,),
    ),
    "LeNet": (
        lambda: nn.Sequential(
            nn.Conv2d(1, 6, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5, padding=1),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 32),
            nn.LeakyReLU(0.1),
            nn.Dropout(0.2),
            nn.Linear(32, 10),
            nn.Softmax(dim=1),
        ),
        (1, 28, 28),
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_pytorch_models_import_and_backpropagate(name, tmp_path):
    torch.manual_seed(0)
    build, shape = MODELS[name]
    model = build()
    net = load(exported(model, shape, tmp_path))
    x = np.random.default_rng(0).random((5, *shape)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(net.predict_proba(x), expected, atol=1e-5)
    first = model[0].weight.detach().numpy()
    layer = next(layer for layer in net.layers if "W" in layer.params)
    assert np.array_equal(layer.params["W"], first.T if first.ndim == 2 else first)
    # deltaprop's backprop on the imported network equals PyTorch's autograd
    labels = np.array([3, 1, 4, 1, 5])
    t = trace(net, x, labels)
    xt = torch.from_numpy(x)
    model.train(False)
    out = model(xt)
    loss = -torch.log(out[torch.arange(5), torch.from_numpy(labels)]).mean()
    loss.backward()
    ours = t.grads[f"layers.{net.layers.index(layer)}.W"]
    theirs = model[0].weight.grad.numpy()
    np.testing.assert_allclose(ours, theirs.T if theirs.ndim == 2 else theirs, atol=1e-5)
    assert all(d is not None for d in t.deltas[:-1])
