"""The layer interface shared by every layer: forward and backward side by side."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..backend import Array


class Layer:
    """A step of the network: ``a = forward(x)`` and ``delta_prev = backward(delta)``.

    Batches are rows: ``x`` has shape ``(n, ...)`` with one example per row. A layer owns its
    parameters (``params``) and the gradients of the mean cost with respect to them
    (``grads``, same keys and shapes, written in place by :meth:`backward`, so an optimiser
    may keep the arrays). Parameters named in ``regularized`` are penalised by L2
    regularisation; biases never are.
    """

    name: ClassVar[str] = ""
    regularized: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self.trainable = True  # False: a frozen layer passes δ on but its parameters stay

    def build(self, rng: np.random.Generator, dtype: np.dtype, activation: str | None) -> None:
        """Create the parameters (``activation`` names the layer that follows, for defaults)."""

    @property
    def built(self) -> bool:
        """Whether the parameters exist (always true for a parameter-free layer)."""
        return True

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Return the shape of one output example, or raise ValueError if the input can't fit."""
        return input_shape

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """Return the layer's output for a batch ``x``."""
        raise NotImplementedError

    def backward(self, delta: Array) -> Array:
        """Given δ = ∂C/∂(output), store parameter gradients and return ∂C/∂(input)."""
        raise NotImplementedError

    def backward_params(self, delta: Array) -> None:
        """Store the parameter gradients only: used where no layer below needs δ_prev."""
        self.backward(delta)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as JSON-ready data."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """Build a layer from :meth:`get_config`'s output."""
        return cls(**config)

    @property
    def n_params(self) -> int:
        """Number of scalar parameters."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"
