"""How the inputs of the user's own data are scaled: one rule, chosen from the data, said.

``x' = (x − offset) / divisor``. The rule ``auto`` follows the data's real range: values
already in [0, 1] stay; non-negative whole numbers (8-bit pixels 0-255, scikit-learn's
8x8 digits 0-16, counts) are divided by the largest value found; anything else stays as it
is, with a word on ``minmax``. The choice is recorded in the model file, so that
``evaluate`` and ``predict`` scale new data the same way instead of guessing again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

SCALES = ("auto", "none", "255", "minmax")
"""The rules ``--scale`` offers."""


@dataclass(frozen=True)
class Scaling:
    """A scaling of inputs, ``x' = (x − offset) / divisor``, and the range it was chosen from.

    Examples
    --------
    >>> s = choose(np.array([[0, 8, 16], [4, 2, 0]]), "auto")
    >>> s.divisor, s.describe("digits.csv")
    (16.0, 'note: digits.csv holds whole numbers 0-16: divided them by 16 (--scale to change)')
    >>> s.apply(np.array([[16.0, 4.0]]), np.float64)
    array([[1.  , 0.25]])
    """

    rule: str = "none"
    offset: float = 0.0
    divisor: float = 1.0
    low: float = 0.0
    high: float = 1.0

    @property
    def identity(self) -> bool:
        return self.offset == 0 and self.divisor == 1

    def apply(self, X: np.ndarray, dtype: Any) -> np.ndarray:
        """``X`` scaled, as ``dtype``."""
        x = np.asarray(X).astype(dtype)
        if self.identity:
            return x
        return (x - x.dtype.type(self.offset)) / x.dtype.type(self.divisor)

    def undo(self, X: np.ndarray) -> np.ndarray:
        """The raw values scaled ``X`` came from (float64)."""
        return np.asarray(X, dtype=np.float64) * self.divisor + self.offset

    def describe(self, name: str) -> str:
        """The one line that says what was done, and how to change it."""
        found = f"{_number(self.low)}-{_number(self.high)}"
        if self.rule == "auto" and self.identity:
            if 0 <= self.low and self.high <= 1:
                return ""  # already in [0, 1]: nothing to say
            return (
                f"note: {name} holds values from {_number(self.low)} to {_number(self.high)}: "
                "left as they are (--scale minmax maps them to [0, 1])"
            )
        if self.rule == "auto":
            return (
                f"note: {name} holds whole numbers {found}: divided them by "
                f"{_number(self.divisor)} (--scale to change)"
            )
        if self.identity:
            return f"note: {name} ({found}) not scaled (--scale {self.rule})"
        shown = f"(x - {_number(self.offset)}) / {_number(self.divisor)}"
        return f"note: {name} ({found}) scaled as {shown} (--scale {self.rule})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scaling:
        """A scaling as :meth:`to_dict` wrote it (as a model file holds it)."""
        try:
            s = cls(
                str(d["rule"]),
                float(d["offset"]),
                float(d["divisor"]),
                float(d["low"]),
                float(d["high"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"not a scaling: {d!r} ({err})") from None
        if not (np.isfinite([s.offset, s.divisor]).all() and s.divisor > 0):
            raise ValueError(f"not a scaling: {d!r}")
        return s

    def outside(self, X: np.ndarray, margin: float = 0.5) -> tuple[float, float] | None:
        """The range of ``X`` once scaled, if it reaches well outside what training saw."""
        if np.asarray(X).size == 0:
            return None
        x = self.apply(X, np.float64)
        lo, hi = float(x.min()), float(x.max())
        seen_lo, seen_hi = self.apply(np.array([self.low, self.high]), np.float64)
        span = max(float(seen_hi - seen_lo), 1e-12)
        if lo < seen_lo - margin * span or hi > seen_hi + margin * span:
            return lo, hi
        return None


def choose(X: np.ndarray, rule: str = "auto") -> Scaling:
    """The scaling ``rule`` gives for training inputs ``X`` (see the module)."""
    if rule not in SCALES:
        raise ValueError(f"--scale must be one of {', '.join(SCALES)}, got {rule!r}")
    x = np.asarray(X)
    if x.size == 0:
        return Scaling(rule)
    low, high = float(x.min()), float(x.max())
    if rule == "none":
        return Scaling(rule, low=low, high=high)
    if rule == "255":
        return Scaling(rule, 0.0, 255.0, low, high)
    if rule == "minmax":
        return Scaling(rule, low, (high - low) or 1.0, low, high)
    whole = x.dtype.kind in "biu" or bool(np.array_equal(x, np.round(x)))
    if low >= 0 and high > 1 and whole:
        return Scaling(rule, 0.0, high, low, high)
    return Scaling(rule, low=low, high=high)


def _number(v: float) -> str:
    return f"{v:g}"
