"""Reference solutions of the exercises: what the checker compares a learner's answer with.

Arrays are float64 with one example per row (NCHW for images) and ``W`` of shape
(n_in, n_out), as everywhere in deltaprop. Where the library already computes a formula
(σ, softmax, the windows of a convolution, folding patches back) the reference calls it,
so an exercise and the network it plugs into share one definition. None of these is shown
to the learner: the notebooks and the documentation carry the statements only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.layers.activations import sigmoid
from ..core.layers.activations import softmax as _library_softmax
from ..core.layers.conv import fold, windows


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """σ′(z) = σ(z)(1 − σ(z))."""
    a = sigmoid(z)
    return a * (1 - a)


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ) for each row, shifted by the row's maximum."""
    return _library_softmax(z)


def quadratic_delta(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δᴸ = (a − y) ⊙ σ′(z) / n for a sigmoid output and C = (1/2n) Σₓ ‖y − a‖²."""
    return (sigmoid(z) - y) * sigmoid_prime(z) / z.shape[0]


def cross_entropy_delta(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δᴸ = (a − y) / n for a sigmoid output and the cross-entropy."""
    return (sigmoid(z) - y) / z.shape[0]


def log_likelihood_delta(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """δᴸ = (a − y) / n for a softmax output and the log-likelihood."""
    return (softmax(z) - y) / z.shape[0]


def backprop_delta(delta_next: np.ndarray, W_next: np.ndarray, z: np.ndarray) -> np.ndarray:
    """BP2: δˡ = (δˡ⁺¹ W_nextᵀ) ⊙ σ′(zˡ)."""
    return (delta_next @ W_next.T) * sigmoid_prime(z)


def dense_backward(
    delta: np.ndarray, a_prev: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂C/∂W, ∂C/∂b, δ_prev) = (a_prevᵀ δ, Σ_rows δ, δ Wᵀ) for z = a_prev W + b."""
    return a_prev.T @ delta, delta.sum(axis=0), delta @ W.T


def numerical_gradient(
    f: Callable[[np.ndarray], float], theta: np.ndarray, eps: float
) -> np.ndarray:
    """Central differences (f(θ + ε) − f(θ − ε)) / 2ε, one entry of θ at a time."""
    grad = np.zeros_like(theta, dtype=np.float64)
    for index in np.ndindex(theta.shape):
        old = theta[index]
        theta[index] = old + eps
        up = f(theta)
        theta[index] = old - eps
        down = f(theta)
        theta[index] = old
        grad[index] = (up - down) / (2 * eps)
    return grad


def sgd_step(w: np.ndarray, grad: np.ndarray, eta: float) -> np.ndarray:
    """W ← w − η∇C."""
    return w - eta * grad


def momentum_step(
    w: np.ndarray, v: np.ndarray, grad: np.ndarray, eta: float, mu: float
) -> tuple[np.ndarray, np.ndarray]:
    """V ← μv − η∇C, then w ← w + v; returns (w, v)."""
    v = mu * v - eta * grad
    return w + v, v


def l2_step(w: np.ndarray, grad: np.ndarray, eta: float, lmbda: float, n: int) -> np.ndarray:
    """W ← (1 − ηλ/n) w − η∇C₀ (weight decay from the L2 term λ/2n Σ w²)."""
    return (1 - eta * lmbda / n) * w - eta * grad


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int) -> np.ndarray:
    """z[n, f, i, j] = Σ_c Σ_p Σ_q W[f, c, p, q] x[n, c, i·s + p, j·s + q] + b[f]."""
    kh, kw = W.shape[2:]
    win = windows(x, kh, kw, stride, stride)  # (n, c, oh, ow, kh, kw)
    z = np.tensordot(win, W, axes=([1, 4, 5], [1, 2, 3]))  # (n, oh, ow, f): one BLAS product
    return z.transpose(0, 3, 1, 2) + b[None, :, None, None]


def conv2d_backward(
    delta: np.ndarray, x: np.ndarray, W: np.ndarray, stride: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(∂C/∂W, ∂C/∂b, δ_prev) of :func:`conv2d_forward`, δ of shape (n, f, oh, ow).

    ∂C/∂W[f, c, p, q] = Σ_n Σ_ij δ[n, f, i, j] x[n, c, i·s + p, j·s + q], ∂C/∂b[f] = Σ δ[:, f],
    and every window of the input receives Σ_f W[f] δ[n, f, i, j], overlaps adding up.
    """
    kh, kw = W.shape[2:]
    win = windows(x, kh, kw, stride, stride)
    dW = np.tensordot(delta, win, axes=([0, 2, 3], [0, 2, 3]))  # (f, c, kh, kw)
    patches = np.tensordot(W, delta, axes=([0], [1]))  # (c, kh, kw, n, oh, ow)
    patches = patches.transpose(3, 0, 1, 2, 4, 5)  # (n, c, kh, kw, oh, ow)
    return dW, delta.sum(axis=(0, 2, 3)), fold(patches, x.shape, stride, stride)


def maxpool_backward(delta: np.ndarray, x: np.ndarray, size: int) -> np.ndarray:
    """δ_prev: each size × size window (stride = size) sends its δ to its maximum."""
    n, c, h, w = x.shape
    oh, ow = h // size, w // size
    cells = x[:, :, : oh * size, : ow * size].reshape(n, c, oh, size, ow, size)
    cells = cells.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, oh, ow, size * size)
    first_max = np.zeros_like(cells)
    np.put_along_axis(first_max, cells.argmax(axis=-1)[..., None], 1.0, axis=-1)
    routed = (first_max * delta[..., None]).reshape(n, c, oh, ow, size, size)
    dx = np.zeros_like(x, dtype=np.float64)
    dx[:, :, : oh * size, : ow * size] = routed.transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, oh * size, ow * size
    )
    return dx


def backprop(
    weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every ∂C/∂W and ∂C/∂b of a sigmoid MLP with the cross-entropy averaged over n rows.

    Forward: zˡ = aˡ⁻¹Wˡ + bˡ, aˡ = σ(zˡ); BP1: δᴸ = (aᴸ − y)/n; BP2: δˡ = (δˡ⁺¹Wˡ⁺¹ᵀ) ⊙ σ′(zˡ);
    BP3/BP4: ∂C/∂bˡ = Σ_rows δˡ, ∂C/∂Wˡ = aˡ⁻¹ᵀ δˡ.
    """
    activations, zs = [x], []
    for W, b in zip(weights, biases, strict=False):
        zs.append(activations[-1] @ W + b)
        activations.append(sigmoid(zs[-1]))
    delta = (activations[-1] - y) / x.shape[0]
    dWs: list[np.ndarray] = []
    dbs: list[np.ndarray] = []
    for layer in range(len(weights) - 1, -1, -1):
        dWs.insert(0, activations[layer].T @ delta)
        dbs.insert(0, delta.sum(axis=0))
        if layer:
            delta = (delta @ weights[layer].T) * sigmoid_prime(zs[layer - 1])
    return dWs, dbs


REFERENCES: dict[str, Callable[..., object]] = {
    fn.__name__: fn
    for fn in (
        sigmoid_prime,
        softmax,
        quadratic_delta,
        cross_entropy_delta,
        log_likelihood_delta,
        backprop_delta,
        dense_backward,
        numerical_gradient,
        sgd_step,
        momentum_step,
        l2_step,
        conv2d_forward,
        conv2d_backward,
        maxpool_backward,
        backprop,
    )
}
"""The reference of every exercise by its name, in the order of the course."""
