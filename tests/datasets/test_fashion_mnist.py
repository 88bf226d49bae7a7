"""The full Fashion-MNIST from Debian's dataset-fashion-mnist package (.ci/run installs it)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from deltaprop import datasets
from deltaprop.datasets import mnist

DEBIAN = mnist.SYSTEM_DIRS["fashion-mnist"][0]


@pytest.fixture(autouse=True)
def no_download(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # only the Debian copy may be used
    monkeypatch.setitem(mnist.MIRRORS, "fashion-mnist", [])


def test_full_fashion_mnist_from_the_debian_package():
    if not DEBIAN.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{DEBIAN} is missing: .ci/run should install dataset-fashion-mnist")
        pytest.skip("apt-get install dataset-fashion-mnist to run this test")
    data = datasets.load("fashion-mnist")
    X, y = data.train
    X_test, y_test = data.test
    assert X.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X.dtype == np.float32 and 0.0 == X.min() and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10)) and set(np.unique(y_test)) == set(range(10))
    assert np.bincount(y).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert data.classes[0] == "T-shirt/top" and data.classes[9] == "Ankle boot"
