"""The inputs every exercise is checked on, designed to expose the usual mistakes.

Cases come smallest first, so the first one that fails is the smallest input that shows
the mistake. They are built from a seed and are internally consistent (one-hot targets,
weights shaped for the activations they multiply). What they are designed to expose:

* non-square layers (a missing transpose cannot pass by luck) and batches of 1 and 7
  (1/n missing or applied twice shows only when n > 1);
* |z| up to 1000 (a formula that overflows) and z = 0 exactly;
* stride 2 with a leftover row (a convolution that ignores its stride), asymmetric kernels
  (a flipped kernel), overlapping windows (gradients overwritten instead of added).

*Probes* are extra cases used only to name a mistake, never to decide pass or fail: a
square layer, on which a missing transpose runs instead of raising.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.layers.activations import sigmoid

LARGE = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


@dataclass(frozen=True)
class Case:
    """One set of arguments, with what the diagnosis needs to know about it."""

    args: dict[str, Any]
    about: str
    """Human description, e.g. "z of shape (7, 4), |z| up to 1000"."""
    probe: bool = False
    n: int = 1
    """Rows of the batch (for the 1/n relations)."""
    sigma_prime: np.ndarray | None = None
    """σ′(z) shaped like the output, where a factor σ′ may be missing or doubled."""
    z: np.ndarray | None = None
    """The z an element-wise output is a function of (to point at the failing entry)."""
    extra: dict[str, Any] = field(default_factory=dict)


def _one_hot(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    y = np.zeros((n, k))
    y[np.arange(n), rng.integers(0, k, n)] = 1.0
    return y


def _sp(z: np.ndarray) -> np.ndarray:
    a = sigmoid(z)
    return a * (1 - a)


def _large_z(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    z = rng.normal(0, 3, (n, k))
    z.flat[: LARGE.size] = LARGE
    return z


def _describe(z: np.ndarray) -> str:
    return f"z of shape {z.shape}, |z| up to {np.abs(z).max():.3g}"


def _sigmoid_prime(rng: np.random.Generator) -> list[Case]:
    zs = [np.zeros((1, 1)), np.array([[-2.0, -0.5, 0.5, 2.0]]), rng.normal(0, 3, (7, 5))]
    zs.append(_large_z(rng, 3, 4))
    return [Case({"z": z}, _describe(z), n=len(z), z=z) for z in zs]


def _softmax(rng: np.random.Generator) -> list[Case]:
    zs = [np.array([[0.0, 1.0, 2.0]]), rng.normal(0, 2, (7, 4)), np.zeros((2, 3))]
    big = rng.normal(0, 1, (2, 5))
    big[0] += 1000.0
    big[1] -= 1000.0
    zs.append(big)
    return [Case({"z": z}, _describe(z), n=len(z), z=z) for z in zs]


def _output_delta(sigma_prime_factor: bool) -> Callable[[np.random.Generator], list[Case]]:
    def cases(rng: np.random.Generator) -> list[Case]:
        shapes = [(1, 3), (7, 4), (7, 10)]
        zs = [rng.normal(0, 2, s) for s in shapes] + [_large_z(rng, 7, 4)]
        out = []
        for z in zs:
            y = _one_hot(rng, *z.shape)
            sp = _sp(z) if sigma_prime_factor else None
            out.append(
                Case({"z": z, "y": y}, _describe(z) + ", y one-hot", n=len(z), sigma_prime=sp, z=z)
            )
        return out

    return cases


def _backprop_delta(rng: np.random.Generator) -> list[Case]:
    out = []
    for n, m, k, probe in [(1, 3, 2, False), (7, 5, 3, False), (7, 6, 4, False), (4, 3, 3, True)]:
        z = rng.normal(0, 2, (n, m))
        if n == 7 and m == 6:
            z.flat[: LARGE.size] = LARGE
        delta_next = rng.normal(0, 0.1, (n, k))
        W_next = rng.normal(0, 1, (m, k))
        about = f"δˡ⁺¹ {delta_next.shape}, W_next {W_next.shape}, z {z.shape}"
        out.append(
            Case(
                {"delta_next": delta_next, "W_next": W_next, "z": z},
                about,
                probe=probe,
                n=n,
                sigma_prime=_sp(z),
                z=z,
            )
        )
    return out


def _dense_backward(rng: np.random.Generator) -> list[Case]:
    out = []
    for n, n_in, n_out, probe in [
        (1, 3, 2, False),
        (7, 5, 3, False),
        (7, 10, 4, False),
        (4, 4, 4, True),
    ]:
        delta = rng.normal(0, 0.1, (n, n_out))
        a_prev = sigmoid(rng.normal(0, 1, (n, n_in)))
        W = rng.normal(0, 1, (n_in, n_out))
        about = f"δ {delta.shape}, a_prev {a_prev.shape}, W {W.shape}"
        out.append(Case({"delta": delta, "a_prev": a_prev, "W": W}, about, probe=probe, n=n))
    return out


def _cubic(c: np.ndarray) -> Callable[[np.ndarray], float]:
    def f(theta: np.ndarray) -> float:
        """F(θ) = Σ c θ³ + Σ θ²: curved enough that one-sided differences are visibly off."""
        return float(np.sum(c * theta**3) + np.sum(theta**2))

    return f


def _numerical_gradient(rng: np.random.Generator) -> list[Case]:
    out = []
    for shape in [(3,), (2, 3), (2, 2, 3)]:
        theta = rng.normal(0, 1, shape)
        c = rng.normal(0, 1, shape)
        out.append(
            Case(
                {"f": _cubic(c), "theta": theta, "eps": 1e-3},
                f"θ of shape {shape}, ε = 1e-3, f(θ) = Σ cθ³ + Σ θ²",
            )
        )
    return out


def _steps(rng: np.random.Generator) -> list[Case]:
    out = []
    for shape in [(1, 1), (3, 2), (5,)]:
        w, grad, v = (rng.normal(0, 1, shape) for _ in range(3))
        args = {"w": w, "v": v, "grad": grad, "eta": 0.3, "mu": 0.9, "lmbda": 5.0, "n": 50}
        out.append(Case(args, f"w of shape {shape}, η = 0.3, μ = 0.9, λ = 5, n = 50"))
    return out


def _conv_shapes() -> list[tuple[tuple[int, ...], tuple[int, ...], int]]:
    return [
        ((1, 1, 3, 3), (1, 1, 2, 2), 1),
        ((2, 3, 6, 5), (4, 3, 3, 2), 1),
        ((2, 2, 7, 8), (3, 2, 3, 3), 2),
    ]


def _conv(backward: bool) -> Callable[[np.random.Generator], list[Case]]:
    def cases(rng: np.random.Generator) -> list[Case]:
        out = []
        for xs, ws, stride in _conv_shapes():
            x, W = rng.normal(0, 1, xs), rng.normal(0, 1, ws)
            about = f"x {xs}, W {ws}, stride {stride}"
            if backward:
                oh, ow = (xs[2] - ws[2]) // stride + 1, (xs[3] - ws[3]) // stride + 1
                delta = rng.normal(0, 0.1, (xs[0], ws[0], oh, ow))
                args = {"delta": delta, "x": x, "W": W, "stride": stride}
                about = f"δ {delta.shape}, " + about
            else:
                args = {"x": x, "W": W, "b": rng.normal(0, 1, ws[0]), "stride": stride}
            out.append(Case(args, about, n=xs[0]))
        return out

    return cases


def _maxpool(rng: np.random.Generator) -> list[Case]:
    out = []
    for shape, size in [((1, 1, 2, 2), 2), ((2, 3, 4, 6), 2), ((1, 2, 7, 6), 3)]:
        x = rng.permutation(np.prod(shape)).reshape(shape) / 10.0  # distinct: no ties
        delta = rng.normal(0, 1, (shape[0], shape[1], shape[2] // size, shape[3] // size))
        out.append(
            Case(
                {"delta": delta, "x": x, "size": size},
                f"δ {delta.shape}, x {shape}, size {size}",
                n=shape[0],
            )
        )
    return out


def _backprop(rng: np.random.Generator) -> list[Case]:
    out = []
    for sizes, n, probe in [
        ([4, 3, 2], 1, False),
        ([5, 4, 3, 2], 7, False),
        ([6, 8, 3], 7, False),
        ([3, 3, 3], 4, True),
    ]:
        weights = [rng.normal(0, 1, (a, b)) for a, b in itertools.pairwise(sizes)]
        biases = [rng.normal(0, 1, b) for b in sizes[1:]]
        x = rng.normal(0, 1, (n, sizes[0]))
        y = _one_hot(rng, n, sizes[-1])
        out.append(
            Case(
                {"weights": weights, "biases": biases, "x": x, "y": y},
                f"layers {'-'.join(map(str, sizes))}, batch of {n}",
                probe=probe,
                n=n,
            )
        )
    return out


CASES: dict[str, Callable[[np.random.Generator], list[Case]]] = {
    "sigmoid_prime": _sigmoid_prime,
    "softmax": _softmax,
    "quadratic_delta": _output_delta(True),
    "cross_entropy_delta": _output_delta(True),
    "log_likelihood_delta": _output_delta(False),
    "backprop_delta": _backprop_delta,
    "dense_backward": _dense_backward,
    "numerical_gradient": _numerical_gradient,
    "sgd_step": _steps,
    "momentum_step": _steps,
    "l2_step": _steps,
    "conv2d_forward": _conv(False),
    "conv2d_backward": _conv(True),
    "maxpool_backward": _maxpool,
    "backprop": _backprop,
}


def cases_for(name: str, parameters: tuple[str, ...], seed: int = 0) -> list[Case]:
    """The cases of exercise ``name``, holding exactly the arguments its signature takes."""
    rng = np.random.default_rng([seed, sorted(CASES).index(name)])
    made = CASES[name](rng)
    return [
        Case(
            {p: case.args[p] for p in parameters},
            case.about,
            case.probe,
            case.n,
            case.sigma_prime,
            case.z,
            case.extra,
        )
        for case in made
    ]
