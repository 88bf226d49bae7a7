"""Checks of user input, so that bad data fails early with a message that names the problem."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

_NUMERIC_KINDS = "biuf"


class DataWarning(UserWarning):
    """Data that is valid but probably not what was meant (e.g. unscaled 0-255 pixels)."""


def as_numeric(a: Any, what: str) -> np.ndarray:
    """Return ``a`` as a NumPy array, or raise TypeError if it is not numeric."""
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise TypeError(f"{what} must be a numeric array: {err}") from None
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{what} must be a numeric array, got dtype {arr.dtype}")
    return arr


def check_finite(arr: np.ndarray, what: str) -> None:
    """Raise ValueError naming the first NaN or infinite entry of ``arr``, if any."""
    # A finite sum means no NaN or infinity (both propagate): one pass, no boolean copy.
    if arr.dtype.kind == "f" and not np.isfinite(arr.sum()) and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(f"{what} contains NaN or infinity (first at index {where})")


def check_inputs(X: Any, input_shape: tuple[int, ...] | None, dtype: np.dtype) -> np.ndarray:
    """Validate a batch of inputs (one example per row) and return it as ``dtype``."""
    x = as_numeric(X, "X")
    if x.ndim < 2:
        hint = ""
        if x.ndim == 1:
            one = input_shape is None or x.size == int(np.prod(input_shape))
            hint = (
                f" (one example of {x.size} features? use X.reshape(1, -1))"
                if one and input_shape != (1,)
                else " (many examples of one feature? use X.reshape(-1, 1))"
            )
        raise ValueError(
            f"X must have one example per row, shape (n, features); got {x.shape}{hint}"
        )
    if x.shape[0] == 0:
        raise ValueError("X is empty (0 examples)")
    if input_shape is not None and tuple(x.shape[1:]) != tuple(input_shape):
        raise ValueError(
            f"X has {x.shape[1:]} features per example but the network expects {tuple(input_shape)}"
        )
    check_finite(x, "X")
    if x.dtype.kind in "iu" and x.max() > 1:
        warnings.warn(
            f"X holds integers ({x.dtype}) up to {x.max()}: if these are pixel values, scale "
            "them to [0, 1] first (X / 255); unscaled inputs saturate the units and train badly",
            DataWarning,
            stacklevel=3,
        )
    return np.ascontiguousarray(x, dtype=dtype)


def target_matrix(y: Any, n: int, n_out: int, dtype: np.dtype) -> np.ndarray:
    """Return targets as an (n, n_out) matrix: class indices become one-hot rows.

    Accepted: class indices of shape (n,) (when n_out > 1), one-hot or real-valued rows of
    shape (n, n_out), and for a single output a vector of shape (n,).
    """
    t = as_numeric(y, "y")
    if t.ndim == 0 or t.ndim > 2:
        raise ValueError(f"y must have shape (n,) or (n, {n_out}); got {t.shape}")
    if t.shape[0] != n:
        raise ValueError(f"X has {n} examples but y has {t.shape[0]}")
    check_finite(t, "y")
    if t.ndim == 2:
        if t.shape[1] != n_out:
            raise ValueError(f"y has {t.shape[1]} columns but the network has {n_out} outputs")
        return t.astype(dtype)
    if n_out == 1:
        return t.reshape(n, 1).astype(dtype)
    labels = class_indices(t, n_out)
    onehot = np.zeros((n, n_out), dtype=dtype)
    onehot[np.arange(n), labels] = 1
    return onehot


def class_indices(t: np.ndarray, n_classes: int) -> np.ndarray:
    """Return integer class labels in [0, n_classes), or raise ValueError naming the bad one."""
    if t.dtype.kind == "f" and not np.array_equal(t, np.round(t)):
        raise ValueError(
            f"class labels must be whole numbers in [0, {n_classes}); "
            f"got e.g. {t[t != np.round(t)][0]}"
        )
    labels = t.astype(np.int64)
    out_of_range = (labels < 0) | (labels >= n_classes)
    if out_of_range.any():
        raise ValueError(
            f"class labels must lie in [0, {n_classes}) for a network with {n_classes} outputs; "
            f"got {labels[out_of_range][0]}"
        )
    return labels


def labels_of(y: np.ndarray) -> np.ndarray | None:
    """Return class labels from a target matrix, or None if the targets are not classes.

    One-hot rows give their argmax; a single 0/1 column gives its values; real-valued
    (regression) targets give None, for which accuracy is not defined.
    """
    if y.shape[1] == 1:
        col = y[:, 0]
        return col.astype(np.int64) if np.isin(col, (0, 1)).all() else None
    if np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all():
        return y.argmax(axis=1)
    return None


def check_positive(value: Any, what: str) -> float:
    """Return ``value`` as a float if it is a finite number > 0, else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{what} must be a positive number, got {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be a positive number, got {value!r}")
    return float(value)


def check_non_negative(value: Any, what: str) -> float:
    """Return ``value`` as a float if it is a finite number >= 0, else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{what} must be a number >= 0, got {value!r}")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{what} must be a number >= 0, got {value!r}")
    return float(value)


def check_positive_int(value: Any, what: str) -> int:
    """Return ``value`` if it is a positive integer, else raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)
