"""Training beside the server: ``fit`` in a thread, driven by the page through a callback.

:class:`Controls` is an ordinary training callback: before each epoch it waits until the
page plays or steps, and it ends the run when the page resets or goes away. The server's
event loop never waits for training.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core.network import Network
from ..training import Callback, TrainingEvent

T = TypeVar("T")
Publish = Callable[[dict[str, Any]], None]
"""Sends one message to the page (safe to call from any thread)."""


class Turns:
    """Turns on the CPU for the studio's training threads: as many at once as there are cores.

    Thirty tabs training at once would otherwise be thirty threads wanting Python's GIL
    beside the server's event loop, which then waits in line behind all of them for every
    answer (a page load took seconds). With turns, at most one thread per core computes;
    the others wait on a semaphore, outside the GIL's queue. A thread gives its turn back
    between batches, while it sleeps or waits for the page, and when it ends.
    """

    def __init__(self, cores: int | None = None) -> None:
        self._free = threading.Semaphore(max(1, cores or os.cpu_count() or 1))
        self._holding = threading.local()

    def take(self, timeout: float | None = None) -> bool:
        """Wait for a turn (at most ``timeout`` s); whether this thread has one now."""
        if not getattr(self._holding, "turn", False):
            self._holding.turn = self._free.acquire(timeout=timeout)
        return bool(self._holding.turn)

    def give(self) -> None:
        """Give the turn back (a no-op for a thread that has none)."""
        if getattr(self._holding, "turn", False):
            self._holding.turn = False
            self._free.release()

    def pause(self) -> None:
        """Let a waiting thread compute, then go on."""
        self.give()
        self.take()


TURNS = Turns()
"""The turns every training thread of the studio shares."""


class Stopped(Exception):
    """Raised inside the training thread to end a run the page no longer wants."""


class Controls(Callback):
    """Play, pause, one step and stop, as a callback of the training loop."""

    def __init__(self, playing: bool = False) -> None:
        self._changed = threading.Condition()
        self._budget = -1 if playing else 0  # epochs allowed before pausing; -1: no limit
        self._stopped = False

    @property
    def playing(self) -> bool:
        """Whether epochs follow one another without waiting."""
        return self._budget != 0 and not self._stopped

    def play(self) -> None:
        self._set(-1)

    def pause(self) -> None:
        self._set(0)

    def step(self) -> None:
        """Allow exactly one more epoch, then pause."""
        self._set(1)

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def _set(self, budget: int) -> None:
        with self._changed:
            self._budget = budget
            self._changed.notify_all()

    def on_epoch_begin(self, event: TrainingEvent) -> None:
        TURNS.give()  # waiting for the page takes no turn
        with self._changed:
            self._changed.wait_for(lambda: self._stopped or self._budget != 0)
            if self._stopped:
                raise Stopped
            if self._budget > 0:
                self._budget -= 1
        TURNS.take()

    def on_batch_end(self, event: TrainingEvent) -> None:
        TURNS.pause()
        if self._stopped:  # a long epoch (a CNN) ends at the next batch
            raise Stopped


class Worker:
    """Run ``job`` in a daemon thread; ``done(error)`` is called when it ends.

    ``error`` is None after a normal end or a :class:`Stopped` run, else the exception's
    message (a diverging run's DivergenceError says what to change).
    """

    def __init__(self, job: Callable[[], object], done: Callable[[str | None], None]) -> None:
        self._job, self._done = job, done
        self._thread = threading.Thread(target=self._main, daemon=True)

    def start(self) -> Worker:
        self._thread.start()
        return self

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def join(self, timeout: float = 10.0) -> None:
        if self._thread.ident is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _main(self) -> None:
        try:
            self._job()
        except Stopped:
            self._done(None)
        except Exception as err:  # reported to the page, which shows the message
            self._done(f"{type(err).__name__}: {err}")
        else:
            self._done(None)
        finally:
            TURNS.give()


@dataclass
class Snapshot:
    """A copy of a network between two training steps, with its epochs and History as CSV."""

    network: Network
    epochs: int = 0
    history_csv: str = ""


class Latest:
    """The newest :class:`Snapshot` of a network trained in another thread.

    The page reads (and probes, which runs forward passes) only these copies, never the
    network being trained.
    """

    def __init__(self, network: Network) -> None:
        self._lock = threading.Lock()
        self._snapshot = Snapshot(copy.deepcopy(network))

    def update(self, network: Network, epochs: int, history_csv: str) -> None:
        """Copy ``network`` now (called from the training thread, between steps)."""
        snapshot = Snapshot(copy.deepcopy(network), epochs, history_csv)
        with self._lock:
            self._snapshot = snapshot

    @property
    def current(self) -> Snapshot:
        """The newest snapshot, for its epochs and history (never for running its network)."""
        return self._snapshot  # replaced whole, never changed: reading it needs no lock

    def read(self, use: Callable[[Snapshot], T]) -> T:
        """``use(snapshot)`` with the snapshot held, so no other reader runs its network at once.

        It may wait for another reader: call it from a worker thread, never the event loop.
        """
        with self._lock:
            return use(self._snapshot)
