"""A learner's function put into a real network: layers, costs and optimisers that call it.

Nothing of deltaprop is patched: each piece here is a subclass that calls the learner's
function where the library computes the same formula, and a network is built from them.
:func:`networks` builds the pair (reference, learner) for an exercise; the reference is a
plain deltaprop network with the same seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core import costs
from ..core.layers import Conv2D, Dense, Flatten, Layer, MaxPool2D, Sigmoid, Softmax
from ..core.network import Network
from ..core.optimizers import SGD, Momentum, Optimizer
from . import solutions

ETA, MU, LMBDA = 0.5, 0.5, 5.0
"""The training settings of the dense exercises (η for SGD with the cross-entropy)."""


class LearnerSigmoid(Sigmoid):
    """σ, with δ ⊙ σ′(z) taken from the learner's ``sigmoid_prime``."""

    def __init__(self, sigmoid_prime: Callable[..., Any]) -> None:
        super().__init__()
        self.sigmoid_prime = sigmoid_prime

    def df(self, delta: np.ndarray) -> np.ndarray:
        return delta * self.sigmoid_prime(self.z)


class LearnerSoftmax(Softmax):
    """The output softmax a = softmax(z) of the learner."""

    def __init__(self, softmax: Callable[..., Any]) -> None:
        super().__init__()
        self.softmax = softmax

    def f(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(self.softmax(z))


def learner_cost(
    base: type[costs.Cost], delta: Callable[..., Any], output: type = Sigmoid
) -> costs.Cost:
    """``base`` whose output error δᴸ is the learner's ``delta(z, y)`` (matched to ``output``)."""

    class LearnerCost(base):  # type: ignore[valid-type, misc]
        pairs_with = output

        def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.asarray(delta(z, y))

    return LearnerCost()


class PassThrough(Sigmoid):
    """σ forward; backward passes δ on unchanged, since the next layer applied BP2 whole."""

    def df(self, delta: np.ndarray) -> np.ndarray:
        return delta


class LearnerBP2Dense(Dense):
    """A dense layer whose backward returns the learner's δˡ = BP2(δˡ⁺¹, W, zˡ)."""

    def __init__(
        self, n_in: int, n_out: int, backprop_delta: Callable[..., Any], below: Sigmoid
    ) -> None:
        super().__init__(n_in, n_out)
        self.backprop_delta, self.below = backprop_delta, below

    def backward(self, delta: np.ndarray) -> np.ndarray:
        self.backward_params(delta)
        return np.asarray(self.backprop_delta(delta, self.params["W"].copy(), self.below.z))


class LearnerDense(Dense):
    """A dense layer whose (∂C/∂W, ∂C/∂b, δ_prev) come from the learner's ``dense_backward``."""

    def __init__(self, n_in: int, n_out: int, dense_backward: Callable[..., Any]) -> None:
        super().__init__(n_in, n_out)
        self.dense_backward = dense_backward

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        self.x_in = x
        return super().forward(x, training=training)

    def backward(self, delta: np.ndarray) -> np.ndarray:
        dW, db, da = self.dense_backward(delta, self.x_in, self.params["W"].copy())
        self.grads["W"][...] = dW
        self.grads["b"][...] = db
        return np.asarray(da)

    def backward_params(self, delta: np.ndarray) -> None:
        self.backward(delta)


class LearnerConv2D(Conv2D):
    """A valid convolution with the learner's forward or backward (the other the reference's)."""

    def __init__(
        self,
        in_channels: int,
        filters: int,
        kernel: int,
        stride: int,
        *,
        forward: Callable[..., Any] = solutions.conv2d_forward,
        backward: Callable[..., Any] = solutions.conv2d_backward,
    ) -> None:
        super().__init__(in_channels, filters, kernel, stride)
        self.conv_forward, self.conv_backward = forward, backward

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        self.ensure_built(x)
        self.x_in = x
        W, b = self.params["W"].copy(), self.params["b"].copy()
        return np.asarray(self.conv_forward(x, W, b, self.stride[0]))

    def backward(self, delta: np.ndarray) -> np.ndarray:
        dW, db, dx = self.conv_backward(delta, self.x_in, self.params["W"].copy(), self.stride[0])
        self.grads["W"][...] = dW
        self.grads["b"][...] = db
        return np.asarray(dx)

    def backward_params(self, delta: np.ndarray) -> None:
        self.backward(delta)


class LearnerMaxPool(MaxPool2D):
    """Max-pooling whose backward is the learner's ``maxpool_backward``."""

    def __init__(self, size: int, maxpool_backward: Callable[..., Any]) -> None:
        super().__init__(size)
        self.maxpool_backward = maxpool_backward

    def forward(self, x: np.ndarray, *, training: bool = False) -> np.ndarray:
        self.x_in = x
        return super().forward(x, training=training)

    def backward(self, delta: np.ndarray) -> np.ndarray:
        return np.asarray(self.maxpool_backward(delta, self.x_in, self.size[0]))


class LearnerStep(Optimizer):
    """An optimiser whose update of each parameter is the learner's step function."""

    name = "learner"

    def __init__(
        self,
        exercise: str,
        step: Callable[..., Any],
        eta: float,
        *,
        mu: float = MU,
        lmbda: float = 0.0,
        n: int = 1,
    ) -> None:
        super().__init__(eta)
        self.exercise, self.fn = exercise, step
        self.mu, self.lmbda, self.n = mu, lmbda, n

    def update(self, name: str, w: np.ndarray, g: np.ndarray) -> None:
        if self.exercise == "momentum_step":
            v = self._buffer(name, "v", w)
            new_w, new_v = self.fn(w.copy(), v.copy(), g.copy(), self.eta, self.mu)
            v[...] = new_v
        elif self.exercise == "l2_step":
            decays = name.endswith(".W")  # L2 regularises weights, not biases
            new_w = self.fn(w.copy(), g.copy(), self.eta, self.lmbda if decays else 0.0, self.n)
        else:
            new_w = self.fn(w.copy(), g.copy(), self.eta)
        w[...] = new_w


@dataclass
class Setup:
    """What to train for an exercise: the two networks and how to fit them."""

    reference: Network
    learner: Network
    fit: dict[str, Any]
    """Keyword arguments of ``fit`` shared by both, e.g. ``eta``."""
    learner_fit: dict[str, Any]
    """What differs for the learner's network (its optimiser)."""
    cnn: bool = False


DENSE_DELTAS = (
    "sigmoid_prime",
    "softmax",
    "quadratic_delta",
    "cross_entropy_delta",
    "log_likelihood_delta",
    "backprop_delta",
    "dense_backward",
)
STEPS = ("sgd_step", "momentum_step", "l2_step")
CONV = ("conv2d_forward", "conv2d_backward", "maxpool_backward")


def _mlp(layers: list[Layer], cost: str | costs.Cost) -> Network:
    return Network(layers, cost, seed=0, dtype="float64")


def _dense(name: str, fn: Callable[..., Any]) -> tuple[list[Layer], list[Layer], Any, Any]:
    """Reference and learner layers of the 784-30-10 network, and their costs."""
    out: type[Layer] = Softmax if name in ("softmax", "log_likelihood_delta") else Sigmoid
    ref_cost = {
        "quadratic_delta": "quadratic",
        "softmax": "log_likelihood",
        "log_likelihood_delta": "log_likelihood",
    }.get(name, "cross_entropy")
    reference = [Dense(784, 30), Sigmoid(), Dense(30, 10), out()]
    learner_cost_: Any = ref_cost
    if name == "sigmoid_prime":
        learner = [Dense(784, 30), LearnerSigmoid(fn), Dense(30, 10), Sigmoid()]
    elif name == "softmax":
        learner = [Dense(784, 30), Sigmoid(), Dense(30, 10), LearnerSoftmax(fn)]
    elif name == "backprop_delta":
        hidden = PassThrough()
        learner = [Dense(784, 30), hidden, LearnerBP2Dense(30, 10, fn, hidden), Sigmoid()]
    elif name == "dense_backward":
        learner = [LearnerDense(784, 30, fn), Sigmoid(), LearnerDense(30, 10, fn), Sigmoid()]
    else:
        base = {
            "quadratic_delta": costs.Quadratic,
            "cross_entropy_delta": costs.CrossEntropy,
            "log_likelihood_delta": costs.LogLikelihood,
        }[name]
        learner = [Dense(784, 30), Sigmoid(), Dense(30, 10), out()]
        learner_cost_ = learner_cost(base, fn, out)
    return reference, learner, ref_cost, learner_cost_


def _cnn(name: str, fn: Callable[..., Any]) -> tuple[list[Layer], list[Layer]]:
    """Conv(1→4, 5×5, stride 1) → σ → max-pool 2 → dense 576→10 → softmax, both ways."""

    def tail() -> list[Layer]:
        return [Flatten(), Dense(4 * 12 * 12, 10), Softmax()]

    reference = [Conv2D(1, 4, 5), Sigmoid(), MaxPool2D(2), *tail()]
    if name == "maxpool_backward":
        learner = [Conv2D(1, 4, 5), Sigmoid(), LearnerMaxPool(2, fn), *tail()]
    else:
        kw = {"forward": fn} if name == "conv2d_forward" else {"backward": fn}
        learner = [LearnerConv2D(1, 4, 5, 1, **kw), Sigmoid(), MaxPool2D(2), *tail()]
    return reference, learner


def networks(name: str, fn: Callable[..., Any], n_train: int) -> Setup:
    """The reference network and the one that calls the learner's ``fn``, same seed."""
    if name in CONV:
        ref_layers, learner_layers = _cnn(name, fn)
        shape = (1, 28, 28)
        reference = Network(
            ref_layers, "log_likelihood", seed=0, dtype="float64", input_shape=shape
        )
        learner = Network(
            learner_layers, "log_likelihood", seed=0, dtype="float64", input_shape=shape
        )
        return Setup(reference, learner, {"eta": 0.1, "optimizer": "sgd"}, {}, cnn=True)
    if name in STEPS:
        layers = [Dense(784, 30), Sigmoid(), Dense(30, 10), Sigmoid()]
        reference = _mlp(layers, "cross_entropy")
        learner = _mlp([Dense(784, 30), Sigmoid(), Dense(30, 10), Sigmoid()], "cross_entropy")
        if name == "momentum_step":
            shared: dict[str, Any] = {"optimizer": Momentum(ETA / 5, MU)}
            step = LearnerStep(name, fn, ETA / 5, mu=MU)
        elif name == "l2_step":
            shared = {"optimizer": SGD(ETA), "lmbda": LMBDA}
            step = LearnerStep(name, fn, ETA, lmbda=LMBDA, n=n_train)
        else:
            shared = {"optimizer": SGD(ETA)}
            step = LearnerStep(name, fn, ETA)
        return Setup(reference, learner, shared, {"optimizer": step, "lmbda": 0.0})
    ref_layers, learner_layers, ref_cost, l_cost = _dense(name, fn)
    return Setup(
        _mlp(ref_layers, ref_cost),
        _mlp(learner_layers, l_cost),
        {"optimizer": SGD(ETA)},
        {"optimizer": SGD(ETA)},
    )
