"""Make the figure and the texts shown in docs/exercises.md: ``python docs/exercises/figures.py``.

A learner's quadratic_delta without its σ′(z) factor, checked and then trained beside the
reference; the diagnosis and the training summary are printed, the figure saved here.
"""

from pathlib import Path

import numpy as np

from deltaprop.exercises import check, train_with
from deltaprop.files.plots import save_png


def quadratic_delta(z, y):
    """A learner's answer with a mistake in it."""
    a = 1 / (1 + np.exp(-z))
    return (a - y) / z.shape[0]  # the factor σ′(z) of BP1 is missing


if __name__ == "__main__":
    print(check("quadratic_delta", quadratic_delta))
    trained = train_with("quadratic_delta", quadratic_delta)
    print(trained)
    save_png(trained.figure(), Path(__file__).with_name("train_with_quadratic_delta.png"))
