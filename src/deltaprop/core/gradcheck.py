"""Numerical gradient checking: backpropagation against central differences.

For a parameter entry θ, the numerical gradient is (J(θ + ε) − J(θ − ε)) / 2ε, whose error
is O(ε²). Each parameter array gets one relative error,

    ‖g_backprop − g_numerical‖ / (‖g_backprop‖ + ‖g_numerical‖),

over its checked entries. A norm-based error is used, not an entry-wise maximum, because an
entry whose true gradient is tiny (a saturated or dead unit) has a numerical estimate made
only of rounding noise (~1e-16·J/ε), so its entry-wise relative error is meaningless.
In float64 a correct gradient typically gives 1e-9 or less; 1e-6 and above means a bug.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..utils.backend import Array, to_numpy
from ..utils.jupyter import table
from ..utils.validation import check_non_negative
from .layers import Layer
from .network import Network


@dataclass
class GradCheckResult:
    """Relative error of backprop against central differences, per parameter array.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import GradCheckResult
    >>> from deltaprop import Network, gradcheck
    >>> net = Network.from_sizes([3, 4, 2], "tanh", dtype="float64")
    >>> X, y = np.random.default_rng(0).random((5, 3)), np.array([0, 1, 1, 0, 1])
    >>> result = gradcheck(net, X, y)
    >>> result.passed, result.max_error < 1e-7
    (True, True)
    """

    errors: dict[str, float]
    checked: dict[str, int]
    tol: float

    @property
    def passed(self) -> bool:
        """Whether every relative error is below ``tol``."""
        return all(e < self.tol for e in self.errors.values())

    @property
    def max_error(self) -> float:
        """The largest relative error over all parameter arrays."""
        return max(self.errors.values(), default=0.0)

    def __str__(self) -> str:
        width = max((len(k) for k in self.errors), default=4)
        lines = [f"{'parameter':<{width}}  entries  relative error"]
        for name, err in self.errors.items():
            flag = "" if err < self.tol else "   <-- FAILED"
            lines.append(f"{name:<{width}}  {self.checked[name]:>7}  {err:.3e}{flag}")
        lines.append(f"{'passed' if self.passed else 'FAILED'} (tolerance {self.tol:g})")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter's view: one row per parameter array, and the verdict."""
        rows = [
            (name, self.checked[name], f"{err:.3e}", "ok" if err < self.tol else "FAILED")
            for name, err in self.errors.items()
        ]
        verdict = "passed" if self.passed else "FAILED"
        caption = (
            f"gradient check {verdict}: backprop against central differences, "
            f"tolerance {self.tol:g}"
        )
        return table(("parameter", "entries", "relative error", ""), rows, caption)


def rel_error(analytic: Array, numeric: Array) -> float:
    """‖a − n‖ / (‖a‖ + ‖n‖), and 0 where both are exactly zero."""
    a, n = np.ravel(to_numpy(analytic)), np.ravel(to_numpy(numeric))
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / denom) if denom > 0 else 0.0


def numerical_gradient(
    J: Callable[[], float], param: Array, entries: np.ndarray, eps: float
) -> np.ndarray:
    """(J(θ + ε) − J(θ − ε)) / 2ε for flat ``entries`` of ``param`` (perturbed, then restored)."""
    flat = param.reshape(-1)
    if not np.shares_memory(flat, param):
        raise ValueError("numerical_gradient needs a contiguous array, so perturbations reach it")
    grad = np.empty(len(entries))
    for k, i in enumerate(entries):
        old = flat[i].copy()
        flat[i] = old + eps
        j_plus = J()
        flat[i] = old - eps
        j_minus = J()
        flat[i] = old
        grad[k] = (j_plus - j_minus) / (2 * eps)
    return grad


def _entries(size: int, max_entries: int | None, rng: np.random.Generator) -> np.ndarray:
    """All flat indices, or a seeded random sample of ``max_entries`` of them."""
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, max_entries, replace=False))


def _require_float64(arrays: list[Array], what: str) -> None:
    if any(p.dtype != np.float64 for p in arrays):
        raise TypeError(
            f"gradient checks need float64 {what} (float32 rounding swamps the differences); "
            "build it with dtype='float64' or use .astype('float64')"
        )


