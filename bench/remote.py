"""Run a reference trainer in a child process with its own thread count.

Some libraries fix their thread pools when they start (XLA reads its flags at import), so a
trainer that must run at 1 and at 2 threads in one benchmark gets a process per thread
count, confined to that many cores. The parent still takes turns with the other trainers:
each epoch is one request to the child, which times it and answers with the seconds.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from bench.references import Case


def _serve(conn: Connection, name: str, case: Case, threads: int) -> None:
    """The child: confine itself to ``threads`` cores, build the trainer, answer requests."""
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:threads]))
    if threads == 1:
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false"
    from bench.jax_reference import JaxTrainer

    trainer = {"jax": JaxTrainer}[name](case)
    while (request := conn.recv()) is not None:
        method, args = request
        try:
            conn.send((True, getattr(trainer, method)(*args)))
        except Exception as err:  # reported in the parent
            conn.send((False, repr(err)))


class RemoteTrainer:
    """A trainer named ``name`` living in a child process that uses ``threads`` cores."""

    def __init__(self, name: str, case: Case, threads: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, name, case, threads))
        self.process.start()

    def _call(self, method: str, *args: Any) -> Any:
        self.conn.send((method, args))
        ok, value = self.conn.recv()
        if not ok:
            raise RuntimeError(f"the child trainer failed: {value}")
        return value

    def epoch(self, X: np.ndarray, y: np.ndarray) -> float:
        return float(self._call("epoch", X, y))

    def forward(self, X: np.ndarray, batch: int) -> None:
        self._call("forward", X, batch)

    def close(self) -> None:
        self.conn.send(None)
        self.process.join(timeout=30)
