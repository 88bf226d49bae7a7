"""Exercises: the learner writes the maths, deltaprop checks it and names the mistake.

>>> from deltaprop import exercises
>>> [e.name for e in exercises.exercises()][:3]
['sigmoid_prime', 'softmax', 'quadratic_delta']
>>> def sigmoid_prime(z):
...     a = 1 / (1 + np.exp(-z))
...     return a * (1 - a)
>>> import numpy as np
>>> exercises.check("sigmoid_prime", sigmoid_prime).passed
True

:func:`check` runs the learner's function in a child process on inputs designed to expose
the usual mistakes and returns a :class:`Feedback`; :func:`train_with` trains it in a
real network beside the reference; :func:`exercises` lists the exercises with their
statements, equations, shapes and hints. Core: NumPy only (matplotlib for figures).
"""

from .checker import check
from .feedback import Feedback
from .statements import EXERCISES, Exercise, exercises, get
from .training import Curve, Trained, train_with

__all__ = [
    "EXERCISES",
    "Curve",
    "Exercise",
    "Feedback",
    "Trained",
    "check",
    "exercises",
    "get",
    "train_with",
]
