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
    """Learning curves (:meth:`History.plot`) as a PNG."""
    _save(history.plot(title), path)


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
