"""Dropout: randomly silence units while training (inverted scaling, so inference is plain)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...utils.backend import Array, asarray, get_array_module
from .base import Layer


class Dropout(Layer):
    r"""During training, a = x ⊙ m / (1 − p) with m_i ~ Bernoulli(1 − p); at inference a = x.

    .. math::

       a = x \odot m / (1 - p)

       m_i \sim \text{Bernoulli}(1 - p)

    The mask is drawn from a generator seeded when the network is built, so runs are
    deterministic. ``reuse_mask = True`` keeps the last mask (gradient checks need the same
    network for every evaluation of the cost).

    Parameters
    ----------
    p : float, default 0.5
        The probability of dropping each input, in [0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop.core.layers import Dropout
    >>> layer = Dropout(0.5)
    >>> layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    >>> x = np.ones((1, 8))
    >>> (layer.forward(x) == x).all()  # at inference: the identity
    np.True_
    >>> sorted(set(layer.forward(x, training=True).ravel().tolist()))  # kept ones scaled by 2
    [0.0, 2.0]
    """

    name = "dropout"

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"Dropout p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self.reuse_mask = False
        self._rng = np.random.default_rng(0)
        self._seeded = False
        self._mask: Array | None = None

    def build(
        self, rng: np.random.Generator, dtype: Any = np.float32, activation: str | None = None
    ) -> None:
        """Spawn the mask generator from the network's generator.

        Spawning draws nothing from ``rng``, so the other layers' weights are the same with
        or without dropout layers in the network.
        """
        self._rng = rng.spawn(1)[0]
        self._seeded = True

    def get_state(self) -> dict[str, Any]:
        return {"rng": self._rng.bit_generator.state}

    def set_state(self, state: dict[str, Any]) -> None:
        self._rng.bit_generator.state = state["rng"]

    @property
    def built(self) -> bool:
        """Whether a network has seeded the masks (a lone layer draws them from seed 0)."""
        return self._seeded

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """a = x ⊙ m / (1 − p) when training, else x."""
        if not training or self.p == 0:
            self._mask = None
            return x
        if not (self.reuse_mask and self._mask is not None and self._mask.shape == x.shape):
            keep = self._rng.random(x.shape) >= self.p
            self._mask = asarray(keep / (1 - self.p), x.dtype, get_array_module(x))
        return x * self._mask

    def backward(self, delta: Array) -> Array:
        """δ_prev = δ ⊙ m / (1 − p) (the same mask as the forward pass)."""
        return delta if self._mask is None else delta * self._mask

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p}

    def __repr__(self) -> str:
        return f"Dropout({self.p})"
