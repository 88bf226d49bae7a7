"""The lab from the page: run one experiment in a thread, report its training as it goes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ..experiments import EXPERIMENTS, run
from ..training import Callback, TrainingEvent, watching
from . import messages
from .runner import TURNS, Publish, Stopped, Worker


def catalogue() -> list[dict[str, str]]:
    """The experiments the page lists: name and one line on what each shows."""
    return [{"name": e.name, "summary": e.summary} for e in EXPERIMENTS.values()]


class LabProgress(Callback):
    """Counts the training runs and epochs of an experiment, reported a few times a second."""

    def __init__(self, job: LabJob, interval: float) -> None:
        self.job, self.interval = job, interval
        self.runs = 0
        self._last = 0.0

    def on_train_begin(self, event: TrainingEvent) -> None:
        self.runs += 1

    def on_batch_end(self, event: TrainingEvent) -> None:
        if self.job.cancelled:
            raise Stopped
        TURNS.pause()  # an experiment computes in turns, like every training thread
        if time.perf_counter() - self._last >= self.interval:
            self._last = time.perf_counter()
            self.job.report(self.runs, event)


class LabJob:
    """One experiment running for one page; its figure is written into ``folder``."""

    def __init__(
        self, name: str, quick: bool, folder: Path, publish: Publish, *, interval: float = 0.25
    ) -> None:
        self.name, self.quick, self.folder, self.publish = name, quick, folder, publish
        self.cancelled = False
        self._progress = LabProgress(self, interval)
        self._started = time.perf_counter()
        self.worker = Worker(self._run, self._finished)

    @property
    def figure(self) -> Path:
        return self.folder / f"{self.name}.png"

    def start(self) -> None:
        self.publish({"type": messages.LAB_STARTED, "name": self.name, "quick": self.quick})
        self.worker.start()

    def stop(self) -> None:
        self.cancelled = True
        self.worker.join()

    def report(self, runs: int, event: TrainingEvent) -> None:
        self.publish(
            {
                "type": messages.LAB_PROGRESS,
                "name": self.name,
                "runs": runs,
                "epoch": event.epoch,
                "epochs": event.epochs,
                "batch": event.batch,
                "batches": event.batches,
                "elapsed": round(time.perf_counter() - self._started, 1),
            }
        )

    def _run(self) -> None:
        with watching(self._progress):
            outcome = run(self.name, self.folder, quick=self.quick)
        result: dict[str, Any] = {
            "type": messages.LAB_DONE,
            "name": self.name,
            "claim": outcome.claim,
            "holds": outcome.holds,
            "conclusion": outcome.conclusion,
            "elapsed": round(time.perf_counter() - self._started, 1),
        }
        self.publish(result)

    def _finished(self, error: str | None) -> None:
        if error is not None:
            self.publish({"type": messages.LAB_FAILED, "name": self.name, "error": error})
