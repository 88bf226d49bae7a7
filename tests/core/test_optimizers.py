"""Optimisers and schedules against scalar loops written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deltaprop import SGD, Adam, AverageMomentum, ExponentialDecay, Momentum, Nesterov, StepDecay
from deltaprop.core import optimizers
from deltaprop.core.schedules import Constant

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


# -- configuration, state and memory ----------------------------------------------------


@pytest.mark.parametrize(
    ("make", "config", "slots"),
    [
        (SGD, {"eta": 0.1}, set()),
        (Momentum, {"eta": 0.1, "mu": 0.9}, {"v"}),
        (Nesterov, {"eta": 0.1, "mu": 0.9}, {"v"}),
        (AverageMomentum, {"eta": 0.1, "beta": 0.9}, {"v"}),
        (Adam, {"eta": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {"m", "v"}),
    ],
    ids=["sgd", "momentum", "nesterov", "average", "adam"],
)
def test_defaults_config_and_state_slots(make, config, slots):
    """The defaults are the usual ones; checkpoints store state under these slot names."""
    opt = make()
    assert opt.get_config() == config
    assert type(opt)(**config).get_config() == config
    w = np.ones((3, 2))
    opt.step([("layers.0.W", w, np.full_like(w, 0.5))])
    assert set(opt.state.get("layers.0.W", {})) == slots


@pytest.mark.parametrize("make", [SGD, Momentum, Nesterov, AverageMomentum, Adam])
def test_steps_update_in_place_without_temporaries(make):
    """After the first step, a step allocates nothing the size of the parameter."""
    import tracemalloc

    opt = make()
    w = np.ones((500, 500))  # 2 MB
    g = np.full_like(w, 1e-3)
    opt.step([("w", w, g)])
    before = w
    tracemalloc.start()
    try:
        opt.step([("w", w, g)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert w is before
    assert peak < w.nbytes / 4, f"a step allocated {peak:,} bytes"


def test_scratch_buffers_follow_each_parameter_shape_and_dtype():
    opt = SGD(0.5)
    a, b = np.ones((2, 3)), np.ones(4, dtype=np.float32)
    for _ in range(2):
        opt.step([("a", a, a * 0 + 1), ("b", b, b * 0 + 1)])
    np.testing.assert_array_equal(a, np.zeros((2, 3)))
    np.testing.assert_array_equal(b, np.zeros(4, np.float32))
    assert b.dtype == np.float32
    c = np.ones((2, 3), dtype=np.float32)  # same shape as "a", other dtype, same name
    opt.step([("a", c, c)])
    np.testing.assert_allclose(c, 0.5)
    d = np.ones(5, dtype=np.float32)  # other shape, same dtype, same name
    opt.step([("a", d, d)])
    np.testing.assert_allclose(d, 0.5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Momentum(0.1, mu=1.0), r"^momentum mu must be in \[0, 1\), got 1.0$"),
        (lambda: Momentum(0.1, mu=True), r"^momentum mu must be a number in \[0, 1\), got True$"),
        (lambda: Nesterov(0.1, mu=-0.1), r"^momentum mu must be in \[0, 1\)"),
        (lambda: AverageMomentum(0.1, beta=1.5), r"^momentum beta must be in \[0, 1\)"),
        (lambda: Adam(beta1=1.0), r"^Adam beta1 must be in \[0, 1\)"),
        (lambda: Adam(beta2="x"), r"^Adam beta2 must be a number in \[0, 1\), got 'x'$"),
        (lambda: Adam(eps=0.0), r"^Adam eps must be a positive number, got 0.0$"),
        (lambda: SGD(-1.0), r"^learning rate eta must be a positive number, got -1.0$"),
        (
            lambda: optimizers.get(SGD(0.1), eta=0.2),
            "^give eta and options either to the optimiser or to fit, not both$",
        ),
    ],
)
def test_bad_hyperparameters_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_zero_momentum_is_plain_gradient_descent():
    assert trajectory(Momentum(0.1, mu=0.0)) == pytest.approx(trajectory(SGD(0.1)), rel=1e-15)
    assert trajectory(AverageMomentum(0.1, beta=0.0)) == pytest.approx(
        trajectory(SGD(0.1)), rel=1e-15
    )
