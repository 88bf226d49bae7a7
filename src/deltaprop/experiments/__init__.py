"""The lab: the classic demonstrations of the course material as runnable experiments.

Each experiment trains what it needs, writes a PNG figure and a JSON file of the numbers
behind it, and states in one line whether its claim showed::

    from deltaprop import experiments
    outcome = experiments.run("learning-slowdown", out="lab", quick=True)
    print(outcome.conclusion)

``quick=True`` shrinks every run to seconds (for tests); the default runs use the bundled
digits and take up to a couple of minutes on 2 cores. Plots need matplotlib.
"""

from __future__ import annotations

from . import cnn, gradients, neuron, training  # noqa: F401  (they register themselves)
from .base import EXPERIMENTS, Outcome, run

# List them in the order of the course material.
_ORDER = [
    "learning-slowdown",
    "cost-pairs",
    "activations",
    "vanishing-gradient",
    "initialization",
    "overfitting",
    "gradient-descent",
    "learning-rate",
    "gradient-check",
    "translation-invariance",
    "transfer-learning",
    "hidden-features",
]
for _name in sorted(EXPERIMENTS, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER)):
    EXPERIMENTS[_name] = EXPERIMENTS.pop(_name)

__all__ = ["EXPERIMENTS", "Outcome", "run"]
