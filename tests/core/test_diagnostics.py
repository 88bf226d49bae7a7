import numpy as np

from deltaprop import Network
from deltaprop.core.diagnostics import layer_speeds, trace
from deltaprop.core.spec import parse_layers


def test_layer_speeds_are_the_bias_gradient_norms_of_the_hidden_layers():
    rng = np.random.default_rng(0)
    net = Network.from_sizes([4, 5, 3, 2], "sigmoid", seed=0, dtype="float64")
    X, y = rng.random((8, 4)), np.arange(8) % 2
    grads = net.backprop(X, y)
    expected = [np.linalg.norm(grads["layers.0.b"]), np.linalg.norm(grads["layers.2.b"])]
    np.testing.assert_allclose(layer_speeds(net, X, y), expected, rtol=1e-12)


def test_trace_of_a_cnn_gives_every_layers_activation_and_delta():
    net = Network(parse_layers("conv:2x3x3,pool:2,dense:3:softmax", 64, image_shape=(8, 8)))
    x = np.random.default_rng(1).random((1, 64))
    t = trace(net, x, [2])
    assert len(t.activations) == len(net.layers) == len(t.deltas)
    np.testing.assert_allclose(t.activations[-1], net.predict_proba(x), rtol=1e-6)
    conv = [layer.name for layer in net.layers].index("conv2d")
    assert t.activations[conv].shape == (1, 2, 6, 6) == t.deltas[conv].shape
    assert t.deltas[-1] is None and np.abs(t.deltas[conv]).sum() > 0
    assert t.grads[f"layers.{conv}.W"].shape == net.layers[conv].params["W"].shape
    blank = trace(net, x)
    assert blank.grads == {} and all(d is None for d in blank.deltas)
