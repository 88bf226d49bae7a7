"""What a network hands back from evaluating data and from one training step."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .backend import Array


class Evaluation(NamedTuple):
    """Cost (with the L2 term, if asked) and accuracy (None for real-valued targets)."""

    cost: float
    accuracy: float | None


class BatchResult:
    """What :meth:`Network.train_step` leaves: is the output finite, and the cost on request.

    The cost of a batch is computed only when asked for (a callback or the divergence
    message wants it); checking that the output is finite is much cheaper.
    """

    __slots__ = ("_cost_of", "_out", "_t")

    def __init__(self, cost_of: Callable[[Array, Array], float], out: Array, t: Array) -> None:
        self._cost_of, self._out, self._t = cost_of, out, t

    @property
    def finite(self) -> bool:
        """Whether every output is finite (each cost is finite wherever its input is)."""
        return bool(np.isfinite(self._out).all())

    def cost(self) -> float:
        """The batch's mean data cost, before the update."""
        return self._cost_of(self._out, self._t)
