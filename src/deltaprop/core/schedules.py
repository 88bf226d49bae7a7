"""Learning-rate schedules: η for an epoch, given the initial η₀ of the optimiser."""

from __future__ import annotations

from typing import Any

from ..utils.config import Configurable
from ..utils.registry import Registry
from ..utils.validation import check_positive


class Schedule(Configurable):
    """Base class: ``schedule(eta0, epoch)`` returns η for that epoch (epochs count from 0)."""

    def __call__(self, eta0: float, epoch: int) -> float:
        """Return the learning rate for ``epoch``."""
        raise NotImplementedError


class Constant(Schedule):
    """η = η₀ at every epoch."""

    name = "constant"

    def __call__(self, eta0: float, epoch: int) -> float:
        return eta0


class StepDecay(Schedule):
    """η = η₀ · drop^⌊epoch / every⌋: multiply by ``drop`` every ``every`` epochs."""

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
    """η = η₀ · γ^epoch."""

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
