"""Where two networks' recorded arrays (δ or gradients, epoch by epoch) first part."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def relative_difference(mine: np.ndarray, reference: np.ndarray) -> float:
    """Largest |mine − reference| over the reference's largest entry (inf if not comparable)."""
    if mine.shape != reference.shape or not np.isfinite(mine).all():
        return float("inf")
    scale = max(float(np.abs(reference).max()), 1e-300)
    return float(np.abs(mine - reference).max()) / scale


def first_difference(
    reference: Sequence[Sequence[np.ndarray]],
    mine: Sequence[Sequence[np.ndarray]],
    tolerance: float,
    label: Callable[[int], str | None],
) -> tuple[int, str, float] | None:
    """(epoch, label, size) of the first array past ``tolerance``, output side first.

    ``label(i)`` names the i-th array of an epoch, or is None for arrays not compared.
    """
    for epoch, (ref_epoch, mine_epoch) in enumerate(zip(reference, mine, strict=False)):
        for i in range(len(ref_epoch) - 1, -1, -1):  # output first, as backpropagation goes
            name = label(i)
            if name is None:
                continue
            size = relative_difference(mine_epoch[i], ref_epoch[i])
            if size > tolerance:
                return epoch, name, size
    return None
