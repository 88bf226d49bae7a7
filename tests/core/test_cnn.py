"""Convolutional networks as a whole: gradients, frozen layers, features, saving."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Dense, Network, ReLU, Softmax, Tanh, load, save
from deltaprop.core.initializers import Normal
from deltaprop.core.layers import AvgPool2D, Conv2D, Dropout, Flatten, MaxPool2D, Reshape

from ..conftest import assert_gradcheck_passes_and_catches_errors


def small_cnn(dtype="float64", seed=0):
    b = Normal(0.3)  # random biases keep z off the ReLU kink
    return Network(
        [
            Reshape((2, 7, 6)),
            Conv2D(2, 3, 3, padding="same", bias_init=b),
            ReLU(),
            MaxPool2D(2, stride=1),
            Conv2D(3, 4, (3, 2), stride=2, bias_init=b),
            Tanh(),
            AvgPool2D(2, stride=1),
            Flatten(),
            Dense(4, 5, bias_init=b),
            Dropout(0.3),
            ReLU(),
            Dense(5, 3),
            Softmax(),
        ],
        dtype=dtype,
        seed=seed,
    )


@pytest.mark.parametrize("lmbda", [0.0, 0.5])
def test_whole_cnn_gradient_check(lmbda, rng):
    net = small_cnn()
    assert net.layers[-2].n_in == 5 and net.output_shape == (3,)
    X = rng.normal(size=(4, 2 * 7 * 6))
    y = np.array([0, 2, 1, 2])
    assert_gradcheck_passes_and_catches_errors(net, X, y, lmbda=lmbda)


def test_conv_first_needs_an_input_shape(rng):
    layers = [Conv2D(1, 2, 3), ReLU(), Flatten(), Dense(2 * 4 * 4, 2), Softmax()]
    with pytest.raises(ValueError, match="needs input_shape"):
        Network(layers)
    net = Network(layers, input_shape=(1, 6, 6))
    assert net.predict(rng.normal(size=(3, 1, 6, 6))).shape == (3,)
    with pytest.raises(ValueError, match=r"expects \(1, 6, 6\)"):
        net.predict(rng.normal(size=(3, 1, 5, 6)))
    with pytest.raises(ValueError, match="do not chain at layer 2"):
        Network([Conv2D(1, 2, 3), Flatten(), Dense(10, 2)], input_shape=(1, 6, 6))


def test_frozen_layers_do_not_change(rng):
    net = small_cnn(dtype="float32")
    net.freeze(slice(0, 8))
    frozen = {
        name: p.copy() for name, p, _ in net.named_parameters() if int(name.split(".")[1]) < 8
    }
    trainable = {name: p.copy() for name, p, _ in net.trainable_parameters()}
    assert set(trainable) == {"layers.8.W", "layers.8.b", "layers.11.W", "layers.11.b"}
    X, y = rng.normal(size=(30, 84)), rng.integers(0, 3, 30)
    net.fit(X, y, epochs=3, batch_size=5, eta=0.5)
    params = {name: p for name, p, _ in net.named_parameters()}
    for name, before in frozen.items():
        np.testing.assert_array_equal(params[name], before)
    assert all(not np.array_equal(params[name], before) for name, before in trainable.items())


def test_features_are_the_activations_of_a_layer(rng):
    net = small_cnn(dtype="float32")
    X = rng.normal(size=(7, 84)).astype(np.float32)
    feats = net.features(X, 7)  # the flattened output of the convolutional part
    assert feats.shape == (7, 4)  # (2,7,6) -> conv -> pool -> (3,6,5) -> conv s2 -> pool -> (4,1,1)
    x = X
    for layer in net.layers[:8]:
        x = layer.forward(x)
    np.testing.assert_array_equal(feats, x)
    np.testing.assert_array_equal(net.features(X, -1), net.predict_proba(X))


def test_save_and_load_a_cnn(tmp_path, rng):
    net = small_cnn(dtype="float32").freeze([1])
    save(net, tmp_path / "cnn.npz")
    back = load(tmp_path / "cnn.npz")
    X = rng.normal(size=(6, 84))
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))
    assert [la.trainable for la in back.layers] == [la.trainable for la in net.layers]
    assert back.summary() == net.summary()
    first = Network([Conv2D(1, 2, 3), Flatten(), Dense(32, 2), Softmax()], input_shape=(1, 6, 6))
    save(first, tmp_path / "first.npz")
    assert load(tmp_path / "first.npz").input_shape == (1, 6, 6)


def test_inference_in_chunks_bounds_memory(rng):
    net = Network(
        [Reshape((1, 8, 8)), Conv2D(1, 4, 3), ReLU(), Flatten(), Dense(144, 3), Softmax()]
    )
    X = rng.normal(size=(2500, 64)).astype(np.float32)
    whole = np.concatenate([net.forward(X[i : i + 500]) for i in range(0, 2500, 500)])
    np.testing.assert_allclose(net.predict_proba(X), whole, rtol=1e-6)
