"""Layers: each owns its parameters and gradients and has ``forward`` and ``backward``."""

from .activations import (
    ACTIVATIONS,
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    activation_class,
)
from .base import Layer
from .dense import Dense, Maxout

_ALL: tuple[type[Layer], ...] = (Dense, Maxout, *ACTIVATIONS.values())
LAYERS: dict[str, type[Layer]] = {cls.name: cls for cls in _ALL}
"""Every layer class by its registered name (used by ``from_config`` and the CLI)."""

__all__ = [
    "ACTIVATIONS",
    "LAYERS",
    "Activation",
    "Dense",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Maxout",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "activation_class",
]
