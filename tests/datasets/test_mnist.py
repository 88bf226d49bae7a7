"""The bundled digits and the stratified split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deltaprop import datasets
from deltaprop.datasets import load_mnist_sample, stratified_split
from deltaprop.datasets.mnist import read_digits_npz

COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]  # from the data's README


def test_default_split_sizes_scaling_and_labels():
    (X, y), (X_test, y_test) = load_mnist_sample()
    assert X.shape == (8000, 784) and X_test.shape == (2000, 784)
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    assert np.bincount(np.concatenate([y, y_test])).tolist() == COUNTS


def test_split_is_stratified():
    _, (_, y_test) = load_mnist_sample()
    expected = np.array(COUNTS) * 0.2
    assert np.abs(np.bincount(y_test, minlength=10) - expected).max() < 1


def test_split_is_seeded():
    (a, _), _ = load_mnist_sample(100, 50, seed=1)
    (b, _), _ = load_mnist_sample(100, 50, seed=1)
    (c, _), _ = load_mnist_sample(100, 50, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_images_unflattened_and_float64():
    (X, _), _ = load_mnist_sample(10, 10, flatten=False, dtype="float64")
    assert X.shape == (10, 28, 28) and X.dtype == np.float64


def test_load_by_name_with_a_validation_split():
    data = datasets.load("mnist-sample", n_train=200, n_test=100, validation=50)
    assert len(data.train[0]) == 150 and len(data.validation[0]) == 50 and len(data.test[0]) == 100
    full = datasets.load("mnist-sample", n_train=200, n_test=100)
    # the validation set is the *last* part of the training set
    np.testing.assert_array_equal(data.validation[0], full.train[0][150:])
    np.testing.assert_array_equal(data.train[1], full.train[1][:150])
    assert data.classes == [str(d) for d in range(10)] and data.image_shape == (28, 28)
    assert len(datasets.load("mnist-sample", validation=0.25).validation[0]) == 2000
    with pytest.raises(ValueError, match="validation must leave training data"):
        datasets.load("mnist-sample", validation=8000)
    with pytest.raises(ValueError, match="unknown data set 'cifar'"):
        datasets.load("cifar")


def test_impossible_split():
    with pytest.raises(ValueError, match="cannot split 10000 examples"):
        load_mnist_sample(9000, 2000)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    frac_used=st.floats(0.1, 1.0),
    frac_test=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**16),
)
def test_stratified_split_properties(counts, frac_used, frac_test, seed):
    labels = np.repeat(np.arange(len(counts)), counts)
    used = max(1, int(frac_used * len(labels)))
    n_test = int(frac_test * used)
    train, test = stratified_split(labels, used - n_test, n_test, seed)
    assert len(train) == used - n_test and len(test) == n_test
    assert not set(train) & set(test)
    assert len(set(train)) == len(train)


def test_corrupt_file_gets_a_clear_error(tmp_path):
    bad = tmp_path / "digits.npz"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(ValueError, match=r"digits\.npz is not a valid digit file"):
        read_digits_npz(bad)
    with pytest.raises(ValueError, match="checksum does not match"):
        read_digits_npz(bad, sha256="0" * 64)
    with pytest.raises(ValueError, match="cannot read digit file"):
        read_digits_npz(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", pixels=np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="not a valid digit file"):
        read_digits_npz(tmp_path / "other.npz")


def test_pickled_objects_are_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, images=np.array([object()], dtype=object), labels=np.zeros(1))
    with pytest.raises(ValueError, match="not a valid digit file"):
        read_digits_npz(path)
