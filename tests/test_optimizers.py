"""Optimisers and schedules against scalar loops written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deltaprop import (
    SGD,
    Adam,
    AverageMomentum,
    ExponentialDecay,
    Momentum,
    Nesterov,
    StepDecay,
    optimizers,
)
from deltaprop.schedules import Constant

A = 3.0  # f(w) = ½·A·w², ∇f = A·w
W0 = 1.5


def trajectory(opt, steps=5):
    w = np.array([W0])
    out = []
    for _ in range(steps):
        opt.step([("w", w, A * w)])
        out.append(float(w[0]))
    return out


def test_sgd():
    w, ref = W0, []
    for _ in range(5):
        w = w - 0.1 * A * w  # w ← w − η g
        ref.append(w)
    assert trajectory(SGD(0.1)) == pytest.approx(ref, rel=1e-15)


def test_classical_momentum():
    w, v, ref = W0, 0.0, []
    for _ in range(5):
        v = 0.9 * v - 0.1 * A * w  # v ← μv − η g
        w = w + v  # w ← w + v
        ref.append(w)
    assert trajectory(Momentum(0.1, mu=0.9)) == pytest.approx(ref, rel=1e-14)


def test_momentum_as_exponential_average():
    w, v, ref = W0, 0.0, []
    for _ in range(5):
        v = 0.8 * v + (1 - 0.8) * A * w  # v ← βv + (1 − β) g
        w = w - 0.1 * v  # w ← w − η v
        ref.append(w)
    assert trajectory(AverageMomentum(0.1, beta=0.8)) == pytest.approx(ref, rel=1e-14)


def test_nesterov_equals_the_look_ahead_form():
    """Look-ahead NAG: v ← μv − η∇f(θ + μv), θ ← θ + v; our w is θ + μv."""
    theta, v, ref = W0, 0.0, []
    for _ in range(5):
        v = 0.9 * v - 0.05 * A * (theta + 0.9 * v)
        theta = theta + v
        ref.append(theta + 0.9 * v)
    # the two forms start from the same point because v = 0 at the start
    assert trajectory(Nesterov(0.05, mu=0.9)) == pytest.approx(ref, rel=1e-13)


def test_adam():
    w, m, s, ref = W0, 0.0, 0.0, []
    b1, b2, eps, eta = 0.9, 0.999, 1e-8, 0.01
    for t in range(1, 6):
        g = A * w
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        w = w - eta * (m / (1 - b1**t)) / (math.sqrt(s / (1 - b2**t)) + eps)
        ref.append(w)
    assert trajectory(Adam(eta)) == pytest.approx(ref, rel=1e-12)


def test_state_is_kept_per_parameter_name():
    opt = Momentum(0.1, mu=0.5)
    a, b = np.array([1.0]), np.array([1.0])
    opt.step([("a", a, np.array([1.0])), ("b", b, np.array([-1.0]))])
    opt.step([("a", a, np.array([1.0])), ("b", b, np.array([-1.0]))])
    assert a[0] == pytest.approx(1 - 0.1 - 0.15)
    assert b[0] == pytest.approx(1 + 0.1 + 0.15)


def test_updates_are_in_place():
    w = np.array([1.0, 2.0])
    before = w
    SGD(0.5).step([("w", w, np.array([1.0, 1.0]))])
    assert w is before and w.tolist() == [0.5, 1.5]


@pytest.mark.parametrize("eta", [0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_positive(eta):
    with pytest.raises(ValueError, match="learning rate eta must be a positive number"):
        SGD(eta)


@pytest.mark.parametrize("mu", [-0.1, 1.0, 2])
def test_momentum_must_be_a_fraction(mu):
    with pytest.raises(ValueError, match=r"in \[0, 1\)"):
        Momentum(0.1, mu=mu)


def test_get_by_name():
    opt = optimizers.get("nesterov", 0.2, mu=0.5)
    assert isinstance(opt, Nesterov) and opt.eta == 0.2 and opt.mu == 0.5
    with pytest.raises(ValueError, match="unknown optimiser 'rmsprop'"):
        optimizers.get("rmsprop")
    with pytest.raises(ValueError, match="not both"):
        optimizers.get(SGD(0.1), 0.2)


def test_schedules():
    assert [Constant()(0.5, e) for e in (0, 9)] == [0.5, 0.5]
    assert [StepDecay(0.5, every=2)(1.0, e) for e in range(5)] == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert ExponentialDecay(0.9)(2.0, 3) == pytest.approx(2.0 * 0.9**3)
    with pytest.raises(ValueError, match="every"):
        StepDecay(0.5, every=0)
