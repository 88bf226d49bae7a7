"""Figures drawn from a History or from evaluation results (matplotlib, no display needed).

Uses matplotlib's object API with the Agg canvas, so nothing depends on a GUI backend.
Install with ``pip install "deltaprop[plot]"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..utils.fileio import atomic_write

if TYPE_CHECKING:
    from ..training import History


def new_figure(width: float, height: float) -> Any:
    """A matplotlib Figure of that size in inches, drawn off screen (Agg), laid out tight."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError('plots need matplotlib: pip install "deltaprop[plot]"') from None
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_png(fig: Any, path: str | Path) -> None:
    """Write ``fig`` as a PNG at ``path``, whole or not at all."""
    with atomic_write(path) as handle:
        fig.savefig(handle, format="png", dpi=110)


def plot_history(history: History, path: str | Path, title: str = "") -> None:
    """Learning curves (:meth:`History.plot`) as a PNG."""
    save_png(history.plot(title), path)


def plot_confusion(
    matrix: np.ndarray, classes: Sequence[str], path: str | Path, title: str = ""
) -> None:
    """A confusion matrix (rows: true class, columns: predicted) with counts, as a PNG."""
    n = len(classes)
    fig = new_figure(1.2 + 0.55 * n, 1.0 + 0.5 * n)
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
    save_png(fig, path)


def plot_sweep(records: Sequence[dict[str, Any]], swept: Sequence[str], path: str | Path) -> None:
    """Validation accuracy against the swept values, as a PNG.

    A line for one parameter, a heatmap for two, parallel coordinates for more (each axis
    in the sweep's order of values).
    """
    ok = [r for r in records if r["status"] == "ok" and r.get("val_accuracy") is not None]
    values = {name: list(dict.fromkeys(str(r[name]) for r in records)) for name in swept}
    fig = new_figure(4 + 1.6 * max(len(swept) - 1, 1), 4)
    ax = fig.subplots()
    if len(swept) == 1:
        name = swept[0]
        xs = [values[name].index(str(r[name])) for r in ok]
        ax.plot(xs, [r["val_accuracy"] for r in ok], "o-")
        ax.set_xticks(range(len(values[name])), values[name])
        ax.set_xlabel(name)
        ax.set_ylabel("validation accuracy")
        ax.yaxis.set_major_formatter(_percent())
    elif len(swept) == 2:
        rows, cols = (values[n] for n in swept)
        grid = np.full((len(rows), len(cols)), np.nan)
        for r in ok:  # the best over any other differences
            i, j = rows.index(str(r[swept[0]])), cols.index(str(r[swept[1]]))
            grid[i, j] = np.fmax(grid[i, j], r["val_accuracy"])
        image = ax.imshow(grid, cmap="viridis")
        lo, hi = np.nanmin(grid), np.nanmax(grid)
        for (i, j), v in np.ndenumerate(grid):
            if np.isfinite(v):  # dark text on the light end of the colour map
                colour = "k" if (v - lo) > 0.6 * (hi - lo) else "w"
                ax.text(j, i, f"{v:.1%}", ha="center", va="center", color=colour, fontsize=8)
        ax.set_xticks(range(len(cols)), cols)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xlabel(swept[1])
        ax.set_ylabel(swept[0])
        fig.colorbar(image, ax=ax, label="validation accuracy", format=_percent())
    else:
        accuracy = np.array([r["val_accuracy"] for r in ok])
        scale = (accuracy - accuracy.min()) / (np.ptp(accuracy) or 1.0)
        colours = _colormap("viridis")
        for r, c in zip(ok, scale, strict=True):
            ys = [values[n].index(str(r[n])) / max(len(values[n]) - 1, 1) for n in swept]
            ax.plot(range(len(swept)), ys, "-o", color=colours(c), alpha=0.8, ms=3)
        ax.set_xticks(range(len(swept)), swept)
        ax.set_yticks([0, 1], ["first value", "last value"])
        ax.set_title("each line a trial; colour: validation accuracy (yellow best)", fontsize=9)
    save_png(fig, path)


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0)


def _colormap(name: str) -> Any:
    from matplotlib import colormaps

    return colormaps[name]
