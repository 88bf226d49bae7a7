"""deltaprop: neural networks from first principles, in NumPy.

Forward propagation, backpropagation of the errors δ, and gradient descent, written the
way the lecture notes derive them.
"""

import importlib
from types import ModuleType

from . import datasets, training
from .core import costs, initializers, metrics, optimizers, schedules
from .core.costs import CrossEntropy, LogLikelihood, Quadratic
from .core.gradcheck import GradCheckResult, gradcheck, gradcheck_layer
from .core.layers import Dense, Identity, Layer, LeakyReLU, Maxout, ReLU, Sigmoid, Softmax, Tanh
from .core.network import Network
from .core.optimizers import SGD, Adam, AverageMomentum, Momentum, Nesterov
from .core.schedules import ExponentialDecay, StepDecay
from .files.archive import ModelFileError
from .files.serialization import data_of, load, save
from .training import (
    Callback,
    DivergenceError,
    EarlyStopping,
    History,
    LambdaCallback,
    TrainingEvent,
    fit,
    load_checkpoint,
    parallel,
)
from .training.parallel import get_num_threads, set_num_threads
from .utils.moved import install as _install_moved_paths

_install_moved_paths()  # the module paths of before the layout by tiers warn, and still work

__version__ = "0.1.0"

LAZY = {
    "diagnostics": "core.diagnostics",
    "exercises": "exercises",
    "experiments": "experiments",
    "onnx": "onnx",
    "plots": "files.plots",
    "sklearn": "sklearn",
    "spec": "core.spec",
    "studio": "studio",
    "sweep": "sweep",
}
"""Subpackages imported on first use (``deltaprop.onnx.load(...)`` works without importing
``deltaprop.onnx`` first); several need an extra, which the core does not."""


def __getattr__(name: str) -> ModuleType:
    if name in LAZY:
        return importlib.import_module(f"{__name__}.{LAZY[name]}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SGD",
    "Adam",
    "AverageMomentum",
    "Callback",
    "CrossEntropy",
    "Dense",
    "DivergenceError",
    "EarlyStopping",
    "ExponentialDecay",
    "GradCheckResult",
    "History",
    "Identity",
    "LambdaCallback",
    "Layer",
    "LeakyReLU",
    "LogLikelihood",
    "Maxout",
    "ModelFileError",
    "Momentum",
    "Nesterov",
    "Network",
    "Quadratic",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "StepDecay",
    "Tanh",
    "TrainingEvent",
    "__version__",
    "costs",
    "data_of",
    "datasets",
    "fit",
    "get_num_threads",
    "gradcheck",
    "gradcheck_layer",
    "initializers",
    "load",
    "load_checkpoint",
    "metrics",
    "optimizers",
    "parallel",
    "save",
    "schedules",
    "set_num_threads",
    "training",
]
