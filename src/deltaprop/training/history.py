"""History: what happened in each epoch of a training run."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..fileio import atomic_write

COLUMNS = ("epoch", "train_cost", "train_accuracy", "val_cost", "val_accuracy", "eta", "time")
"""The per-epoch columns, in the order of :meth:`History.write_csv`."""


@dataclass
class History:
    """Per-epoch record of a training run (epochs count from 1).

    Costs are the cost C of :meth:`deltaprop.Network.cost` (with the L2 term when training
    uses one, n the training-set size). Accuracies are ``None`` for real-valued (regression)
    targets; validation entries are ``None`` without validation data; ``time`` is seconds.
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
        """Return one CSV row per epoch under a header of :data:`COLUMNS`; None is empty."""
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
