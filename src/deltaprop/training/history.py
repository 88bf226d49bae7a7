"""History: what happened in each epoch of a training run."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..utils.fileio import atomic_write
from ..utils.jupyter import svg_curves, table

COLUMNS = ("epoch", "train_cost", "train_accuracy", "val_cost", "val_accuracy", "eta", "time")
"""The per-epoch columns, in the order of :meth:`History.write_csv`."""


@dataclass
class History:
    """Per-epoch record of a training run (epochs count from 1).

    Costs are the cost C of :meth:`deltaprop.Network.cost` (with the L2 term when training
    uses one, n the training-set size). Accuracies are ``None`` for real-valued (regression)
    targets; validation entries are ``None`` without validation data; ``time`` is seconds.

    Examples
    --------
    >>> import numpy as np
    >>> from deltaprop import History
    >>> from deltaprop import Network
    >>> X, y = np.random.default_rng(0).random((20, 4)), np.arange(20) % 2
    >>> history = Network.from_sizes([4, 3, 2]).fit(X, y, epochs=2, validation_data=(X, y))
    >>> history.epoch, len(history.val_accuracy)
    ([1, 2], 2)
    >>> history.to_csv().splitlines()[0].split(",")[:3]
    ['epoch', 'train_cost', 'train_accuracy']
    """

    epoch: list[int] = field(default_factory=list)
    train_cost: list[float | None] = field(default_factory=list)
    train_accuracy: list[float | None] = field(default_factory=list)
    val_cost: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    eta: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    stop_reason: str = ""

    def __len__(self) -> int:
        return len(self.epoch)

    def append(self, logs: dict[str, Any]) -> None:
        """Record one epoch from its figures (keys: the fields above, ``stop_reason`` aside)."""
        for name in (
            "epoch",
            "train_cost",
            "train_accuracy",
            "val_cost",
            "val_accuracy",
            "eta",
            "time",
        ):
            getattr(self, name).append(logs.get(name))

    def as_dict(self) -> dict[str, Any]:
        """Return the history as plain lists (JSON-ready)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """Rebuild a History from :meth:`as_dict`'s output (unknown keys are an error)."""
        names = {f.name for f in fields(cls)}
        if not isinstance(data, dict) or set(data) - names:
            raise ValueError(f"not a History record: {data!r:.200}")
        return cls(**data)

    def write_json(self, path: str | Path) -> None:
        """Write the history as JSON (atomically)."""
        with atomic_write(path) as handle:
            handle.write(json.dumps(self.as_dict(), indent=1).encode())

    def to_csv(self) -> str:
        """Return one CSV row per epoch under a header of ``COLUMNS``; None is empty."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in zip(*(getattr(self, c) for c in COLUMNS), strict=True):
            writer.writerow(["" if v is None else v for v in row])
        return text.getvalue()

    def write_csv(self, path: str | Path) -> None:
        """Write :meth:`to_csv` to ``path`` (atomically)."""
        with atomic_write(path) as handle:
            handle.write(self.to_csv().encode())

    def plot(self, title: str = "") -> Any:
        """Learning curves: cost and accuracy against epoch, training vs validation.

        Returns a matplotlib ``Figure`` (Agg canvas: no display needed), with one axis for
        the cost and one for the accuracy.
        """
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
            from matplotlib.ticker import MaxNLocator, PercentFormatter
        except ImportError:
            raise ImportError('plots need matplotlib: pip install "deltaprop[plot]"') from None
        fig = Figure(figsize=(10, 4), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 2)
        for ax, metric in ((axes[0], "cost"), (axes[1], "accuracy")):
            for split, style in (("train", "-o"), ("val", "-s")):
                values = getattr(self, f"{split}_{metric}")
                points = [(e, v) for e, v in zip(self.epoch, values, strict=True) if v is not None]
                if points:
                    epochs, ys = zip(*points, strict=True)
                    name = "training" if split == "train" else "validation"
                    ax.plot(epochs, ys, style, markersize=3, label=name)
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(metric)
            ax.grid(alpha=0.3)
            if ax.lines:
                ax.legend()
        axes[1].yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
        if title:
            fig.suptitle(title)
        return fig

    def _repr_html_(self) -> str:
        """Jupyter's view: the learning curves as a small picture, then the epochs' table."""
        shown = [c for c in COLUMNS if any(v is not None for v in getattr(self, c))]
        rows = [[_cell(getattr(self, c)[i]) for c in shown] for i in range(len(self))]
        if len(rows) > 40:  # the first and last epochs of a long run
            rows = [*rows[:20], ["…"] * len(shown), *rows[-20:]]
        curves = svg_curves(
            {"training cost": self.train_cost, "validation cost": self.val_cost}, "cost"
        ) + svg_curves(
            {"training": self.train_accuracy, "validation": self.val_accuracy}, "accuracy"
        )
        stop = f"<p>{html.escape(self.stop_reason)}</p>" if self.stop_reason else ""
        caption = f"History: {len(self)} epochs"
        return f"<div>{curves}{stop}{table(shown, rows, caption)}</div>"


def _cell(value: Any) -> Any:
    """A History value as a table shows it."""
    if isinstance(value, float):
        return float(f"{value:.4g}")
    return "" if value is None else value
