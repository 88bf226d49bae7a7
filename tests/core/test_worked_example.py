"""The course notes' worked example: a 1-D chain whose six partial derivatives are written by hand.

ŷ = (w³•+b³) ∘ σ ∘ (w²•+b²) ∘ σ ∘ (w¹•+b¹)(x), quadratic cost C = ½(ŷ − y)².
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from deltaprop import Dense, Network, Sigmoid

W1, B1, W2, B2, W3, B3 = 0.5, -0.3, -1.2, 0.4, 2.0, 0.1
X, Y = 1.5, 0.8


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def sigma_prime(z: float) -> float:
    return sigma(z) * (1.0 - sigma(z))


def chain(sigmoid_output: bool) -> Network:
    layers = [Dense(1, 1), Sigmoid(), Dense(1, 1), Sigmoid(), Dense(1, 1)]
    if sigmoid_output:
        layers.append(Sigmoid())
    net = Network(layers, cost="quadratic", dtype="float64")
    for layer, (w, b) in zip(net.layers[::2], [(W1, B1), (W2, B2), (W3, B3)], strict=True):
        layer.params["W"][...] = w
        layer.params["b"][...] = b
    return net


@pytest.mark.parametrize("sigmoid_output", [False, True], ids=["linear-output", "sigmoid-output"])
def test_six_partial_derivatives_equal_the_chain_rule_by_hand(sigmoid_output):
    # forward pass, by hand
    z1 = W1 * X + B1
    a1 = sigma(z1)
    z2 = W2 * a1 + B2
    a2 = sigma(z2)
    z3 = W3 * a2 + B3
    a3 = sigma(z3) if sigmoid_output else z3
    out_slope = sigma_prime(z3) if sigmoid_output else 1.0  # σ'(z³), or 1 for a linear output
    dC_da3 = a3 - Y  # C'(a³) for C = ½(a³ − y)²

    expected = {
        "w3": dC_da3 * out_slope * a2,  # ∂C/∂w³ = C'(a³) σ'(z³) a²
        "b3": dC_da3 * out_slope,  # ∂C/∂b³ = C'(a³) σ'(z³)
        "w2": dC_da3 * out_slope * W3 * sigma_prime(z2) * a1,  # ∂C/∂w² = ... w³ σ'(z²) a¹
        "b2": dC_da3 * out_slope * W3 * sigma_prime(z2),
        "w1": dC_da3 * out_slope * W3 * sigma_prime(z2) * W2 * sigma_prime(z1) * X,
        "b1": dC_da3 * out_slope * W3 * sigma_prime(z2) * W2 * sigma_prime(z1),
    }

    net = chain(sigmoid_output)
    assert net.forward([[X]])[0, 0] == pytest.approx(a3, rel=1e-14)
    assert net.cost([[X]], [[Y]]) == pytest.approx(0.5 * (a3 - Y) ** 2, rel=1e-14)
    grads = net.backprop([[X]], [[Y]])
    got = {
        "w1": grads["layers.0.W"],
        "b1": grads["layers.0.b"],
        "w2": grads["layers.2.W"],
        "b2": grads["layers.2.b"],
        "w3": grads["layers.4.W"],
        "b3": grads["layers.4.b"],
    }
    for name, value in expected.items():
        assert np.asarray(got[name]).item() == pytest.approx(value, rel=1e-12), name
    # all six are non-trivial, so the comparison above could fail
    assert min(abs(v) for v in expected.values()) > 1e-3
