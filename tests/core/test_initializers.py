"""Initialisers: the distributions they promise, and the defaults per activation."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Dense, Network, ReLU, Sigmoid
from deltaprop.core import initializers

N_IN, N_OUT = 400, 300
RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("name", "std"),
    [
        ("xavier_normal", np.sqrt(2 / (N_IN + N_OUT))),
        ("glorot_uniform", np.sqrt(6 / (N_IN + N_OUT)) / np.sqrt(3)),
        ("he_normal", np.sqrt(2 / N_IN)),
        ("he_uniform", np.sqrt(6 / N_IN) / np.sqrt(3)),
        ("lecun_normal", np.sqrt(1 / N_IN)),
        ("normal", 1.0),
    ],
)
def test_standard_deviations(name, std):
    w = initializers.get(name)((N_IN, N_OUT), N_IN, N_OUT, np.random.default_rng(1))
    assert w.shape == (N_IN, N_OUT)
    assert abs(w.mean()) < 0.01 * std * 10
    assert w.std() == pytest.approx(std, rel=0.01)  # 120,000 draws: sampling error ~0.2%


@pytest.mark.parametrize(
    ("name", "limit"), [("xavier_uniform", np.sqrt(6 / 700)), ("he_uniform", np.sqrt(6 / 400))]
)
def test_uniform_limits(name, limit):
    w = initializers.get(name)((N_IN, N_OUT), N_IN, N_OUT, np.random.default_rng(2))
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit


def test_zeros_constant_normal_uniform():
    rng = np.random.default_rng(3)
    assert not initializers.get("zeros")((3, 2), 3, 2, rng).any()
    np.testing.assert_array_equal(initializers.get(0.1)((2,), 3, 2, rng), [0.1, 0.1])
    assert initializers.Normal(std=0.01)((1000,), 1, 1, rng).std() == pytest.approx(0.01, rel=0.1)
    u = initializers.Uniform(0.2)((1000,), 1, 1, rng)
    assert u.min() >= -0.2 and u.max() <= 0.2 and u.max() > 0.19


def test_defaults_per_activation():
    net = Network([Dense(500, 200), ReLU(), Dense(200, 200), Sigmoid()], seed=0)
    w_relu, w_sig = net.layers[0].params["W"], net.layers[2].params["W"]
    assert w_relu.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)  # He before ReLU
    assert w_sig.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # Xavier before sigmoid
    assert not net.layers[0].params["b"].any()  # biases 0 by default
    assert isinstance(initializers.default_for("leaky_relu"), initializers.HeNormal)
    assert isinstance(initializers.default_for("tanh"), initializers.XavierNormal)


def test_small_positive_bias_for_relu():
    net = Network.from_sizes([3, 4, 2], "relu", "softmax", bias_init=0.1)
    np.testing.assert_allclose(net.layers[0].params["b"], 0.1)


def test_bad_initialiser_specs():
    with pytest.raises(ValueError, match="unknown initialiser 'orthogonal'"):
        initializers.get("orthogonal")
    with pytest.raises(TypeError, match="initialiser"):
        initializers.get([1, 2])
    with pytest.raises(ValueError, match="std must be >= 0"):
        initializers.Normal(-1)


def test_config_round_trip():
    init = initializers.Normal(std=0.3, mean=0.1)
    assert repr(initializers.get(initializers.config_of(init))) == repr(init)
