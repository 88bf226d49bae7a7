"""Known-wrong answers of the activation, output-error and backpropagation exercises."""

from __future__ import annotations

import numpy as np

from .. import solutions as ref
from ..solutions import sigmoid_prime as sp
from .base import AVERAGE, Wrong, σ


def _naive_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _naive_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _rows(z: np.ndarray) -> int:
    return z.shape[0]


def _sigmoid_prime_in_place(z: np.ndarray) -> np.ndarray:
    a = σ(z)
    z *= 0
    z += a * (1 - a)
    return z


def _softmax_in_place(z: np.ndarray) -> np.ndarray:
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


DENSE: dict[str, tuple[Wrong, ...]] = {
    "sigmoid_prime": (
        Wrong(
            "returns-sigma",
            σ,
            "This returns σ(z) itself, not its derivative σ′(z) = σ(z)(1 − σ(z)).",
            "Multiply σ(z) by 1 − σ(z).",
        ),
        Wrong(
            "used-z-for-a",
            lambda z: z * (1 - z),
            "This computes z(1 − z): σ′ = a(1 − a) holds for a = σ(z), not for z.",
            "Compute a = σ(z) first.",
        ),
        Wrong(
            "sign",
            lambda z: σ(z) * (1 + σ(z)),
            "This is σ(z)(1 + σ(z)); the derivative is σ(z)(1 − σ(z)).",
            "Check the sign inside the bracket.",
        ),
        Wrong(
            "overflow",
            lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
            "e^(−z)/(1 + e^(−z))² "
            "is σ′(z) on paper, but e^(−z) overflows to inf for z ≪ 0 and inf/inf is NaN.",
            "Write σ′ through σ(z), computed in a form that cannot overflow.",
        ),
        Wrong(
            "input-modified",
            _sigmoid_prime_in_place,
            "The values are right but z was "
            "overwritten; in a network z is kept for the backward pass.",
            "Compute into a new array instead of writing into z.",
        ),
    ),
    "softmax": (
        Wrong(
            "overflow",
            _naive_softmax,
            "e^(zⱼ) overflows for zⱼ near 1000 and the row becomes inf/inf = NaN.",
            "Subtract each row's maximum before exp: it does not change the softmax.",
        ),
        Wrong(
            "wrong-axis",
            lambda z: ref.softmax(z.T).T,
            "This normalises each column; softmax normalises each row (one example a row).",
            "Reduce along axis=1.",
        ),
        Wrong(
            "whole-array",
            lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
            "This normalises over the whole batch: the rows do not each sum to 1.",
            "Sum along axis=1 with keepdims=True.",
        ),
        Wrong(
            "not-normalised",
            lambda z: np.exp(z - z.max(axis=1, keepdims=True)),
            "The exponentials are not divided by their row's sum Σₖ e^(zₖ).",
            "Divide by each row's sum.",
        ),
        Wrong(
            "input-modified",
            _softmax_in_place,
            "The values are right but z was overwritten in place.",
            "Work on a new array: z − max is already one.",
        ),
    ),
    "quadratic_delta": (
        Wrong(
            "missing-sigma-prime",
            lambda z, y: (σ(z) - y) / _rows(z),
            "The factor σ′(z) of BP1 is missing: δᴸ = (a − y) ⊙ σ′(zᴸ)/n.",
            "Multiply by σ′(z) entry by entry.",
        ),
        Wrong(
            "sign",
            lambda z, y: (y - σ(z)) * sp(z) / _rows(z),
            "The sign is flipped: ∂C/∂a = (a − y)/n, not (y − a)/n.",
            "Write a − y.",
        ),
        Wrong(
            "not-averaged",
            lambda z, y: (σ(z) - y) * sp(z),
            f"The 1/n is missing: {AVERAGE}.",
            "Divide by n = z.shape[0].",
        ),
        Wrong(
            "averaged-twice",
            lambda z, y: (σ(z) - y) * sp(z) / _rows(z) ** 2,
            "This divides by n²: the mean cost has one 1/n.",
            "Divide by n once.",
        ),
        Wrong(
            "used-z-for-a",
            lambda z, y: (z - y) * sp(z) / _rows(z),
            "This uses z where the output a = σ(z) belongs.",
            "Compute a = σ(z) first.",
        ),
    ),
    "cross_entropy_delta": (
        Wrong(
            "extra-sigma-prime",
            lambda z, y: (σ(z) - y) * sp(z) / _rows(z),
            "This is the quadratic cost's δᴸ: with the cross-entropy σ′ cancels, δᴸ = (a − y)/n.",
            "Drop the σ′(z) factor.",
        ),
        Wrong(
            "sign",
            lambda z, y: (y - σ(z)) / _rows(z),
            "The sign is flipped: δᴸ = (a − y)/n.",
            "Write a − y.",
        ),
        Wrong(
            "not-averaged",
            lambda z, y: σ(z) - y,
            f"The 1/n is missing: {AVERAGE}.",
            "Divide by n = z.shape[0].",
        ),
        Wrong(
            "averaged-twice",
            lambda z, y: (σ(z) - y) / _rows(z) ** 2,
            "This divides by n²: the mean cost has one 1/n.",
            "Divide by n once.",
        ),
        Wrong(
            "overflow",
            lambda z, y: (
                (_naive_sigmoid(z) - y)
                / (_naive_sigmoid(z) * (1 - _naive_sigmoid(z)))
                * sp(z)
                / _rows(z)
            ),
            "Going through ∂C/∂a = (a − y)/(a(1 − "
            "a)) divides 0 by 0 once σ(z) rounds to 0 or 1 (|z| ≳ 37).",
            "Simplify on paper first: σ′ cancels.",
        ),
    ),
    "log_likelihood_delta": (
        Wrong(
            "sigmoid-not-softmax",
            lambda z, y: (σ(z) - y) / _rows(z),
            "This uses σ(z) for the outputs; the log-likelihood pairs with a softmax output.",
            "a is the row-wise softmax of z.",
        ),
        Wrong(
            "sign",
            lambda z, y: (y - ref.softmax(z)) / _rows(z),
            "The sign is flipped: δᴸ = (a − y)/n.",
            "Write a − y.",
        ),
        Wrong(
            "not-averaged",
            lambda z, y: ref.softmax(z) - y,
            f"The 1/n is missing: {AVERAGE}.",
            "Divide by n = z.shape[0].",
        ),
        Wrong(
            "averaged-twice",
            lambda z, y: (ref.softmax(z) - y) / _rows(z) ** 2,
            "This divides by n².",
            "Divide by n once.",
        ),
        Wrong(
            "overflow",
            lambda z, y: (_naive_softmax(z) - y) / _rows(z),
            "The softmax is not shifted: e^(zⱼ) overflows for zⱼ near 1000.",
            "Subtract each row's maximum before exp.",
        ),
        Wrong(
            "wrong-axis",
            lambda z, y: (ref.softmax(z.T).T - y) / _rows(z),
            "The softmax normalises columns instead of rows.",
            "Reduce along axis=1.",
        ),
    ),
    "backprop_delta": (
        Wrong(
            "not-transposed",
            lambda d, W, z: (d @ W) * sp(z),
            "W_next is used without "
            "its transpose: δˡ⁺¹ (n, nˡ⁺¹) times W_nextᵀ (nˡ⁺¹, nˡ) gives (n, nˡ).",
            "Use W_next.T.",
        ),
        Wrong(
            "missing-sigma-prime",
            lambda d, W, z: d @ W.T,
            "The factor σ′(zˡ) of BP2 is missing.",
            "Multiply by σ′(z) entry by entry.",
        ),
        Wrong(
            "sigma-not-sigma-prime",
            lambda d, W, z: (d @ W.T) * σ(z),
            "This multiplies by σ(zˡ); BP2 has σ′(zˡ) = σ(z)(1 − σ(z)).",
            "Use the derivative.",
        ),
        Wrong(
            "averaged-twice",
            lambda d, W, z: (d @ W.T) * sp(z) / _rows(z),
            "This divides by n again: δˡ⁺¹ already carries the 1/n of the mean cost.",
            "Drop the /n.",
        ),
        Wrong(
            "used-z-for-a",
            lambda d, W, z: (d @ W.T) * z * (1 - z),
            "σ′ = a(1 − a) needs a = σ(z), not z.",
            "Compute σ(z) first.",
        ),
    ),
    "dense_backward": (
        Wrong(
            "not-transposed",
            lambda d, a, W: (d.T @ a, d.sum(axis=0), d @ W.T),
            "dW comes out as δᵀ a_prev, shape (n_out, n_in); ∂C/∂W has the shape of W: a_prevᵀ δ.",
            "Put a_prev.T first.",
        ),
        Wrong(
            "averaged-twice",
            lambda d, a, W: (a.T @ d / len(d), d.mean(axis=0), d @ W.T),
            "dW and db are divided by n again: δ already carries the 1/n.",
            "Sum over the batch; do not average.",
        ),
        Wrong(
            "db-averaged",
            lambda d, a, W: (a.T @ d, d.mean(axis=0), d @ W.T),
            "db = mean of δ; BP3 sums δ over the rows (δ already carries 1/n).",
            "Use sum, not mean.",
        ),
        Wrong(
            "wrong-axis",
            lambda d, a, W: (a.T @ d, d.sum(axis=1), d @ W.T),
            "db sums δ over its columns; ∂C/∂b sums over the rows (the examples).",
            "Sum along axis=0.",
        ),
        Wrong(
            "da-not-transposed",
            lambda d, a, W: (a.T @ d, d.sum(axis=0), d @ W),
            "da_prev = δ W uses W where BP2 has Wᵀ: δ (n, n_out) times Wᵀ (n_out, n_in).",
            "Use W.T.",
        ),
    ),
}
