"""Layers: each owns its parameters and gradients and has ``forward`` and ``backward``."""

from ...utils.registry import Registry
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
from .conv import Conv2D
from .dense import Dense, Maxout
from .dropout import Dropout
from .pooling import AvgPool2D, MaxPool2D
from .reshape import Flatten, Reshape

_ALL: tuple[type[Layer], ...] = (
    Dense,
    Maxout,
    Conv2D,
    MaxPool2D,
    AvgPool2D,
    Flatten,
    Reshape,
    Dropout,
    *ACTIVATIONS.values(),
)
LAYERS: Registry[type[Layer]] = Registry("layer", {cls.name: cls for cls in _ALL})
"""Every layer class by its registered name (used by ``from_config`` and the CLI)."""

__all__ = [
    "ACTIVATIONS",
    "LAYERS",
    "Activation",
    "AvgPool2D",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Identity",
    "Layer",
    "LeakyReLU",
    "MaxPool2D",
    "Maxout",
    "ReLU",
    "Reshape",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "activation_class",
]
