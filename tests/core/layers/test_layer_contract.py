"""One contract, checked for every registered layer."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import gradcheck_layer
from deltaprop.core.layers import (
    ACTIVATIONS,
    LAYERS,
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Maxout,
    MaxPool2D,
    Reshape,
)

N_IN = 5
# (factory, shape of one input example) for every registered layer
CASES = {
    "dense": (lambda: Dense(N_IN, 3, bias_init="normal"), (N_IN,)),
    "maxout": (lambda: Maxout(N_IN, 3, pieces=3, bias_init="normal"), (N_IN,)),
    "conv2d": (
        lambda: Conv2D(2, 3, (3, 2), stride=(1, 2), padding=1, bias_init="normal"),
        (2, 6, 7),
    ),
    "maxpool2d": (lambda: MaxPool2D(2), (2, 6, 5)),
    "avgpool2d": (lambda: AvgPool2D(3, stride=2), (2, 7, 6)),
    "flatten": (Flatten, (2, 3, 4)),
    "reshape": (lambda: Reshape((2, 3, 2)), (12,)),
    "dropout": (lambda: Dropout(0.3), (N_IN,)),
}


def test_every_registered_layer_has_a_case():
    assert set(LAYERS) - set(ACTIVATIONS) == set(CASES)


def make(name):
    if name in CASES:
        return CASES[name][0]()
    return LAYERS[name]()


def input_shape(name):
    return CASES[name][1] if name in CASES else (N_IN,)


def built(name, dtype, seed=0):
    layer = make(name)
    layer.build(np.random.default_rng(seed), np.dtype(dtype), None)
    return layer


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_output_shape_and_dtype(name, rng):
    layer = built(name, "float32")
    x = rng.normal(size=(4, *input_shape(name))).astype(np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == np.float32
    assert out.shape == (4, *layer.output_shape(input_shape(name)))
    delta_prev = layer.backward(np.ones_like(out))
    assert delta_prev.shape == x.shape and delta_prev.dtype == np.float32
    for key, p in layer.params.items():
        assert layer.grads[key].shape == p.shape and layer.grads[key].dtype == np.float32


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_matches_central_differences(name, rng):
    layer = built(name, "float64")
    x = rng.normal(size=(4, *input_shape(name)))
    result = gradcheck_layer(layer, x, max_entries=None)
    assert result.passed and result.max_error < 1e-7, f"\n{result}"


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_config_round_trip(name, rng):
    layer = built(name, "float64")
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    clone.build(np.random.default_rng(1), np.dtype("float64"), None)
    for key in layer.params:
        clone.params[key][...] = layer.params[key]
    x = rng.normal(size=(3, *input_shape(name)))
    np.testing.assert_array_equal(clone.forward(x), layer.forward(x))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_registered_under_its_name(name):
    assert LAYERS[name].name == name


def test_maxout_takes_the_max_over_pieces():
    layer = Maxout(1, 1, pieces=3, init="zeros")
    layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    layer.params["W"][:, 0, 0] = [1.0, -1.0, 0.0]
    layer.params["b"][:, 0] = [0.0, 0.0, 0.5]
    x = np.array([[2.0], [-2.0], [0.1]])
    # pieces: x, −x, 0.5  →  max = 2, 2, 0.5
    np.testing.assert_allclose(layer.forward(x), [[2.0], [2.0], [0.5]])
    layer.backward(np.ones((3, 1)))
    # winners: x=2 → piece 0, x=−2 → piece 1, x=0.1 → piece 2 (0.5 > ±0.1);
    # dW_k = Σ x over the examples piece k won
    np.testing.assert_allclose(layer.grads["W"][:, 0, 0], [2.0, -2.0, 0.1])
    np.testing.assert_allclose(layer.grads["b"][:, 0], [1.0, 1.0, 1.0])


def test_leaky_relu_slope():
    from deltaprop import LeakyReLU

    layer = LeakyReLU(0.1)
    np.testing.assert_allclose(layer.forward(np.array([[-2.0, 3.0]])), [[-0.2, 3.0]])
    np.testing.assert_allclose(layer.backward(np.array([[1.0, 1.0]])), [[0.1, 1.0]])
    with pytest.raises(ValueError, match="slope"):
        LeakyReLU(1.5)


def test_sigmoid_does_not_overflow():
    from deltaprop import Sigmoid

    a = Sigmoid().forward(np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=np.float32))
    np.testing.assert_allclose(a, [[0.0, 0.0, 0.5, 1.0, 1.0]], atol=1e-7)


def test_dense_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_out must be a positive integer"):
        Dense(3, 0)
    with pytest.raises(TypeError, match="n_in must be a positive integer"):
        Dense(2.5, 3)


def test_softmax_and_logsumexp_shift_each_row_by_its_own_maximum():
    """Rows of very different scales: a shift by one global maximum would give 0/0."""
    from deltaprop.core.layers.activations import logsumexp, softmax

    z = np.array([[1000.0, 0.0], [0.0, -1000.0], [-1000.0, -1000.0]])
    np.testing.assert_allclose(softmax(z), [[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    np.testing.assert_allclose(logsumexp(z), [1000.0, 0.0, -1000.0 + np.log(2.0)])


def test_the_derivative_at_the_kink_is_the_left_one():
    """ReLU'(0) = 0 and LeakyReLU'(0) = slope, as PyTorch has them."""
    from deltaprop.core.layers import LeakyReLU, ReLU

    z = np.array([[0.0, 1.0, -1.0]])
    relu, leaky = ReLU(), LeakyReLU(0.1)
    relu.forward(z)
    leaky.forward(z)
    np.testing.assert_array_equal(relu.backward(np.ones_like(z)), [[0.0, 1.0, 0.0]])
    np.testing.assert_allclose(leaky.backward(np.ones_like(z)), [[0.1, 1.0, 0.1]])
