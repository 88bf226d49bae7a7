"""Confusion matrix and per-class accuracy, as the library offers them."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import Network
from deltaprop.core.metrics import confusion_matrix, per_class_accuracy


def test_the_matrix_counts_true_rows_against_predicted_columns():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], n_classes=4)
    assert matrix.tolist() == [[1, 1, 0, 0], [0, 1, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0]]
    accuracy = per_class_accuracy(matrix)
    assert accuracy[:3].tolist() == [0.5, 1.0, pytest.approx(2 / 3)] and np.isnan(accuracy[3])


def test_it_agrees_with_a_network_s_accuracy(rng):
    X, y = rng.normal(size=(50, 4)), rng.integers(0, 3, 50)
    net = Network.from_sizes([4, 5, 3])
    matrix = confusion_matrix(y, net.predict(X), 3)
    assert matrix.sum() == 50
    assert np.trace(matrix) / 50 == pytest.approx(net.accuracy(X, y))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0, 1], [0]), "y_true has 2 labels but y_pred has 1"),
        (([0, 3], [0, 1], 3), r"class labels must lie in \[0, 3\)"),
        (([0, 1.5], [0, 1]), "class labels must be whole numbers"),
        ((["a"], [0]), "y_true must be a numeric array"),
    ],
)
def test_bad_labels_are_named(args, message):
    with pytest.raises((ValueError, TypeError), match=message):
        confusion_matrix(*args)
