"""Dropout: active in training only, inverted scaling, seeded."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Dense, Network, Softmax, gradcheck
from deltaprop.core.layers import Dropout


def test_inference_is_the_identity(rng):
    x = rng.normal(size=(4, 5))
    layer = Dropout(0.5)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)


def test_training_drops_a_fraction_p_and_keeps_the_mean():
    layer = Dropout(0.3)
    layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    x = np.ones((400, 500))
    out = layer.forward(x, training=True)
    assert np.mean(out == 0) == pytest.approx(0.3, abs=0.005)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert out.mean() == pytest.approx(1.0, abs=0.01)  # inverted scaling
    delta = np.ones_like(x)
    np.testing.assert_array_equal(layer.backward(delta), out)  # the same mask


def test_masks_are_seeded_by_the_network(rng):
    X = rng.normal(size=(10, 4))

    def outputs(seed):
        net = Network([Dense(4, 6), Dropout(0.5), Dense(6, 2), Softmax()], seed=seed)
        return net.forward(X, training=True)

    np.testing.assert_array_equal(outputs(1), outputs(1))
    assert not np.array_equal(outputs(1), outputs(2))


def test_gradient_check_through_dropout(rng):
    net = Network(
        [Dense(4, 6, bias_init="normal"), Dropout(0.4), Dense(6, 3), Softmax()], dtype="float64"
    )
    X, y = rng.normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])
    result = gradcheck(net, X, y)
    assert result.passed, f"\n{result}"
    assert net.layers[1].reuse_mask is False  # restored afterwards


def test_bad_p():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.0)


def test_each_dropout_layer_draws_its_own_masks_from_the_network_seed():
    """Two dropout layers differ; the network's seed changes them; same seed, same masks."""

    def masks(seed):
        net = Network(
            [Dense(4, 6, init="zeros"), Dropout(0.5), Dense(6, 6, init="zeros"), Dropout(0.5),
             Dense(6, 2, init="zeros"), Softmax()],
            seed=seed,
        )  # fmt: skip
        x = np.ones((50, 6))
        return net.layers[1].forward(x, training=True), net.layers[3].forward(x, training=True)

    first, second = masks(1)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(masks(1)[0], first)
    assert not np.array_equal(masks(2)[0], first)


def test_dropout_layers_leave_the_other_weights_as_they_were():
    plain = Network([Dense(4, 6), Dense(6, 2), Softmax()], seed=3)
    dropped = Network([Dense(4, 6), Dropout(0.5), Dense(6, 2), Softmax()], seed=3)
    np.testing.assert_array_equal(plain.layers[1].params["W"], dropped.layers[2].params["W"])


def test_a_lone_dropout_layer_draws_its_masks_from_seed_0():
    x = np.ones((30, 20))
    lone = Dropout(0.5)
    assert not lone.built
    expected = (np.random.default_rng(0).random(x.shape) >= 0.5) / 0.5
    np.testing.assert_array_equal(lone.forward(x, training=True), expected)
    net = Network([Dense(20, 4), Dropout(0.5), Dense(4, 2), Softmax()])
    assert net.layers[1].built  # seeded by the network
