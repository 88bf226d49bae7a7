"""Costs: values, derivatives, the matched-pair shortcut, and numerical stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deltaprop import Dense, Network, Sigmoid, Softmax
from deltaprop.core import costs
from deltaprop.core.layers import Identity

from ..conftest import assert_gradcheck_passes_and_catches_errors

MATCHED = [
    (costs.Quadratic, Identity),
    (costs.CrossEntropy, Sigmoid),
    (costs.LogLikelihood, Softmax),
]


def _targets(cost, rng, shape):
    if isinstance(cost, costs.LogLikelihood):
        return np.eye(shape[1])[rng.integers(0, shape[1], shape[0])]
    if isinstance(cost, costs.CrossEntropy):
        return rng.uniform(0, 1, shape)
    return rng.normal(size=shape)


@pytest.mark.parametrize(("cost_cls", "act_cls"), MATCHED)
def test_matched_delta_equals_chain_rule(cost_cls, act_cls, rng):
    cost, act = cost_cls(), act_cls()
    z = rng.normal(scale=3, size=(6, 4))
    y = _targets(cost, rng, z.shape)
    a = act.forward(z)
    shortcut = cost.delta(z, a, y)
    long_way = act.backward(cost.derivative(a, y))
    np.testing.assert_allclose(shortcut, long_way, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(shortcut, (a - y) / len(z), rtol=1e-12)


@pytest.mark.parametrize(("cost_cls", "act_cls"), MATCHED)
def test_value_from_z_equals_value_from_a(cost_cls, act_cls, rng):
    cost, act = cost_cls(), act_cls()
    z = rng.normal(scale=3, size=(6, 4))
    y = _targets(cost, rng, z.shape)
    assert cost.value_from_z(z, y) == pytest.approx(cost.value(act.forward(z), y), rel=1e-12)


@pytest.mark.parametrize("cost_cls", [costs.Quadratic, costs.CrossEntropy, costs.LogLikelihood])
def test_derivative_is_the_gradient_of_the_value(cost_cls, rng):
    cost = cost_cls()
    a = rng.uniform(0.05, 0.95, size=(3, 4))
    y = _targets(cost, rng, a.shape)
    numeric = np.zeros_like(a)
    eps = 1e-6
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (cost.value(up, y) - cost.value(down, y)) / (2 * eps)
    np.testing.assert_allclose(cost.derivative(a, y), numeric, rtol=1e-7)


def test_values_by_hand():
    a = np.array([[0.8, 0.1], [0.3, 0.6]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    # C = 1/(2n) Σ ‖y − a‖² = (0.04 + 0.01 + 0.09 + 0.16) / 4
    assert costs.Quadratic().value(a, y) == pytest.approx(0.3 / 4)
    # C = −1/n Σ [y ln a + (1 − y) ln(1 − a)]
    ce = -(math.log(0.8) + math.log(0.9) + math.log(0.7) + math.log(0.6)) / 2
    assert costs.CrossEntropy().value(a, y) == pytest.approx(ce)
    # C = −1/n Σ ln a_y
    assert costs.LogLikelihood().value(a, y) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)


def test_softmax_log_likelihood_is_stable_at_plus_minus_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    y = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    cost = costs.LogLikelihood()
    a = Softmax().forward(z)
    # example 1: ln a_1 = −2000; example 2: a_1 = 1 exactly, ln a_1 = 0
    assert cost.value_from_z(z, y) == pytest.approx(1000.0)
    np.testing.assert_allclose(cost.delta(z, a, y), [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]])


def test_sigmoid_cross_entropy_is_stable_at_plus_minus_1000():
    z = np.array([[1000.0], [-1000.0], [1000.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    cost = costs.CrossEntropy()
    a = Sigmoid().forward(z)
    assert cost.value_from_z(z, y) == pytest.approx(2000.0 / 3)  # 1000 + 1000 + 0
    np.testing.assert_allclose(cost.delta(z, a, y), [[1 / 3], [-1 / 3], [0.0]])


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_network_with_pre_activations_of_1000_has_finite_cost_and_correct_gradients(output):
    net = Network([Dense(2, 3), Softmax() if output == "softmax" else Sigmoid()], dtype="float64")
    net.layers[0].params["W"][...] = [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]]
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.5, -0.5], [0.0, 1.0]])
    labels = np.array([0, 1, 2, 1, 0])  # some right and sure, some wrong and sure
    y = labels if output == "softmax" else np.eye(3)[labels]
    net.forward(X)
    np.testing.assert_array_equal(np.abs(net.layers[-1].z).max(axis=1), 1000.0)
    cost = net.cost(X, y)
    assert math.isfinite(cost)
    if output == "softmax":  # −ln a_y: 0, 0, 1000, 2000, 2000 (exactly, via log-sum-exp)
        assert cost == pytest.approx(5000 / 5)
    assert all(np.isfinite(g).all() for g in net.backprop(X, y).values())
    assert_gradcheck_passes_and_catches_errors(net, X, y)


def test_unmatched_pair_uses_the_chain_rule():
    """Sigmoid + quadratic: δᴸ = (a − y) ⊙ σ'(z), the learning-slowdown factor."""
    net = Network(
        [Dense(1, 1, init="zeros", bias_init=2.0), Sigmoid()], cost="quadratic", dtype="float64"
    )
    grads = net.backprop([[0.0]], [[0.0]])
    a = 1 / (1 + math.exp(-2))
    assert grads["layers.0.b"][0] == pytest.approx(a * a * (1 - a), rel=1e-12)


