"""Shared fixtures and helpers."""

from __future__ import annotations

import numpy as np
import pytest

from deltaprop import gradcheck

TOL = 1e-6  # the bound on the relative error of a float64 gradient check


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def assert_gradcheck_passes_and_catches_errors(net, X, y, *, lmbda=0.0, seed=0):
    """Backprop must match central differences, and a slightly wrong gradient must not.

    The negative control perturbs one entry of one gradient array (chosen by ``seed``) by
    1e-4 of that array's norm (plus 1e-6, for an all-zero gradient) and requires the checker
    to report it: proof that the check above could have failed.
    """
    result = gradcheck(net, X, y, lmbda=lmbda, max_entries=None)
    assert result.passed, f"\n{result}"
    assert result.max_error < TOL

    names = [name for name, _, _ in net.named_parameters()]
    target = names[np.random.default_rng(seed).integers(len(names))]
    correct_backprop = net.backprop

    def wrong_backprop(*args, **kwargs):
        grads = dict(correct_backprop(*args, **kwargs))
        g = grads[target].copy()
        g.flat[0] += 1e-4 * np.linalg.norm(g) + 1e-6
        grads[target] = g
        return grads

    net.backprop = wrong_backprop
    try:
        bad = gradcheck(net, X, y, lmbda=lmbda, max_entries=None)
    finally:
        del net.backprop
    assert not bad.passed, f"a wrong gradient for {target} went unnoticed:\n{bad}"
    assert bad.errors[target] >= TOL
    return result
