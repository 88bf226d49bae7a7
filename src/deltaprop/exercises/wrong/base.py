"""What a known-wrong answer is, and the pieces the wrong answers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import solutions as ref

σ = ref.sigmoid
AVERAGE = "the 1/n of the mean cost C = (1/n) Σₓ Cₓ"


@dataclass(frozen=True)
class Wrong:
    """A known-wrong answer: its mistake id, the function, and what to tell the learner."""

    mistake: str
    fn: Callable[..., object]
    message: str
    hint: str
