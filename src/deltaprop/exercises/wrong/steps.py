"""Known-wrong answers of the gradient-checking and optimiser exercises."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import solutions as ref
from .base import Wrong


def _numerical_not_restored(f, theta, eps):  # type: ignore[no-untyped-def]
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        theta[i] += eps
        up = f(theta)
        theta[i] -= 2 * eps
        grad[i] = (up - f(theta)) / (2 * eps)
    return grad


def _numerical(step: Callable[[Callable, np.ndarray, tuple, float], float]):  # type: ignore[no-untyped-def]
    def gradient(f, theta, eps):  # type: ignore[no-untyped-def]
        grad = np.zeros_like(theta)
        for i in np.ndindex(theta.shape):
            grad[i] = step(f, theta.copy(), i, eps)
        return grad

    return gradient


def _nudged(theta: np.ndarray, i: tuple, by: float) -> np.ndarray:
    theta = theta.copy()
    theta[i] += by
    return theta


def _all_at_once(f, theta, eps):  # type: ignore[no-untyped-def]
    return np.full_like(theta, (f(theta + eps) - f(theta - eps)) / (2 * eps))


STEPS: dict[str, tuple[Wrong, ...]] = {
    "numerical_gradient": (
        Wrong(
            "one-sided",
            _numerical(lambda f, t, i, e: (f(_nudged(t, i, e)) - f(t)) / e),
            "This is the one-sided difference (f(θ + ε) − f(θ))/ε, accurate to O(ε) only.",
            "Use f(θ + ε) − f(θ − ε) over 2ε.",
        ),
        Wrong(
            "missing-half",
            _numerical(lambda f, t, i, e: (f(_nudged(t, i, e)) - f(_nudged(t, i, -e))) / e),
            "The difference f(θ + ε) − f(θ − ε) spans 2ε, "
            "but is divided by ε: the estimate is twice the gradient.",
            "Divide by 2ε.",
        ),
        Wrong(
            "input-modified",
            _numerical_not_restored,
            "θ is left nudged by −ε in every entry: the caller's parameters change.",
            "Save θᵢ and put it back.",
        ),
        Wrong(
            "all-at-once",
            _all_at_once,
            "Every entry of θ is nudged at the same time, "
            "which measures the sum of all the partial derivatives, not each one.",
            "Nudge one entry at a time (np.ndindex).",
        ),
        Wrong(
            "sign",
            _numerical(lambda f, t, i, e: (f(_nudged(t, i, -e)) - f(_nudged(t, i, e))) / (2 * e)),
            "f(θ − ε) − f(θ + ε): the sign is flipped.",
            "Subtract f(θ − ε) from f(θ + ε).",
        ),
    ),
    "sgd_step": (
        Wrong(
            "sign",
            lambda w, g, eta: w + eta * g,
            "w + η∇ climbs the cost; descent is w − η∇.",
            "Subtract.",
        ),
        Wrong(
            "missing-eta",
            lambda w, g, eta: w - g,
            "The learning rate η is missing.",
            "Scale the gradient by eta.",
        ),
        Wrong(
            "returns-update",
            lambda w, g, eta: -eta * g,
            "This returns the step −η∇, not the new weights w − η∇.",
            "Add the step to w.",
        ),
        Wrong(
            "eta-divides",
            lambda w, g, eta: w - g / eta,
            "The gradient is divided by η; it is multiplied.",
            "Write eta * grad.",
        ),
    ),
    "momentum_step": (
        Wrong(
            "old-velocity",
            lambda w, v, g, eta, mu: (w + v, mu * v - eta * g),
            "w moves by the old v; the notes first update v ← μv − η∇, then w ← w + v.",
            "Update v first, then use the new v.",
        ),
        Wrong(
            "sign",
            lambda w, v, g, eta, mu: (w + mu * v + eta * g, mu * v + eta * g),
            "v ← μv + η∇ accelerates uphill.",
            "v ← μv − η∇.",
        ),
        Wrong(
            "missing-mu",
            lambda w, v, g, eta, mu: (w + v - eta * g, v - eta * g),
            "μ is missing: v ← v − η∇ has no friction.",
            "Multiply v by mu.",
        ),
        Wrong(
            "swapped-outputs",
            lambda w, v, g, eta, mu: ref.momentum_step(w, v, g, eta, mu)[::-1],
            "The pair comes back as (v, w); the exercise returns (w, v).",
            "Return w first.",
        ),
        Wrong(
            "w-minus-v",
            lambda w, v, g, eta, mu: (w - (mu * v - eta * g), mu * v - eta * g),
            "w ← w − v: the minus sign is already inside v.",
            "w ← w + v.",
        ),
    ),
    "l2_step": (
        Wrong(
            "missing-n",
            lambda w, g, eta, lmbda, n: (1 - eta * lmbda) * w - eta * g,
            "The decay is (1 − ηλ); the L2 term is (λ/2n) Σ w², so it is (1 − ηλ/n).",
            "Divide λ by n (the training-set size).",
        ),
        Wrong(
            "missing-eta-in-decay",
            lambda w, g, eta, lmbda, n: (1 - lmbda / n) * w - eta * g,
            "The decay (1 − λ/n) has lost its η.",
            "Decay by 1 − ηλ/n.",
        ),
        Wrong(
            "sign",
            lambda w, g, eta, lmbda, n: (1 + eta * lmbda / n) * w - eta * g,
            "(1 + ηλ/n) grows the weights; L2 shrinks them.",
            "1 − ηλ/n.",
        ),
        Wrong(
            "l1-not-l2",
            lambda w, g, eta, lmbda, n: w - eta * lmbda / n * np.sign(w) - eta * g,
            "This is the L1 step (sgn w); L2's gradient is (λ/n) w.",
            "Decay in proportion to w.",
        ),
        Wrong(
            "doubled",
            lambda w, g, eta, lmbda, n: (1 - 2 * eta * lmbda / n) * w - eta * g,
            "(1 − 2ηλ/n): the ½ of (λ/2n) Σ w² cancels the 2 of the derivative.",
            "1 − ηλ/n.",
        ),
    ),
}
