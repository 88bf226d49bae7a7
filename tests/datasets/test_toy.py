import numpy as np
import pytest

from deltaprop import Network
from deltaprop.datasets import TOY, toy


@pytest.mark.parametrize("name", list(TOY))
def test_each_set_is_balanced_bounded_and_seeded(name):
    (X, y), (Xt, yt) = toy(name, 400, noise=0.1, test_fraction=0.25, seed=3)
    assert X.shape == (300, 2) and Xt.shape == (100, 2)
    labels = np.concatenate([y, yt])
    assert np.bincount(labels).tolist() == [200, 200]
    assert np.abs(np.concatenate([X, Xt])).max() <= 1.0
    again = toy(name, 400, noise=0.1, test_fraction=0.25, seed=3)
    assert np.array_equal(again[0][0], X) and np.array_equal(again[1][1], yt)
    other = toy(name, 400, noise=0.1, test_fraction=0.25, seed=4)
    assert not np.array_equal(other[0][0], X)


def test_xor_labels_follow_the_quadrants_without_noise():
    (X, y), _ = toy("xor", 200, test_fraction=0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_circles_put_class_1_inside():
    (X, y), _ = toy("circles", 300, test_fraction=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 0.4 + 1e-12 < 0.6 - 1e-12 <= r[y == 0].min()


def test_spirals_need_a_hidden_layer_gaussians_do_not():
    """A linear model separates the gaussians but not the spirals: the sets differ in kind."""
    scores = {}
    for name in ("gaussians", "spirals"):
        (X, y), (Xt, yt) = toy(name, 600, seed=1)
        net = Network.from_sizes([2, 1], output="sigmoid", seed=0)
        net.fit(X, y, epochs=60, batch_size=10, eta=1.0, seed=0)
        scores[name] = net.accuracy(Xt, yt)
    assert scores["gaussians"] > 0.95 and scores["spirals"] < 0.75


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "moons"}, "unknown toy data set 'moons'"),
        ({"n": 1}, "n must be"),
        ({"n": 2.5}, "n must be"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"test_fraction": 1.0}, "test_fraction"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    args = {"name": "xor", **kwargs}
    with pytest.raises(ValueError, match=match):
        toy(args.pop("name"), **args)


def test_names_are_forgiving():
    assert toy("Two Spirals", 10)[0][0].shape == toy("spirals", 10)[0][0].shape
