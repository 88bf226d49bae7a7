"""Training loops of the exercises that compute whole gradients: backprop, numerical_gradient.

The learner's function gives every ∂C/∂W and ∂C/∂b of a batch; the reference network gets
them from its own backpropagation; both take the same SGD steps on the same batches.
Instead of δ, the gradients on a fixed probe batch are compared after every epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core.layers import Dense
from ..core.network import Network
from .differ import first_difference

ETA = 0.5
EPS = 1e-3
"""ε of the central differences: one-sided ones are then visibly off (O(ε) against O(ε²))."""


def _mlp(sizes: list[int]) -> Network:
    return Network.from_sizes(sizes, "sigmoid", "sigmoid", "cross_entropy", dtype="float64")


def _weights(net: Network) -> list[Dense]:
    return [layer for layer in net.layers if isinstance(layer, Dense)]


def _reference_grads(net: Network, x: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
    grads = net.backprop(x, t)
    return [grads[name].copy() for name, _, _ in net.named_parameters()]  # buffers are reused


def _learner_backprop(
    fn: Callable[..., Any],
) -> Callable[[Network, np.ndarray, np.ndarray], list[np.ndarray]]:
    def grads(net: Network, x: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
        dense = _weights(net)
        dWs, dbs = fn(
            [d.params["W"].copy() for d in dense],
            [d.params["b"].copy() for d in dense],
            x.copy(),
            t.copy(),
        )
        return [np.asarray(g) for pair in zip(dWs, dbs, strict=True) for g in pair]

    return grads


def _learner_numerical(
    fn: Callable[..., Any],
) -> Callable[[Network, np.ndarray, np.ndarray], list[np.ndarray]]:
    def grads(net: Network, x: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
        out = []
        for _, param, _ in net.named_parameters():

            def cost(theta: np.ndarray, param: np.ndarray = param) -> float:
                saved = param.copy()
                param[...] = theta
                value = net.cost(x, t)
                param[...] = saved
                return value

            out.append(np.asarray(fn(cost, param.copy(), EPS)))
        return out

    return grads


def _run(
    net: Network,
    grads: Callable[..., list[np.ndarray]],
    X: np.ndarray,
    y: np.ndarray,
    Xt: np.ndarray,
    yt: np.ndarray,
    epochs: int,
    seed: int,
    probe: tuple[np.ndarray, np.ndarray],
) -> tuple[dict[str, list[float]], list, str]:
    curve: dict[str, list[float]] = {"cost": [], "accuracy": []}
    seen: list[list[np.ndarray]] = []
    t_all = net.targets(y, len(y))
    t_probe = net.targets(probe[1], len(probe[1]))
    error = ""

    def record() -> None:
        curve["cost"].append(float(net.cost(Xt, yt)))
        curve["accuracy"].append(float(net.accuracy(Xt, yt)))
        seen.append(grads(net, probe[0], t_probe))

    try:
        record()
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for start in range(0, len(X), 10):
                rows = order[start : start + 10]
                steps = grads(net, X[rows], t_all[rows])
                for (_, param, _), g in zip(net.named_parameters(), steps, strict=True):
                    param -= ETA * g
            record()
    except Exception as err:
        error = f"{type(err).__name__}: {err}"[:500]
    return curve, seen, error


def side_by_side(
    name: str, fn: Callable[..., Any], epochs: int, n_train: int, seed: int
) -> dict[str, Any]:
    """Both loops on the same batches; the first epoch and layer where gradients differ."""
    if name == "backprop":
        from ..datasets import load

        data = load("mnist-sample", n_train=n_train, n_test=500, dtype="float64")
        (X, y), (Xt, yt) = data.train, data.test
        sizes, learner = [784, 30, 10], _learner_backprop(fn)
    else:
        from ..datasets.toy import toy

        (X, y), (Xt, yt) = toy("gaussians", 400, noise=0.5, test_fraction=0.25, seed=seed)
        sizes, learner = [2, 6, 2], _learner_numerical(fn)
    probe = (Xt[:100], yt[:100])
    ref_curve, ref_grads, _ = _run(_mlp(sizes), _reference_grads, X, y, Xt, yt, epochs, seed, probe)
    net = _mlp(sizes)
    mine_curve, mine_grads, error = _run(net, learner, X, y, Xt, yt, epochs, seed, probe)
    names = [n for n, _, _ in net.named_parameters()]
    tolerance = 1e-6 if name == "backprop" else 1e-4  # central differences: O(ε²) off
    differs = first_difference(ref_grads, mine_grads, tolerance, lambda i: f"∂C/∂{names[i]}")
    return {"reference": ref_curve, "learner": mine_curve, "differs_at": differs, "error": error}


LOOPS: dict[str, Callable[..., dict[str, Any]]] = {
    "backprop": side_by_side,
    "numerical_gradient": side_by_side,
}
