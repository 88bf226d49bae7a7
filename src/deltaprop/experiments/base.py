"""The experiment registry, the common result type, and helpers shared by the experiments."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..datasets import load_mnist_sample
from ..training import LambdaCallback
from ..utils.fileio import atomic_write


@dataclass
class Outcome:
    """What an experiment found: its numbers, whether its claim showed, and a conclusion.

    Examples
    --------
    >>> from deltaprop.experiments import Outcome
    >>> from deltaprop.experiments import run
    >>> outcome = run("gradient-check", out=None, quick=True)
    >>> outcome.name, outcome.holds
    ('gradient-check', True)
    """

    name: str
    claim: str
    holds: bool
    conclusion: str
    data: dict[str, Any]
    draw: Callable[[Any], None] = field(repr=False)
    png: Path | None = None
    json: Path | None = None


@dataclass
class Experiment:
    """A registered experiment: ``fn(quick, seed) -> Outcome``."""

    name: str
    summary: str
    fn: Callable[[bool, int], Outcome]


EXPERIMENTS: dict[str, Experiment] = {}


def experiment(name: str, summary: str) -> Callable[[Callable[[bool, int], Outcome]], Callable]:
    """Register ``fn`` under ``name``."""

    def register(fn: Callable[[bool, int], Outcome]) -> Callable[[bool, int], Outcome]:
        EXPERIMENTS[name] = Experiment(name, summary, fn)
        return fn

    return register


def run(
    name: str, out: str | Path | None = "lab", *, quick: bool = False, seed: int = 0
) -> Outcome:
    """Run experiment ``name``; write ``NAME.png`` and ``NAME.json`` into ``out`` (None: don't).

    Parameters
    ----------
    name : str
        One of :data:`EXPERIMENTS` (``deltaprop experiment list``).
    out : str, Path or None, default "lab"
        Folder for ``NAME.png`` and ``NAME.json``; None writes nothing.
    quick : bool, default False
        A run of seconds, on less data, that still shows the claim.
    seed : int, default 0
        Seed of every network and split the experiment makes.

    Returns
    -------
    Outcome
        The numbers, whether the claim held, and the one-line conclusion.

    Examples
    --------
    >>> from deltaprop.experiments import run
    >>> outcome = run("learning-slowdown", out=None, quick=True)
    >>> outcome.holds, outcome.claim.startswith("with quadratic cost")
    (True, True)
    """
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)}")
    outcome = EXPERIMENTS[name].fn(quick, seed)
    if out is not None:
        out = Path(out)
        outcome.png, outcome.json = out / f"{name}.png", out / f"{name}.json"
        record = {
            "name": name,
            "claim": outcome.claim,
            "holds": outcome.holds,
            "conclusion": outcome.conclusion,
            "quick": quick,
            "seed": seed,
            "data": outcome.data,
        }
        with atomic_write(outcome.json) as handle:
            handle.write(json.dumps(_plain(record), indent=1).encode())
        figure(outcome.draw, outcome.png, f"{name}: {outcome.claim}")
    return outcome


def _plain(value: Any) -> Any:
    """JSON-ready copy: arrays to lists, NumPy scalars to Python numbers, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def figure(draw: Callable[[Any], None], path: Path, title: str) -> None:
    """Draw onto a fresh matplotlib Figure (Agg) and save it as a PNG, atomically."""
    from ..files.plots import new_figure, save_png

    fig = new_figure(11, 4.2)
    draw(fig)
    fig.suptitle(title, fontsize=10)
    save_png(fig, path)


def digits(
    quick: bool, seed: int, n_train: int = 8000, n_test: int = 2000
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The bundled digits: 1,000 / 500 in quick mode, else ``n_train`` / ``n_test``."""
    return load_mnist_sample(1000 if quick else n_train, 500 if quick else n_test, seed=seed)


def percent(ax: Any) -> None:
    """Label a y axis of fractions as percentages."""
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))


def integer_epochs(ax: Any) -> None:
    """Only whole epochs on the x axis."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def curve(values: list[float | None]) -> list[float]:
    """A History column as plain floats (every entry is recorded in these experiments)."""
    return [float("nan") if v is None else float(v) for v in values]


def plot_curves(
    ax: Any, x: Any, curves: dict[str, list[float]], xlabel: str, ylabel: str = "test accuracy"
) -> None:
    """One line per curve against ``x``, percentages on the y axis, a grid and a legend."""
    for label, values in curves.items():
        ax.plot(x, values, "-o", ms=3, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    percent(ax)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def every_epoch(action: Callable[[Any, Any], object]) -> LambdaCallback:
    """A callback that runs ``action(network, history)`` after every epoch."""
    return LambdaCallback(on_epoch_end=lambda event: action(event.network, event.history))
