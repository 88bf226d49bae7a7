"""Network: composition, prediction, bad input, symmetry and determinism."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from deltaprop import Dense, Network, ReLU, Sigmoid, Softmax, Tanh


@pytest.fixture
def net():
    return Network([Dense(4, 5), Sigmoid(), Dense(5, 3), Softmax()], seed=3)


def test_compact_form_builds_the_same_network():
    long = Network([Dense(784, 100), Sigmoid(), Dense(100, 10), Softmax()], seed=7)
    short = Network.from_sizes([784, 100, 10], "sigmoid", "softmax", seed=7)
    assert repr(long) == repr(short)
    for (n1, p1, _), (n2, p2, _) in zip(
        long.named_parameters(), short.named_parameters(), strict=True
    ):
        assert n1 == n2
        np.testing.assert_array_equal(p1, p2)
    assert short.n_params == 784 * 100 + 100 + 100 * 10 + 10


def test_maxout_in_the_compact_form():
    net = Network.from_sizes([6, 4, 4, 2], "maxout", "softmax", pieces=3)
    assert [type(layer).__name__ for layer in net.layers] == [
        "Maxout",
        "Maxout",
        "Dense",
        "Softmax",
    ]
    assert net.n_params == (3 * (6 * 4 + 4)) + (3 * (4 * 4 + 4)) + (4 * 2 + 2)


def test_predict_proba_and_predict(net, rng):
    X = rng.normal(size=(6, 4))
    p = net.predict_proba(X)
    assert p.shape == (6, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(net.predict(X), p.argmax(axis=1))


def test_single_output_predicts_by_threshold():
    net = Network([Dense(1, 1, init=1.0), Sigmoid()])
    np.testing.assert_array_equal(net.predict([[-3.0], [3.0]]), [0, 1])
    assert net.accuracy([[-3.0], [3.0]], [0, 1]) == 1.0
    assert net.accuracy([[-3.0], [3.0]], [1, 1]) == 0.5


def test_accuracy_and_cost_by_hand():
    net = Network([Dense(2, 2, init="zeros"), Softmax()], dtype="float64")
    net.layers[0].params["W"][...] = np.eye(2)
    X = np.array([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    y = np.array([0, 1, 1])
    assert net.accuracy(X, y) == pytest.approx(2 / 3)
    p_right = np.exp(2) / (np.exp(2) + 1)
    expected = -(2 * np.log(p_right) + np.log(1 - p_right)) / 3
    assert net.cost(X, y) == pytest.approx(expected, rel=1e-12)
    # the L2 term: λ/(2n) Σ w² over weights only, n = 10 given explicitly
    net.layers[0].params["b"][...] = 5.0  # biases are not penalised
    assert net.cost(X, y, lmbda=0.5, n=10) - net.cost(X, y) == pytest.approx(0.5 / 20 * 2)


def test_summary_lists_layers_shapes_and_parameters(net):
    text = net.summary()
    assert "Dense(4, 5)" in text and "Softmax()" in text
    assert "(5,)" in text and "(3,)" in text
    assert "total parameters: 43" in text  # 4·5+5 + 5·3+3


def test_l2_gradient_is_weight_decay(rng):
    """With λ, backprop adds λ/n·W to weight gradients and nothing to biases."""
    net = Network.from_sizes([3, 4, 2], "tanh", "softmax", dtype="float64")
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    plain = {k: v.copy() for k, v in net.backprop(X, y).items()}
    reg = net.backprop(X, y, lmbda=2.0, n=50)
    params = {name: p for name, p, _ in net.named_parameters()}
    for name in plain:
        extra = 2.0 / 50 * params[name] if name.endswith(".W") else 0.0
        np.testing.assert_allclose(reg[name], plain[name] + extra, rtol=1e-12)


# -- bad input ---------------------------------------------------------------------------


def test_layer_sizes_that_do_not_chain():
    with pytest.raises(ValueError, match=r"do not chain at layer 2.*expects 6 input features"):
        Network([Dense(4, 5), Sigmoid(), Dense(6, 2)])


def test_layers_must_be_layers():
    with pytest.raises(TypeError, match=r"Network\.from_sizes"):
        Network([784, 30, 10])
    with pytest.raises(ValueError, match="at least one layer"):
        Network([])


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (
            np.zeros((3, 5)),
            ValueError,
            r"\(5,\) features per example but the network expects \(4,\)",
        ),
        (np.zeros(4), ValueError, r"one example per row"),
        (np.zeros((0, 4)), ValueError, "empty"),
        (
            np.array([[0.0, np.nan, 0, 0]]),
            ValueError,
            r"NaN or infinity \(first at index \(0, 1\)\)",
        ),
        (np.array([[0.0, np.inf, 0, 0]]), ValueError, "NaN or infinity"),
        (np.array([["a", "b", "c", "d"]]), TypeError, "numeric"),
        ([[1.0, 2.0], [1.0]], TypeError, "numeric"),
    ],
)
def test_bad_inputs(net, X, error, match):
    with pytest.raises(error, match=match):
        net.forward(X)


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        (np.array([0, 1, 3]), ValueError, r"labels must lie in \[0, 3\).*got 3"),
        (np.array([0, -1, 2]), ValueError, r"got -1"),
        (np.array([0, 1.5, 2]), ValueError, "whole numbers"),
        (np.array([0, 1]), ValueError, "X has 3 examples but y has 2"),
        (np.zeros((3, 4)), ValueError, "y has 4 columns but the network has 3 outputs"),
        (np.zeros((3, 3, 1)), ValueError, "shape"),
        (np.array([0.0, np.nan, 1.0]), ValueError, "y contains NaN"),
        (np.array(["0", "1", "2"]), TypeError, "numeric"),
        (np.full((3, 3), 0.5), ValueError, "one-hot"),
    ],
)
def test_bad_targets(net, rng, y, error, match):
    X = rng.normal(size=(3, 4))
    with pytest.raises(error, match=match):
        net.cost(X, y)
    with pytest.raises(error, match=match):
        net.fit(X, y, epochs=1)


def test_cross_entropy_targets_outside_0_1():
    net = Network([Dense(2, 1), Sigmoid()])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        net.cost([[0.0, 1.0]], [2.0])


def test_accuracy_needs_classes():
    net = Network([Dense(2, 2)])
    with pytest.raises(ValueError, match="class labels"):
        net.accuracy([[0.0, 1.0]], [[0.3, 2.5]])


def test_unknown_activation_name():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Network.from_sizes([3, 4, 2], "swish")
    with pytest.raises(ValueError, match="unknown activation 'softmin'"):
        Network.from_sizes([3, 4, 2], "relu", "softmin")


def test_dtype_must_be_float():
    with pytest.raises(TypeError, match="float32 or float64"):
        Network([Dense(2, 2)], dtype="int32")


# -- symmetry, dtype and determinism -----------------------------------------------------


def test_zero_initialisation_keeps_hidden_units_identical(rng):
    X = rng.normal(size=(40, 4))
    y = rng.integers(0, 3, size=40)
    zero = Network.from_sizes([4, 6, 3], "sigmoid", "softmax", init="zeros", dtype="float64")
    zero.fit(X, y, epochs=20, batch_size=8, eta=0.5)
    W1, W2 = zero.layers[0].params["W"], zero.layers[2].params["W"]
    assert np.abs(W1).max() > 1e-3  # it did learn something...
    np.testing.assert_allclose(W1, np.repeat(W1[:, :1], 6, axis=1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(W2, np.repeat(W2[:1], 6, axis=0), rtol=1e-12, atol=1e-15)
    zero.forward(X)
    hidden = zero.layers[1].a  # ...but every hidden unit computes the same function
    np.testing.assert_allclose(hidden, np.repeat(hidden[:, :1], 6, axis=1), rtol=1e-12)

    rand = Network.from_sizes([4, 6, 3], "sigmoid", "softmax", dtype="float64")
    rand.fit(X, y, epochs=20, batch_size=8, eta=0.5)
    W1 = rand.layers[0].params["W"]
    assert np.abs(W1 - W1[:, :1]).max(axis=0)[1:].min() > 0.1  # every unit differs from unit 0


def test_float32_by_default_float64_on_request(rng):
    X = rng.normal(size=(3, 4))
    assert Network([Dense(4, 2), Tanh()]).forward(X).dtype == np.float32
    net64 = Network([Dense(4, 2), Tanh()], dtype="float64")
    assert net64.forward(X).dtype == np.float64
    assert all(p.dtype == np.float64 for _, p, _ in net64.named_parameters())
    net32 = net64.astype("float32")
    assert all(p.dtype == np.float32 for _, p, _ in net32.named_parameters())
    assert net64.layers[0].params["W"].dtype == np.float64  # astype copies


def test_same_seed_gives_bit_identical_weights(rng):
    X = rng.normal(size=(50, 4))
    y = rng.integers(0, 3, size=50)

    def train(net_seed, fit_seed):
        net = Network([Dense(4, 8), ReLU(), Dense(8, 3), Softmax()], seed=net_seed)
        net.fit(X, y, epochs=3, batch_size=7, optimizer="momentum", eta=0.1, seed=fit_seed)
        return [p.copy() for _, p, _ in net.named_parameters()]

    first, again = train(0, 0), train(0, 0)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], train(1, 0)[0])  # another initialisation
    assert not np.array_equal(first[0], train(0, 1)[0])  # another shuffling


def test_fit_shows_its_real_signature():
    import inspect

    from deltaprop import training

    params = inspect.signature(Network.from_sizes([2, 2]).fit).parameters
    assert list(params)[:2] == ["X", "y"]
    assert {"epochs", "batch_size", "optimizer", "callbacks", "checkpoint"} <= set(params)
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    assert Network.fit is training.fit  # one definition, one docstring


def test_the_public_api_the_training_loop_uses():
    """inputs, targets, train_step and evaluate: what the loop needs, and nothing private."""
    net = Network.from_sizes([3, 4, 2], dtype="float64")
    x = net.inputs([[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]])
    t = net.targets([0, 1])
    assert x.dtype == np.float64 and t.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    before = net.evaluate(x, t)
    step = net.train_step(x, t)
    assert step.finite and step.cost() == pytest.approx(before.cost)
    assert before.accuracy in (0.0, 0.5, 1.0)
    grads = {name: g.copy() for name, _, g in net.named_parameters()}
    reference = net.backprop(x, t)
    for name, g in grads.items():
        np.testing.assert_array_equal(g, reference[name])


def test_backprop_reports_the_error_of_every_layer_as_the_notes_define_it():
    """δᴸ = a − y (scaled by 1/n), δˡ = (δˡ⁺¹ Wˡ⁺¹ᵀ) ⊙ σ'(zˡ), ∂C/∂bˡ = Σ δˡ."""
    rng = np.random.default_rng(0)
    net = Network.from_sizes([3, 4, 2], "sigmoid", "softmax", seed=1, dtype="float64")
    X, y = rng.random((5, 3)), np.array([0, 1, 1, 0, 1])
    deltas: list = []
    grads = net.backprop(X, y, deltas=deltas)
    assert len(deltas) == len(net.layers) - 1 == 3
    a = net.predict_proba(X)
    np.testing.assert_allclose(deltas[2], (a - np.eye(2)[y]) / len(X), rtol=1e-12)
    W1 = net.layers[2].params["W"]
    z0 = X @ net.layers[0].params["W"] + net.layers[0].params["b"]
    s = 1 / (1 + np.exp(-z0))
    np.testing.assert_allclose(deltas[1], deltas[2] @ W1.T, rtol=1e-12)
    np.testing.assert_allclose(deltas[0], deltas[1] * s * (1 - s), rtol=1e-12)
    np.testing.assert_allclose(grads["layers.0.b"], deltas[0].sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(grads["layers.0.W"], X.T @ deltas[0], rtol=1e-12)


def test_a_one_row_predict_does_no_planning_work_after_the_first(monkeypatch):
    """The thread plan is worked out once per architecture, and BLAS is not held for a
    product it computes on one thread anyway (that cost 4x the forward pass per probe)."""
    from deltaprop.core.layers import Dense
    from deltaprop.training import parallel, plan

    net = Network.from_sizes([784, 100, 10], seed=0)
    x = np.random.default_rng(0).random((1, 784))
    first = net.predict(x)
    calls = {"flops": 0, "hold": 0}
    flops = plan.layer_flops

    def counted_flops(layer, shape):
        calls["flops"] += 1
        return flops(layer, shape)

    def counted_hold():
        calls["hold"] += 1
        return contextlib.nullcontext()

    monkeypatch.setattr(plan, "layer_flops", counted_flops)
    monkeypatch.setattr(parallel, "one_blas_thread", counted_hold)
    for _ in range(50):
        assert np.array_equal(net.predict(x), first)
    assert calls == {"flops": 0, "hold": 0}
    net.layers[0] = Dense(784, 100)  # a new layer: the plan is worked out again
    net.layers[0].build(np.random.default_rng(1), net.dtype)
    net.predict(x)
    assert calls["flops"] == 4  # each of the four layers, once


def test_network_is_whole_in_its_module_and_the_old_results_path_warns():
    import importlib
    import sys

    import deltaprop.core.network as module

    assert Network.__module__ == "deltaprop.core.network" and Network.__bases__ == (object,)
    assert {"summary", "get_config", "from_config", "astype"} <= set(vars(Network))
    sys.modules.pop("deltaprop.results", None)
    with pytest.warns(
        DeprecationWarning, match="deltaprop.results moved to deltaprop.core.network"
    ):
        old = importlib.import_module("deltaprop.results")
    assert old.Evaluation is module.Evaluation and old.BatchResult is module.BatchResult
