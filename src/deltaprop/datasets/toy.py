"""Two-dimensional toy data sets for the playground: xor, circles, two spirals, two gaussians.

Each generator returns points in the square [-1, 1]² and labels 0 or 1, seeded, so a
decision boundary can be drawn over the whole plane. ``noise`` is the standard deviation
of the Gaussian jitter, as a fraction of the square's half-width.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..utils.registry import Registry

Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

MAX_POINTS = 100_000


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 where the two coordinates have opposite signs (quadrants 2 and 4)."""
    y = (np.arange(n) % 2).astype(np.int64)
    first = rng.choice([-1.0, 1.0], n)
    signs = np.column_stack([first, np.where(y == 1, -first, first)])
    x = signs * rng.uniform(0.05, 1.0, (n, 2))  # a small gap along the axes, as usually drawn
    return x + noise * rng.standard_normal((n, 2)), y


def _circles(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside a circle of radius 0.4, class 0 in a ring from 0.6 to 0.9."""
    y = (np.arange(n) % 2).astype(np.int64)
    radius = np.where(y == 1, rng.uniform(0, 0.4, n), rng.uniform(0.6, 0.9, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def _spirals(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals of 1.75 turns, one per class."""
    y = (np.arange(n) % 2).astype(np.int64)
    t = rng.uniform(0, 1, n)
    angle = 3.5 * np.pi * t + np.pi * y
    radius = 0.9 * t
    x = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def _gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two round clouds centred at (-0.4, -0.4) and (0.4, 0.4), spread 0.15 + noise."""
    y = (np.arange(n) % 2).astype(np.int64)
    centre = np.where(y[:, None] == 1, 0.4, -0.4)
    return centre + (0.15 + noise) * rng.standard_normal((n, 2)), y


TOY: Registry[Generator] = Registry(
    "toy data set",
    {"xor": _xor, "circles": _circles, "spirals": _spirals, "gaussians": _gaussians},
    {"two_spirals": "spirals", "two_gaussians": "gaussians", "circle": "circles"},
)


def toy(
    name: str,
    n: int = 500,
    *,
    noise: float = 0.0,
    test_fraction: float = 0.5,
    seed: int = 0,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return ``((X, y), (X_test, y_test))``: ``n`` points of the named 2-D set, split.

    Points are float64 rows (x₁, x₂), labels 0/1 in equal numbers, clipped to [-1, 1]².
    ``test_fraction`` of the points (rounded) are held out for testing.

    Parameters
    ----------
    name : {"xor", "circles", "spirals", "gaussians"}
        The data set.
    n : int, default 500
        Number of points in all.
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to the points.
    test_fraction : float, default 0.5
        Share of the points held out for testing.
    seed : int, default 0
        Seed of the points and the noise.

    Examples
    --------
    >>> (X, y), (Xt, yt) = toy("xor", 100, test_fraction=0.2)
    >>> X.shape, Xt.shape, sorted(set(y.tolist()))
    ((80, 2), (20, 2), [0, 1])
    """
    generate = TOY[name]
    if not 2 <= int(n) <= MAX_POINTS or int(n) != n:
        raise ValueError(f"n must be a whole number from 2 to {MAX_POINTS:,}, got {n!r}")
    if not (np.isfinite(noise) and 0 <= noise <= 1):
        raise ValueError(f"noise must be between 0 and 1, got {noise!r}")
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    X, y = generate(int(n), float(noise), rng)
    X = np.clip(X, -1.0, 1.0)
    order = rng.permutation(int(n))
    X, y = X[order], y[order]
    n_test = round(n * test_fraction)
    return (X[n_test:], y[n_test:]), (X[:n_test], y[:n_test])