def gradcheck(
    network: Network,
    X: Any,
    y: Any,
    *,
    lmbda: float = 0.0,
    n: int | None = None,
    eps: float = 1e-6,
    tol: float = 1e-6,
    max_entries: int | None = 100,
    seed: int = 0,
) -> GradCheckResult:
    """Check ``network.backprop`` against central differences of ``network.cost``.

    Parameters
    ----------
    network : Network
        A float64 network (``network.astype("float64")`` makes one).
    X, y : arrays
        A small batch; the checked cost is :meth:`Network.cost` on it.
    lmbda, n
        L2 regularisation, as in :meth:`Network.cost`.
    eps : float
        Step ε of the central difference.
    tol : float
        A relative error at or above ``tol`` fails the check.
    max_entries : int or None
        Check at most this many entries of each parameter array (a seeded random sample);
        None checks all.
    seed : int
        Seeds the sample of entries.

    Returns
    -------
    GradCheckResult
        ``.errors`` maps each parameter name to its relative error; ``.passed``.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import gradcheck
    >>> from deltaprop import Network
    >>> net = Network.from_sizes([3, 4, 2], "sigmoid", dtype="float64", seed=0)
    >>> X, y = np.random.default_rng(0).random((5, 3)), np.array([0, 1, 1, 0, 1])
    >>> gradcheck(net, X, y).passed
    True
    """
    _require_float64([p for _, p, _ in network.named_parameters()], "parameters")
    lmbda = check_non_negative(lmbda, "lmbda")
    x = network.inputs(X)
    t = network.targets(y, len(x))
    analytic = {k: to_numpy(g).copy() for k, g in network.backprop(x, t, lmbda=lmbda, n=n).items()}

    def J() -> float:
        return network.evaluate(x, t, lmbda=lmbda, n=n, training=True, chunk=len(x)).cost

    rng = np.random.default_rng(seed)
    errors, checked = {}, {}
    # J must be the very function backprop differentiated: training mode, same dropout masks
    with _fixed_masks(network.layers):
        for name, param, _ in network.named_parameters():
            entries = _entries(param.size, max_entries, rng)
            numeric = numerical_gradient(J, param, entries, eps)
            errors[name] = rel_error(analytic[name].reshape(-1)[entries], numeric)
            checked[name] = len(entries)
    return GradCheckResult(errors, checked, tol)


def gradcheck_layer(
    layer: Layer,
    x: Array,
    *,
    eps: float = 1e-6,
    tol: float = 1e-6,
    max_entries: int | None = 100,
    seed: int = 0,
) -> GradCheckResult:
    """Check one layer's ``backward`` against central differences.

    The scalar checked is J = Σ forward(x) ⊙ G for a fixed random G, so ∂J/∂(output) = G
    and ``backward(G)`` must return ∂J/∂x and fill ∂J/∂θ. The result has an ``"input"``
    entry besides the layer's parameters.

    Parameters
    ----------
    layer : Layer
        A built layer, in float64.
    x : array
        An input batch for it.
    eps : float, default 1e-6
        The step of the central differences.
    tol : float, default 1e-6
        The largest relative error that passes.
    max_entries : int or None, default 100
        How many entries of each array are checked (None: all).
    seed : int, default 0
        Seed of the random G and of the entries picked.

    Returns
    -------
    GradCheckResult
        The largest relative error per array (the input's under ``"input"``).

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import gradcheck_layer
    >>> from deltaprop import Dense
    >>> layer = Dense(3, 2)
    >>> layer.build(np.random.default_rng(0), np.dtype("float64"), None)
    >>> gradcheck_layer(layer, np.random.default_rng(1).random((4, 3))).passed
    True
    """
    x = np.ascontiguousarray(x)
    _require_float64([x, *layer.params.values()], "inputs and parameters")
    rng = np.random.default_rng(seed)
    G = rng.standard_normal(layer.forward(x, training=True).shape)

    def J() -> float:
        return float((layer.forward(x, training=True) * G).sum())

    errors, checked = {}, {}
    with _fixed_masks([layer]):
        J()  # the mask that backward uses is the one every evaluation of J reuses
        analytic = {"input": to_numpy(layer.backward(G)).copy()}
        analytic.update({k: to_numpy(g).copy() for k, g in layer.grads.items()})
        for name, array in [("input", x), *layer.params.items()]:
            entries = _entries(array.size, max_entries, rng)
            numeric = numerical_gradient(J, array, entries, eps)
            errors[name] = rel_error(analytic[name].reshape(-1)[entries], numeric)
            checked[name] = len(entries)
    return GradCheckResult(errors, checked, tol)


@contextlib.contextmanager
def _fixed_masks(layers: Iterable[Layer]) -> Iterator[None]:
    """Make stochastic layers (Dropout) reuse their last mask; restore them however we leave."""
    stochastic = [(layer, layer.reuse_mask) for layer in layers if hasattr(layer, "reuse_mask")]
    for layer, _ in stochastic:
        layer.reuse_mask = True
    try:
        yield
    finally:
        for layer, before in stochastic:
            layer.reuse_mask = before
