"""Classification metrics computed from true and predicted labels."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils.validation import as_numeric, class_indices

__all__ = [
    "confusion_matrix",
    "per_class_accuracy",
]


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int | None = None) -> np.ndarray:
    """Counts C[i, j] of examples of true class i predicted as class j.

    Parameters
    ----------
    y_true, y_pred : array of int
        True and predicted class indices, one per example.
    n_classes : int, optional
        Number of classes; by default one more than the largest label seen.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        The counts, true classes down, predicted classes across.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2]).tolist()
    [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    """
    true = as_numeric(y_true, "y_true").ravel()
    pred = as_numeric(y_pred, "y_pred").ravel()
    if true.shape != pred.shape:
        raise ValueError(f"y_true has {len(true)} labels but y_pred has {len(pred)}")
    if n_classes is None:
        n_classes = int(max(true.max(initial=0), pred.max(initial=0))) + 1
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (class_indices(true, n_classes), class_indices(pred, n_classes)), 1)
    return matrix


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    """Fraction of each true class predicted correctly (NaN for a class with no examples).

    Parameters
    ----------
    matrix : ndarray
        A :func:`confusion_matrix`.

    Returns
    -------
    ndarray
        One accuracy per true class, in [0, 1] or NaN.

    Examples
    --------
    >>> per_class_accuracy(np.array([[3, 1], [0, 0]])).tolist()
    [0.75, nan]
    """
    matrix = np.asarray(matrix)
    totals = matrix.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(matrix) / np.maximum(totals, 1), np.nan)
