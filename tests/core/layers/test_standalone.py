"""A layer used on its own, before any network has built it (defect: KeyError 'W')."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop.core.layers import Conv2D, Dense, Maxout

CASES = [
    pytest.param(lambda: Conv2D(1, 3, 5), (2, 1, 8, 8), id="conv2d"),
    pytest.param(lambda: Dense(4, 3), (5, 4), id="dense"),
    pytest.param(lambda: Maxout(4, 3, pieces=2), (5, 4), id="maxout"),
]


@pytest.mark.parametrize(("make", "shape"), CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_layer_builds_itself_from_its_first_input(rng, make, shape, dtype):
    x = rng.normal(size=shape).astype(dtype)
    layer = make()
    assert not layer.built
    out = layer.forward(x)
    assert layer.built and out.dtype == np.dtype(dtype)
    assert all(p.dtype == np.dtype(dtype) for p in layer.params.values())
    assert {k: p.shape for k, p in layer.params.items()} == layer.param_shapes()
    np.testing.assert_array_equal(make().forward(x), out)  # seeded: the same every time
    assert layer.backward(np.ones_like(out)).shape == x.shape
    assert all(np.abs(g).sum() > 0 for g in layer.grads.values())


def test_an_explicit_build_is_kept(rng):
    x = rng.normal(size=(5, 4))
    chosen, default = Dense(4, 3), Dense(4, 3)
    chosen.build(np.random.default_rng(7), np.float64)
    W = chosen.params["W"].copy()
    chosen.forward(x)
    default.forward(x)
    np.testing.assert_array_equal(chosen.params["W"], W)
    assert not np.array_equal(W, default.params["W"])


def test_integer_inputs_build_float64_parameters():
    layer = Dense(2, 1)
    out = layer.forward(np.array([[0, 1], [1, 0]]))
    assert layer.params["W"].dtype == np.float64 and out.dtype == np.float64


def test_a_standalone_build_is_the_seed_0_build(rng):
    x = rng.normal(size=(5, 4))
    alone, explicit = (
        Dense(4, 3, bias_init="xavier_uniform"),
        Dense(4, 3, bias_init="xavier_uniform"),
    )
    alone.forward(x)
    explicit.build(np.random.default_rng(0), np.float64)
    for key in ("W", "b"):
        np.testing.assert_array_equal(alone.params[key], explicit.params[key])
    assert np.abs(alone.params["b"]).max() > 0  # the bias initialiser got its fans
