"""Measuring throughput: thread counts, the matrix-product peak, interleaved rounds."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from bench.references import TRAINERS, Case, available
from bench.remote import RemoteTrainer


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run with ``n`` BLAS threads (NumPy, via threadpoolctl) and ``n`` torch threads."""
    from threadpoolctl import threadpool_limits

    if available("torch"):
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(n)
    with threadpool_limits(n):
        yield
    if available("torch"):
        torch.set_num_threads(before)


def matmul_peak(size: int = 2048, repeats: int = 3) -> float:
    """GFLOP/s of a float32 size³ matrix product, the best of a few."""
    rng = np.random.default_rng(0)
    a, b = rng.random((size, size), np.float32), rng.random((size, size), np.float32)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


SETTLE = 0.25
"""Seconds of rest before each timed run: thread pools of the previous trainer (OpenBLAS's,
OpenMP's, XLA's, another process's) spin a while after their work and would otherwise take
a core from the next one."""

# The cases whose 2-thread run is compared with deltaprop's own 1-thread run (scaling).
SCALING = (
    "784-100-10 sigmoid, batch 128, SGD",
    "LeNet-style CNN, batch 64, momentum",
    "784-100-10 sigmoid, inference, batch 1000",
    "LeNet-style CNN, inference, batch 1000",
)


def references(case: Case, n_threads: int, quick: bool, train: bool) -> list[str]:
    """The references a case is compared with in this run (installed or not)."""
    names = list(case.references)
    if n_threads > 1 and case.name in SCALING:
        names.insert(0, "deltaprop, 1 thread")
    if quick:  # compiling takes longer than the whole smoke test
        names = [r for r in names if r not in ("torch.compile", "jax")]
    if not train:
        names = [r for r in names if r not in ("sklearn", "per-example")]
    return names


def make_trainer(name: str, case: Case, n_threads: int) -> Any:
    """A trainer for ``name``; JAX runs in a child process that uses ``n_threads`` cores."""
    if name == "jax":
        return RemoteTrainer("jax", case, n_threads)
    return TRAINERS[name](case)


def measure(
    case: Case,
    X: np.ndarray,
    y: np.ndarray,
    n: int,
    repeats: int,
    names: list[str],
    n_threads: int,
    train: bool = True,
) -> dict[str, list[float]]:
    """Images/s of deltaprop and each reference in ``names``, taking turns, ``repeats`` rounds."""
    names = ["deltaprop", *names]
    trainers = {name: make_trainer(name, case, n_threads) for name in names}
    counts = {
        name: (max(case.batch * 5, n // 10) if name == "per-example" else n) for name in names
    }
    warm = case.batch * 5 + n % case.batch  # every batch shape the rounds will see
    try:
        for trainer in trainers.values():  # warm-up: first calls allocate, load and compile
            if train:
                trainer.epoch(X[:warm], y[:warm])
            else:
                trainer.forward(X[: case.batch], case.batch)
        result: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(repeats):
            for name, trainer in trainers.items():
                time.sleep(SETTLE)
                k = counts[name]
                if train:
                    seconds = trainer.epoch(X[:k], y[:k])
                else:
                    seconds = _timed(lambda t=trainer, k=k: t.forward(X[:k], case.batch))
                result[name].append(k / seconds)
    finally:
        for trainer in trainers.values():
            if isinstance(trainer, RemoteTrainer):
                trainer.close()
    return result


def ratio_text(ours: list[float], theirs: list[float]) -> str:
    """Median and range of the per-round ratios ours/theirs."""
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    med = statistics.median(ratios)
    return f"**{med:.2f}x** ({min(ratios):.2f}-{max(ratios):.2f})"
