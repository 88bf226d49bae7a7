"""Learning-rate schedules: η for an epoch, given the initial η₀ of the optimiser."""

from __future__ import annotations

from typing import Any

from ..utils.config import Configurable
from ..utils.registry import Registry
from ..utils.validation import check_positive

__all__ = [
    "SCHEDULES",
    "Constant",
    "ExponentialDecay",
    "Schedule",
    "StepDecay",
]


class Schedule(Configurable):
    """Base class: ``schedule(eta0, epoch)`` returns η for that epoch (epochs count from 0).

    Examples
    --------
    A schedule of your own is a function of η₀ and the epoch, here η₀ / (1 + epoch):

    >>> from deltaprop.core.schedules import Schedule
    >>> class Harmonic(Schedule):
    ...     def __call__(self, eta0, epoch):
    ...         return eta0 / (1 + epoch)
    >>> Harmonic()(1.0, 3)
    0.25
    """

    def __call__(self, eta0: float, epoch: int) -> float:
        """Return the learning rate for ``epoch``."""
        raise NotImplementedError


class Constant(Schedule):
    """η = η₀ at every epoch.

    Examples
    --------
    >>> from deltaprop.core.schedules import Constant
    >>> Constant()(0.1, epoch=50)
    0.1
    """

    name = "constant"

    def __call__(self, eta0: float, epoch: int) -> float:
        return eta0


class StepDecay(Schedule):
    """η = η₀ · drop^⌊epoch / every⌋: multiply by ``drop`` every ``every`` epochs.

    Parameters
    ----------
    drop : float, default 0.5
        The factor η is multiplied by, in (0, 1].
    every : int, default 10
        Epochs between two drops.

    Examples
    --------
    >>> from deltaprop import StepDecay
    >>> schedule = StepDecay(drop=0.5, every=10)
    >>> [schedule(1.0, epoch) for epoch in (0, 9, 10, 25)]
    [1.0, 1.0, 0.5, 0.25]
    """

    name = "step"

    def __init__(self, drop: float = 0.5, every: int = 10) -> None:
        self.drop = check_positive(drop, "StepDecay drop")
        if isinstance(every, bool) or not isinstance(every, int) or every <= 0:
            raise ValueError(f"StepDecay every must be a positive integer, got {every!r}")
        self.every = every

    def __call__(self, eta0: float, epoch: int) -> float:
        return eta0 * self.drop ** (epoch // self.every)

    def get_config(self) -> dict[str, Any]:
        return {"drop": self.drop, "every": self.every}


class ExponentialDecay(Schedule):
    """η = η₀ · γ^epoch.

    Parameters
    ----------
    gamma : float, default 0.95
        The factor η is multiplied by after every epoch, in (0, 1].

    Examples
    --------
    >>> from deltaprop import ExponentialDecay
    >>> round(ExponentialDecay(gamma=0.5)(eta0=0.1, epoch=2), 6)  # 0.1 * 0.5**2
    0.025
    """

    name = "exponential"

    def __init__(self, gamma: float = 0.95) -> None:
        self.gamma = check_positive(gamma, "ExponentialDecay gamma")

    def __call__(self, eta0: float, epoch: int) -> float:
        return eta0 * self.gamma**epoch

    def get_config(self) -> dict[str, Any]:
        return {"gamma": self.gamma}


SCHEDULES: Registry[type[Schedule]] = Registry(
    "schedule",
    {cls.name: cls for cls in (Constant, StepDecay, ExponentialDecay)},
    {"exp": "exponential"},
)
