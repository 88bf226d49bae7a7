"""Backpropagation against central differences, for every activation, cost and depth."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Dense, Network, ReLU, Sigmoid, Softmax, gradcheck, gradcheck_layer
from deltaprop.core.gradcheck import rel_error
from deltaprop.core.initializers import Normal

from ..conftest import TOL, assert_gradcheck_passes_and_catches_errors

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax", "maxout"]
# (cost, output activation): the matched pairs and the pairs that need the chain rule
PAIRS = [
    ("quadratic", "identity"),
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "relu"),
    ("quadratic", "leaky_relu"),
    ("quadratic", "softmax"),
    ("cross_entropy", "sigmoid"),
    ("cross_entropy", "softmax"),
    ("log_likelihood", "softmax"),
    ("log_likelihood", "sigmoid"),
]
SIZES = [5, 4, 6, 4, 3]  # depth d uses SIZES[:d] + [3]


def _cases():
    for cost, output in PAIRS:
        for depth in (1, 2, 3, 4):
            for hidden in HIDDEN if depth > 1 else ["-"]:
                for lmbda in (0.0, 0.7):
                    yield pytest.param(
                        cost,
                        output,
                        depth,
                        hidden,
                        lmbda,
                        id=f"{cost}-{output}-depth{depth}-{hidden}-l2={lmbda}",
                    )


def _targets(cost, rng, n, n_out=3):
    if cost == "log_likelihood":
        return rng.integers(0, n_out, size=n)  # class indices
    if cost == "cross_entropy":
        return rng.integers(0, 2, size=(n, n_out)).astype(float)  # many sigmoid outputs
    return rng.uniform(-1, 1, size=(n, n_out))  # real-valued regression targets


@pytest.mark.parametrize(("cost", "output", "depth", "hidden", "lmbda"), list(_cases()))
def test_backprop_matches_central_differences(cost, output, depth, hidden, lmbda, rng):
    sizes = [*SIZES[:depth], 3]
    act = "sigmoid" if hidden == "-" else hidden
    # Random biases: with zero biases a dead hidden layer puts z exactly on the ReLU kink
    # (z = 0), where no derivative exists and central differences give half the slope.
    net = Network.from_sizes(
        sizes, act, output, cost, bias_init=Normal(0.5), dtype="float64", seed=depth, pieces=3
    )
    X = rng.normal(size=(7, sizes[0]))
    y = _targets(cost, rng, 7)
    assert_gradcheck_passes_and_catches_errors(net, X, y, lmbda=lmbda, seed=depth)


@pytest.mark.parametrize("labels", ["indices", "one-hot"])
def test_softmax_log_likelihood_index_and_one_hot_labels_agree(labels, rng):
    net = Network.from_sizes([4, 5, 3], "tanh", "softmax", dtype="float64")
    X = rng.normal(size=(6, 4))
    idx = np.array([0, 2, 1, 1, 0, 2])
    y = idx if labels == "indices" else np.eye(3)[idx]
    assert_gradcheck_passes_and_catches_errors(net, X, y)
    grads = net.backprop(X, y)
    other = net.backprop(X, np.eye(3)[idx] if labels == "indices" else idx)
    for name in grads:
        np.testing.assert_array_equal(grads[name], other[name])


def test_cross_entropy_with_one_sigmoid_output(rng):
    net = Network.from_sizes([3, 4, 1], "relu", "sigmoid", "cross-entropy", dtype="float64")
    X = rng.normal(size=(8, 3))
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    assert_gradcheck_passes_and_catches_errors(net, X, y)


def test_gradcheck_reports_a_wrong_backward_formula(rng):
    """A plausible bug (forgetting σ' in the sigmoid's backward) must fail the check."""

    class WrongSigmoid(Sigmoid):
        def df(self, delta):
            return delta  # bug: should be delta * a * (1 - a)

    good = Network([Dense(3, 4), Sigmoid(), Dense(4, 2), Softmax()], dtype="float64")
    bad = Network([Dense(3, 4), WrongSigmoid(), Dense(4, 2), Softmax()], dtype="float64")
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    assert gradcheck(good, X, y).passed
    result = gradcheck(bad, X, y)
    assert not result.passed
    assert result.errors["layers.0.W"] > 1e-2  # the layer below the bug is wrong...
    assert result.errors["layers.2.W"] < TOL  # ...the layer above it is not


def test_gradcheck_samples_entries_of_large_arrays_reproducibly(rng):
    net = Network.from_sizes([30, 20, 3], "relu", "softmax", dtype="float64")
    X, y = rng.normal(size=(4, 30)), np.array([0, 1, 2, 0])
    first = gradcheck(net, X, y, max_entries=25, seed=3)
    assert first.checked == {"layers.0.W": 25, "layers.0.b": 20, "layers.2.W": 25, "layers.2.b": 3}
    assert first.passed
    assert gradcheck(net, X, y, max_entries=25, seed=3).errors == first.errors


def test_gradcheck_refuses_float32(rng):
    net = Network.from_sizes([3, 2], "sigmoid", "sigmoid")
    with pytest.raises(TypeError, match="float64"):
        gradcheck(net, rng.normal(size=(2, 3)), [0, 1])
    assert gradcheck(net.astype("float64"), rng.normal(size=(2, 3)), [0, 1]).passed


def test_gradcheck_layer_catches_a_wrong_input_gradient(rng):
    layer = ReLU()
    x = rng.normal(size=(4, 5))
    assert gradcheck_layer(layer, x).passed

    class HalfReLU(ReLU):
        def df(self, delta):
            return 0.5 * super().df(delta)

    result = gradcheck_layer(HalfReLU(), x)
    assert not result.passed
    assert result.errors["input"] == pytest.approx(1 / 3, rel=1e-6)  # |g/2 − g| / (|g/2| + |g|)


def test_rel_error_definition():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([3.0]), np.array([1.0])) == pytest.approx(0.5)
    assert rel_error(np.array([0.0]), np.array([1e-20])) == 1.0


def test_result_prints_a_table(rng):
    net = Network.from_sizes([3, 2], "sigmoid", "sigmoid", dtype="float64")
    text = str(gradcheck(net, rng.normal(size=(2, 3)), [[0, 1], [1, 1]]))
    assert "layers.0.W" in text and "passed" in text


def test_gradcheck_layer_leaves_dropout_as_it_found_it(rng):
    from deltaprop.core.layers import Dropout

    layer = Dropout(0.3)
    layer.build(np.random.default_rng(0), np.float64)
    result = gradcheck_layer(layer, rng.normal(size=(4, 6)))
    assert result.passed, f"\n{result}"
    assert layer.reuse_mask is False
    x = np.ones((200, 50))
    assert not np.array_equal(layer.forward(x, training=True), layer.forward(x, training=True))


def test_gradcheck_restores_dropout_when_the_check_fails_midway(rng, monkeypatch):
    import sys

    from deltaprop.core.layers import Dropout

    module = sys.modules["deltaprop.core.gradcheck"]  # the package's `gradcheck` is the function

    net = Network([Dense(4, 6), Dropout(0.4), Dense(6, 3), Softmax()], dtype="float64")
    layer = Dropout(0.3)
    layer.build(np.random.default_rng(0), np.float64)

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(module, "numerical_gradient", broken)
    with pytest.raises(KeyboardInterrupt):
        gradcheck(net, rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0]))
    with pytest.raises(KeyboardInterrupt):
        gradcheck_layer(layer, rng.normal(size=(4, 6)))
    assert net.layers[1].reuse_mask is False and layer.reuse_mask is False


def test_the_report_reads_as_a_table():
    from deltaprop.core.gradcheck import GradCheckResult

    result = GradCheckResult({"layers.0.W": 2.5e-10, "b": 3e-4}, {"layers.0.W": 100, "b": 7}, 1e-6)
    assert str(result) == (
        "parameter   entries  relative error\n"
        "layers.0.W      100  2.500e-10\n"
        "b                 7  3.000e-04   <-- FAILED\n"
        "FAILED (tolerance 1e-06)"
    )
    exact = GradCheckResult({"w": 1e-6}, {"w": 1}, 1e-6)  # at the tolerance: a failure
    assert not exact.passed and str(exact).endswith("<-- FAILED\nFAILED (tolerance 1e-06)")
    assert (
        str(GradCheckResult({}, {}, 1e-6))
        == "parameter  entries  relative error\npassed (tolerance 1e-06)"
    )


def test_the_checked_cost_uses_the_given_n(rng):
    """With λ > 0, backprop and the numerical cost must both use n, or the check fails."""
    net = Network([Dense(3, 4, bias_init=0.3), Sigmoid(), Dense(4, 2), Softmax()], dtype="float64")
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, 6)
    result = gradcheck(net, X, y, lmbda=2.0, n=1000)
    assert result.passed, f"\n{result}"
    wrong = net.backprop(X, y, lmbda=2.0, n=6)["layers.0.W"].copy()
    right = net.backprop(X, y, lmbda=2.0, n=1000)["layers.0.W"]
    assert rel_error(wrong, right) > 1e-3  # so the check above could tell them apart


def test_a_sample_of_100_entries_by_default_and_deterministic(rng):
    net = Network([Dense(20, 30), Sigmoid(), Dense(30, 2), Softmax()], dtype="float64")
    X, y = rng.normal(size=(4, 20)), rng.integers(0, 2, 4)
    result = gradcheck(net, X, y)
    assert result.checked == {
        "layers.0.W": 100,
        "layers.0.b": 30,
        "layers.2.W": 60,
        "layers.2.b": 2,
    }
    assert gradcheck(net, X, y).errors == result.errors
    assert gradcheck(net, X, y, seed=1).errors != result.errors
    assert gradcheck(net, X, y, lmbda=0.0).errors == result.errors  # no L2 unless asked
    assert gradcheck(net, X, y, lmbda=1.0).errors != result.errors


def test_gradcheck_layer_catches_a_dropout_that_forgets_its_mask(rng):
    """Negative control: the check runs in training mode, with the mask."""
    from deltaprop.core.layers import Dropout

    class Forgetful(Dropout):
        def backward(self, delta):
            return delta  # ignores the mask

    layer = Forgetful(0.5)
    layer.build(np.random.default_rng(0), np.float64)
    result = gradcheck_layer(layer, rng.normal(size=(6, 8)))
    assert not result.passed and result.errors["input"] > 1e-2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gradcheck(Network.from_sizes([2, 2]), [[1.0, 2.0]], [0]), "float64 parameters"),
        (
            lambda: gradcheck_layer(Dense(2, 2), np.ones((1, 2), np.float32)),
            "float64 inputs and parameters .* build it with dtype='float64' or use "
            r"\.astype\('float64'\)$",
        ),
        (
            lambda: gradcheck(
                Network.from_sizes([2, 2], dtype="float64"), [[1.0, 2.0]], [0], lmbda=-1
            ),
            "^lmbda must be a number >= 0",
        ),
    ],
)
def test_bad_calls_are_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_gradcheck_layer_samples_100_entries_deterministically(rng):
    layer = Dense(20, 30)
    layer.build(np.random.default_rng(0), np.float64)
    x = rng.normal(size=(4, 20))
    result = gradcheck_layer(layer, x)
    assert result.passed and result.checked == {"input": 80, "W": 100, "b": 30}
    assert gradcheck_layer(layer, x).errors == result.errors
    assert gradcheck_layer(layer, x, seed=1).errors != result.errors


def test_numerical_gradient_needs_an_array_it_can_perturb():
    from deltaprop.core.gradcheck import numerical_gradient

    view = np.ones((3, 4)).T  # flattening it would copy
    with pytest.raises(ValueError, match=r"^numerical_gradient needs a contiguous array, so"):
        numerical_gradient(lambda: 0.0, view, np.arange(2), 1e-6)
    w = np.array([1.0, 2.0])
    np.testing.assert_allclose(
        numerical_gradient(lambda: float((w**2).sum()), w, np.arange(2), 1e-6), [2.0, 4.0]
    )
