"""Looking inside a network: the speed of learning of each layer, and one example traced.

Both read the network through its public API (:meth:`Network.backprop` and each layer's
``forward``), so the lab, the studio and notebooks show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..utils.backend import to_numpy
from .network import Network


def layer_speeds(network: Network, X: Any, y: Any) -> list[float]:
    """‖∂C/∂b‖ of each hidden layer with biases, nearest the input first, over (X, y).

    ∂C/∂bˡ = Σ δˡ over the examples, so this is the notes' "speed of learning" of layer l:
    how fast its biases move under gradient descent. The output layer is left out.
    """
    grads = network.backprop(X, y)
    biased = [i for i, layer in enumerate(network.layers) if "b" in layer.params]
    return [float(np.linalg.norm(to_numpy(grads[f"layers.{i}.b"]))) for i in biased[:-1]]


@dataclass
class Trace:
    """One forward and backward pass, layer by layer (see :func:`trace`)."""

    activations: list[np.ndarray]
    """Output of each layer, ``activations[-1]`` being the network's output a."""
    deltas: list[np.ndarray | None]
    """∂C/∂(output of layer i): δⁱ = ∂C/∂zⁱ for a weighted layer; None for the last layer."""
    grads: dict[str, np.ndarray]
    """∂C/∂θ for every parameter, as :meth:`Network.backprop` names them."""


def trace(network: Network, X: Any, y: Any | None = None) -> Trace:
    """Forward X through every layer, and backpropagate the error of labels y if given.

    Without ``y`` only the activations are filled (``deltas`` all None, ``grads`` empty).
    """
    x = network.inputs(X)
    activations = []
    for layer in network.layers:
        x = layer.forward(x)
        activations.append(to_numpy(x))
    if y is None:
        return Trace(activations, [None] * len(activations), {})
    found: list[Any] = []
    grads = network.backprop(X, y, deltas=found)
    deltas: list[np.ndarray | None] = [to_numpy(d) for d in found]
    return Trace(activations, [*deltas, None], {name: to_numpy(g) for name, g in grads.items()})