def test_cross_entropy_avoids_the_learning_slowdown():
    """One sigmoid neuron, x = 1, y = 0, starting badly wrong at w = b = 2, η = 0.15.

    With the quadratic cost the gradient carries σ'(z) ≈ 0.018, so after 30 steps the output
    has barely moved (0.9820 → 0.9788); with cross-entropy the gradient is a − y and the
    output falls to 0.2043. The reference values come from the scalar loop below.
    """

    def scalar_reference(cross_entropy: bool) -> float:
        w = b = 2.0
        for _ in range(30):
            a = 1 / (1 + math.exp(-(w + b)))
            g = a if cross_entropy else a * a * (1 - a)  # ∂C/∂z for y = 0
            w, b = w - 0.15 * g, b - 0.15 * g
        return 1 / (1 + math.exp(-(w + b)))

    outputs = {}
    for cost in ("quadratic", "cross-entropy"):
        net = Network([Dense(1, 1, init=2.0, bias_init=2.0), Sigmoid()], cost=cost, dtype="float64")
        net.fit([[1.0]], [[0.0]], epochs=30, batch_size=1, eta=0.15, monitor_training=False)
        outputs[cost] = float(net.forward([[1.0]])[0, 0])
        assert outputs[cost] == pytest.approx(scalar_reference(cost != "quadratic"), rel=1e-12)
    assert outputs["quadratic"] > 0.97  # 0.9788: learning has hardly started
    assert outputs["cross-entropy"] < 0.25  # 0.2043
    assert outputs["cross-entropy"] < outputs["quadratic"] - 0.7


def test_unknown_cost_name():
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        costs.get("hinge")
    with pytest.raises(ValueError, match="unknown cost"):
        Network([Dense(2, 2), Softmax()], cost="l1")


def test_cost_names_and_aliases():
    assert isinstance(costs.get("mse"), costs.Quadratic)
    assert isinstance(costs.get("cross-entropy"), costs.CrossEntropy)
    assert isinstance(costs.get("log-likelihood"), costs.LogLikelihood)
    assert isinstance(Network([Dense(2, 2), Softmax()]).cost_function, costs.LogLikelihood)
    assert isinstance(Network([Dense(2, 1), Sigmoid()]).cost_function, costs.CrossEntropy)
    assert isinstance(Network([Dense(2, 1)]).cost_function, costs.Quadratic)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_outputs_rounded_to_0_or_1_still_give_finite_costs(dtype):
    """σ and softmax round to exactly 0 or 1 in floating point; the unmatched path clips."""
    from deltaprop.core.costs import CrossEntropy, LogLikelihood

    a = np.array([[0.0, 1.0]], dtype)
    for cost in (CrossEntropy(), LogLikelihood()):
        for y in (np.array([[1.0, 0.0]], dtype), np.array([[0.0, 1.0]], dtype)):
            value = cost.value(a, y)
            assert np.isfinite(value) and value >= 0
            assert np.isfinite(cost.derivative(a, y)).all()
    # a is clipped into [tiny, 1 − epsneg]: the nearest representable points inside (0, 1)
    info = np.finfo(dtype)
    expected = -np.log(info.tiny) - np.log(info.epsneg)  # −ln a for y = 1, −ln(1 − a) for y = 0
    assert CrossEntropy().value(a, np.array([[1.0, 0.0]], dtype)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("cost", "y", "message"),
    [
        ("cross-entropy", [[1.5, 0.0]], r"^cross-entropy targets must lie in \[0, 1\]$"),
        (
            "log-likelihood",
            [[0.5, 0.4]],
            "^log-likelihood targets must be class indices or one-hot",
        ),
        ("log-likelihood", [[1.2, -0.2]], r"non-negative numbers that sum to 1\)$"),
    ],
)
def test_bad_targets_are_named(cost, y, message):
    from deltaprop.core import costs

    with pytest.raises(ValueError, match=message):
        costs.get(cost).check_targets(np.array(y))


def test_log_likelihood_targets_may_sum_to_1_within_rounding():
    from deltaprop.core.costs import LogLikelihood

    LogLikelihood().check_targets(np.array([[0.3, 0.7 + 1.5e-5]]))  # float32 soft labels
    with pytest.raises(ValueError):
        LogLikelihood().check_targets(np.array([[0.3, 0.7 + 5e-4]]))


def test_a_cost_that_is_neither_a_name_nor_a_cost_is_named():
    from deltaprop.core import costs

    with pytest.raises(TypeError, match=r"^cost must be a name or a Cost instance, got 3$"):
        costs.get(3)
