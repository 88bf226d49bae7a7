"""Checks of user input: unscaled integer pixels get a warning that names the fix."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.datasets import is_8bit_pixels, load_mnist_sample
from deltaprop.utils.validation import DataWarning


@pytest.fixture(scope="module")
def digits():
    (X, y), (Xt, yt) = load_mnist_sample(2000, 500)
    return X, y, Xt, yt


def test_uint8_images_warn_and_name_the_fix(digits):
    X, y, _, _ = digits
    pixels = np.round(X * 255).astype(np.uint8)
    net = Network.from_sizes([784, 30, 10])
    with pytest.warns(DataWarning, match=r"scale them to \[0, 1\] first \(X / 255\)"):
        net.fit(pixels, y, epochs=1, batch_size=10, eta=0.5)


def test_the_warning_is_right_to_warn(digits):
    """Unscaled 0-255 pixels really do train badly; the same images scaled train well."""
    X, y, Xt, yt = digits
    raw = Network.from_sizes([784, 30, 10], seed=1)
    scaled = Network.from_sizes([784, 30, 10], seed=1)
    with pytest.warns(DataWarning):
        raw.fit(np.round(X * 255).astype(np.uint8), y, epochs=2, batch_size=10, eta=0.5)
    scaled.fit(X, y, epochs=2, batch_size=10, eta=0.5)
    with pytest.warns(DataWarning):
        raw_accuracy = raw.accuracy(np.round(Xt * 255).astype(np.uint8), yt)
    assert scaled.accuracy(Xt, yt) > 0.85 > raw_accuracy + 0.3


@pytest.mark.parametrize(
    "X",
    [
        np.array([[0, 0], [0, 1], [1, 0], [1, 1]]),  # XOR as integers: nothing to scale
        np.array([[0.0, 200.0], [3.0, 1.0]]),  # floats: the user chose their scale
    ],
    ids=["int-0-1", "float"],
)
def test_no_warning_where_nothing_is_wrong(X):
    Network.from_sizes([2, 3, 2]).forward(X)  # filterwarnings=error would raise


@pytest.mark.parametrize(
    ("X", "expected"),
    [
        (np.zeros((3, 784), np.uint8) + np.arange(784, dtype=np.uint8), True),
        (np.arange(3 * 64, dtype=np.float64).reshape(3, 64) % 256, True),
        (np.full((3, 784), 0.5), False),  # already scaled
        (np.arange(12).reshape(3, 4), False),  # too few columns for an image
        (np.full((3, 784), 300), False),  # beyond 8 bits
        (np.full((3, 784), 2.5), False),  # not whole numbers
        (np.full((3, 784), -1), False),
    ],
)
def test_recognising_8bit_pixels(X, expected):
    assert is_8bit_pixels(X) is expected


def test_one_example_given_as_a_flat_row_gets_the_right_reshape_hint():
    from deltaprop import Network

    net = Network.from_sizes([784, 10, 10])
    with pytest.raises(ValueError, match=r"one example of 784 features\? use X\.reshape\(1, -1\)"):
        net.predict(np.zeros(784))
    single = Network.from_sizes([1, 3, 1], output="identity")
    with pytest.raises(ValueError, match=r"use X\.reshape\(-1, 1\)"):
        single.predict(np.zeros(5))
