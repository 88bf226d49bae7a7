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

__all__ = ["EXPERIMENTS", "Outcome", "run"]
