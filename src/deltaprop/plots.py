"""Figures drawn from a History or from evaluation results (matplotlib, no display needed).

Uses matplotlib's object API with the Agg canvas, so nothing depends on a GUI backend.
Install with ``pip install "deltaprop[plot]"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .fileio import atomic_write

if TYPE_CHECKING:
    from .training import History


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError('plots need matplotlib: pip install "deltaprop[plot]"') from None
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | Path) -> None:
    with atomic_write(path) as handle:
        fig.savefig(handle, format="png", dpi=110)


def plot_history(history: History, path: str | Path, title: str = "") -> None:
    """Learning curves: cost and accuracy against epoch, training vs validation, as a PNG."""
    fig = _figure(10, 4)
    axes = fig.subplots(1, 2)
    for ax, metric, label in ((axes[0], "cost", "cost"), (axes[1], "accuracy", "accuracy")):
        for split, style in (("train", "-o"), ("val", "-s")):
            values = getattr(history, f"{split}_{metric}")
            points = [(e, v) for e, v in zip(history.epoch, values, strict=True) if v is not None]
            if points:
                epochs, ys = zip(*points, strict=True)
                name = "training" if split == "train" else "validation"
                ax.plot(epochs, ys, style, markersize=3, label=name)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(_integer_ticks())
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    axes[1].yaxis.set_major_formatter(_percent())
    if title:
        fig.suptitle(title)
    _save(fig, path)


def _integer_ticks() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0)


def plot_confusion(
    matrix: np.ndarray, classes: Sequence[str], path: str | Path, title: str = ""
) -> None:
    """A confusion matrix (rows: true class, columns: predicted) with counts, as a PNG."""
    n = len(classes)
    fig = _figure(1.2 + 0.55 * n, 1.0 + 0.5 * n)
    ax = fig.subplots()
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(n), classes, rotation=45 if max(map(len, classes)) > 2 else 0, ha="right")
    ax.set_yticks(range(n), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if matrix[i, j] > threshold else "black",
            )
    fig.colorbar(image, ax=ax, shrink=0.8)
    if title:
        ax.set_title(title)
    _save(fig, path)
