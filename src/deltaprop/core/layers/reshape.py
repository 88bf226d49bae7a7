"""Layers that only change the shape of each example."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...utils.backend import Array
from .base import Layer


class Flatten(Layer):
    """Flatten each example to a row: (n, c, rows, cols) -> (n, c·rows·cols).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import Flatten
    >>> Flatten().forward(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    """

    name = "flatten"

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape)),)

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """a = x reshaped to (n, -1)."""
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ reshaped back to the input's shape."""
        return delta.reshape(self._shape)

    def __repr__(self) -> str:
        return "Flatten()"


class Reshape(Layer):
    """Reshape each flat example of ``prod(shape)`` values to ``shape``, e.g. (1, 28, 28).

    Parameters
    ----------
    shape : tuple of int
        The shape of one example after the layer, e.g. ``(1, 28, 28)`` (channels, rows, cols).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import Reshape
    >>> Reshape((1, 28, 28)).forward(np.zeros((5, 784))).shape
    (5, 1, 28, 28)
    """

    name = "reshape"

    def __init__(self, shape: tuple[int, ...] | list[int]) -> None:
        super().__init__()
        self.shape = tuple(int(s) for s in shape)
        if not self.shape or any(s <= 0 for s in self.shape):
            raise ValueError(f"Reshape shape must be positive sizes, got {shape!r}")
        self.n_in = int(np.prod(self.shape))

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if int(np.prod(input_shape)) != self.n_in:
            raise ValueError(
                f"{self!r} needs {self.n_in} values per example, got shape {input_shape}"
            )
        return self.shape

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """a = x reshaped to ``(n, *shape)``."""
        self._shape = x.shape
        return x.reshape(x.shape[0], *self.shape)

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ reshaped back to the input's shape."""
        return delta.reshape(self._shape)

    def get_config(self) -> dict[str, Any]:
        return {"shape": list(self.shape)}

    def __repr__(self) -> str:
        return f"Reshape({self.shape})"
