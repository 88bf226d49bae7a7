"""Fully connected layers: Dense (z = x·W + b) and Maxout (max over k affine maps).

Convention, used everywhere in deltaprop: a batch is a matrix with one example per row, and
``W`` has shape ``(n_in, n_out)``, so ``z = x @ W + b``. The course notes (Nielsen) write the
transposed form z = W·a + b for one column vector; PyTorch stores ``weight`` as (out, in).
"""

from __future__ import annotations

from typing import Any

from ...utils.backend import Array, get_array_module
from ...utils.validation import check_positive_int
from .base import InitSpec, WeightedLayer


class _Affine(WeightedLayer):
    """Shared set-up of the fully connected layers: ``n_in`` inputs, ``n_out`` outputs."""

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: InitSpec | None = None,
        bias_init: InitSpec = 0.0,
    ) -> None:
        super().__init__(init=init, bias_init=bias_init)
        self.n_in = check_positive_int(n_in, f"{type(self).__name__} n_in")
        self.n_out = check_positive_int(n_out, f"{type(self).__name__} n_out")

    @property
    def fans(self) -> tuple[int, int]:
        return self.n_in, self.n_out

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if input_shape != (self.n_in,):
            raise ValueError(
                f"{self!r} expects {self.n_in} input features per example, "
                f"but receives shape {input_shape}"
            )
        return (self.n_out,)

    def get_config(self) -> dict[str, Any]:
        return {"n_in": self.n_in, "n_out": self.n_out, **self.init_config()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n_in}, {self.n_out})"


class Dense(_Affine):
    r"""Fully connected layer, z = x·W + b with W of shape (n_in, n_out).

    .. math::

       z = x W + b \delta_{prev} = \delta W^T

       \partial C/\partial W = x^T \delta

       \partial C/\partial b = \sum_x \delta

    Parameters
    ----------
    n_in, n_out : int
        Number of input and output features.
    init : str, float or Initializer, optional
        Weight initialiser; by default He for a following ReLU-family activation, else Xavier.
    bias_init : str, float or Initializer, default 0.0
        Bias initialiser; e.g. 0.1 for a small positive bias before a ReLU.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(3, 2, init="zeros", bias_init=1.0)
    >>> layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    >>> layer.forward(np.ones((4, 3))).tolist()
    [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    """

    name = "dense"

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"W": (self.n_in, self.n_out), "b": (self.n_out,)}

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """Z = x·W + b."""
        self.ensure_built(x)
        self._x = x
        z = x @ self.params["W"]
        z += self.params["b"]  # in place: one pass over z fewer than x·W + b
        return z

    def backward(self, delta: Array) -> Array:
        """δ_prev = δWᵀ, after the parameter gradients of :meth:`backward_params`."""
        self.backward_params(delta)
        return delta @ self.params["W"].T

    def backward_params(self, delta: Array) -> None:
        """∂C/∂W = xᵀδ, ∂C/∂b = Σₙ δ (written into the gradient buffers)."""
        xp = get_array_module(delta)
        xp.matmul(self._x.T, delta, out=self.grads["W"])
        delta.sum(axis=0, out=self.grads["b"])


class Maxout(_Affine):
    r"""Maxout units: a = max_k (x·W_k + b_k), the element-wise max over ``pieces`` affine maps.

    .. math::

       a = \max_k (x W_k + b_k)

    ``W`` has shape (pieces, n_in, n_out) and ``b`` (pieces, n_out). The gradient flows only
    through the piece that attained the maximum.

    Parameters
    ----------
    n_in, n_out : int
        Number of input features and of maxout units.
    pieces : int, default 2
        Number k of affine maps each unit takes the maximum of.
    init, bias_init
        As for :class:`Dense`.

    Examples
    --------
    >>> from deltaprop import Maxout
    >>> import numpy as np
    >>> layer = Maxout(2, 3, pieces=2)
    >>> layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    >>> layer.forward(np.ones((4, 2))).shape
    (4, 3)
    """

    name = "maxout"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        pieces: int = 2,
        *,
        init: InitSpec | None = None,
        bias_init: InitSpec = 0.0,
    ) -> None:
        super().__init__(n_in, n_out, init=init, bias_init=bias_init)
        self.pieces = check_positive_int(pieces, "Maxout pieces")

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {"W": (self.pieces, self.n_in, self.n_out), "b": (self.pieces, self.n_out)}

    def forward(self, x: Array, *, training: bool = False) -> Array:
        """z_k = x·W_k + b_k for each piece k; a = max_k z_k."""
        self.ensure_built(x)
        xp = get_array_module(x)
        z = xp.matmul(x, self.params["W"]) + self.params["b"][:, None, :]  # (pieces, n, n_out)
        self._x = x
        self._k = z.argmax(axis=0)
        return xp.take_along_axis(z, self._k[None], axis=0)[0]

    def backward(self, delta: Array) -> Array:
        """∂C/∂W_k = xᵀδ_k, ∂C/∂b_k = Σₙδ_k, δ_prev = Σ_k δ_k W_kᵀ.

        δ_k is δ where piece k attained the max, else 0.
        """
        xp = get_array_module(delta)
        delta_k = (xp.arange(self.pieces)[:, None, None] == self._k[None]) * delta[None]
        xp.matmul(self._x.T, delta_k, out=self.grads["W"])
        delta_k.sum(axis=1, out=self.grads["b"])
        return xp.matmul(delta_k, self.params["W"].transpose(0, 2, 1)).sum(axis=0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pieces": self.pieces}

    def __repr__(self) -> str:
        return f"Maxout({self.n_in}, {self.n_out}, pieces={self.pieces})"
