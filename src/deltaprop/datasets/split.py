"""Seeded, stratified train/test splits."""

from __future__ import annotations

import numpy as np


def stratified_split(
    labels: np.ndarray, n_train: int, n_test: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train, test) index arrays whose class proportions match ``labels``.

    Each class contributes to the test set in proportion to its size (largest-remainder
    rounding, so the sizes are exact); both index arrays come out shuffled.

    Parameters
    ----------
    labels : ndarray of int
        One label per example.
    n_train, n_test : int
        Sizes of the two parts.
    seed : int, default 0
        Seed of the draw within each class.

    Returns
    -------
    (train, test)
        Index arrays into ``labels``.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.datasets import stratified_split
    >>> labels = np.array([0] * 8 + [1] * 4)
    >>> train, test = stratified_split(labels, n_train=9, n_test=3)
    >>> np.bincount(labels[test]).tolist()  # the same 2:1 proportions
    [2, 1]
    """
    labels = np.asarray(labels)
    total = len(labels)
    if n_train < 0 or n_test < 0 or n_train + n_test > total or n_train + n_test == 0:
        raise ValueError(
            f"cannot split {total} examples into {n_train} training and {n_test} test examples"
        )
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    used = n_train + n_test
    per_class_used = _apportion(counts, used)
    per_class_test = _apportion(per_class_used, n_test)
    train, test = [], []
    for c, k_used, k_test in zip(classes, per_class_used, per_class_test, strict=True):
        idx = rng.permutation(np.flatnonzero(labels == c))[:k_used]
        test.append(idx[:k_test])
        train.append(idx[k_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weights`` that sum to ``total`` (largest remainders)."""
    exact = weights * (total / weights.sum())
    counts = np.floor(exact).astype(np.int64)
    remainder = total - counts.sum()
    counts[np.argsort(-(exact - counts), kind="stable")[:remainder]] += 1
    return np.minimum(counts, weights)
