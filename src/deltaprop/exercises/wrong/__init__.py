"""The catalogue of known-wrong answers: the mistakes learners make, each with its name.

The checker runs every variant of an exercise on the same inputs as the learner's
function; a variant that gives the learner's answers names the mistake. Each entry says
what is wrong in the notes' notation and how to put it right. The tests check that every
variant fails and is named, so the catalogue also tests the checker.
"""

from __future__ import annotations

from .base import Wrong
from .conv import CONV
from .dense import DENSE
from .steps import STEPS

CATALOGUE: dict[str, tuple[Wrong, ...]] = {**DENSE, **STEPS, **CONV}
"""The known-wrong answers of every exercise, in the order of the course."""

__all__ = ["CATALOGUE", "Wrong"]
